// Polling IMAP mailboxes (imapflow). The `imap-poll` job claims the active mailboxes with an
// IMAP URL whose last poll is older than STEWARD_IMAP_POLL_SECONDS: one statement picks them
// with FOR UPDATE SKIP LOCKED and stamps last_polled_at, so across any number of server
// processes each mailbox is polled by one of them per interval. The IMAP session itself runs
// outside any transaction (an embedded database is never held during network I/O).
//
// What is new is decided by the watermark: mails above imap_last_uid within imap_uid_validity.
// A changed UIDVALIDITY (the folder was rebuilt) starts over from UID 1; mail seen before is then
// recognised by its Message-ID and changes nothing. Each mail goes through receiveMail (its own
// transaction); once it is stored the watermark moves past it and it is flagged \Seen. A poll
// takes at most MAIL_LIMITS.pollBatch mails; a full batch leaves the mailbox due again at once.
// A poll that fails (connection, login, folder) records its error in mailboxes.last_error; the
// next good poll clears it.
import { sql } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { MAIL_LIMITS, type MailboxPollResult } from '../../../shared/schemas/mail.js';
import { loadConfig } from '../../config.js';
import { receiveMail } from './inbound.js';

let pollSeconds = loadConfig({}).imapPollSeconds;

/** Sets the process's poll interval (from STEWARD_IMAP_POLL_SECONDS), as the API is built. */
export function configureImapPolling(opts: { pollSeconds: number }) {
  pollSeconds = opts.pollSeconds;
}

export interface ClaimedMailbox {
  id: string;
  address: string;
  imap_url: string;
  imap_folder: string;
  imap_uid_validity: number | null;
  imap_last_uid: number;
}

const CLAIMED_COLUMNS = sql`m.id, m.address, m.imap_url, m.imap_folder, m.imap_uid_validity, m.imap_last_uid`;

/** Claims the mailboxes due for a poll (at most `limit`), stamping them polled now. */
export async function claimDueMailboxes(db: Database, limit = 10): Promise<ClaimedMailbox[]> {
  return rows<ClaimedMailbox>(
    db,
    sql`with due as (
        select id from mailboxes
        where active and deleted_at is null and imap_url is not null
          and (last_polled_at is null or last_polled_at <= now() - make_interval(secs => ${pollSeconds}))
        order by last_polled_at nulls first, id
        limit ${limit}
        for update skip locked
      )
      update mailboxes m set last_polled_at = now() from due where m.id = due.id
      returning ${CLAIMED_COLUMNS}`,
  );
}

/** The job: polls every due mailbox; answers how many mails it took in. */
export async function pollDueMailboxes(db: Database): Promise<number> {
  let received = 0;
  for (const mailbox of await claimDueMailboxes(db)) received += (await pollMailbox(db, mailbox)).received;
  return received;
}

/** Polls one mailbox now, due or not ("poll now"). Null when it has no IMAP URL or is inactive. */
export async function pollMailboxNow(db: Database, id: string): Promise<MailboxPollResult | null> {
  const [mailbox] = await rows<ClaimedMailbox>(
    db,
    sql`update mailboxes m set last_polled_at = now()
      where m.id = ${id} and m.active and m.deleted_at is null and m.imap_url is not null
      returning ${CLAIMED_COLUMNS}`,
  );
  return mailbox ? pollMailbox(db, mailbox) : null;
}

/** imapflow's options from a mailbox's URL: imaps:// is TLS; imap:// uses STARTTLS when offered. */
function clientFor(imapUrl: string): ImapFlow {
  const url = new URL(imapUrl);
  const secure = url.protocol === 'imaps:';
  return new ImapFlow({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
    disableAutoIdle: true,
  });
}

const errorText = (err: unknown) => {
  const e = err as { responseText?: string; message?: string };
  return (e.responseText ? `${e.message}: ${e.responseText}` : (e.message ?? String(err))).slice(0, 1000);
};

export async function pollMailbox(db: Database, mailbox: ClaimedMailbox): Promise<MailboxPollResult> {
  const result: MailboxPollResult = {
    received: 0,
    processed: 0,
    ignored: 0,
    duplicate: 0,
    failed: 0,
    error: null,
  };
  let client: ImapFlow | undefined;
  let full = false;
  try {
    client = clientFor(mailbox.imap_url);
    // A dropped connection is reported here and by the failing command; without a listener it would crash the process.
    client.on('error', () => {});
    await client.connect();
    const lock = await client.getMailboxLock(mailbox.imap_folder);
    try {
      const opened = client.mailbox;
      if (!opened) throw new Error(`could not open the folder ${mailbox.imap_folder}`);
      const validity = Number(opened.uidValidity);
      let last = mailbox.imap_last_uid;
      if (mailbox.imap_uid_validity !== validity) {
        // A new folder, or one rebuilt: start over (mail seen before is a harmless duplicate).
        last = 0;
        await db.execute(
          sql`update mailboxes set imap_uid_validity = ${validity}, imap_last_uid = 0 where id = ${mailbox.id}`,
        );
      }
      // "N:*" also answers the highest UID when none is above N, hence the filter.
      const found = (await client.search({ uid: `${last + 1}:*` }, { uid: true })) || [];
      const fresh = found.filter((uid) => uid > last).sort((a, b) => a - b);
      full = fresh.length > MAIL_LIMITS.pollBatch;
      for (const uid of fresh.slice(0, MAIL_LIMITS.pollBatch)) {
        const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (message && message.source) {
          const r = await receiveMail(db, message.source, { mailboxId: mailbox.id });
          result.received++;
          result[r.status]++;
        }
        await db.execute(
          sql`update mailboxes set imap_last_uid = greatest(imap_last_uid, ${uid})
            where id = ${mailbox.id} and imap_uid_validity = ${validity}`,
        );
        if (message) await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
    } finally {
      lock.release();
    }
    await client.logout();
  } catch (err) {
    result.error = errorText(err);
    client?.close();
  }
  await db.execute(
    sql`update mailboxes set last_error = ${result.error},
      last_polled_at = ${full ? sql`now() - make_interval(secs => ${pollSeconds})` : sql`last_polled_at`}
      where id = ${mailbox.id}`,
  );
  return result;
}
