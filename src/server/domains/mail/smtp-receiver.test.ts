// The SMTP receiver over a real SMTP exchange on loopback: an ordinary client (nodemailer) sends,
// the receiver stores, a case exists when the client hears 250. Unknown recipients are refused
// at RCPT; a database that cannot store answers 451 (the sender retries), never 250.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';
import { loadConfig } from '../../config.js';
import { startServer } from '../../start.js';
import { mailboxes } from './mail.table.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

const MAIL_FROM = 'Steward Support <support@steward.localhost>';
let t: TestApp;
let agent: string;
let receiver: SmtpReceiver;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  receiver = await startSmtpReceiver({ db: t.db, host: '127.0.0.1', port: 0, mailFrom: MAIL_FROM });
});
afterAll(async () => {
  await receiver?.stop();
  await t?.close();
});

const client = (port = receiver.port) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });

/** The receiver's answer to EHLO, read over a plain socket. */
function ehlo(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.startsWith('220') && !text.includes('EHLO-SENT')) {
        text += 'EHLO-SENT\n';
        socket.write('EHLO client.example\r\n');
      } else if (/^250 /m.test(text)) {
        socket.end('QUIT\r\n');
        resolve(text);
      }
    });
    socket.on('error', reject);
  });
}

const casesOf = async (email: string) =>
  rows<{ id: string; subject: string; channel: string }>(
    t.db,
    sql`select c.id, c.subject, c.channel from cases c join customers cu on cu.id = c.customer_id
      where lower(cu.email) = ${email} order by c.created_at`,
  );

