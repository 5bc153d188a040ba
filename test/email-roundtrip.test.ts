// The channel's "done when", end to end: a real Steward (its SMTP receiver on, outgoing mail to a
// relay) and, on loopback, the customer's side: an ordinary SMTP client and the customer's mail
// server, which keeps what it receives (the sender's mailbox). Mail sent to Steward opens a case;
// the agent's reply arrives in the sender's mailbox; the sender's answer to it lands in the same
// case, trimmed of the quoted reply; an answer that only carries the threading headers does too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/server/config.js';
import { startServer, type RunningServer } from '../src/server/start.js';
import { createTestDatabase } from './helpers/db.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './helpers/smtp-sink.js';

const ADMIN = { email: 'admin@roundtrip.example', password: 'roundtrip-admin-password' };
const AGENT = { email: 'ava@roundtrip.example', password: 'roundtrip-agent-password', name: 'Ava Agent' };
const SUPPORT = 'support@steward.localhost';
const KIM = 'kim.nguyen@customer.example';

let dir: string;
let dropDb: (() => Promise<void>) | undefined;
let server: RunningServer;
let mailbox: SmtpSink; // the customer's mail server
let agentToken: string;

async function call<T = any>(method: string, path: string, body?: unknown, token = agentToken) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The customer's mail client: an ordinary SMTP submission to Steward's receiver. */
async function customerSends(mail: SendMailOptions) {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtpPort!,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return await client.sendMail({ from: `Kim Nguyen <${KIM}>`, ...mail });
  } finally {
    client.close();
  }
}

const inboundMail = (messageId: string) =>
  until('the mail to be received', async () => {
    const res = await call('GET', '/mail?direction=in');
    return (res.body.items as any[]).find((m) => m.messageId === messageId);
  });

const messagesOf = async (caseId: string) =>
  (await call('GET', `/cases/${caseId}/messages`)).body.items as any[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-roundtrip-'));
  let databaseUrl: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const handle = await createTestDatabase();
    databaseUrl = handle.url;
    dropDb = handle.close; // the server opens its own pool; this one only owns the database
  }
  mailbox = await startSmtpSink();
  server = await startServer(
    loadConfig(
      {
        STEWARD_DATA_DIR: join(dir, 'data'),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        STEWARD_ADMIN_EMAIL: ADMIN.email,
        STEWARD_ADMIN_PASSWORD: ADMIN.password,
        STEWARD_SMTP_PORT: '0',
        STEWARD_SMTP_URL: mailbox.url,
        STEWARD_MAIL_FROM: `Steward Support <${SUPPORT}>`,
      },
      { port: 0, host: '127.0.0.1', webDir: undefined },
    ),
    { logger: false },
  );
  const admin = (await call('POST', '/auth/login', ADMIN, '')).body.token as string;
  const agent = await call('POST', '/users', { ...AGENT, role: 'agent' }, admin);
  expect(agent.status).toBe(201);
  agentToken = (await call('POST', '/auth/login', { email: AGENT.email, password: AGENT.password }, '')).body
    .token;
});
afterAll(async () => {
  await server?.stop();
  await mailbox?.close();
  rmSync(dir, { recursive: true, force: true });
  await dropDb?.().catch(() => {});
});

