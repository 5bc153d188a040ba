// The public web form through a started server: a case for the sender (found or created by
// e-mail, in the organization of their domain), files, the honeypot, the rate limit per IP.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCustomer, makeOrganization, makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let agent: string;
let adminToken: string;
const previousTrustProxy = process.env.STEWARD_TRUST_PROXY;
beforeAll(async () => {
  process.env.STEWARD_TRUST_PROXY = '1';
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  adminToken = (await makeUser(t.db, 'admin')).token;
});
afterAll(async () => {
  if (previousTrustProxy === undefined) delete process.env.STEWARD_TRUST_PROXY;
  else process.env.STEWARD_TRUST_PROXY = previousTrustProxy;
  await t?.close();
});

let ipCounter = 0;
const newIp = () => `203.0.113.${++ipCounter}`;

const submit = (body: Record<string, unknown>, ip = newIp()) =>
  t.request('POST', '/api/v1/web-form', { body, headers: { 'x-forwarded-for': ip } });

const form = (overrides: Record<string, unknown> = {}) => ({
  name: 'Jonas Weber',
  email: `jonas-${unique()}@example.com`,
  subject: 'The blender I bought is broken',
  message: 'It stopped after two days.',
  ...overrides,
});

async function caseByNumber(n: number) {
  const [c] = await rows<{ id: string }>(t.db, sql`select id from cases where number = ${n}`);
  if (!c) return undefined;
  return (await t.get(`/api/v1/cases/${c.id}`, agent)).body;
}

