// The outbox on a real database: composition (headers exactly, threading across a conversation,
// the case's reply address, agent names, encoded subjects), held without SMTP, and sending
// through a real SMTP server on loopback (retries on 4xx, failure on 5xx, exactly once across
// several processes on PostgreSQL).
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database, type DatabaseHandle } from '../../../db/client.js';
import { createTestDatabase, usingPostgres } from '../../../../test/helpers/db.js';
import { makeCase, makeCustomer, makeUser } from '../../../../test/helpers/factories.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/helpers/smtp-sink.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { uploadAttachment } from '../cases/attachments.service.js';
import { addMessage } from '../cases/messages.service.js';
import {
  capReferences,
  caseMailSubject,
  fromName,
  parseMailFrom,
  portalCaseUrl,
  withPortalLink,
} from './compose.js';
import {
  HELD_REASON,
  MAX_SEND_ATTEMPTS,
  closeMailTransport,
  configureMail,
  mailSettings,
  queueMail,
  queueMails,
  sendQueuedMail,
} from './outbox.js';

const FROM = 'Steward Support <support@steward.localhost>';
let h: DatabaseHandle & { url?: string };
let db: Database;
let sink: SmtpSink;

beforeAll(async () => {
  h = await createTestDatabase();
  db = h.db;
  sink = await startSmtpSink();
});
afterAll(async () => {
  await closeMailTransport();
  await sink?.close();
  await h?.close();
});
afterEach(async () => {
  configureMail({ mailFrom: FROM, smtpUrl: undefined });
  // Leave no queued mail for the next test's sender.
  await db.execute(sql`update mail_messages set status = 'failed' where status = 'queued'`);
  sink.received.length = 0;
});

interface OutRow {
  id: string;
  message_id: string;
  cc_addresses: string[];
  status: string;
  reason: string | null;
  attempts: number;
  in_reply_to: string | null;
  references: string[];
  to_addresses: string[];
  from_address: string;
  from_name: string | null;
  subject: string;
  run_after: Date | null;
  sent_at: Date | null;
  raw: Buffer;
  text_body: string;
  case_message_id: string | null;
}
const mail = async (id: string) =>
  (await rows<OutRow>(db, sql`select * from mail_messages where id = ${id}`))[0]!;
const caseMail = (caseId: string) =>
  rows<OutRow>(db, sql`select * from mail_messages where case_id = ${caseId} order by created_at, id`);