describe('e-mail both ways', () => {
  let caseId: string;
  let caseNumber: number;
  let firstMessageId: string;
  let ack: ReceivedMail;
  let reply: ReceivedMail;

  it('a mail sent to Steward by an ordinary SMTP client opens a case', async () => {
    const sent = await customerSends({
      to: `Steward Support <${SUPPORT}>`,
      subject: 'Order 4711 has not arrived',
      text: 'Hello,\n\nmy order 4711 was due on Monday and has not arrived yet.\n\nKim',
    });
    expect(sent.accepted).toEqual([SUPPORT]);
    firstMessageId = sent.messageId.replace(/^<|>$/g, '');
    const mail = await inboundMail(firstMessageId);
    expect(mail.status).toBe('processed');
    expect(mail.fromAddress).toBe(KIM);
    caseId = mail.caseId;
    const c = (await call('GET', `/cases/${caseId}`)).body;
    caseNumber = c.number;
    expect(c).toMatchObject({ subject: 'Order 4711 has not arrived', channel: 'email', status: 'new' });
    const customer = (await call('GET', `/customers/${c.customerId}`)).body;
    expect(customer).toMatchObject({ name: 'Kim Nguyen', email: KIM });
    const messages = await messagesOf(caseId);
    expect(messages.map((m) => [m.authorType, m.public, m.body])).toEqual([
      ['customer', true, 'Hello,\n\nmy order 4711 was due on Monday and has not arrived yet.\n\nKim'],
    ]);
    // The sender hears at once that we have it: on the case's thread, marked automatic.
    ack = (await mailbox.waitFor(1, 20_000))[0]!;
    expect(ack.to).toEqual([KIM]);
    expect(ack.parsed.subject).toBe(`Re: [#${caseNumber}] We have your request`);
    expect(ack.header('In-Reply-To')).toBe(`<${firstMessageId}>`);
    expect(ack.header('Auto-Submitted')).toBe('auto-generated');
    expect(ack.header('Reply-To')).toMatch(/^support\+[a-z2-7]{16}@steward\.localhost$/);
    expect(ack.parsed.text?.split('\n')[0]).toBe(`We have your request #${caseNumber}.`);
  });

  it('the agent’s reply arrives in the sender’s mailbox, threaded, with the case’s reply address', async () => {
    const res = await call('POST', `/cases/${caseId}/messages`, {
      body: 'Hello Kim,\n\nthe carrier has it at the Leipzig hub; it reaches you tomorrow.\n\nAva',
      public: true,
    });
    expect(res.status).toBe(201);
    reply = (await mailbox.waitFor(2, 20_000))[1]!;
    expect(reply!.from).toBe(SUPPORT);
    expect(reply!.to).toEqual([KIM]);
    expect(reply!.header('From')).toBe(`"Ava Agent (Steward Support)" <${SUPPORT}>`);
    expect(reply!.header('To')).toBe(`Kim Nguyen <${KIM}>`);
    expect(reply!.parsed.subject).toBe(`Re: [#${caseNumber}] Order 4711 has not arrived`);
    expect(reply!.header('In-Reply-To')).toBe(`<${firstMessageId}>`);
    expect(reply!.header('References')).toBe(`<${firstMessageId}> ${ack.header('Message-ID')}`);
    expect(reply!.header('Reply-To')).toBe(ack.header('Reply-To'));
    expect(reply!.header('X-Steward-Mail')).toBe('1');
    expect(reply!.header('Auto-Submitted')).toBe('');
    // The agent's text, then the link to the request in the portal (Steward's public address).
    expect(reply!.parsed.text?.trim()).toBe(
      `Hello Kim,\n\nthe carrier has it at the Leipzig hub; it reaches you tomorrow.\n\nAva\n\nSee this request online: http://127.0.0.1:3000/portal/cases/${caseId}`,
    );
    // The outbox says it went: the sender marks it sent once the SMTP exchange is over, a moment
    // after the mailbox has it.
    // Newest first: the reply, then the acknowledgement (no case message of its own).
    const outbox = async () => (await call('GET', `/mail?direction=out&caseId=${caseId}`)).body.items;
    await expect
      .poll(async () => (await outbox()).map((m: any) => [m.status, m.caseMessageId, m.attempts]), {
        timeout: 10_000,
      })
      .toEqual([
        ['sent', res.body.id, 1],
        ['sent', null, 1],
      ]);
    const out = await outbox();
    expect(`<${out[0].messageId}>`).toBe(reply!.header('Message-ID'));
  });

  it('the sender’s answer to it lands in the same case, without the quoted reply', async () => {
    const replyId = reply.header('Message-ID');
    const quoted = reply.parsed
      .text!.trim()
      .split('\n')
      .map((l) => `> ${l}`.trimEnd())
      .join('\n');
    const sent = await customerSends({
      // A mail client's "Reply": to the Reply-To, Re: subject, threading headers, the quote below.
      to: reply.header('Reply-To'),
      subject: `Re: ${reply.parsed.subject}`,
      inReplyTo: replyId,
      references: [`<${firstMessageId}>`, replyId],
      text: `Thank you, the tracking shows it now.\n\nOn Monday, Ava Agent (Steward Support) <${SUPPORT}> wrote:\n${quoted}\n`,
    });
    const mail = await inboundMail(sent.messageId.replace(/^<|>$/g, ''));
    expect(mail.status).toBe('processed');
    expect(mail.caseId).toBe(caseId);
    const messages = await messagesOf(caseId);
    expect(messages).toHaveLength(3);
    expect(messages[2]).toMatchObject({
      authorType: 'customer',
      public: true,
      body: 'Thank you, the tracking shows it now.',
    });
    // The whole mail, quote included, is kept in the mail log.
    const detail = (await call('GET', `/mail/${mail.id}`)).body;
    expect(detail.textBody).toContain('> Hello Kim,');
    // Still one case for the customer.
    const customerCases = (await call('GET', `/cases/${caseId}`)).body.customerId;
    const list = (await call('GET', `/cases?customerId=${customerCases}`)).body;
    expect(list.items.map((c: any) => c.id)).toEqual([caseId]);
  });

  it('an answer sent to the plain support address joins by its threading headers; our next reply answers it', async () => {
    const replyId = reply.header('Message-ID');
    const sent = await customerSends({
      to: SUPPORT,
      subject: 'Re: Order 4711 has not arrived',
      inReplyTo: replyId,
      references: [`<${firstMessageId}>`, replyId],
      text: 'One more thing: please leave it with the neighbour.',
    });
    const customerId = sent.messageId.replace(/^<|>$/g, '');
    const mail = await inboundMail(customerId);
    expect(mail.caseId).toBe(caseId);
    expect((await messagesOf(caseId)).at(-1).body).toBe(
      'One more thing: please leave it with the neighbour.',
    );

    await call('POST', `/cases/${caseId}/messages`, { body: 'Noted: the neighbour it is.', public: true });
    // Our reply, whatever else Steward sent meanwhile (a colleague's notification can come first).
    const second = await mailbox.waitForMail(
      (m) => m.parsed.text?.includes('Noted: the neighbour it is.') ?? false,
      20_000,
    );
    expect(second.header('In-Reply-To')).toBe(`<${customerId}>`);
    expect(second.header('References').split(' ')).toEqual(
      expect.arrayContaining([`<${firstMessageId}>`, replyId, `<${customerId}>`]),
    );
    expect(second.header('References').split(' ')[0]).toBe(`<${firstMessageId}>`);
    expect(second.header('Reply-To')).toBe(reply.header('Reply-To'));
  });
});
