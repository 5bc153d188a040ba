// IMAP polling against a real dovecot (test/helpers/dovecot.ts): mail APPENDed to the server
// becomes cases, the watermark advances, a second poll adds nothing, a rebuilt folder
// (UIDVALIDITY) starts over harmlessly, errors are recorded, and one poller claims a mailbox.
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { dovecotInstalled, startDovecot, type Dovecot } from '../../../../test/helpers/dovecot.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';
import { mailFixture, plainMail } from '../../../../test/helpers/mail-fixtures.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { createTeam } from '../teams/teams.service.js';
import { claimDueMailboxes, pollDueMailboxes } from './imap-poller.js';

// CI installs dovecot-imapd; a developer machine without it skips these tests (and says so).
const run = dovecotInstalled() || !!process.env.CI;

let t: TestApp;
let admin: string;
let dovecot: Dovecot;
const USERS = [
  { user: 'support@imap.test', password: 'imap-secret-1' },
  { user: 'billing@imap.test', password: 'imap-secret-2' },
  { user: 'sales@imap.test', password: 'imap-secret-3' },
  { user: 'orders@imap.test', password: 'imap-secret-4' },
];

beforeAll(async () => {
  if (!run) return;
  t = await startTestApp({ imapPollSeconds: 30 });
  admin = (await makeUser(t.db, 'admin')).token;
  dovecot = await startDovecot(USERS);
});
afterAll(async () => {
  await dovecot?.stop();
  await t?.close();
});

async function imap<T>(user: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const u = USERS.find((x) => x.user === user)!;
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: u.user, pass: u.password },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
}

const append = (user: string, raws: Buffer[], folder = 'INBOX') =>
  imap(user, async (c) => {
    for (const raw of raws) await c.append(folder, raw);
  });

/** UIDs and whether \Seen, per message in the folder. */
const flagsOf = (user: string, folder = 'INBOX') =>
  imap(user, async (c) => {
    const lock = await c.getMailboxLock(folder);
    try {
      const out: { uid: number; seen: boolean }[] = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true }))
        out.push({ uid: m.uid, seen: !!m.flags?.has('\\Seen') });
      return out;
    } finally {
      lock.release();
    }
  });

const mailboxRow = async (id: string) =>
  (
    await rows<{
      imap_uid_validity: number | null;
      imap_last_uid: number;
      last_error: string | null;
      last_polled_at: Date | null;
    }>(t.db, sql`select * from mailboxes where id = ${id}`)
  )[0]!;

const casesFrom = async (email: string) =>
  rows<{ id: string; subject: string; team_id: string | null; channel: string }>(
    t.db,
    sql`select c.id, c.subject, c.team_id, c.channel from cases c join customers cu on cu.id = c.customer_id
      where lower(cu.email) = ${email} order by c.created_at`,
  );

/** Makes a mailbox due again (as if its poll interval had passed). */
const makeDue = (id: string) =>
  t.db.execute(sql`update mailboxes set last_polled_at = null where id = ${id}`);

