// The inbound mail pipeline on a real database: raw sample mails (MIME, charsets, attachments,
// inline images), machine mail set aside, threading (token, In-Reply-To, References, never the
// subject), strangers kept out of other customers' cases, duplicates, failures kept.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { mailFixture, newMessageId, plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createTeam } from '../teams/teams.service.js';
import { newReplyToken } from './compose.js';
import { receiveMail } from './inbound.js';
import { mailboxes, mailMessages } from './mail.table.js';

let t: TestApp;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

const stranger = (name = 'Pat Doe') => {
  const u = unique();
  return { address: `pat-${u}@home-${u}.example`, header: `${name} <pat-${u}@home-${u}.example>` };
};

const mailRow = async (id: string) =>
  (
    await rows<{
      status: string;
      reason: string | null;
      case_id: string | null;
      case_message_id: string | null;
      text_body: string | null;
      html_body: string | null;
      raw: Uint8Array | null;
      subject: string;
      from_address: string;
      references: string[];
      in_reply_to: string | null;
    }>(t.db, sql`select * from mail_messages where id = ${id}`)
  )[0]!;

const messageRow = async (id: string) =>
  (
    await rows<{
      body: string;
      body_html: string | null;
      channel: string;
      author_type: string;
      author_customer_id: string | null;
      public: boolean;
    }>(t.db, sql`select * from messages where id = ${id}`)
  )[0]!;

/** An outbound mail we sent (on a case), as the outbox leaves it. */
async function sentMail(caseId: string | null = null) {
  const messageId = newMessageId('steward.localhost');
  await t.db.insert(mailMessages).values({
    direction: 'out',
    messageId,
    fromAddress: 'support@steward.localhost',
    status: 'sent',
    caseId,
  });
  return messageId;
}

const caseOf = async (id: string) => (await t.get(`/api/v1/cases/${id}`, agent)).body;
const messagesOf = async (caseId: string) =>
  (await t.get(`/api/v1/cases/${caseId}/messages`, agent)).body.items as any[];
const count = async (query: ReturnType<typeof sql>) => (await rows<{ n: number }>(t.db, query))[0]!.n;

