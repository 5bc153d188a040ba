// The customer portal through a started server: sign-in by e-mailed link (same answer for any
// address, single use even under a race, expiry, limits, never for staff), requests in plain
// words, new requests with files, ratings, and every boundary a customer might try to cross.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { formatWhen } from '../../../core/portal/plain-state.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCustomer,
  makeCustomerWithAgreement,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let agent: string;
const previousTrustProxy = process.env.STEWARD_TRUST_PROXY;
beforeAll(async () => {
  // Each test speaks from its own client address (X-Forwarded-For), so per-IP limits stay apart.
  process.env.STEWARD_TRUST_PROXY = '1';
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(async () => {
  if (previousTrustProxy === undefined) delete process.env.STEWARD_TRUST_PROXY;
  else process.env.STEWARD_TRUST_PROXY = previousTrustProxy;
  await t?.close();
});

let ipCounter = 0;
const newIp = () => `198.51.100.${++ipCounter}`;

const askLink = (email: string, ip: string) =>
  t.request('POST', '/api/v1/auth/magic-link', { body: { email }, headers: { 'x-forwarded-for': ip } });
const verify = (token: string, ip = newIp(), userAgent = 'node') =>
  t.request('POST', '/api/v1/auth/magic-link/verify', {
    body: { token },
    headers: { 'x-forwarded-for': ip, 'user-agent': userAgent },
  });

/** The sign-in mails held in the outbox for an address (no SMTP in tests: the demo mode). */
async function linkMails(email: string) {
  return rows<{ subject: string; text_body: string; status: string }>(
    t.db,
    sql`select subject, text_body, status from mail_messages
      where direction = 'out' and ${email.toLowerCase()} = any(to_addresses) order by created_at`,
  );
}
const tokenIn = (text: string) => decodeURIComponent(/\/login\/magic#token=([^\s]+)/.exec(text)![1]!);

describe('sign-in by e-mailed link', () => {
  it('writes the sign-in mail in the customer’s language', async () => {
    const customer = await makeCustomer(t.db, { name: 'Lucía Gómez', language: 'es' });
    expect((await askLink(customer.email!, newIp())).status).toBe(202);
    const [mail] = await linkMails(customer.email!);
    expect(mail!.subject).toBe('Su enlace de acceso');
    expect(mail!.text_body.split('\n').slice(0, 3)).toEqual([
      'Hola, Lucía Gómez:',
      '',
      'Abra este enlace para acceder y ver sus solicitudes:',
    ]);
    expect(mail!.text_body).toContain('El enlace sirve una sola vez, durante 15 minutos.');
    expect(tokenIn(mail!.text_body)).toMatch(/^ml_/);
  });

  it('a known customer gets a single-use link and a portal login; an unknown address the same answer and nothing', async () => {
    const customer = await makeCustomer(t.db, { name: 'Lena Berg' });
    const ip = newIp();
    const known = await askLink(customer.email!.toUpperCase(), ip);
    const unknown = await askLink(`nobody-${unique()}@example.com`, ip);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(known.body.message).toMatch(/^If this address belongs to a customer account/);

    const mails = await linkMails(customer.email!);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.status).toBe('held');
    expect(mails[0]!.subject).toBe('Your sign-in link');
    expect(mails[0]!.text_body).toContain('Hello Lena Berg,');
    expect(mails[0]!.text_body).toMatch(/http:\/\/[^/]+\/login\/magic#token=ml_/);
    const token = tokenIn(mails[0]!.text_body);

    // The login exists now, without a password; only the token's hash is stored.
    const [user] = await rows<{ role: string; password_hash: string | null; customer_id: string }>(
      t.db,
      sql`select role, password_hash, customer_id from users where lower(email) = ${customer.email}`,
    );
    expect(user).toEqual({ role: 'customer', password_hash: null, customer_id: customer.id });
    const stored = await rows<{ token_hash: string }>(
      t.db,
      sql`select token_hash from magic_links ml join users u on u.id = ml.user_id where u.customer_id = ${customer.id}`,
    );
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);

    const firefox = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
    const signedIn = await verify(token, '198.51.100.200', firefox);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ role: 'customer', customerId: customer.id });
    // Used from where it signed in: the session knows that place, as a password sign-in does.
    const from = {
      token: signedIn.body.token,
      headers: { 'x-forwarded-for': '198.51.100.200', 'user-agent': firefox },
    };
    const me = await t.request('GET', '/api/v1/auth/me', from);
    expect(me.body).toMatchObject({ role: 'customer', customerId: customer.id, email: customer.email });
    const sessions = await t.request('GET', '/api/v1/auth/sessions', from);
    expect(sessions.body.items).toMatchObject([
      { device: 'Firefox 121 on Linux', ip: '198.51.100.200', userAgent: firefox, current: true },
    ]);

    const again = await verify(token);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('link_used');
    const made = await verify('ml_this-token-was-never-handed-out');
    expect(made.status).toBe(400);
    expect(made.body.error.code).toBe('link_invalid');

    // A second link for the same person reuses their login.
    await askLink(customer.email!, ip);
    const [{ n }] = (await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from users where customer_id = ${customer.id}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('a link expires after 15 minutes', async () => {
    const customer = await makeCustomer(t.db);
    await askLink(customer.email!, newIp());
    const token = tokenIn((await linkMails(customer.email!))[0]!.text_body);
    const [link] = await rows<{ minutes: number }>(
      t.db,
      sql`select round(extract(epoch from expires_at - created_at) / 60)::int as minutes from magic_links
        where token_hash = ${createHash('sha256').update(token).digest('hex')}`,
    );
    expect(link!.minutes).toBe(15);
    await t.db.execute(sql`update magic_links set expires_at = now() - interval '1 second'
      where token_hash = ${createHash('sha256').update(token).digest('hex')}`);
    const res = await verify(token);
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('link_expired');
  });

  it('staff, disabled logins and deleted customers get no link (and the same answer)', async () => {
    const { user: staff } = await makeUser(t.db, 'agent');
    // A customer record that happens to share the agent's address.
    await makeCustomer(t.db, { email: staff.email });
    const disabled = await makeUser(t.db, 'customer');
    await t.db.execute(sql`update users set active = false where id = ${disabled.user.id}`);
    const gone = await makeCustomer(t.db);
    await t.db.execute(sql`update customers set deleted_at = now() where id = ${gone.id}`);
    const ip = newIp();
    for (const email of [staff.email, disabled.user.email, gone.email!]) {
      const res = await askLink(email, ip);
      expect(res.status).toBe(202);
      expect(await linkMails(email)).toEqual([]);
    }
  });

  it('a link whose customer was deleted meanwhile signs nobody in', async () => {
    const customer = await makeCustomer(t.db);
    await askLink(customer.email!, newIp());
    const token = tokenIn((await linkMails(customer.email!))[0]!.text_body);
    await t.del(`/api/v1/customers/${customer.id}`, (await makeUser(t.db, 'admin')).token);
    const res = await verify(token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('account_disabled');
    expect((await verify(token)).body.error.code).toBe('link_used');
  });

  it('is limited per address and per client address, known or not', async () => {
    const address = `someone-${unique()}@example.com`;
    for (let i = 0; i < 3; i++) expect((await askLink(address, newIp())).status).toBe(202);
    const limited = await askLink(address, newIp());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const ip = newIp();
    for (let i = 0; i < 10; i++)
      expect((await askLink(`x${i}-${unique()}@example.com`, ip)).status).toBe(202);
    expect((await askLink(`y-${unique()}@example.com`, ip)).status).toBe(429);
  });

  it('two requests racing with one link: exactly one signs in', async () => {
    for (let round = 0; round < 3; round++) {
      const customer = await makeCustomer(t.db);
      await askLink(customer.email!, newIp());
      const token = tokenIn((await linkMails(customer.email!))[0]!.text_body);
      const both = await Promise.all([verify(token), verify(token)]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 410]);
      const sessions = await rows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from auth_tokens a join users u on u.id = a.user_id
          where u.customer_id = ${customer.id}`,
      );
      expect(sessions[0]!.n).toBe(1);
    }
  });

  it('malformed requests are refused with the field named', async () => {
    const res = await t.request('POST', '/api/v1/auth/magic-link', {
      body: { email: 'a@b.example', extra: 1 },
      headers: { 'x-forwarded-for': newIp() },
    });
    expect(res.status).toBe(400);
  });
});

// ---- the portal ------------------------------------------------------------------------------

const PORTAL_FIELDS = [
  'channel',
  'closedAt',
  'createdAt',
  'customer',
  'id',
  'mine',
  'number',
  'plainState',
  'rating',
  'solvedAt',
  'status',
  'subject',
  'timeZone',
  'updatedAt',
];

async function customerLogin(opts: { organizationId?: string; organizationAccess?: boolean } = {}) {
  const customer = await makeCustomer(t.db, opts);
  const { token, user } = await makeUser(t.db, 'customer', { customerId: customer.id });
  return { customer, token, user };
}

const openAs = (
  token: string,
  subject = 'My parcel',
  message = 'It has not arrived.',
  files: unknown[] = [],
) => t.post('/api/v1/portal/cases', { subject, message, files }, token);

const reply = (caseId: string, body: Record<string, unknown>, token = agent) =>
  t.post(`/api/v1/cases/${caseId}/messages`, body, token);

describe('my requests, in plain words', () => {
  it('a customer without a time zone reads times in the agreement calendar’s, named, as the acknowledgement mail writes them', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db); // its calendar is Europe/Berlin
    expect(customer.timeZone).toBeNull();
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    const opened = await openAs(token, 'Where is order 2077?');
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const due = (await t.get(`/api/v1/cases/${id}`, agent)).body.promises.find(
      (p: any) => p.kind === 'first_response',
    ).dueAt as string;
    const when = `${formatWhen(new Date(due), new Date(), 'Europe/Berlin')} (Europe/Berlin)`;
    const detail = (await t.get(`/api/v1/portal/cases/${id}`, token)).body;
    expect(detail.plainState.text).toBe(`We have your request — first answer by ${when}`);
    const listed = (await t.get('/api/v1/portal/cases', token)).body.items;
    expect(listed.map((c: any) => c.plainState.text)).toEqual([
      `We have your request — first answer by ${when}`,
    ]);
    // The page shows the request's other times in the zone its state line speaks in.
    expect([detail.timeZone, listed[0].timeZone]).toEqual(['Europe/Berlin', 'Europe/Berlin']);

    // Their own zone, once known, wins.
    await t.db.execute(sql`update customers set time_zone = 'America/New_York' where id = ${customer.id}`);
    const own = (await t.get(`/api/v1/portal/cases/${id}`, token)).body.plainState.text;
    expect(own).toBe(
      `We have your request — first answer by ${formatWhen(new Date(due), new Date(), 'America/New_York')}`,
    );
    expect((await t.get(`/api/v1/portal/cases/${id}`, token)).body.timeZone).toBe('America/New_York');

    // A zone of their own that this server does not know (every write checks it, so a record kept
    // from a runtime that knew it) is passed over for the calendar's, named.
    await t.db.execute(sql`update customers set time_zone = 'Mars/Olympus_Mons' where id = ${customer.id}`);
    const unknown = (await t.get(`/api/v1/portal/cases/${id}`, token)).body;
    expect([unknown.plainState.text, unknown.timeZone]).toEqual([
      `We have your request — first answer by ${when}`,
      'Europe/Berlin',
    ]);
    const listedAgain = (await t.get('/api/v1/portal/cases', token)).body.items;
    expect(listedAgain.map((c: any) => c.timeZone)).toEqual(['Europe/Berlin']);
  });

  it('follow the case from received to solved, without internal fields', async () => {
    const { customer, agreement } = await makeCustomerWithAgreement(t.db, {
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 480 },
      ],
    });
    expect(agreement.id).toBeTruthy();
    await t.db.execute(sql`update customers set time_zone = 'UTC' where id = ${customer.id}`);
    const { token } = await makeUser(t.db, 'customer', { customerId: customer.id });
    const opened = await openAs(token, 'Where is order 1042?');
    expect(opened.status).toBe(201);
    expect(opened.body.channel).toBe('portal');
    const id = opened.body.id as string;
    expect(opened.body).toMatchObject({ mine: true, canReply: true, canRate: false, rating: null });

    const staffView = (await t.get(`/api/v1/cases/${id}`, agent)).body;
    const firstResponse = staffView.promises.find((p: any) => p.kind === 'first_response');
    let state = (await t.get(`/api/v1/portal/cases/${id}`, token)).body.plainState;
    expect(state).toMatchObject({
      code: 'received',
      waitingFor: 'us',
      nextUpdateBy: firstResponse.dueAt,
      late: false,
    });
    expect(state.text).toMatch(/^We have your request — first answer by \w{3} \d\d:\d\d UTC$/);

    // Internal notes and tags change nothing the customer sees.
    await reply(id, { body: 'Warehouse says lost', public: false });
    await t.patch(`/api/v1/cases/${id}`, { tags: ['vip-watch'] }, agent);
    const list = await t.get('/api/v1/portal/cases', token);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(PORTAL_FIELDS);
    const detail = (await t.get(`/api/v1/portal/cases/${id}`, token)).body;
    expect(Object.keys(detail).sort()).toEqual(
      [...PORTAL_FIELDS, 'canRate', 'canReply', 'mergedIntoId'].sort(),
    );
    expect(JSON.stringify(detail)).not.toContain('vip-watch');
    const conversation = (await t.get(`/api/v1/cases/${id}/messages`, token)).body.items;
    expect(conversation.map((m: any) => m.body)).toEqual(['It has not arrived.']);

    await reply(id, { body: 'Could you send a photo of the label?', public: true, status: 'pending' });
    state = (await t.get(`/api/v1/portal/cases/${id}`, token)).body.plainState;
    expect(state).toEqual({
      code: 'waiting_for_you',
      text: 'We are waiting for your reply',
      waitingFor: 'you',
      nextUpdateBy: null,
      late: false,
    });

    expect((await reply(id, { body: 'Here it is.', public: true }, token)).status).toBe(201);
    state = (await t.get(`/api/v1/portal/cases/${id}`, token)).body.plainState;
    expect(state.code).toBe('working');
    expect(state.text).toMatch(/^We are working on it — we aim to solve it by /);

    await reply(id, { body: 'A new parcel left today.', public: true, status: 'solved' });
    const solved = (await t.get(`/api/v1/portal/cases/${id}`, token)).body;
    expect(solved.plainState.text).toBe('Solved — tell us if anything is still wrong');
    expect(solved).toMatchObject({ status: 'solved', canRate: true, canReply: true });

    const open = await t.get('/api/v1/portal/cases?state=open', token);
    expect(open.body.items).toEqual([]);
    const done = await t.get('/api/v1/portal/cases?state=solved', token);
    expect(done.body.items.map((c: any) => c.id)).toEqual([id]);
  });

  it('pages through many requests, most recently updated first', async () => {
    const { token } = await customerLogin();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await openAs(token, `Request ${i}`)).body.id);
    const first = await t.get('/api/v1/portal/cases?limit=2', token);
    const second = await t.get(`/api/v1/portal/cases?limit=2&cursor=${first.body.nextCursor}`, token);
    const third = await t.get(`/api/v1/portal/cases?limit=2&cursor=${second.body.nextCursor}`, token);
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((c: any) => c.id)).toEqual(
      [...ids].reverse(),
    );
    expect(third.body.nextCursor).toBeNull();
  });

  it('a new request carries its files; a refused file refuses the request', async () => {
    const { customer, token } = await customerLogin();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const res = await openAs(token, 'Broken lamp', 'See the photo.', [
      { filename: 'lamp.png', contentType: 'image/png', data: png.toString('base64') },
      {
        filename: 'receipt.txt',
        contentType: 'text/plain',
        data: Buffer.from('Order 77').toString('base64'),
      },
    ]);
    expect(res.status).toBe(201);
    const [first] = (await t.get(`/api/v1/cases/${res.body.id}/messages`, token)).body.items;
    expect(first.attachments.map((a: any) => [a.filename, a.contentType, a.size])).toEqual([
      ['lamp.png', 'image/png', png.length],
      ['receipt.txt', 'text/plain', 8],
    ]);
    const file = await t.request('GET', first.attachments[1].url, { token });
    expect(file.status).toBe(200);
    expect(file.body).toBe('Order 77');

    const before = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cases where customer_id = ${customer.id}`,
    );
    const refused = await openAs(token, 'Tool', 'Run this', [
      {
        filename: 'fix.exe',
        contentType: 'application/octet-stream',
        data: Buffer.from('MZ').toString('base64'),
      },
    ]);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invalid_attachment');
    expect(refused.body.error.details).toEqual([
      { path: 'body.files.0', message: 'fix.exe: executable files are not accepted' },
    ]);
    const after = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cases where customer_id = ${customer.id}`,
    );
    expect(after[0]!.n).toBe(before[0]!.n);
    const six = Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.txt`, data: 'aGk=' }));
    expect((await openAs(token, 'Many', 'files', six)).status).toBe(400);
  });
});