async function createMailbox(user: string, extra: Record<string, unknown> = {}) {
  const res = await t.post(
    '/api/v1/mailboxes',
    { address: user, name: `Mailbox ${user}`, ...extra, imapUrl: extra.imapUrl ?? dovecot.url(user) },
    admin,
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe.runIf(run)('IMAP polling (dovecot)', () => {
  it('new mail becomes cases; the watermark advances; mail is flagged seen; a second poll adds nothing', async () => {
    const team = await createTeam(t.db, SYSTEM_ACTOR, { name: `Support ${unique()}` });
    const mailbox = await createMailbox('support@imap.test', { teamId: team.id });
    const alice = `alice-${unique()}@example.org`;
    const bob = `bob-${unique()}@example.org`;
    await append('support@imap.test', [
      plainMail({ from: `Alice <${alice}>`, to: 'support@imap.test', subject: 'Broken lid' }),
      plainMail({ from: `Bob <${bob}>`, to: 'support@imap.test', subject: 'Invoice question' }),
      mailFixture('auto-reply', { From: alice }),
    ]);
    expect(await pollDueMailboxes(t.db)).toBe(3);
    const aliceCases = await casesFrom(alice);
    expect(aliceCases).toEqual([
      { id: aliceCases[0]!.id, subject: 'Broken lid', team_id: team.id, channel: 'email' },
    ]);
    expect((await casesFrom(bob)).map((c) => c.subject)).toEqual(['Invoice question']);
    const row = await mailboxRow(mailbox.id);
    expect(row.imap_last_uid).toBe(3);
    expect(row.imap_uid_validity).toBeGreaterThan(0);
    expect(row.last_error).toBeNull();
    expect(row.last_polled_at).not.toBeNull();
    expect(await flagsOf('support@imap.test')).toEqual([
      { uid: 1, seen: true },
      { uid: 2, seen: true },
      { uid: 3, seen: true },
    ]);
    const [mail] = await rows<{ mailbox_id: string; status: string }>(
      t.db,
      sql`select mailbox_id, status from mail_messages where from_address = ${bob}`,
    );
    expect(mail).toEqual({ mailbox_id: mailbox.id, status: 'processed' });

    // Not due yet: nothing happens even with new mail waiting.
    await append('support@imap.test', [plainMail({ from: bob, to: 'support@imap.test', subject: 'Also' })]);
    expect(await pollDueMailboxes(t.db)).toBe(0);
    // Due: only the new mail, although the old ones are still in the folder.
    await makeDue(mailbox.id);
    expect(await pollDueMailboxes(t.db)).toBe(1);
    expect((await casesFrom(bob)).map((c) => c.subject)).toEqual(['Invoice question', 'Also']);
    expect((await mailboxRow(mailbox.id)).imap_last_uid).toBe(4);
    await makeDue(mailbox.id);
    expect(await pollDueMailboxes(t.db)).toBe(0);
    expect((await casesFrom(bob)).length).toBe(2);
  });

  it('a changed UIDVALIDITY starts over; mail seen before is a duplicate and changes nothing', async () => {
    const mailbox = await createMailbox('billing@imap.test');
    const carol = `carol-${unique()}@example.org`;
    await append('billing@imap.test', [
      plainMail({ from: carol, to: 'billing@imap.test', subject: 'One' }),
      plainMail({ from: carol, to: 'billing@imap.test', subject: 'Two' }),
    ]);
    expect(await pollDueMailboxes(t.db)).toBe(2);
    const validity = (await mailboxRow(mailbox.id)).imap_uid_validity!;
    // As if the folder had been rebuilt since: the stored position no longer applies.
    await t.db.execute(
      sql`update mailboxes set imap_uid_validity = ${validity - 1}, last_polled_at = null where id = ${mailbox.id}`,
    );
    const res = await t.post(`/api/v1/mailboxes/${mailbox.id}/poll`, {}, admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 2, processed: 0, ignored: 0, duplicate: 2, failed: 0, error: null });
    expect((await casesFrom(carol)).map((c) => c.subject)).toEqual(['One', 'Two']);
    expect(await mailboxRow(mailbox.id)).toMatchObject({ imap_uid_validity: validity, imap_last_uid: 2 });
  });

  it('polls the configured folder', async () => {
    const dave = `dave-${unique()}@example.org`;
    await imap('sales@imap.test', (c) => c.mailboxCreate('Support'));
    await append('sales@imap.test', [plainMail({ from: dave, to: 'sales@imap.test', subject: 'Not here' })]);
    await append(
      'sales@imap.test',
      [plainMail({ from: dave, to: 'sales@imap.test', subject: 'Here' })],
      'Support',
    );
    const mailbox = await createMailbox('sales@imap.test', { imapFolder: 'Support' });
    const res = await t.post(`/api/v1/mailboxes/${mailbox.id}/poll`, {}, admin);
    expect(res.body).toMatchObject({ received: 1, processed: 1, error: null });
    expect((await casesFrom(dave)).map((c) => c.subject)).toEqual(['Here']);
  });

  it('a failing poll records its error; the next good poll clears it', async () => {
    const mailbox = await createMailbox('orders@imap.test', {
      imapUrl: `imap://orders%40imap.test:wrong-password@127.0.0.1:${dovecot.port}`,
    });
    const res = await t.post(`/api/v1/mailboxes/${mailbox.id}/poll`, {}, admin);
    expect(res.status).toBe(200);
    expect(res.body.received).toBe(0);
    expect(res.body.error).toMatch(/auth|login|credentials/i);
    expect((await mailboxRow(mailbox.id)).last_error).toBe(res.body.error);
    const fixed = await t.patch(
      `/api/v1/mailboxes/${mailbox.id}`,
      { imapUrl: dovecot.url('orders@imap.test') },
      admin,
    );
    expect(fixed.status).toBe(200);
    const again = await t.post(`/api/v1/mailboxes/${mailbox.id}/poll`, {}, admin);
    expect(again.body.error).toBeNull();
    expect((await t.get(`/api/v1/mailboxes/${mailbox.id}`, admin)).body.lastError).toBeNull();
  });

  it('an unreachable server is an error on the mailbox, not a crash', async () => {
    const address = `down-${unique()}@imap.test`;
    const mailbox = await createMailbox(address, { imapUrl: `imap://x:y@127.0.0.1:1` });
    const res = await t.post(`/api/v1/mailboxes/${mailbox.id}/poll`, {}, admin);
    expect(res.status).toBe(200);
    expect(res.body.error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('two pollers at once: each due mailbox is claimed by one of them', async () => {
    await t.db.execute(sql`update mailboxes set last_polled_at = null where imap_url is not null`);
    const due = (
      await rows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from mailboxes where imap_url is not null and active and deleted_at is null`,
      )
    )[0]!.n;
    const [a, b] = await Promise.all([claimDueMailboxes(t.db), claimDueMailboxes(t.db)]);
    const ids = [...a!, ...b!].map((m) => m.id);
    expect(ids.length).toBe(due);
    expect(new Set(ids).size).toBe(due);
    expect(await claimDueMailboxes(t.db)).toEqual([]);
  });
});

describe.skipIf(run)('IMAP polling', () => {
  it.skip(`needs dovecot (${'/usr/sbin/dovecot'}, package dovecot-imapd)`, () => {});
});