describe('parsing raw mail', () => {
  it('multipart/alternative: text shown, HTML sanitized, a new customer and an e-mail case', async () => {
    const from = stranger('Maria Jensen');
    const res = await receiveMail(t.db, mailFixture('multipart-alternative', { From: from.header }));
    expect(res.status).toBe('processed');
    const c = await caseOf(res.caseId!);
    expect(c).toMatchObject({
      subject: 'Order SO-2211 has not arrived',
      channel: 'email',
      status: 'new',
      customer: { name: 'Maria Jensen', email: from.address },
    });
    const [m] = await messagesOf(c.id);
    expect(m.id).toBe(res.messageId);
    expect(m.body).toContain('my order SO-2211 was promised for Friday');
    expect(m.body).toContain('Grüße from Zürich');
    expect(m.authorType).toBe('customer');
    // The API gives the sanitized HTML next to the text (the case page shows it on request).
    expect(m.bodyHtml).toContain('<b>SO-2211</b>');
    expect(m.bodyHtml).not.toContain('<script');
    const stored = await messageRow(res.messageId!);
    expect(stored.channel).toBe('email');
    expect(stored.body_html).toContain('<b>SO-2211</b>');
    expect(stored.body_html).toContain('Grüße from Zürich');
    for (const bad of ['<script', '<style', 'onload', 'onclick', 'steal', 'alert', 'color: red'])
      expect(stored.body_html).not.toContain(bad);
    // A remote image is not loaded: it becomes a link.
    expect(stored.body_html).not.toContain('<img');
    expect(stored.body_html).toContain(
      '<a href="https://tracker.example/open.gif?u=1" rel="noopener noreferrer nofollow" target="_blank">[image: pixel]</a>',
    );
    expect(stored.body_html).toContain('href="https://northwind.example/orders/SO-2211"');
    // The whole mail is kept.
    const mail = await mailRow(res.mailId!);
    expect(mail).toMatchObject({ status: 'processed', case_id: c.id, case_message_id: m.id });
    expect(mail.from_address).toBe(from.address);
    expect(mail.text_body).toContain('Could you check where it is?');
    expect(Buffer.from(mail.raw!).toString('utf8')).toContain('Content-Type: multipart/alternative');
  });

  it('ISO-8859-1: 8-bit body and encoded-word subject and name are decoded', async () => {
    const u = unique();
    const res = await receiveMail(
      t.db,
      mailFixture('iso-8859-1', { From: `=?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg-${u}@example.de>` }),
    );
    expect(res.status).toBe('processed');
    const c = await caseOf(res.caseId!);
    expect(c.subject).toBe('Beschädigte Lieferung - bitte um Rückruf');
    expect(c.customer.name).toBe('Jörg Müller');
    const [m] = await messagesOf(c.id);
    expect(m.body).toContain('die Lieferung kam beschädigt an. Die Größe stimmt auch nicht.');
  });

  it('Windows-1252: quoted-printable HTML and a base64 encoded-word subject', async () => {
    const res = await receiveMail(
      t.db,
      mailFixture('windows-1252', { From: stranger('Anne Durand').header }),
    );
    expect(res.status).toBe('processed');
    const c = await caseOf(res.caseId!);
    expect(c.subject).toBe('Facture erronée – 120 €');
    const [m] = await messagesOf(c.id);
    expect(m.body).toContain('la facture indique 120 € au lieu de 100 € – merci de corriger.');
    expect((await messageRow(m.id)).body_html).toBe(
      '<p>Bonjour, la facture indique 120 € au lieu de 100 € – merci de corriger.</p>',
    );
  });

  it('attachments are stored on the message; an executable is refused and noted', async () => {
    const res = await receiveMail(t.db, mailFixture('attachments', { From: stranger('Liam Chen').header }));
    expect(res.status).toBe('processed');
    expect(res.reason).toBe('not stored: reader.exe (executable files are not accepted)');
    const messages = await messagesOf(res.caseId!);
    const first = messages.find((m) => m.id === res.messageId)!;
    expect(first.attachments).toHaveLength(1);
    expect(first.attachments[0]).toMatchObject({ filename: 'INV-88.pdf', contentType: 'application/pdf' });
    const file = await fetch(t.url + first.attachments[0].url, {
      headers: { authorization: `Bearer ${agent}` },
    });
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.toString('latin1')).toBe('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    // Agents see why the other file is missing; the customer does not see the note.
    const note = messages.find((m) => !m.public)!;
    expect(note.body).toContain('reader.exe — executable files are not accepted');
    expect(note.authorType).toBe('system');
    expect(await count(sql`select count(*)::int as n from attachments where case_id = ${res.caseId}`)).toBe(
      1,
    );
    expect((await mailRow(res.mailId!)).reason).toContain('reader.exe');
  });

  it('an inline image is stored with its Content-ID and the HTML points to it', async () => {
    const res = await receiveMail(
      t.db,
      mailFixture('inline-image', { From: stranger('Sofia Rossi').header }),
    );
    expect(res.status).toBe('processed');
    const [a] = await rows<{ id: string; content_id: string; content_type: string; filename: string }>(
      t.db,
      sql`select id, content_id, content_type, filename from attachments where message_id = ${res.messageId}`,
    );
    expect(a).toMatchObject({ content_id: 'photo1@example.it', content_type: 'image/png' });
    expect(a!.filename).toMatch(/\.png$/);
    const shown = await messageRow(res.messageId!);
    expect(shown.body_html).toBe(
      `<p>This is what arrived:</p><p><img src="/api/v1/attachments/${a!.id}" alt="photo" /></p><p>I ordered blue.</p>`,
    );
    expect(shown.body).toContain('I ordered blue.');
    expect((await mailRow(res.mailId!)).html_body).toContain(`/api/v1/attachments/${a!.id}`);
  });
});