describe('SMTP receiver', () => {
  it('mail from an ordinary SMTP client opens a case before the client hears 250', async () => {
    const from = `dana-${unique()}@example.net`;
    const info = await client().sendMail({
      from: `Dana Smith <${from}>`,
      to: 'support@steward.localhost',
      subject: 'My order is late',
      text: 'Order SO-5512 was due yesterday.',
      attachments: [{ filename: 'photo.txt', content: 'a photo, pretend' }],
    });
    expect(info.accepted).toEqual(['support@steward.localhost']);
    expect(info.response).toMatch(/^250 /);
    const [c] = await casesOf(from);
    expect(c).toMatchObject({ subject: 'My order is late', channel: 'email' });
    const messages = (await t.get(`/api/v1/cases/${c!.id}/messages`, agent)).body.items;
    expect(messages).toHaveLength(1);
    expect(messages[0].body).toBe('Order SO-5512 was due yesterday.');
    expect(messages[0].attachments.map((a: { filename: string }) => a.filename)).toEqual(['photo.txt']);
    const [mail] = await rows<{ from_address: string; status: string }>(
      t.db,
      sql`select from_address, status from mail_messages where message_id = ${info.messageId.replace(/^<|>$/g, '')}`,
    );
    expect(mail).toEqual({ from_address: from, status: 'processed' });
  });

  it('takes mail for a mailbox and for reply addresses; refuses other recipients with 550', async () => {
    const address = `orders-${unique()}@shop.example`;
    await t.db.insert(mailboxes).values({ address, name: 'Orders' });
    const inactive = `old-${unique()}@shop.example`;
    await t.db.insert(mailboxes).values({ address: inactive, name: 'Old', active: false });
    const info = await client().sendMail({
      from: `x-${unique()}@example.net`,
      to: [
        address,
        address.replace('@', '+abcdefghijklmnop@'),
        'support+anything2345aaaaaa@steward.localhost',
      ],
      cc: ['someone@elsewhere.example', inactive],
      subject: 'Hello',
      text: 'Hi',
    });
    expect(info.accepted).toEqual([
      address,
      address.replace('@', '+abcdefghijklmnop@'),
      'support+anything2345aaaaaa@steward.localhost',
    ]);
    expect(info.rejected).toEqual(['someone@elsewhere.example', inactive]);
    expect(info.rejectedErrors?.[0]?.message).toContain('550');

    // Only unknown recipients: the whole mail is refused, nothing stored.
    const before = (await rows<{ n: number }>(t.db, sql`select count(*)::int as n from mail_messages`))[0]!.n;
    const err = await client()
      .sendMail({ from: 'a@example.net', to: 'nobody@steward.localhost', subject: 'x', text: 'x' })
      .catch((e: { responseCode?: number; message: string }) => e);
    expect(err).toMatchObject({ responseCode: 550 });
    expect((await rows<{ n: number }>(t.db, sql`select count(*)::int as n from mail_messages`))[0]!.n).toBe(
      before,
    );
  });

  it('an auto-reply over SMTP is accepted (250) and set aside', async () => {
    const from = `ooo-${unique()}@example.net`;
    const info = await client().sendMail({
      from,
      to: 'support@steward.localhost',
      subject: 'Out of office',
      text: 'Back Monday.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(info.response).toMatch(/^250 /);
    expect(await casesOf(from)).toEqual([]);
  });

  it('a bounce (MAIL FROM:<>) is accepted and set aside', async () => {
    const info = await client().sendMail({
      envelope: { from: '', to: ['support@steward.localhost'] },
      from: 'someone@example.net',
      to: 'support@steward.localhost',
      subject: 'Delivery failure',
      text: 'could not deliver',
    });
    const [mail] = await rows<{ status: string; reason: string }>(
      t.db,
      sql`select status, reason from mail_messages where message_id = ${info.messageId.replace(/^<|>$/g, '')}`,
    );
    expect(mail).toEqual({ status: 'ignored', reason: 'empty envelope sender (a bounce)' });
  });

  it('announces its size limit and refuses larger mail with 552', async () => {
    const small = await startSmtpReceiver({
      db: t.db,
      host: '127.0.0.1',
      port: 0,
      mailFrom: MAIL_FROM,
      maxBytes: 2_000,
    });
    try {
      expect(await ehlo(small.port)).toMatch(/^250[ -]SIZE 2000\r?$/m);
      expect(await ehlo(receiver.port)).toMatch(new RegExp(`^250[ -]SIZE ${25 * 1024 * 1024}\\r?$`, 'm'));
      const transport = client(small.port);
      const err = await transport
        .sendMail({
          from: 'a@example.net',
          to: 'support@steward.localhost',
          subject: 'big',
          text: 'x'.repeat(5_000),
        })
        .catch((e: { responseCode?: number }) => e);
      expect(err).toMatchObject({ responseCode: 552 });
    } finally {
      await small.stop();
    }
  });

  it('answers 451 when the database cannot store the mail, so the sender tries again', async () => {
    const gone = await createTestDatabase();
    const broken = await startSmtpReceiver({ db: gone.db, host: '127.0.0.1', port: 0, mailFrom: MAIL_FROM });
    await gone.close();
    try {
      const err = await client(broken.port)
        .sendMail({ from: 'a@example.net', to: 'support@steward.localhost', subject: 'x', text: 'x' })
        .catch((e: { responseCode?: number }) => e);
      expect(err).toMatchObject({ responseCode: 451 });
    } finally {
      await broken.stop();
    }
  });

  it('stop() closes the port', async () => {
    const r = await startSmtpReceiver({ db: t.db, host: '127.0.0.1', port: 0, mailFrom: MAIL_FROM });
    await r.stop();
    const err = await client(r.port)
      .sendMail({ from: 'a@example.net', to: 'support@steward.localhost', subject: 'x', text: 'x' })
      .catch((e: { code?: string }) => e);
    expect(err).toMatchObject({ code: 'ESOCKET' });
  });
});

describe('server start', () => {
  it('STEWARD_SMTP_PORT starts the receiver with the server; stop stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-smtp-'));
    const db = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
    try {
      const server = await startServer(
        loadConfig(
          {
            STEWARD_DATA_DIR: join(dir, 'data'),
            ...(db?.url ? { DATABASE_URL: db.url } : {}),
            STEWARD_SMTP_PORT: '0',
          },
          { port: 0, host: '127.0.0.1', webDir: undefined },
        ),
        { logger: false },
      );
      try {
        expect(server.smtpPort).toBeGreaterThan(0);
        const from = `start-${unique()}@example.net`;
        await client(server.smtpPort).sendMail({
          from,
          to: 'support@steward.localhost',
          subject: 'Hi',
          text: 'Hello',
        });
        const [c] = await rows<{ channel: string }>(
          server.handle.db,
          sql`select c.channel from cases c join customers cu on cu.id = c.customer_id where cu.email = ${from}`,
        );
        expect(c).toEqual({ channel: 'email' });
      } finally {
        await server.stop();
      }
      const err = await client(server.smtpPort)
        .sendMail({ from: 'a@example.net', to: 'support@steward.localhost', subject: 'x', text: 'x' })
        .catch((e: { code?: string }) => e);
      expect(err).toMatchObject({ code: 'ESOCKET' });
    } finally {
      await db?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