describe('the web form', () => {
  it('opens a case for a new sender, in the organization that owns their domain', async () => {
    const org = await makeOrganization(t.db, { domains: [`fabrikam-${unique()}.example`] });
    const team = (await t.post('/api/v1/teams', { name: `Web ${unique()}` }, adminToken)).body;
    const email = `Petra.Nowak@${org.domains[0]}`;
    const res = await submit(
      form({ name: 'Petra Nowak', email, team: team.id, category: 'damaged_product', language: 'de' }),
    );
    expect(res.status).toBe(201);
    // The answer: the number and a thank-you, nothing internal.
    expect(Object.keys(res.body).sort()).toEqual(['caseNumber', 'message']);
    expect(res.body.message).toBe(
      `Thank you — we have your request #${res.body.caseNumber}. We will answer by e-mail; keep the number for reference.`,
    );
    const c = await caseByNumber(res.body.caseNumber);
    expect(c).toMatchObject({
      subject: 'The blender I bought is broken',
      channel: 'web',
      category: 'damaged_product',
      status: 'new',
      teamId: team.id,
      organizationId: org.id,
      customer: { name: 'Petra Nowak', email: email.toLowerCase() },
    });
    const customer = (await t.get(`/api/v1/customers/${c.customerId}`, agent)).body;
    expect(customer).toMatchObject({ organizationId: org.id, language: 'de', email: email.toLowerCase() });
    const messages = (await t.get(`/api/v1/cases/${c.id}/messages`, agent)).body.items;
    expect(messages.map((m: any) => [m.authorType, m.public, m.body, m.channel])).toEqual([
      ['customer', true, 'It stopped after two days.', 'web'],
    ]);
    // An acknowledgement on the case's thread (its reply address), naming the request by its
    // number and never echoing the sender's words (anyone can fill the form in with anyone's address).
    const acks = await rows<{
      to_addresses: string[];
      subject: string;
      text_body: string;
      raw: Uint8Array;
      case_message_id: string | null;
    }>(
      t.db,
      sql`select to_addresses, subject, text_body, raw, case_message_id from mail_messages where direction = 'out' and case_id = ${c.id}`,
    );
    expect(acks).toHaveLength(1);
    const ack = acks[0]!;
    expect(ack.to_addresses).toEqual([email.toLowerCase()]);
    // In the language of the form's page, which the new customer's record took.
    expect(ack.subject).toBe(`[#${c.number}] Wir haben Ihre Anfrage erhalten`);
    expect(ack.case_message_id).toBeNull();
    expect(ack.text_body).toContain(`Wir haben Ihre Anfrage #${c.number} erhalten.`);
    // None of the sender's words: the form is anyone's, the address maybe someone else's.
    expect(ack.text_body).not.toContain('It stopped after two days.');
    expect(ack.text_body).not.toContain('blender');
    const raw = Buffer.from(ack.raw).toString('utf8');
    expect(raw).toMatch(/^Reply-To: .*support\+[a-z0-9]+@/im);
    expect(raw).toMatch(/^Auto-Submitted: auto-generated/im);
    expect(raw).not.toMatch(/blender/i);
    expect(raw).toMatch(new RegExp(`^To: ${email.toLowerCase().replace(/[.+]/g, '\\$&')}\\r?$`, 'm'));
  });

  it('finds a known sender by e-mail, whatever the case, and keeps their name', async () => {
    const known = await makeCustomer(t.db, { name: 'Known Person' });
    const res = await submit(form({ name: 'Someone Else', email: known.email!.toUpperCase() }));
    expect(res.status).toBe(201);
    const c = await caseByNumber(res.body.caseNumber);
    expect(c.customerId).toBe(known.id);
    expect(c.customer.name).toBe('Known Person');
    const [{ n }] = (await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from customers where lower(email) = ${known.email!.toLowerCase()}`,
    )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('stores attachments on the message; a refused file refuses the submission and creates nothing', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    const res = await submit(
      form({
        files: [
          { filename: 'receipt.pdf', contentType: 'application/pdf', data: pdf.toString('base64') },
          {
            filename: 'photo.jpg',
            contentType: 'image/jpeg',
            data: Buffer.from([0xff, 0xd8, 0xff]).toString('base64'),
          },
        ],
      }),
    );
    expect(res.status).toBe(201);
    const c = await caseByNumber(res.body.caseNumber);
    const [message] = (await t.get(`/api/v1/cases/${c.id}/messages`, agent)).body.items;
    expect(message.attachments.map((a: any) => [a.filename, a.contentType, a.size])).toEqual([
      ['receipt.pdf', 'application/pdf', pdf.length],
      ['photo.jpg', 'image/jpeg', 3],
    ]);
    const download = await fetch(t.url + message.attachments[0].url, {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    const email = `exe-${unique()}@example.com`;
    const refused = await submit(
      form({
        email,
        files: [
          { filename: 'invoice.pdf', contentType: 'application/pdf', data: pdf.toString('base64') },
          {
            filename: 'setup.exe',
            contentType: 'application/x-msdownload',
            data: Buffer.from('MZ').toString('base64'),
          },
        ],
      }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'invalid_attachment',
      details: [{ path: 'body.files.1', message: 'setup.exe: executable files are not accepted' }],
    });
    expect(await rows(t.db, sql`select id from customers where email = ${email}`)).toEqual([]);

    const six = Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.txt`, data: 'aGk=' }));
    const many = await submit(form({ files: six }));
    expect(many.status).toBe(400);
    expect(many.body.error.message).toBe('body.files: at most 5 files');
    const notBase64 = await submit(form({ files: [{ filename: 'a.txt', data: 'not base64!' }] }));
    expect(notBase64.status).toBe(400);
  });

  it('a filled honeypot is answered like a real submission but creates nothing', async () => {
    const email = `bot-${unique()}@example.com`;
    const countCases = async () =>
      (await rows<{ n: number }>(t.db, sql`select count(*)::int as n from cases`))[0]!.n;
    const before = await countCases();
    const res = await submit(form({ email, website: 'http://cheap-pills.example' }));
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['caseNumber', 'message']);
    expect(res.body.message).toBe(
      `Thank you — we have your request #${res.body.caseNumber}. We will answer by e-mail; keep the number for reference.`,
    );
    expect(await countCases()).toBe(before);
    expect(await rows(t.db, sql`select id from customers where email = ${email}`)).toEqual([]);
    expect(await caseByNumber(res.body.caseNumber)).toBeUndefined();
    expect(await rows(t.db, sql`select id from mail_messages where ${email} = any(to_addresses)`)).toEqual(
      [],
    );
    // A real submission after it gets a later number (the bot's number is never reused).
    const real = await submit(form());
    expect(real.body.caseNumber).toBeGreaterThan(res.body.caseNumber);
  });

  it('a blocked sender (or their domain) is answered like anyone but creates nothing', async () => {
    const domain = `junk-${unique()}.example`;
    expect((await t.post('/api/v1/blocked-senders', { pattern: `@${domain}` }, adminToken)).status).toBe(201);
    const email = `Offers@Mail.${domain}`;
    const res = await submit(form({ email }));
    expect(res.status).toBe(201);
    expect(await caseByNumber(res.body.caseNumber)).toBeUndefined();
    expect(
      await rows(t.db, sql`select id from customers where lower(email) = ${email.toLowerCase()}`),
    ).toEqual([]);
    // Someone else is not affected.
    const real = await submit(form());
    expect(await caseByNumber(real.body.caseNumber)).toBeDefined();
  });

  it('allows 5 submissions per client IP in 10 minutes, then 429 with retry-after', async () => {
    const ip = newIp();
    for (let i = 0; i < 5; i++) expect((await submit(form(), ip)).status).toBe(201);
    const limited = await submit(form(), ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too_many_requests');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(500);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // Bots count too, and another client is not affected.
    expect((await submit(form({ website: 'x' }), ip)).status).toBe(429);
    expect((await submit(form(), newIp())).status).toBe(201);
  });

  it('names what is wrong: missing fields, a team or category that does not exist', async () => {
    const missing = await submit({ name: 'A', email: 'not-an-address', subject: '', message: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.path)).toEqual(['body.email', 'body.subject']);
    const team = await submit(form({ team: '01900000-0000-7000-8000-000000000000' }));
    expect(team.status).toBe(422);
    expect(team.body.error.message).toMatch(/^team:/);
    const category = await submit(form({ category: 'no_such_category' }));
    expect(category.status).toBe(422);
  });

  it('needs no sign-in, and a staff or customer token changes nothing', async () => {
    const customer = await makeUser(t.db, 'customer');
    const res = await t.request('POST', '/api/v1/web-form', {
      body: form({ email: `tok-${unique()}@example.com` }),
      token: customer.token,
      headers: { 'x-forwarded-for': newIp() },
    });
    expect(res.status).toBe(201);
    const c = await caseByNumber(res.body.caseNumber);
    expect(c.customerId).not.toBe(customer.user.customerId);
  });
});