describe('machine mail never opens a case', () => {
  it.each([
    ['an auto-reply (Auto-Submitted)', 'auto-reply', 'Auto-Submitted: auto-replied'],
    ['an out-of-office (X-Autoreply)', 'out-of-office', 'X-Autoreply'],
    ['a bounce (multipart/report from MAILER-DAEMON)', 'bounce', 'a delivery report (multipart/report)'],
    ['a bulk mail (Precedence: bulk)', 'bulk', 'Precedence: bulk'],
  ])('%s is kept as ignored, with its reason', async (_, fixture, reason) => {
    const cases = await count(sql`select count(*)::int as n from cases`);
    const customers = await count(sql`select count(*)::int as n from customers`);
    const res = await receiveMail(t.db, mailFixture(fixture));
    expect(res).toMatchObject({ status: 'ignored', reason });
    expect(res.caseId).toBeUndefined();
    expect(await count(sql`select count(*)::int as n from cases`)).toBe(cases);
    expect(await count(sql`select count(*)::int as n from customers`)).toBe(customers);
    expect(await mailRow(res.mailId!)).toMatchObject({ status: 'ignored', reason, case_message_id: null });
  });

  it('our own mail: the X-Steward-Mail header, an address of ours, a Message-ID we sent', async () => {
    const sentId = await sentMail();
    const person = stranger().header;
    const results = [
      await receiveMail(t.db, plainMail({ from: person, headers: { 'X-Steward-Mail': '1' } })),
      await receiveMail(t.db, plainMail({ from: 'Steward Support <support@steward.localhost>' })),
      await receiveMail(t.db, plainMail({ from: person, messageId: sentId })),
      await receiveMail(t.db, plainMail({ from: person }), { envelopeFrom: '' }),
    ];
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['ignored', 'our own mail (X-Steward-Mail)'],
      ['ignored', 'sent from our own address support@steward.localhost'],
      ['ignored', 'our own mail (its Message-ID is one we sent)'],
      ['ignored', 'empty envelope sender (a bounce)'],
    ]);
  });

  it('a bounce of a case’s mail is filed on that case, without a message', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { channel: 'email', message: { body: 'Hi' } });
    const sentId = await sentMail(c.id);
    const res = await receiveMail(
      t.db,
      mailFixture('bounce', { 'In-Reply-To': `<${sentId}>`, From: 'MAILER-DAEMON@mx.example.net' }),
    );
    expect(res).toMatchObject({ status: 'ignored', caseId: c.id });
    expect(await messagesOf(c.id)).toHaveLength(1);
  });
});

describe('senders', () => {
  it('an unknown sender becomes a customer of the organization owning their domain', async () => {
    const org = await makeOrganization(t.db);
    const domain = org.domains[0]!;
    const res = await receiveMail(t.db, plainMail({ from: `Kim Park <KIM@${domain.toUpperCase()}>` }));
    const c = await caseOf(res.caseId!);
    expect(c.customer).toMatchObject({ name: 'Kim Park', email: `kim@${domain}` });
    expect(c.organization).toEqual({ id: org.id, name: org.name });
    // The next mail finds them again, whatever the case of the address.
    const again = await receiveMail(t.db, plainMail({ from: `kim@${domain}`, subject: 'Another question' }));
    expect((await caseOf(again.caseId!)).customerId).toBe(c.customerId);
  });

  it('a sender at a subdomain belongs to the organization owning the domain; the most specific owner wins', async () => {
    const parent = await makeOrganization(t.db);
    const domain = parent.domains[0]!;
    const res = await receiveMail(t.db, plainMail({ from: `ops@eu.mail.${domain}` }));
    expect((await caseOf(res.caseId!)).organization).toEqual({ id: parent.id, name: parent.name });
    const branch = await makeOrganization(t.db, { domains: [`us.${domain}`] });
    const us = await receiveMail(t.db, plainMail({ from: `ops@us.${domain}` }));
    expect((await caseOf(us.caseId!)).organization).toEqual({ id: branch.id, name: branch.name });
    // Not a suffix match: notacme.example is not acme.example's.
    const other = await receiveMail(t.db, plainMail({ from: `ops@not${domain}` }));
    expect((await caseOf(other.caseId!)).organization).toBeNull();
    const [created] = await rows<{ data: Record<string, unknown> }>(
      t.db,
      sql`select data from domain_events where type = 'customer.created' and data ->> 'email' = ${`ops@eu.mail.${domain}`}`,
    );
    expect(created!.data).toMatchObject({ source: 'email', mailId: res.mailId, organizationId: parent.id });
  });

  it('a sender without a display name is named by their address; no organization', async () => {
    const from = stranger();
    const res = await receiveMail(t.db, plainMail({ from: from.address }));
    const c = await caseOf(res.caseId!);
    expect(c.customer.name).toBe(from.address);
    expect(c.organization).toBeNull();
  });

  it('a known customer is matched by address; a mailbox’s team gets the case', async () => {
    const customer = await makeCustomer(t.db);
    const team = await createTeam(t.db, SYSTEM_ACTOR, { name: `Billing ${unique()}` });
    const address = `billing-${unique()}@steward.localhost`;
    await t.db.insert(mailboxes).values({ address, name: 'Billing', teamId: team.id });
    const res = await receiveMail(t.db, plainMail({ from: customer.email!, to: `Billing <${address}>` }));
    const c = await caseOf(res.caseId!);
    expect(c.customerId).toBe(customer.id);
    expect(c.teamId).toBe(team.id);
  });
});

