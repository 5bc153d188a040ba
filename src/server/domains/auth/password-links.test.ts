// E-mailed links to choose a password, through a started server: "Forgot your password?" (the
// same answer for any address, only staff get a mail), invitations of new staff, links sent by an
// admin, single use even under a race, expiry, only the newest link, links ended by a password
// change or a disabled account, and the boundaries: agents and customers cannot send links, a
// portal login gets none.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TEST_PASSWORD, makeUser, unique } from '../../../../test/helpers/factories.js';
import { startSmtpSink } from '../../../../test/helpers/smtp-sink.js';
import { configureMail, mailSettings, sendQueuedMail } from '../mail/outbox.js';
import { hashToken } from './tokens.js';

let t: TestApp;
let admin: { token: string; name: string };
const previousTrustProxy = process.env.STEWARD_TRUST_PROXY;
beforeAll(async () => {
  // Each test speaks from its own client address (X-Forwarded-For), so per-IP limits stay apart.
  process.env.STEWARD_TRUST_PROXY = '1';
  t = await startTestApp();
  const made = await makeUser(t.db, 'admin');
  admin = { token: made.token, name: made.user.name };
});
afterAll(async () => {
  if (previousTrustProxy === undefined) delete process.env.STEWARD_TRUST_PROXY;
  else process.env.STEWARD_TRUST_PROXY = previousTrustProxy;
  await t?.close();
});

let ipCounter = 0;
const newIp = () => `203.0.113.${++ipCounter}`;

const askReset = (email: string, ip = newIp()) =>
  t.request('POST', '/api/v1/auth/password-reset', { body: { email }, headers: { 'x-forwarded-for': ip } });
const check = (token: string) =>
  t.request('POST', '/api/v1/auth/password-link/check', {
    body: { token },
    headers: { 'x-forwarded-for': newIp() },
  });
const complete = (token: string, password = 'a new password 42') =>
  t.request('POST', '/api/v1/auth/password-link/complete', {
    body: { token, password },
    headers: { 'x-forwarded-for': newIp() },
  });
const login = (email: string, password: string) =>
  t.request('POST', '/api/v1/auth/login', {
    body: { email, password },
    headers: { 'x-forwarded-for': newIp() },
  });