describe('ratings', () => {
  it('only the customer who asked rates, only once solved; rating again changes it; staff read it', async () => {
    const org = await makeOrganization(t.db);
    const me = await customerLogin({ organizationId: org.id });
    const colleague = await customerLogin({ organizationId: org.id, organizationAccess: true });
    const stranger = await customerLogin();
    const id = (await openAs(me.token)).body.id as string;
    const rate = (body: unknown, token = me.token) =>
      t.request('PUT', `/api/v1/portal/cases/${id}/rating`, { body, token });

    const early = await rate({ rating: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'not_solved',
      message: 'a case can be rated once it is solved',
    });

    await reply(id, { body: 'Done.', public: true, status: 'solved' });
    const first = await rate({ rating: 4, comment: 'Quick, thanks' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ caseId: id, rating: 4, comment: 'Quick, thanks' });
    const changed = await rate({ rating: 2, comment: '' });
    expect(changed.body).toMatchObject({ rating: 2, comment: null });
    expect(changed.body.createdAt).toBe(first.body.createdAt);
    expect((await rate({ rating: 6 })).status).toBe(400);
    expect((await rate({ rating: 0 })).status).toBe(400);

    // Staff read it on the case; the customer sees it on the request.
    expect((await t.get(`/api/v1/cases/${id}/rating`, agent)).body.rating).toMatchObject({ rating: 2 });
    expect((await t.get(`/api/v1/portal/cases/${id}`, me.token)).body.rating).toMatchObject({ rating: 2 });
    // A colleague with organization access sees it but may not rate; a stranger learns nothing.
    expect((await t.get(`/api/v1/cases/${id}/rating`, colleague.token)).body.rating).toMatchObject({
      rating: 2,
    });
    const colleagues = await rate({ rating: 5 }, colleague.token);
    expect([colleagues.status, colleagues.body.error.message]).toEqual([
      403,
      'only the customer who asked rates a case',
    ]);
    expect((await rate({ rating: 5 }, stranger.token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${id}/rating`, stranger.token)).status).toBe(404);
    // Staff do not rate for the customer.
    expect((await rate({ rating: 5 }, agent)).status).toBe(403);

    const events = await rows<{ type: string; data: any }>(
      t.db,
      sql`select type, data from domain_events where entity_id = ${id} and type like 'case.rat%' order by occurred_at`,
    );
    expect(events).toEqual([
      { type: 'case.rated', data: { rating: 4, comment: 'Quick, thanks' } },
      {
        type: 'case.rating_changed',
        data: { changes: { rating: { from: 4, to: 2 }, comment: { from: 'Quick, thanks', to: null } } },
      },
    ]);
  });

  it('a closed case can be rated too', async () => {
    const me = await customerLogin();
    const id = (await openAs(me.token)).body.id as string;
    await reply(id, { body: 'Done.', public: true, status: 'solved' });
    await t.patch(`/api/v1/cases/${id}`, { status: 'closed' }, agent);
    const res = await t.request('PUT', `/api/v1/portal/cases/${id}/rating`, {
      body: { rating: 5 },
      token: me.token,
    });
    expect(res.status).toBe(200);
    const detail = (await t.get(`/api/v1/portal/cases/${id}`, me.token)).body;
    expect(detail).toMatchObject({
      canReply: false,
      canRate: true,
      plainState: { code: 'closed', text: 'Closed' },
    });
  });

  it('a case merged into another is not rated: it goes on in the other one', async () => {
    const me = await customerLogin();
    const merged = (await openAs(me.token, 'Parcel', 'Where is it?')).body.id as string;
    const kept = (await openAs(me.token, 'Parcel again', 'Still nothing')).body.id as string;
    expect((await t.post(`/api/v1/cases/${merged}/merge`, { intoId: kept }, agent)).status).toBe(200);
    const detail = (await t.get(`/api/v1/portal/cases/${merged}`, me.token)).body;
    expect(detail).toMatchObject({ status: 'closed', mergedIntoId: kept, canRate: false, canReply: false });
    const res = await t.request('PUT', `/api/v1/portal/cases/${merged}/rating`, {
      body: { rating: 1 },
      token: me.token,
    });
    expect([res.status, res.body.error.code]).toEqual([409, 'merged']);
    expect((await t.get(`/api/v1/cases/${merged}/rating`, agent)).body.rating).toBeNull();
  });
});

describe('boundaries', () => {
  it('a customer reaches neither another customer’s request, its files, nor its rating', async () => {
    const me = await customerLogin();
    const other = await customerLogin();
    const theirs = await openAs(other.token, 'Private', 'Mine alone', [
      { filename: 'id.txt', contentType: 'text/plain', data: Buffer.from('secret').toString('base64') },
    ]);
    const theirId = theirs.body.id as string;
    await reply(theirId, { body: 'Solved', public: true, status: 'solved' });
    await t.request('PUT', `/api/v1/portal/cases/${theirId}/rating`, {
      body: { rating: 1 },
      token: other.token,
    });
    const attachment = (await t.get(`/api/v1/cases/${theirId}/messages`, other.token)).body.items[0]
      .attachments[0];

    expect((await t.get(`/api/v1/portal/cases/${theirId}`, me.token)).status).toBe(404);
    // By number too: the other's is as missing as a number nobody has; their own reads as by id.
    const byNumber = await t.get(`/api/v1/portal/cases/${theirs.body.number}`, me.token);
    expect(byNumber.status).toBe(404);
    expect(byNumber.body).toEqual((await t.get('/api/v1/portal/cases/999999999', me.token)).body);
    expect((await t.get(`/api/v1/portal/cases/${theirs.body.number}`, other.token)).body).toEqual(
      (await t.get(`/api/v1/portal/cases/${theirId}`, other.token)).body,
    );
    expect((await t.get('/api/v1/portal/cases/12abc', other.token)).status).toBe(400);
    expect((await t.get(`/api/v1/cases/${theirId}/messages`, me.token)).status).toBe(404);
    expect((await t.request('GET', attachment.url, { token: me.token })).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${theirId}/rating`, me.token)).status).toBe(404);
    expect(
      (
        await t.request('PUT', `/api/v1/portal/cases/${theirId}/rating`, {
          body: { rating: 5 },
          token: me.token,
        })
      ).status,
    ).toBe(404);
    expect((await reply(theirId, { body: 'hi', public: true }, me.token)).status).toBe(404);
    expect((await t.get('/api/v1/portal/cases', me.token)).body.items).toEqual([]);
  });

  it('the case API shows a customer no tags, custom fields, skills, team or assignee', async () => {
    const me = await customerLogin();
    const { user: agentUser } = await makeUser(t.db, 'agent');
    const admin = (await makeUser(t.db, 'admin')).token;
    const team = (await t.post('/api/v1/teams', { name: `Team ${unique()}` }, admin)).body;
    const id = (await openAs(me.token)).body.id as string;
    const internal = await t.patch(
      `/api/v1/cases/${id}`,
      { tags: ['difficult-customer'], requiredSkills: ['german'], assigneeId: agentUser.id, teamId: team.id },
      agent,
    );
    expect(internal.status).toBe(200);
    expect(internal.body.tags).toEqual(['difficult-customer']);
    const seen = (await t.get(`/api/v1/cases/${id}`, me.token)).body;
    expect(seen).toMatchObject({
      tags: [],
      customFields: {},
      requiredSkills: [],
      assigneeId: null,
      assignee: null,
      teamId: null,
      team: null,
    });
    const listed = (await t.get('/api/v1/cases', me.token)).body.items[0];
    expect(listed).toMatchObject({ id, tags: [], assignee: null, team: null });
    expect(JSON.stringify([seen, listed])).not.toContain('difficult-customer');
  });

  it('organization requests: colleagues only with access, never another organization', async () => {
    const org = await makeOrganization(t.db);
    const otherOrg = await makeOrganization(t.db);
    const withAccess = await customerLogin({ organizationId: org.id, organizationAccess: true });
    const without = await customerLogin({ organizationId: org.id });
    const colleague = await customerLogin({ organizationId: org.id });
    const outsider = await customerLogin({ organizationId: otherOrg.id, organizationAccess: true });
    const colleagueCase = (await openAs(colleague.token, 'Colleague asks')).body.id as string;
    const outsiderCase = (await openAs(outsider.token, 'Outsider asks')).body.id as string;
    const ownCase = (await openAs(withAccess.token, 'I ask')).body.id as string;

    const orgList = await t.get('/api/v1/portal/cases?scope=organization', withAccess.token);
    expect(orgList.status).toBe(200);
    expect(orgList.body.items.map((c: any) => [c.id, c.mine, c.customer.name])).toEqual([
      [colleagueCase, false, colleague.customer.name],
    ]);
    expect((await t.get('/api/v1/portal/cases', withAccess.token)).body.items.map((c: any) => c.id)).toEqual([
      ownCase,
    ]);
    const seen = await t.get(`/api/v1/portal/cases/${colleagueCase}`, withAccess.token);
    expect(seen.body).toMatchObject({ mine: false, canRate: false });
    expect((await t.get(`/api/v1/portal/cases/${outsiderCase}`, withAccess.token)).status).toBe(404);
    expect((await t.get(`/api/v1/cases/${outsiderCase}/messages`, withAccess.token)).status).toBe(404);

    // Without organization access: colleagues' requests stay out of reach.
    const refused = await t.get('/api/v1/portal/cases?scope=organization', without.token);
    expect(refused.status).toBe(403);
    expect((await t.get(`/api/v1/portal/cases/${colleagueCase}`, without.token)).status).toBe(404);
    // The other organization's customer with access does not see this organization's requests.
    const theirs = await t.get('/api/v1/portal/cases?scope=organization', outsider.token);
    expect(theirs.body.items).toEqual([]);
  });

  it('the portal is for customers; anonymous callers reach only the public routes', async () => {
    const me = await customerLogin();
    const id = (await openAs(me.token)).body.id as string;
    for (const [method, path, body] of [
      ['GET', '/api/v1/portal/cases', undefined],
      ['GET', `/api/v1/portal/cases/${id}`, undefined],
      ['POST', '/api/v1/portal/cases', { subject: 'x', message: 'y' }],
      ['PUT', `/api/v1/portal/cases/${id}/rating`, { rating: 5 }],
      ['GET', `/api/v1/cases/${id}/rating`, undefined],
    ] as const) {
      expect((await t.request(method, path, { body })).status, `${method} ${path} anonymous`).toBe(401);
      if (path.startsWith('/api/v1/portal'))
        expect(
          (await t.request(method, path, { body, token: agent })).status,
          `${method} ${path} staff`,
        ).toBe(403);
    }
    // The public ones answer without a token.
    expect((await askLink(`anon-${unique()}@example.com`, newIp())).status).toBe(202);
    expect((await verify('ml_unknown')).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents the portal, web form and conversation routes with their schemas', async () => {
    const doc = (await t.get('/api/docs/json')).body;
    for (const p of [
      '/api/v1/auth/magic-link',
      '/api/v1/auth/magic-link/verify',
      '/api/v1/portal/cases',
      '/api/v1/portal/cases/{id}',
      '/api/v1/portal/cases/{id}/rating',
      '/api/v1/cases/{id}/rating',
      '/api/v1/web-form',
      '/api/v1/conversations',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    const form = doc.paths['/api/v1/web-form'].post;
    expect(Object.keys(form.responses)).toEqual(expect.arrayContaining(['201', '400', '413', '422', '429']));
    expect(Object.keys(form.requestBody.content)).toEqual(['application/json']);
    const body = JSON.stringify(form.requestBody);
    expect(body).toContain('base64');
    expect(body).toContain('website');
    expect(Object.keys(doc.paths['/api/v1/auth/magic-link'].post.responses)).toEqual(
      expect.arrayContaining(['202', '429']),
    );
    expect(Object.keys(doc.paths['/api/v1/auth/magic-link/verify'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '403', '410']),
    );
    expect(JSON.stringify(doc.paths['/api/v1/cases/{id}/messages'].post.requestBody)).toContain(
      'durationSeconds',
    );
  });
});
