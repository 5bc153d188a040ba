// The automatic acknowledgement of a request opened by e-mail: once per new case, on its thread,
// with the first answer's due time in the customer's zone; not for mail joining a case, not
// beyond five a sender an hour, not when the setting is off.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeAgreement, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { newMessageId, plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { formatWhen } from '../../../core/portal/plain-state.js';
import { receiveMail } from './inbound.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

interface OutRow {
  to_addresses: string[];
  subject: string;
  text_body: string;
  raw: Uint8Array;
  case_message_id: string | null;
}
const outOf = (caseId: string) =>
  rows<OutRow>(
    t.db,
    sql`select to_addresses, subject, text_body, raw, case_message_id from mail_messages
      where case_id = ${caseId} and direction = 'out' order by created_at, id`,
  );

describe('acknowledging a request opened by e-mail', () => {
  it('is in the customer’s language, else the company’s', async () => {
    const german = await makeCustomer(t.db, { language: 'de' });
    const res = await receiveMail(
      t.db,
      plainMail({ from: german.email!, subject: `Lampe ${unique()}`, body: 'Kaputt.' }),
    );
    const c = (await t.get(`/api/v1/cases/${res.caseId}`, admin)).body;
    const [ack] = await outOf(c.id);
    expect(ack!.subject).toBe(`Re: [#${c.number}] Wir haben Ihre Anfrage erhalten`);
    expect(ack!.text_body.split('\n')[0]).toBe(`Wir haben Ihre Anfrage #${c.number} erhalten.`);

    expect((await t.patch('/api/v1/settings', { customerLanguage: 'fr' }, admin)).status).toBe(200);
    try {
      const someone = await makeCustomer(t.db);
      const again = await receiveMail(
        t.db,
        plainMail({ from: someone.email!, subject: `Lamp ${unique()}`, body: 'x' }),
      );
      const d = (await t.get(`/api/v1/cases/${again.caseId}`, admin)).body;
      const [fr] = await outOf(d.id);
      expect(fr!.subject).toBe(`Re: [#${d.number}] Nous avons bien reçu votre demande`);
      expect(fr!.text_body.split('\n')[0]).toBe(`Nous avons bien reçu votre demande n° ${d.number}.`);
      // Only the languages Steward writes, in the setting's words.
      const bad = await t.patch('/api/v1/settings', { customerLanguage: 'it' }, admin);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('body.customerLanguage: must be one of en, de, fr, es, nl');
    } finally {
      await t.patch('/api/v1/settings', { customerLanguage: 'en' }, admin);
    }
  });

  it('answers at once on the case’s thread, with when the first answer is due in the customer’s zone', async () => {
    const customer = await makeCustomer(t.db, { timeZone: 'America/New_York' });
    await makeAgreement(t.db, { scope: { customerId: customer.id } });
    const messageId = newMessageId();
    const subject = `Broken lamp ${unique()}`;
    const res = await receiveMail(
      t.db,
      plainMail({ from: `Nora <${customer.email}>`, subject, messageId, body: 'It flickers.' }),
    );
    expect(res.status).toBe('processed');
    const c = (await t.get(`/api/v1/cases/${res.caseId}`, admin)).body;
    const [due] = await rows<{ due_at: Date }>(
      t.db,
      sql`select due_at from case_promises where case_id = ${c.id} and kind = 'first_response'`,
    );
    const [ack, ...more] = await outOf(c.id);
    expect(more).toEqual([]);
    expect(ack!.to_addresses).toEqual([customer.email!.toLowerCase()]);
    expect(ack!.subject).toBe(`Re: [#${c.number}] We have your request`);
    expect(ack!.case_message_id).toBeNull();
    expect(ack!.text_body.split('\n').slice(0, 2)).toEqual([
      `We have your request #${c.number}.`,
      `We will answer by ${formatWhen(new Date(due!.due_at), new Date(), 'America/New_York')} (America/New_York).`,
    ]);
    // Never their words back: not the message, the subject or the name in their From.
    expect(ack!.text_body).not.toContain('flickers');
    expect(ack!.text_body).not.toContain('Broken lamp');
    expect(Buffer.from(ack!.raw).toString('utf8')).not.toMatch(/Nora|Broken lamp/);
    const raw = Buffer.from(ack!.raw).toString('utf8');
    expect(raw).toMatch(/^Auto-Submitted: auto-generated\r?$/im);
    expect(raw).toContain(`In-Reply-To: <${messageId}>`);
    expect(raw).toMatch(/^Reply-To: .*\+[a-z2-7]{16}@/im);

    // Their next mail joins the case: no second acknowledgement.
    const token = (
      await rows<{ reply_token: string }>(t.db, sql`select reply_token from cases where id = ${c.id}`)
    )[0]!.reply_token;
    const again = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, to: `support+${token}@steward.localhost`, body: 'Still flickers.' }),
    );
    expect(again.caseId).toBe(c.id);
    expect(await outOf(c.id)).toHaveLength(1);
  });

  it('at most five a sender an hour; none to noreply@, none while the setting is off', async () => {
    const customer = await makeCustomer(t.db);
    const cases: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await receiveMail(
        t.db,
        plainMail({ from: customer.email!, subject: `Question ${i} ${unique()}` }),
      );
      cases.push(res.caseId!);
    }
    const acks = await Promise.all(cases.map(async (id) => (await outOf(id)).length));
    expect(acks).toEqual([1, 1, 1, 1, 1, 0]);
    // The text says nothing of a time when no agreement promises one.
    expect((await outOf(cases[0]!))[0]!.text_body.split('\n')[1]).toBe(
      'We will answer by e-mail as soon as we can.',
    );

    // Nobody reads noreply@: the case opens, no acknowledgement goes there.
    const robot = await receiveMail(
      t.db,
      plainMail({ from: `noreply@shop-${unique()}.example`, subject: `Order form ${unique()}` }),
    );
    expect(robot.status).toBe('processed');
    expect(await outOf(robot.caseId!)).toEqual([]);

    const off = await t.patch('/api/v1/settings', { acknowledgeNewMail: false }, admin);
    expect(off.status).toBe(200);
    expect(off.body.acknowledgeNewMail).toBe(false);
    try {
      const other = await makeCustomer(t.db);
      const res = await receiveMail(t.db, plainMail({ from: other.email!, subject: `Quiet ${unique()}` }));
      expect(res.status).toBe('processed');
      expect(await outOf(res.caseId!)).toEqual([]);
    } finally {
      await t.patch('/api/v1/settings', { acknowledgeNewMail: true }, admin);
    }
  });
});
