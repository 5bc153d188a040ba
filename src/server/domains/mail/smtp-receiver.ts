// The built-in SMTP receiver (smtp-server): an MX for Steward's own addresses. It takes mail
// only for active mailboxes and the From of our outgoing mail, each also in its reply form
// (support+<token>@…); anything else is refused at RCPT (550), so Steward never relays. There
// is no AUTH and no STARTTLS: put it behind your MTA, or on a trusted network, for TLS. A mail
// is answered 250 only once it is stored (receiveMail committed: processed, ignored, duplicate
// or kept as failed); when the database cannot store it the answer is 451, and the sending
// server tries again later. Stopping waits for mail being received to be stored.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { normalizeAddress, splitPlus } from '../../../core/mail/addresses.js';
import { MAIL_LIMITS } from '../../../shared/schemas/mail.js';
import { parseMailFrom } from './compose.js';
import { receiveMail } from './inbound.js';

export interface SmtpReceiverOptions {
  db: Database;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** STEWARD_MAIL_FROM: its address takes mail even without a mailbox row (a fresh install). */
  mailFrom: string;
  log?: FastifyBaseLogger;
  /** Largest mail accepted (EHLO SIZE); default MAIL_LIMITS.messageBytes. */
  maxBytes?: number;
  /** How long stop() lets open sessions finish before cutting them (ms). */
  closeTimeoutMs?: number;
}

export interface SmtpReceiver {
  port: number;
  stop(): Promise<void>;
}

type SmtpError = Error & { responseCode: number };
const smtpError = (responseCode: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode });

/** Is this an address we take mail for? Answers why not, or null. */
async function refusal(db: Database, mailFrom: string, value: string): Promise<string | null> {
  const address = normalizeAddress(value);
  if (!address) return 'not an e-mail address';
  const { base } = splitPlus(address);
  if (base === mailFrom) return null;
  const [mailbox] = await rows<{ id: string }>(
    db,
    sql`select id from mailboxes
      where lower(address) = ${base} and active and deleted_at is null limit 1`,
  );
  return mailbox ? null : 'no such mailbox here';
}

export function startSmtpReceiver(opts: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const { db, log } = opts;
  const mailFrom = parseMailFrom(opts.mailFrom).address;
  const maxBytes = opts.maxBytes ?? MAIL_LIMITS.messageBytes;
  const server = new SMTPServer({
    name: mailFrom.split('@')[1],
    banner: 'Steward',
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? 10_000,
    onRcptTo(address, _session, callback) {
      refusal(db, mailFrom, address.address).then(
        (why) => callback(why ? smtpError(550, `5.1.1 <${address.address}>: ${why}`) : undefined),
        (err: unknown) => {
          log?.error({ err }, 'SMTP: could not check a recipient');
          callback(smtpError(451, '4.3.0 temporary failure, try again later'));
        },
      );
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError(552, `5.3.4 mail is larger than ${maxBytes} bytes`));
          return;
        }
        const mailFromAddress = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        receiveMail(db, Buffer.concat(chunks), {
          envelopeFrom: mailFromAddress,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          mailFrom: opts.mailFrom,
        }).then(
          (result) => {
            log?.info(
              {
                status: result.status,
                caseId: result.caseId,
                reason: result.reason,
                remote: session.remoteAddress,
              },
              'SMTP: mail received',
            );
            callback(null, result.status === 'duplicate' ? '2.0.0 already stored' : '2.0.0 stored');
          },
          (err: unknown) => {
            log?.error({ err }, 'SMTP: could not store a mail');
            callback(smtpError(451, '4.3.0 could not store the mail now, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => log?.warn({ err }, 'SMTP: connection error'));
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onError);
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      let stopping: Promise<void> | undefined;
      resolve({
        port,
        stop: () => (stopping ??= new Promise<void>((done) => server.close(() => done()))),
      });
    });
  });
}