const parse = async (raw: Buffer | Uint8Array) => simpleParser(Buffer.from(raw));
/** The header block of a raw mail, unfolded. */
const headerOf = (raw: Buffer | Uint8Array, name: string) => {
  const text = Buffer.from(raw).toString('latin1');
  const head = text.slice(0, text.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
};

async function agent(name = 'Ava Agent'): Promise<Actor> {
  const { user } = await makeUser(db, 'agent');
  await db.execute(sql`update users set name = ${name} where id = ${user.id}`);
  return { ...SYSTEM_ACTOR, kind: 'user', userId: user.id, role: 'agent' };
}

/** The customer's mail as the inbound side records it: processed, on the case. */
async function customerMailed(caseId: string, messageId: string, references: string[] = []) {
  await db.execute(sql`insert into mail_messages (id, direction, message_id, "references", case_id,
      from_address, subject, status, created_at)
    values (gen_random_uuid(), 'in', ${messageId}, ${sql.param(references)}::text[], ${caseId},
      'customer@example.com', 'x', 'processed', clock_timestamp())`);
}

describe('composition', () => {
  it('parses the From setting and names the writer in front of it', () => {
    expect(parseMailFrom('Steward Support <Support@Steward.localhost>')).toEqual({
      name: 'Steward Support',
      address: 'support@steward.localhost',
    });
    expect(parseMailFrom('help@example.com')).toEqual({ name: '', address: 'help@example.com' });
    expect(() => parseMailFrom('Support')).toThrow(/STEWARD_MAIL_FROM/);
    expect(fromName('Steward Support', 'Ava Agent')).toBe('Ava Agent (Steward Support)');
    expect(fromName('Steward Support', null)).toBe('Steward Support');
    expect(fromName('', 'Ava Agent')).toBe('Ava Agent');
    expect(caseMailSubject(12, 'Late delivery', false)).toBe('[#12] Late delivery');
    expect(caseMailSubject(12, 'Late delivery', true)).toBe('Re: [#12] Late delivery');
  });

  it('links a request in the portal only when the public address is one a browser reaches', () => {
    expect(portalCaseUrl('https://help.example.com/', 'c1')).toBe('https://help.example.com/portal/cases/c1');
    expect(portalCaseUrl('https://example.com/steward', 'c1')).toBe(
      'https://example.com/steward/portal/cases/c1',
    );
    expect(portalCaseUrl('', 'c1')).toBeNull();
    expect(portalCaseUrl('http://0.0.0.0:3000', 'c1')).toBeNull();
    expect(portalCaseUrl('http://[::]:3000', 'c1')).toBeNull();
    expect(withPortalLink('Done.\n\n', 'https://x.example/portal/cases/c1')).toBe(
      'Done.\n\nSee this request online: https://x.example/portal/cases/c1',
    );
    expect(withPortalLink('Done.', null)).toBe('Done.');
  });

  it('caps References at 20: unique, the first and the latest kept', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
    const capped = capReferences([...ids, '<m3@x>']);
    expect(capped).toHaveLength(20);
    expect(capped[0]).toBe('m0@x');
    expect(capped.slice(1)).toEqual(ids.slice(11));
    expect(capReferences(['<a@x>', 'a@x', 'b@x'])).toEqual(['a@x', 'b@x']);
  });

  it('an agent reply: headers exactly, the reply address with the case token, held without SMTP', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const customer = await makeCustomer(db, { name: 'Jörg Müller', email: 'joerg@kunde.example' });
    const c = await makeCase(db, customer.id, { subject: 'Lieferung verspätet — Küche' });
    const ava = await agent('Ava Agent');
    const msg = await addMessage(db, ava, c.id, { body: 'Grüße, wir kümmern uns darum.', public: true });
    const [m] = await caseMail(c.id);
    expect(m).toMatchObject({
      status: 'held',
      reason: HELD_REASON,
      to_addresses: ['joerg@kunde.example'],
      from_address: 'support@steward.localhost',
      from_name: 'Ava Agent (Steward Support)',
      subject: `[#${c.number}] Lieferung verspätet — Küche`,
      case_message_id: msg.id,
      in_reply_to: null,
      references: [],
      attempts: 0,
      run_after: null,
    });
    expect(m!.message_id).toMatch(/^[0-9a-f-]{36}@steward\.localhost$/);
    const [{ reply_token: token }] = (await rows<{ reply_token: string }>(
      db,
      sql`select reply_token from cases where id = ${c.id}`,
    )) as [{ reply_token: string }];
    expect(token).toMatch(/^[a-z2-7]{16}$/);
    const raw = m!.raw;
    expect(headerOf(raw, 'Message-ID')).toBe(`<${m!.message_id}>`);
    expect(headerOf(raw, 'From')).toBe('"Ava Agent (Steward Support)" <support@steward.localhost>');
    expect(headerOf(raw, 'Reply-To')).toBe(`support+${token}@steward.localhost`);
    expect(headerOf(raw, 'X-Steward-Mail')).toBe('1');
    expect(headerOf(raw, 'Auto-Submitted')).toBeNull();
    expect(headerOf(raw, 'In-Reply-To')).toBeNull();
    expect(headerOf(raw, 'References')).toBeNull();
    // Non-ASCII subject and name travel as encoded words and decode back exactly.
    expect(headerOf(raw, 'Subject')).toMatch(/^=\?UTF-8\?Q\?/);
    expect(headerOf(raw, 'To')).toBe('=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@kunde.example>');
    const parsed = await parse(raw);
    expect(parsed.subject).toBe(`[#${c.number}] Lieferung verspätet — Küche`);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value[0]).toEqual({
      address: 'joerg@kunde.example',
      name: 'Jörg Müller',
    });
    // The customer is led to the request in the portal (the public address is known).
    expect(parsed.text?.trim()).toBe(
      `Grüße, wir kümmern uns darum.\n\nSee this request online: ${mailSettings().publicUrl}/portal/cases/${c.id}`,
    );
  });

  it('leads to the request online in the customer’s language, else the company’s (English when theirs is not written)', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const ava = await agent();
    const lineOf = async (language: string | undefined) => {
      const customer = await makeCustomer(db, language ? { language } : {});
      const c = await makeCase(db, customer.id, { subject: 'Lamp' });
      await addMessage(db, ava, c.id, { body: 'Done.', public: true });
      const [m] = await caseMail(c.id);
      return m!.text_body.split('\n')[2]!.replace(/\s*: .*$/, '');
    };
    expect(await lineOf('de-AT')).toBe('Diese Anfrage online ansehen');
    expect(await lineOf('it')).toBe('See this request online');
    expect(await lineOf(undefined)).toBe('See this request online');
    await db.execute(sql`insert into settings (key, value) values ('customerLanguage', '"nl"'::jsonb)`);
    try {
      expect(await lineOf(undefined)).toBe('Dit verzoek online bekijken');
      expect(await lineOf('fr')).toBe('Voir cette demande en ligne');
    } finally {
      await db.execute(sql`delete from settings where key = 'customerLanguage'`);
    }
  });

  it('threads a conversation: In-Reply-To the customer, References oldest first; one token per case', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id, { subject: 'Invoice', channel: 'email' });
    const ava = await agent();
    // The customer's first mail was itself an answer in their own thread.
    await customerMailed(c.id, 'c1@customer.example', ['c0@customer.example']);
    await addMessage(db, ava, c.id, { body: 'First answer', public: true });
    await addMessage(db, ava, c.id, { body: 'A follow-up', public: true });
    await customerMailed(c.id, 'c2@customer.example', ['c0@customer.example', 'c1@customer.example']);
    await addMessage(db, ava, c.id, { body: 'Third', public: true });
    const out = (await caseMail(c.id)).filter((m) => m.from_address === 'support@steward.localhost');
    expect(out).toHaveLength(3);
    const [a, b, d] = out as [OutRow, OutRow, OutRow];
    expect(a.subject).toBe(`Re: [#${c.number}] Invoice`);
    expect(a.in_reply_to).toBe('c1@customer.example');
    expect(a.references).toEqual(['c0@customer.example', 'c1@customer.example']);
    expect(b.in_reply_to).toBe('c1@customer.example');
    expect(b.references).toEqual(['c0@customer.example', 'c1@customer.example', a.message_id]);
    expect(d.in_reply_to).toBe('c2@customer.example');
    expect(d.references).toEqual([
      'c0@customer.example',
      'c1@customer.example',
      a.message_id,
      b.message_id,
      'c2@customer.example',
    ]);
    expect(headerOf(d.raw, 'In-Reply-To')).toBe('<c2@customer.example>');
    expect(headerOf(d.raw, 'References')).toBe(
      `<c0@customer.example> <c1@customer.example> <${a.message_id}> <${b.message_id}> <c2@customer.example>`,
    );
    // One reply address for the whole case.
    const replyTos = new Set(out.map((m) => headerOf(m.raw, 'Reply-To')));
    expect(replyTos.size).toBe(1);
  });

  it('without mail from the customer, a reply threads onto our own last mail', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id, { subject: 'Proactive' });
    await addMessage(db, SYSTEM_ACTOR, c.id, { body: 'Your parcel is late', public: true });
    await addMessage(db, SYSTEM_ACTOR, c.id, { body: 'It is on its way now', public: true });
    const [a, b] = (await caseMail(c.id)) as [OutRow, OutRow];
    // The system writes under the support name alone, without Re:.
    expect(a.from_name).toBe('Steward Support');
    expect(b.subject).toBe(`[#${c.number}] Proactive`);
    expect(b.in_reply_to).toBe(a.message_id);
    expect(b.references).toEqual([a.message_id]);
  });

  it('several mails in one call thread as one call after another does: tokens, In-Reply-To, References', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const customer = await makeCustomer(db);
    // Two cases: one the customer mailed about, one without mail yet; a mail without a case.
    const [c1, c2] = [await makeCase(db, customer.id), await makeCase(db, customer.id)];
    await customerMailed(c1.id, 'm1@customer.example', ['m0@customer.example']);
    const mails = [
      { to: 'a@example.com', subject: 'One', text: '1', caseId: c1.id },
      { to: 'a@example.com', subject: 'Two', text: '2', caseId: c2.id },
      { to: 'a@example.com', subject: 'Three', text: '3', caseId: c1.id },
      { to: 'b@example.com', subject: 'Four', text: '4' },
      { to: 'a@example.com', subject: 'Five', text: '5', caseId: c2.id },
    ];
    const queued = await db.transaction((tx) => queueMails(tx, mails));
    expect(queued).toHaveLength(5);
    const [one, two, three, four, five] = await Promise.all(queued.map((q) => mail(q.id)));
    expect([one, two, three, four, five].map((m) => [m!.message_id, m!.subject])).toEqual(
      queued.map((q, i) => [q.messageId, mails[i]!.subject]),
    );
    expect([one!.in_reply_to, one!.references]).toEqual([
      'm1@customer.example',
      ['m0@customer.example', 'm1@customer.example'],
    ]);
    // The third answers the customer too, and its chain holds the first.
    expect([three!.in_reply_to, three!.references]).toEqual([
      'm1@customer.example',
      ['m0@customer.example', 'm1@customer.example', one!.message_id],
    ]);
    // No mail from the customer on the second case: the fifth threads onto the second.
    expect([two!.in_reply_to, two!.references]).toEqual([null, []]);
    expect([five!.in_reply_to, five!.references]).toEqual([two!.message_id, [two!.message_id]]);
    expect([four!.in_reply_to, four!.references, headerOf(four!.raw, 'Reply-To')]).toEqual([null, [], null]);
    // One reply address per case.
    const replyTo = (m: OutRow) => headerOf(m.raw, 'Reply-To');
    expect(replyTo(one!)).toBe(replyTo(three!));
    expect(replyTo(two!)).toBe(replyTo(five!));
    expect(replyTo(one!)).not.toBe(replyTo(two!));
    const events = await rows<{ type: string; entity_id: string }>(
      db,
      sql`select type, entity_id from domain_events
        where entity_type = 'mail' and entity_id = any(${sql.param(queued.map((q) => q.id))}::uuid[])`,
    );
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('mail.held'));
    expect(new Set(events.map((e) => e.entity_id))).toEqual(new Set(queued.map((q) => q.id)));
  });

  it('automatic mail without a case: Auto-Submitted, no Reply-To, threading as given, HTML too', async () => {
    configureMail({ mailFrom: 'help@example.org', smtpUrl: undefined });
    const { id, messageId } = await db.transaction((tx) =>
      queueMail(tx, {
        to: 'Person@Example.com',
        subject: 'Your sign-in link',
        text: 'Open http://x/link',
        html: '<p>Open <a href="http://x/link">the link</a></p>',
        autoSubmitted: true,
        inReplyTo: '<p1@example.com>',
        references: ['p0@example.com', 'p1@example.com'],
      }),
    );
    const m = await mail(id);
    expect(m.message_id).toBe(messageId);
    expect(messageId).toMatch(/@example\.org$/);
    expect(m.to_addresses).toEqual(['person@example.com']);
    expect(headerOf(m.raw, 'From')).toBe('help@example.org');
    expect(headerOf(m.raw, 'Auto-Submitted')).toBe('auto-generated');
    expect(headerOf(m.raw, 'Reply-To')).toBeNull();
    expect(headerOf(m.raw, 'In-Reply-To')).toBe('<p1@example.com>');
    expect(headerOf(m.raw, 'References')).toBe('<p0@example.com> <p1@example.com>');
    const parsed = await parse(m.raw);
    expect(parsed.html).toContain('<a href="http://x/link">the link</a>');
    expect(parsed.text?.trim()).toBe('Open http://x/link');
  });

  it('files on the reply go with the mail; a note sends nothing', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: undefined });
    const customer = await makeCustomer(db);
    const c = await makeCase(db, customer.id);
    const ava = await agent();
    await addMessage(db, ava, c.id, { body: 'Internal: check the label', public: false });
    const file = await uploadAttachment(db, ava, c.id, {
      filename: 'label.pdf',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF-1.4 label'),
    });
    const reply = await addMessage(db, ava, c.id, {
      body: 'Label attached',
      public: true,
      attachmentIds: [file.id],
    });
    const mails = await caseMail(c.id);
    expect(mails.map((m) => m.case_message_id)).toEqual([reply.id]);
    const parsed = await parse(mails[0]!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['label.pdf', 'application/pdf', '%PDF-1.4 label'],
    ]);
  });
});