/** A customer's e-mail case with our reply on it (an outbound mail) and its reply token. */
async function emailCase(overrides: { organizationId?: string } = {}) {
  const customer = await makeCustomer(t.db, overrides);
  const first = await receiveMail(
    t.db,
    plainMail({ from: customer.email!, subject: `Parcel ${unique()}`, body: 'Where is my parcel?' }),
  );
  const caseId = first.caseId!;
  const token = newReplyToken();
  await t.db.execute(sql`update cases set reply_token = ${token} where id = ${caseId}`);
  const sentId = await sentMail(caseId);
  return { customer, caseId, token, sentId, firstMail: first };
}

async function mailIdOf(mailId: string) {
  return (
    await rows<{ message_id: string }>(t.db, sql`select message_id from mail_messages where id = ${mailId}`)
  )[0]!.message_id;
}

describe('threading', () => {
  it('by the reply token in the address: the reply lands in its case and reopens it', async () => {
    const { customer, caseId, token } = await emailCase();
    await t.patch(`/api/v1/cases/${caseId}`, { status: 'solved' }, agent);
    const res = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        to: `support+${token}@steward.localhost`,
        subject: 'thanks',
        body: 'It came back broken.',
      }),
    );
    expect(res).toMatchObject({ status: 'processed', caseId });
    const c = await caseOf(caseId);
    expect(c.status).toBe('open');
    expect(c.reopenCount).toBe(1);
    const messages = await messagesOf(caseId);
    expect(messages.map((m) => m.body)).toEqual(['Where is my parcel?', 'It came back broken.']);
    expect(messages[1].authorType).toBe('customer');
  });

  it('a token in Cc, or upper-cased by a relay, works too', async () => {
    const { customer, caseId, token } = await emailCase();
    const res = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        to: 'someone@else.example',
        headers: { Cc: `SUPPORT+${token.toUpperCase()}@STEWARD.LOCALHOST` },
      }),
    );
    expect(res.caseId).toBe(caseId);
  });

  it('the SMTP envelope recipient counts (a Bcc to the case address)', async () => {
    const { customer, caseId, token } = await emailCase();
    const res = await receiveMail(t.db, plainMail({ from: customer.email!, to: 'friend@else.example' }), {
      envelopeTo: [`support+${token}@steward.localhost`],
    });
    expect(res.caseId).toBe(caseId);
  });

  it('by In-Reply-To: an answer to our mail, and an answer to the customer’s own mail', async () => {
    const { customer, caseId, sentId, firstMail } = await emailCase();
    const toOurs = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, subject: 'Re: parcel', headers: { 'In-Reply-To': `<${sentId}>` } }),
    );
    expect(toOurs.caseId).toBe(caseId);
    const toTheirs = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        subject: 'One more thing',
        headers: { 'In-Reply-To': `<${await mailIdOf(firstMail.mailId!)}>` },
      }),
    );
    expect(toTheirs.caseId).toBe(caseId);
    expect(await messagesOf(caseId)).toHaveLength(3);
  });

  it('by References when In-Reply-To is unknown; the newest known reference wins', async () => {
    const a = await emailCase();
    const b = await emailCase({});
    // b's customer writes with a chain that mentions a's mail first and b's last.
    const res = await receiveMail(
      t.db,
      plainMail({
        from: b.customer.email!,
        headers: {
          'In-Reply-To': `<${newMessageId()}>`,
          References: `<${a.sentId}> <${newMessageId()}> <${b.sentId}> <${newMessageId()}>`,
        },
      }),
    );
    expect(res.caseId).toBe(b.caseId);
  });

  it('never by subject alone', async () => {
    const { customer, caseId } = await emailCase();
    const subject = (await caseOf(caseId)).subject;
    const res = await receiveMail(t.db, plainMail({ from: customer.email!, subject: `Re: ${subject}` }));
    expect(res.status).toBe('processed');
    expect(res.caseId).not.toBe(caseId);
    expect(await messagesOf(caseId)).toHaveLength(1);
  });

  it('a reply trims quoted history and signature from the shown message; the mail keeps all', async () => {
    const { customer, caseId, sentId } = await emailCase();
    const res = await receiveMail(
      t.db,
      mailFixture('reply-quoted', { From: `Maria <${customer.email}>`, 'In-Reply-To': `<${sentId}>` }),
    );
    expect(res.caseId).toBe(caseId);
    const shown = await messageRow(res.messageId!);
    expect(shown.body).toBe('Thank you, the parcel arrived this morning.');
    expect(shown.body_html).toBe('<div>Thank you, the parcel arrived this morning.<br /></div><br />');
    const mail = await mailRow(res.mailId!);
    expect(mail.text_body).toContain('your parcel is on its way');
    expect(mail.text_body).toContain('Purchasing, Northwind Traders');
    expect(mail.html_body).toContain('your parcel is on its way');
    expect(mail.in_reply_to).toBe(sentId);
    expect(mail.references).toEqual(['alt-2211@mail.northwind.example', 'sent-0001@steward.localhost']);
  });
});