async function mailsTo(email: string) {
  return rows<{ subject: string; text_body: string }>(
    t.db,
    sql`select subject, text_body from mail_messages
      where direction = 'out' and ${email.toLowerCase()} = any(to_addresses) order by created_at, id`,
  );
}
const tokenIn = (text: string) => decodeURIComponent(/\/login\/password#token=([^\s]+)/.exec(text)![1]!);
const lastToken = async (email: string) => tokenIn((await mailsTo(email)).at(-1)!.text_body);

async function linkRow(token: string) {
  const [row] = await rows<{ purpose: string; minutes: number; ended_reason: string | null }>(
    t.db,
    sql`select purpose, ended_reason, round(extract(epoch from expires_at - created_at) / 60)::int as minutes
      from password_links where token_hash = ${hashToken(token)}`,
  );
  return row;
}

describe('forgot your password', () => {
  it('a staff member gets a single-use link; it sets the password, ends their other sessions and signs in', async () => {
    const { user, token: oldSession } = await makeUser(t.db, 'agent');
    const ip = newIp();
    const known = await askReset(user.email.toUpperCase(), ip);
    const unknown = await askReset(`nobody-${unique()}@example.com`, ip);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(known.body.message).toMatch(/^If this address belongs to a staff account/);

    const mails = await mailsTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Choose a new Steward password');
    expect(mails[0]!.text_body).toContain(`Hello ${user.name},`);
    expect(mails[0]!.text_body).toMatch(/http:\/\/[^/]+\/login\/password#token=pw_/);
    const token = tokenIn(mails[0]!.text_body);
    // Only the token's hash is stored; a reset works for an hour.
    expect(await linkRow(token)).toEqual({ purpose: 'reset', minutes: 60, ended_reason: null });

    const info = await check(token);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ purpose: 'reset', email: user.email, name: user.name });
    // Checking uses nothing up.
    expect((await check(token)).status).toBe(200);

    const done = await complete(token, 'a brand new secret 7');
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ id: user.id, role: 'agent' });
    const me = await t.request('GET', '/api/v1/auth/me', { token: done.body.token });
    expect(me.body.email).toBe(user.email);
    // The session they had before ended; the old password no longer signs in, the new one does.
    expect((await t.request('GET', '/api/v1/auth/me', { token: oldSession })).status).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(user.email, 'a brand new secret 7')).status).toBe(200);

    const again = await complete(token);
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('link_used');
    expect((await check(token)).body.error.code).toBe('link_used');
    const made = await complete('pw_this-token-was-never-handed-out');
    expect(made.status).toBe(400);
    expect(made.body.error.code).toBe('link_invalid');

    const [event] = await rows<{ data: { by: string; endedTokens: number } }>(
      t.db,
      sql`select data from domain_events where type = 'user.password_changed' and entity_id = ${user.id}`,
    );
    expect(event!.data).toMatchObject({ by: 'reset', endedTokens: 1 });
  });

  it('customers, disabled and deleted logins get no mail, and the same answer', async () => {
    const customer = await makeUser(t.db, 'customer');
    const disabled = await makeUser(t.db, 'agent');
    await t.db.execute(sql`update users set active = false where id = ${disabled.user.id}`);
    const deleted = await makeUser(t.db, 'agent');
    await t.del(`/api/v1/users/${deleted.user.id}`, admin.token);
    const ip = newIp();
    for (const email of [customer.user.email, disabled.user.email, deleted.user.email]) {
      const res = await askReset(email, ip);
      expect(res.status).toBe(202);
      expect(res.body.message).toMatch(/^If this address belongs to a staff account/);
      expect(await mailsTo(email)).toEqual([]);
    }
  });

  it('a link expires after an hour', async () => {
    const { user } = await makeUser(t.db, 'agent');
    await askReset(user.email);
    const token = await lastToken(user.email);
    await t.db.execute(
      sql`update password_links set expires_at = now() - interval '1 second' where token_hash = ${hashToken(token)}`,
    );
    for (const res of [await check(token), await complete(token)]) {
      expect(res.status).toBe(410);
      expect(res.body.error.code).toBe('link_expired');
    }
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('only the newest link works; a password change or a disabled account ends the ones still open', async () => {
    const { user } = await makeUser(t.db, 'agent');
    await askReset(user.email);
    const first = await lastToken(user.email);
    await askReset(user.email);
    const second = await lastToken(user.email);
    expect((await complete(first)).body.error.code).toBe('link_replaced');

    // An admin sets a password meanwhile: the link sent before no longer opens the account.
    const patched = await t.patch(
      `/api/v1/users/${user.id}`,
      {
        password: 'set by the admin 1',
      },
      admin.token,
    );
    expect(patched.status).toBe(200);
    const revoked = await complete(second);
    expect(revoked.status).toBe(410);
    expect(revoked.body.error.code).toBe('link_revoked');
    expect((await login(user.email, 'set by the admin 1')).status).toBe(200);

    const other = await makeUser(t.db, 'agent');
    await askReset(other.user.email);
    const open = await lastToken(other.user.email);
    await t.patch(`/api/v1/users/${other.user.id}`, { active: false }, admin.token);
    expect((await check(open)).body.error.code).toBe('link_revoked');
  });

  it('a too short password is refused with the field named, and the link still works', async () => {
    const { user } = await makeUser(t.db, 'agent');
    await askReset(user.email);
    const token = await lastToken(user.email);
    const short = await complete(token, 'short');
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation_error');
    expect(JSON.stringify(short.body.error.details)).toContain('body.password');
    expect((await linkRow(token))!.ended_reason).toBeNull();
    expect((await complete(token)).status).toBe(200);
  });

  it('two requests racing with one link: exactly one sets the password', async () => {
    for (let round = 0; round < 3; round++) {
      const { user } = await makeUser(t.db, 'agent');
      await askReset(user.email);
      const token = await lastToken(user.email);
      const both = await Promise.all([
        complete(token, 'first racer 123'),
        complete(token, 'second racer 456'),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 410]);
      const winner = both.find((r) => r.status === 200)!;
      const password = winner === both[0] ? 'first racer 123' : 'second racer 456';
      const loser = password === 'first racer 123' ? 'second racer 456' : 'first racer 123';
      expect((await login(user.email, password)).status).toBe(200);
      expect((await login(user.email, loser)).status).toBe(401);
    }
  });

  it('is limited per address and per client address, known or not', async () => {
    const address = `someone-${unique()}@example.com`;
    for (let i = 0; i < 3; i++) expect((await askReset(address)).status).toBe(202);
    const limited = await askReset(address);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const ip = newIp();
    for (let i = 0; i < 10; i++)
      expect((await askReset(`x${i}-${unique()}@example.com`, ip)).status).toBe(202);
    expect((await askReset(`y-${unique()}@example.com`, ip)).status).toBe(429);
  });
});