describe('sending through SMTP', () => {
  async function queued(n: number, to = 'someone@customer.example') {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await db.transaction((tx) =>
        queueMail(tx, { to, subject: `Mail ${i}`, text: `Body ${i}` }),
      );
      ids.push(id);
    }
    return ids;
  }

  it('without SMTP nothing is sent and held mail stays held', async () => {
    const [id] = await queued(1);
    expect((await mail(id!)).status).toBe('held');
    expect(await sendQueuedMail(db)).toBe(0);
    expect((await mail(id!)).status).toBe('held');
  });

  it('sends the stored bytes: envelope from the support address to the recipient; sent once', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const ids = await queued(2, 'Someone@Customer.example');
    expect((await mail(ids[0]!)).status).toBe('queued');
    expect(await sendQueuedMail(db)).toBe(2);
    expect(sink.received).toHaveLength(2);
    for (const id of ids) {
      const m = await mail(id);
      expect(m.status).toBe('sent');
      expect(m.attempts).toBe(1);
      expect(new Date(m.sent_at!).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(m.run_after).toBeNull();
      expect(m.reason).toBeNull();
      const got = sink.received.find((r) => r.header('Message-ID') === `<${m.message_id}>`)!;
      expect(got.from).toBe('support@steward.localhost');
      expect(got.to).toEqual(['someone@customer.example']);
      expect(got.raw.toString('utf8').replace(/\r\n/g, '\n').trim()).toBe(
        Buffer.from(m.raw).toString('utf8').replace(/\r\n/g, '\n').trim(),
      );
    }
    expect(await sendQueuedMail(db)).toBe(0);
    expect(sink.received).toHaveLength(2);
    const events = await rows<{ type: string }>(
      db,
      sql`select type from domain_events where entity_id = ${ids[0]!} order by occurred_at`,
    );
    expect(events.map((e) => e.type)).toEqual(['mail.queued', 'mail.sent']);
  });

  it('a mail with copies goes to each of them too: the Cc header and the envelope', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const { id } = await db.transaction((tx) =>
      queueMail(tx, {
        to: 'maria@customer.example',
        cc: ['lars@customer.example', 'eva@partner.example'],
        subject: 'With copies',
        text: 'Hello all',
      }),
    );
    expect((await mail(id)).cc_addresses).toEqual(['lars@customer.example', 'eva@partner.example']);
    const before = sink.received.length;
    expect(await sendQueuedMail(db)).toBe(1);
    const got = sink.received.slice(before).find((r) => r.header('Subject') === 'With copies')!;
    expect(got.to).toEqual(['maria@customer.example', 'lars@customer.example', 'eva@partner.example']);
    expect(got.header('Cc')).toBe('lars@customer.example, eva@partner.example');
  });

  it('a reply reaches its customer through SMTP with the link to the request in the portal; with copies, or no public address, without', async () => {
    const before = mailSettings().publicUrl;
    try {
      configureMail({ mailFrom: FROM, smtpUrl: sink.url, publicUrl: 'https://help.example.com/' });
      const ava = await agent('Ava Agent');
      const customer = await makeCustomer(db, { name: 'Maria Jensen', email: 'maria.link@customer.example' });
      const alone = await makeCase(db, customer.id, { subject: 'Lamp' });
      const copied = await makeCase(db, customer.id, { subject: 'Table' });
      await db.execute(sql`update cases set cc = array['lars@partner.example'] where id = ${copied.id}`);
      await addMessage(db, ava, alone.id, { body: 'A new lamp is on its way.', public: true });
      await addMessage(db, ava, copied.id, { body: 'A new table is on its way.', public: true });
      configureMail({ mailFrom: FROM, smtpUrl: sink.url, publicUrl: 'http://0.0.0.0:3000' });
      await addMessage(db, ava, alone.id, { body: 'It left today.', public: true });
      expect(await sendQueuedMail(db)).toBe(3);
      const got = await Promise.all(sink.received.map(async (r) => ({ to: r.to, mail: await parse(r.raw) })));
      const textOf = (subject: string, body: string) =>
        got.find((g) => g.mail.subject?.endsWith(subject) && g.mail.text?.startsWith(body))!;
      const lamp = textOf('Lamp', 'A new lamp');
      expect(lamp.to).toEqual(['maria.link@customer.example']);
      expect(lamp.mail.text?.trim()).toBe(
        `A new lamp is on its way.\n\nSee this request online: https://help.example.com/portal/cases/${alone.id}`,
      );
      // Copied to someone who cannot sign in to the customer's portal: one mail for all, no link.
      const table = textOf('Table', 'A new table');
      expect(table.to).toEqual(['maria.link@customer.example', 'lars@partner.example']);
      expect(table.mail.text?.trim()).toBe('A new table is on its way.');
      // No address a browser reaches: no link that leads nowhere.
      expect(textOf('Lamp', 'It left').mail.text?.trim()).toBe('It left today.');
    } finally {
      configureMail({ mailFrom: FROM, smtpUrl: undefined, publicUrl: before });
    }
  });

  it('a 4xx answer is retried after the back-off, then sent', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const [id] = await queued(1);
    sink.failNext(451, 'Mailbox busy, try later');
    expect(await sendQueuedMail(db, { backoffMs: () => 60_000 })).toBe(1);
    let m = await mail(id!);
    expect(m.status).toBe('queued');
    expect(m.attempts).toBe(1);
    expect(m.reason).toMatch(/451/);
    expect(new Date(m.run_after!).getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Not due yet: nothing happens.
    expect(await sendQueuedMail(db)).toBe(0);
    await db.execute(sql`update mail_messages set run_after = now() where id = ${id!}`); // time passes
    expect(await sendQueuedMail(db)).toBe(1);
    m = await mail(id!);
    expect(m.status).toBe('sent');
    expect(m.attempts).toBe(2);
    expect(m.reason).toBeNull();
    expect(sink.received).toHaveLength(1);
  });

  it('a 5xx answer fails at once, with the server’s words', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const [id] = await queued(1);
    sink.failNext(550, 'No such user here');
    expect(await sendQueuedMail(db, { backoffMs: () => 0 })).toBe(1);
    const m = await mail(id!);
    expect(m.status).toBe('failed');
    expect(m.attempts).toBe(1);
    expect(m.reason).toMatch(/550.*No such user here/);
    expect(m.run_after).toBeNull();
    expect(await sendQueuedMail(db, { backoffMs: () => 0 })).toBe(0);
  });

  it(`gives up after ${MAX_SEND_ATTEMPTS} attempts of temporary failures`, async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const [id] = await queued(1);
    sink.failNext(421, 'Service not available', MAX_SEND_ATTEMPTS);
    for (let i = 1; i <= MAX_SEND_ATTEMPTS; i++) {
      expect(await sendQueuedMail(db, { backoffMs: () => 0 })).toBe(1);
      const m = await mail(id!);
      expect(m.attempts).toBe(i);
      expect(m.status).toBe(i < MAX_SEND_ATTEMPTS ? 'queued' : 'failed');
    }
    expect(sink.received).toHaveLength(0);
  });

  it('a mail server that cannot be reached is a temporary failure', async () => {
    const closed = await startSmtpSink();
    await closed.close(); // a port with nobody listening
    configureMail({ mailFrom: FROM, smtpUrl: closed.url });
    const [id] = await queued(1);
    expect(await sendQueuedMail(db, { backoffMs: () => 30_000 })).toBe(1);
    const m = await mail(id!);
    expect(m.status).toBe('queued');
    expect(m.reason).toMatch(/ECONNREFUSED|connect/i);
    await closeMailTransport();
  });
});

describe.runIf(usingPostgres())('on PostgreSQL with several nodes', () => {
  it('every mail is sent exactly once while four processes race', async () => {
    configureMail({ mailFrom: FROM, smtpUrl: sink.url });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const { id } = await db.transaction((tx) =>
        queueMail(tx, { to: `r${i}@customer.example`, subject: `Race ${i}`, text: 'x' }),
      );
      ids.push(id);
    }
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url: h.url!, poolSize: 2 })),
    );
    try {
      await Promise.all(
        nodes.map(async (node) => {
          while ((await sendQueuedMail(node.db, { limit: 5 })) > 0);
        }),
      );
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
    const sent = await rows<{ n: number; attempts: number }>(
      db,
      sql`select count(*)::int as n, max(attempts)::int as attempts from mail_messages
        where id = any(${sql.param(ids)}::uuid[]) and status = 'sent'`,
    );
    expect(sent[0]).toEqual({ n: 60, attempts: 1 });
    const got = sink.received.map((r) => r.header('Subject'));
    expect(got).toHaveLength(60);
    expect(new Set(got).size).toBe(60);
  });
});