describe('replies from Outlook', () => {
  it.each([
    ['Outlook for Windows (a bordered header block)', 'reply-outlook-desktop'],
    ['Outlook on the web (a rule and a divRplyFwdMsg block)', 'reply-outlook-web'],
  ])('%s: the shown message is the reply alone, text and HTML', async (_name, fixture) => {
    const { customer, caseId, sentId } = await emailCase();
    const res = await receiveMail(
      t.db,
      mailFixture(fixture, { From: `Maria <${customer.email}>`, 'In-Reply-To': `<${sentId}>` }),
    );
    expect(res.caseId).toBe(caseId);
    const shown = await messageRow(res.messageId!);
    expect(shown.body).toBe('Thanks, Friday morning works for us.');
    expect(shown.body_html).toContain('Thanks, Friday morning works for us.');
    for (const quoted of ['From:', 'Sent:', 'your parcel is on its way', '<hr']) {
      expect(shown.body_html).not.toContain(quoted);
    }
    const mail = await mailRow(res.mailId!);
    expect(mail.html_body).toContain('your parcel is on its way');
  });
});

describe('who may join a thread', () => {
  it('a stranger writing to a case’s reply address gets a case of their own', async () => {
    const { caseId, token, customer } = await emailCase();
    const intruder = stranger('Eve Intruder');
    const res = await receiveMail(
      t.db,
      plainMail({
        from: intruder.header,
        to: `support+${token}@steward.localhost`,
        subject: 'Re: your case',
        body: 'Let me in',
      }),
    );
    expect(res.status).toBe('processed');
    expect(res.caseId).not.toBe(caseId);
    expect(await messagesOf(caseId)).toHaveLength(1);
    const theirs = await caseOf(res.caseId!);
    expect(theirs.customer.email).toBe(intruder.address);
    expect(theirs.customerId).not.toBe(customer.id);
  });

  it('a customer of another organization answering by In-Reply-To gets their own case', async () => {
    const orgA = await makeOrganization(t.db);
    const orgB = await makeOrganization(t.db);
    const { caseId, sentId } = await emailCase({ organizationId: orgA.id });
    const other = await makeCustomer(t.db, { organizationId: orgB.id });
    const res = await receiveMail(
      t.db,
      plainMail({ from: other.email!, headers: { 'In-Reply-To': `<${sentId}>` } }),
    );
    expect(res.caseId).not.toBe(caseId);
    expect((await caseOf(res.caseId!)).organizationId).toBe(orgB.id);
    expect(await messagesOf(caseId)).toHaveLength(1);
  });

  it('a colleague of the same organization joins, as themselves', async () => {
    const org = await makeOrganization(t.db);
    const { caseId, token } = await emailCase({ organizationId: org.id });
    const colleague = await makeCustomer(t.db, { organizationId: org.id, name: 'Colleague Carla' });
    const res = await receiveMail(
      t.db,
      plainMail({ from: colleague.email!, to: `support+${token}@steward.localhost` }),
    );
    expect(res.caseId).toBe(caseId);
    const messages = await messagesOf(caseId);
    expect(messages[1].authorName).toBe('Colleague Carla');
    expect((await messageRow(res.messageId!)).author_customer_id).toBe(colleague.id);
  });

  it('a reply to a closed case opens a new case', async () => {
    const { customer, caseId, token } = await emailCase();
    await t.patch(`/api/v1/cases/${caseId}`, { status: 'closed' }, agent);
    const res = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, to: `support+${token}@steward.localhost` }),
    );
    expect(res.status).toBe('processed');
    expect(res.caseId).not.toBe(caseId);
    expect((await caseOf(res.caseId!)).customerId).toBe(customer.id);
  });

  it('a reply to a proactive notification lands in that proactive case', async () => {
    const customer = await makeCustomer(t.db);
    const proactive = await makeCase(t.db, customer.id, {
      channel: 'proactive',
      subject: 'Your delivery SO-7781 is delayed',
      refs: { orderId: 'SO-7781' },
      message: { body: 'Your parcel will be two days late.', from: 'agent' },
    });
    // The notification's mail carries the case's reply token (set when it is sent).
    const token = newReplyToken();
    await t.db.execute(sql`update cases set reply_token = ${token} where id = ${proactive.id}`);
    const res = await receiveMail(
      t.db,
      plainMail({
        from: customer.email!,
        to: `support+${token}@steward.localhost`,
        subject: 'Re: Your delivery is delayed',
        body: 'Two days is fine, thanks.',
      }),
    );
    expect(res).toMatchObject({ status: 'processed', caseId: proactive.id });
    const messages = await messagesOf(proactive.id);
    expect(messages.map((m) => [m.authorType, m.body])).toEqual([
      ['agent', 'Your parcel will be two days late.'],
      ['customer', 'Two days is fine, thanks.'],
    ]);
  });

  it('a new mail about what an open proactive case covers joins it (openOrJoinCase)', async () => {
    const customer = await makeCustomer(t.db);
    const proactive = await makeCase(t.db, customer.id, {
      channel: 'proactive',
      subject: 'Your delivery is delayed',
      refs: { orderId: 'SO-4410' },
      message: { body: 'Two days late.', from: 'agent' },
    });
    const res = await receiveMail(
      t.db,
      plainMail({ from: customer.email!, subject: 'Where is SO-4410?', body: 'Still nothing.' }),
    );
    expect(res.caseId).toBe(proactive.id);
  });
});