describe('invitations and links sent by an admin', () => {
  it('a new agent invited by e-mail chooses a password with the link; the list says so meanwhile', async () => {
    const email = `new-agent-${unique()}@example.com`;
    const created = await t.post(
      '/api/v1/users',
      {
        email,
        name: 'Nora Brandt',
        role: 'agent',
        invite: true,
      },
      admin.token,
    );
    expect(created.status).toBe(201);
    const [mail] = await mailsTo(email);
    expect(mail!.subject).toBe('You are invited to Steward');
    expect(mail!.text_body).toContain(`${admin.name} invited you to Steward, as an agent.`);
    expect(mail!.text_body).toContain(`You sign in with this address: ${email}`);
    const token = tokenIn(mail!.text_body);
    expect(await linkRow(token)).toEqual({ purpose: 'invitation', minutes: 7 * 24 * 60, ended_reason: null });

    const listed = async () =>
      (
        (await t.get('/api/v1/users?role=agent', admin.token)).body.items as Array<Record<string, unknown>>
      ).find((u) => u.id === created.body.id);
    expect(await listed()).toMatchObject({
      passwordSet: false,
      pendingLink: { purpose: 'invitation' },
      lastActiveAt: null,
    });
    // Nobody can sign in with a password before the link is used.
    expect((await login(email, '')).status).toBe(400);

    expect((await check(token)).body).toMatchObject({ purpose: 'invitation', email, name: 'Nora Brandt' });
    const done = await complete(token, 'my own password');
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ email, role: 'agent' });
    expect(await listed()).toMatchObject({ passwordSet: true, pendingLink: null });
    expect((await login(email, 'my own password')).status).toBe(200);
  });

  it('a reset asked for on the sign-in page does not cancel the invitation an admin sent', async () => {
    const email = `pending-${unique()}@example.com`;
    const created = await t.post(
      '/api/v1/users',
      { email, name: 'Pending', role: 'agent', invite: true },
      admin.token,
    );
    const invitation = await lastToken(email);
    // Anyone who knows the address may ask: the invitation still works, and the list still says so.
    await askReset(email);
    await askReset(email);
    const reset = await lastToken(email);
    expect((await check(invitation)).body).toMatchObject({ purpose: 'invitation' });
    const listed = await t.get(`/api/v1/users/${created.body.id}`, admin.token);
    expect(listed.body).toMatchObject({ passwordSet: false, pendingLink: { purpose: 'invitation' } });
    // Either works; using one ends the other.
    expect((await complete(invitation, 'from the invitation')).status).toBe(200);
    expect((await check(reset)).body.error.code).toBe('link_revoked');
    // An admin's new link ends every open one, the self-service ones too.
    await askReset(email);
    const asked = await lastToken(email);
    await t.post(`/api/v1/users/${created.body.id}/password-link`, {}, admin.token);
    expect((await check(asked)).body.error.code).toBe('link_replaced');
  });

  it("with a company name in Settings, the invitation and the reset mail say it, not 'Steward', over real SMTP", async () => {
    const sink = await startSmtpSink();
    const before = mailSettings();
    try {
      expect(
        (
          await t.request('PATCH', '/api/v1/settings', {
            token: admin.token,
            body: { companyName: 'Acme Parcels' },
          })
        ).status,
      ).toBe(200);
      configureMail({ mailFrom: 'Support <support@acme.example>', smtpUrl: sink.url });
      const email = `acme-agent-${unique()}@example.com`;
      const created = await t.post(
        '/api/v1/users',
        { email, name: 'Ida Acme', role: 'agent', invite: true },
        admin.token,
      );
      expect(created.status).toBe(201);
      expect(await sendQueuedMail(t.db)).toBeGreaterThanOrEqual(1);
      const [invitation] = (await sink.waitFor(1)).filter((m) => m.to.includes(email));
      expect(invitation!.parsed.subject).toBe('You are invited to Acme Parcels');
      expect(invitation!.parsed.text).toContain(`${admin.name} invited you to Acme Parcels, as an agent.`);
      expect(invitation!.parsed.text).not.toContain('Steward');

      await complete(tokenIn(invitation!.parsed.text!), 'her own password');
      expect((await askReset(email)).status).toBe(202);
      expect(await sendQueuedMail(t.db)).toBeGreaterThanOrEqual(1);
      const reset = (await sink.waitFor(2)).filter((m) => m.to.includes(email))[1]!;
      expect(reset.parsed.subject).toBe('Choose a new Acme Parcels password');
      expect(reset.parsed.text).toContain(`your Acme Parcels account (${email})`);
    } finally {
      configureMail(before);
      await t.request('PATCH', '/api/v1/settings', { token: admin.token, body: { companyName: null } });
      await sink.close();
    }
    // Without a name, Steward's own.
    const email = `plain-agent-${unique()}@example.com`;
    await t.post('/api/v1/users', { email, name: 'Plain', role: 'agent', invite: true }, admin.token);
    expect((await mailsTo(email))[0]!.subject).toBe('You are invited to Steward');
  });

  it('POST /users answers whether the invitation mail is held (no SMTP) or on its way', async () => {
    // No SMTP here: held, and the answer says so (the page reads it, not the mail set-up).
    const heldTo = `held-${unique()}@example.com`;
    const held = await t.post(
      '/api/v1/users',
      { email: heldTo, name: 'Held Invitee', role: 'agent', invite: true },
      admin.token,
    );
    expect(held.status).toBe(201);
    expect(held.body.invitation).toMatchObject({ purpose: 'invitation', sentTo: heldTo, held: true });
    expect(Date.parse(held.body.invitation.expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    const [status] = await rows<{ status: string }>(
      t.db,
      sql`select status from mail_messages where ${heldTo} = any(to_addresses)`,
    );
    expect(status!.status).toBe('held');
    // Not invited: no invitation.
    const plain = await t.post(
      '/api/v1/users',
      {
        email: `plain-${unique()}@example.com`,
        name: 'Given A Password',
        role: 'agent',
        password: 'a password 1234',
      },
      admin.token,
    );
    expect(plain.status).toBe(201);
    expect(plain.body.invitation).toBeNull();
    // With SMTP set up: on its way, not held.
    const sink = await startSmtpSink();
    const before = mailSettings();
    try {
      configureMail({ ...before, smtpUrl: sink.url });
      const sentTo = `sent-${unique()}@example.com`;
      const sent = await t.post(
        '/api/v1/users',
        { email: sentTo, name: 'Sent Invitee', role: 'agent', invite: true },
        admin.token,
      );
      expect(sent.status).toBe(201);
      expect(sent.body.invitation).toMatchObject({ purpose: 'invitation', sentTo, held: false });
      expect(await sendQueuedMail(t.db)).toBeGreaterThanOrEqual(1);
      expect((await sink.waitFor(1)).some((m) => m.to.includes(sentTo))).toBe(true);
    } finally {
      configureMail(before);
      await sink.close();
    }
  });

  it('an invitation goes with no password and to staff only', async () => {
    const both = await t.post(
      '/api/v1/users',
      {
        email: `both-${unique()}@example.com`,
        name: 'Both',
        role: 'agent',
        password: 'a password 1234',
        invite: true,
      },
      admin.token,
    );
    expect(both.status).toBe(422);
    expect(both.body.error.details).toEqual([
      { path: 'body.invite', message: 'give a password or invite, not both' },
    ]);
    const customer = await makeUser(t.db, 'customer');
    const portal = await t.post(
      '/api/v1/users',
      {
        email: `portal-${unique()}@example.com`,
        name: 'Portal',
        role: 'customer',
        customerId: customer.user.customerId,
        invite: true,
      },
      admin.token,
    );
    expect(portal.status).toBe(422);
    expect(portal.body.error.details[0].path).toBe('body.invite');
  });

  it('an admin sends an invitation while there is no password, a reset once there is one', async () => {
    const email = `later-${unique()}@example.com`;
    const created = await t.post('/api/v1/users', { email, name: 'Later', role: 'admin' }, admin.token);
    const invited = await t.post(`/api/v1/users/${created.body.id}/password-link`, {}, admin.token);
    expect(invited.status).toBe(200);
    // No SMTP here: the answer says the mail is held (the outbox holds it), so the admin hands it over.
    expect(invited.body).toMatchObject({ purpose: 'invitation', sentTo: email, held: true });
    const [status] = await rows<{ status: string }>(
      t.db,
      sql`select status from mail_messages where ${email} = any(to_addresses) order by created_at limit 1`,
    );
    expect(status!.status).toBe('held');
    expect((await mailsTo(email))[0]!.text_body).toContain('as an administrator.');
    // Sent again: the first mail's link stops working.
    const first = await lastToken(email);
    await t.post(`/api/v1/users/${created.body.id}/password-link`, {}, admin.token);
    expect((await check(first)).body.error.code).toBe('link_replaced');

    const { user } = await makeUser(t.db, 'agent');
    const reset = await t.post(`/api/v1/users/${user.id}/password-link`, {}, admin.token);
    expect(reset.body).toMatchObject({ purpose: 'reset', sentTo: user.email });
    const [mail] = await mailsTo(user.email);
    expect(mail!.text_body).toContain(`${admin.name} sent you a link to choose a new password`);
    const [event] = await rows<{ data: { purpose: string; by: string } }>(
      t.db,
      sql`select data from domain_events where type = 'user.password_link_sent' and entity_id = ${user.id}`,
    );
    expect(event!.data).toMatchObject({ purpose: 'reset', by: 'admin' });
  });

  it('agents and customers cannot send links; portal logins and disabled accounts get none', async () => {
    const { user, token: agentToken } = await makeUser(t.db, 'agent');
    const customer = await makeUser(t.db, 'customer');
    for (const token of [agentToken, customer.token]) {
      const res = await t.post(`/api/v1/users/${user.id}/password-link`, {}, token);
      expect(res.status).toBe(403);
      const invite = await t.post(
        '/api/v1/users',
        {
          email: `sneaky-${unique()}@example.com`,
          name: 'Sneaky',
          role: 'admin',
          invite: true,
        },
        token,
      );
      expect(invite.status).toBe(403);
    }
    expect(await mailsTo(user.email)).toEqual([]);

    const portal = await t.post(`/api/v1/users/${customer.user.id}/password-link`, {}, admin.token);
    expect(portal.status).toBe(422);
    expect(portal.body.error.code).toBe('not_staff');
    await t.patch(`/api/v1/users/${user.id}`, { active: false }, admin.token);
    const disabled = await t.post(`/api/v1/users/${user.id}/password-link`, {}, admin.token);
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.code).toBe('account_disabled');
    const missing = await t.post(
      `/api/v1/users/00000000-0000-7000-8000-000000000000/password-link`,
      {},
      admin.token,
    );
    expect(missing.status).toBe(404);
    expect(await mailsTo(customer.user.email)).toEqual([]);
  });

  it('a link of an account disabled after it was checked signs nobody in, and is used up', async () => {
    const { user } = await makeUser(t.db, 'agent');
    await askReset(user.email);
    const token = await lastToken(user.email);
    // Disabled behind the API's back (no revocation): the link itself still refuses.
    await t.db.execute(sql`update users set active = false where id = ${user.id}`);
    const res = await complete(token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('account_disabled');
    expect((await check(token)).body.error.code).toBe('link_used');
  });
});