describe('mail from staff', () => {
  it("on a case thread: the agent's internal note (nothing to the customer); no customer is made of them", async () => {
    const { caseId, token } = await emailCase();
    const { user } = await makeUser(t.db, 'agent', { email: `Agent-${unique()}@Example.com` });
    const res = await receiveMail(
      t.db,
      plainMail({
        from: user.email.toUpperCase(),
        to: `support+${token}@steward.localhost`,
        subject: 'Re: Parcel',
        body: 'Called the carrier: it leaves the depot tomorrow.',
      }),
    );
    expect(res).toMatchObject({ status: 'processed', caseId });
    const note = await rows<{
      author_type: string;
      author_user_id: string | null;
      author_customer_id: string | null;
      public: boolean;
      channel: string;
      body: string;
    }>(
      t.db,
      sql`select author_type, author_user_id, author_customer_id, public, channel, body from messages where id = ${res.messageId!}`,
    );
    expect(note).toEqual([
      {
        author_type: 'agent',
        author_user_id: user.id,
        author_customer_id: null,
        public: false,
        channel: 'email',
        body: 'Called the carrier: it leaves the depot tomorrow.',
      },
    ]);
    expect(await mailRow(res.mailId!)).toMatchObject({ status: 'processed', case_id: caseId });
    expect(
      await count(
        sql`select count(*)::int as n from customers where lower(email) = ${user.email.toLowerCase()}`,
      ),
    ).toBe(0);
    // Nothing was queued to the customer for it.
    expect(
      await count(
        sql`select count(*)::int as n from mail_messages where direction = 'out' and case_message_id = ${res.messageId!}`,
      ),
    ).toBe(0);
  });

  it('not about a case (a reply to a team notification, a forward): kept as ignored, no customer, no case', async () => {
    const { user } = await makeUser(t.db, 'admin');
    const cases = await count(sql`select count(*)::int as n from cases`);
    const res = await receiveMail(
      t.db,
      plainMail({ from: user.email, subject: 'Re: [Carrier desk] Shipment stuck' }),
    );
    expect(res).toMatchObject({
      status: 'ignored',
      reason: `from staff (${user.email.toLowerCase()}), not about a case`,
    });
    expect(await count(sql`select count(*)::int as n from cases`)).toBe(cases);
    expect(
      await count(
        sql`select count(*)::int as n from customers where lower(email) = ${user.email.toLowerCase()}`,
      ),
    ).toBe(0);
  });
});

describe('idempotency and failures', () => {
  it('the same mail twice is a duplicate and changes nothing', async () => {
    const raw = plainMail({ from: stranger().header });
    const first = await receiveMail(t.db, raw);
    const mails = await count(sql`select count(*)::int as n from mail_messages`);
    const second = await receiveMail(t.db, raw);
    expect(second.status).toBe('duplicate');
    expect(await count(sql`select count(*)::int as n from mail_messages`)).toBe(mails);
    expect(await messagesOf(first.caseId!)).toHaveLength(1);
  });

  it('the same mail delivered twice at once is processed once', async () => {
    const raw = plainMail({ from: stranger().header });
    const results = await Promise.all([receiveMail(t.db, raw), receiveMail(t.db, raw)]);
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'processed']);
  });

  it('a mail without a Message-ID gets a stable one from its bytes', async () => {
    const raw = Buffer.from(
      `From: ${stranger().header}\r\nTo: support@steward.localhost\r\nSubject: no id\r\n\r\nHello\r\n`,
    );
    const first = await receiveMail(t.db, raw);
    expect(first.status).toBe('processed');
    expect(await mailIdOf(first.mailId!)).toMatch(/^[0-9a-f]{64}@steward\.missing-message-id$/);
    expect((await receiveMail(t.db, raw)).status).toBe('duplicate');
  });

  it('a mail that cannot be processed is kept as failed; its next delivery is processed', async () => {
    // A database rule standing in for any failure while filing the mail.
    await t.db
      .execute(sql`create or replace function steward_test_refuse() returns trigger language plpgsql as $$
      begin if new.body like '%REFUSE-ME%' then raise exception 'refused by the test'; end if; return new; end $$`);
    await t.db.execute(sql`create trigger steward_test_refuse before insert on messages
      for each row execute function steward_test_refuse()`);
    const from = stranger();
    const raw = plainMail({ from: from.header, body: 'REFUSE-ME please' });
    try {
      const res = await receiveMail(t.db, raw);
      expect(res.status).toBe('failed');
      expect(res.reason).toContain('refused by the test');
      const mail = await mailRow(res.mailId!);
      expect(mail).toMatchObject({ status: 'failed', case_id: null });
      expect(Buffer.from(mail.raw!).equals(raw)).toBe(true);
      // Nothing else of it stays: no customer, no case.
      expect(await count(sql`select count(*)::int as n from customers where email = ${from.address}`)).toBe(
        0,
      );
    } finally {
      await t.db.execute(sql`drop trigger steward_test_refuse on messages`);
    }
    const retry = await receiveMail(t.db, raw);
    expect(retry.status).toBe('processed');
    expect(
      await count(
        sql`select count(*)::int as n from mail_messages where message_id = ${await mailIdOf(retry.mailId!)}`,
      ),
    ).toBe(1);
  });

  it('garbage is still stored (failed or processed), never thrown', async () => {
    const res = await receiveMail(t.db, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 0]));
    expect(['failed', 'ignored', 'processed']).toContain(res.status);
    expect(res.mailId).toBeDefined();
  });
});
