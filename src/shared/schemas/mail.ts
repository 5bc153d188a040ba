// Mail: the mailboxes customers write to (and their IMAP polling), and the mail in and out.
// One schema per shape, shared by the API, the OpenAPI document and the UI.
import { z } from 'zod';
import { commaList, Cursor, Email, Id, IsoDateTime, Limit, Name } from './common.js';

export const MAIL_LIMITS = {
  /** Largest mail the SMTP receiver accepts (announced as EHLO SIZE). */
  messageBytes: 25 * 1024 * 1024,
  imapUrl: 1_000,
  imapFolder: 200,
  /** Mails one IMAP poll takes from a mailbox; the rest waits for the next poll. */
  pollBatch: 50,
} as const;

/** What the API shows instead of a mailbox's IMAP password. */
export const PASSWORD_MASK = '********';

export const ImapUrl = z
  .string()
  .trim()
  .max(MAIL_LIMITS.imapUrl)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'imap:' || url.protocol === 'imaps:') && !!url.hostname && !!url.username;
    } catch {
      return false;
    }
  }, 'must be imaps://user:password@host[:993] or imap://user:password@host[:143] (STARTTLS when offered)')
  .describe(
    'imaps://user:password@host:993 (TLS) or imap://… (STARTTLS when the server offers it); URL-encode @ in the user as %40. Answers show the password masked; send the masked URL back to keep the password.',
  );

export const ImapFolder = z.string().trim().min(1).max(MAIL_LIMITS.imapFolder);

export const Mailbox = z.object({
  id: Id,
  address: z.string().describe('lower-case; customers write to it (and to its +token reply forms)'),
  name: z.string(),
  teamId: Id.nullable().describe('new cases from this mailbox go to this team'),
  team: z.object({ id: Id, name: z.string() }).nullable(),
  imapUrl: z.string().nullable().describe(`polled when set; the password shows as ${PASSWORD_MASK}`),
  imapFolder: z.string(),
  imapUidValidity: z.number().int().nullable(),
  imapLastUid: z.number().int().describe('mails above this UID (in this UIDVALIDITY) are new'),
  lastPolledAt: IsoDateTime.nullable(),
  lastError: z.string().nullable().describe('the last poll’s error; null after a good poll'),
  active: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Mailbox = z.infer<typeof Mailbox>;

export const MailboxCreate = z.strictObject({
  address: Email,
  name: Name,
  teamId: Id.nullable().optional(),
  imapUrl: ImapUrl.nullable().optional(),
  imapFolder: ImapFolder.default('INBOX'),
  active: z.boolean().default(true),
});
export type MailboxCreate = z.input<typeof MailboxCreate>;

export const MailboxUpdate = z.strictObject({
  address: Email.optional(),
  name: Name.optional(),
  teamId: Id.nullable().optional(),
  imapUrl: ImapUrl.nullable().optional(),
  imapFolder: ImapFolder.optional(),
  active: z.boolean().optional(),
});
export type MailboxUpdate = z.infer<typeof MailboxUpdate>;

export const MailboxPollResult = z.object({
  received: z.number().int().describe('mails fetched from the IMAP folder this time'),
  processed: z.number().int(),
  ignored: z.number().int().describe('auto-replies, bounces, our own mail'),
  duplicate: z.number().int(),
  failed: z.number().int().describe('kept with their error (see the mail log)'),
  error: z.string().nullable().describe('the poll itself failed (connection, login, folder)'),
});
export type MailboxPollResult = z.infer<typeof MailboxPollResult>;

// ---- mail in and out (the mail log and the outbox) ------------------------------------------

export const MailDirection = z.enum(['in', 'out']);
export type MailDirection = z.infer<typeof MailDirection>;

export const MAIL_STATUSES = ['processed', 'ignored', 'failed', 'queued', 'held', 'sent'] as const;
export const MailStatus = z
  .enum(MAIL_STATUSES)
  .describe(
    'in: processed (became a case or a message on one), ignored (auto-reply, bounce, loop, our own), failed; out: queued, held (outgoing mail not set up, no SMTP server: kept in the outbox), sent, failed (gave up)',
  );
export type MailStatus = z.infer<typeof MailStatus>;

export const MailMessage = z.object({
  id: Id,
  direction: MailDirection,
  status: MailStatus,
  messageId: z.string().describe('RFC 5322 Message-ID without angle brackets'),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()).describe('the thread, oldest first'),
  mailboxId: Id.nullable(),
  caseId: Id.nullable(),
  caseNumber: z.number().int().nullable(),
  caseMessageId: Id.nullable().describe('the case message this mail became (in) or carries (out)'),
  fromAddress: z.string(),
  fromName: z.string().nullable(),
  toAddresses: z.array(z.string()),
  ccAddresses: z.array(z.string()),
  subject: z.string(),
  reason: z.string().nullable().describe('why it was ignored or held, or the last error'),
  attempts: z.number().int().describe('out: sending attempts so far'),
  runAfter: IsoDateTime.nullable().describe('out: the next attempt, while queued'),
  sentAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export type MailMessage = z.infer<typeof MailMessage>;

export const MailHeader = z.object({ name: z.string(), value: z.string() });

export const MailMessageDetail = MailMessage.extend({
  replyTo: z.string().nullable(),
  headers: z.array(MailHeader).describe('every header of the raw message, decoded, in order'),
  textBody: z.string().nullable().describe('the whole text, quoted history and signature included'),
  htmlBody: z.string().nullable().describe('sanitized HTML; show it sandboxed'),
  rawSize: z
    .number()
    .int()
    .describe('bytes of the RFC 822 source you may download (GET …/raw); 0: none, or not yours to read'),
  canRetry: z
    .boolean()
    .describe('a failed or held outgoing mail that POST …/retry would send (outgoing mail is set up)'),
});
export type MailMessageDetail = z.infer<typeof MailMessageDetail>;

/** How this Steward sends and receives mail (set by the operator: STEWARD_MAIL_FROM, STEWARD_SMTP_URL, STEWARD_SMTP_PORT, STEWARD_PUBLIC_URL). */
export const MailSetup = z.object({
  outgoing: z.object({
    from: z.string().describe('the From of every mail Steward sends (STEWARD_MAIL_FROM)'),
    address: z.string(),
    placeholder: z
      .boolean()
      .describe('true: the From is the built-in placeholder (…@steward.localhost), which no reply can reach'),
    sending: z
      .boolean()
      .describe('an SMTP server is set (STEWARD_SMTP_URL); false: mail is held in the outbox'),
  }),
  links: z.object({
    publicUrl: z
      .string()
      .describe('where links in mail (invitations, sign-in links, the portal) point (STEWARD_PUBLIC_URL)'),
    unreachable: z
      .boolean()
      .describe(
        'true: that address is 0.0.0.0 or [::] (HOST=0.0.0.0 without STEWARD_PUBLIC_URL), which no browser can open',
      ),
  }),
  incoming: z.object({
    smtpReceiver: z
      .boolean()
      .describe(
        'the built-in SMTP receiver is on (STEWARD_SMTP_PORT): mail to the mailboxes and the From arrives',
      ),
  }),
});
export type MailSetup = z.infer<typeof MailSetup>;

export const MailListQuery = z.strictObject({
  direction: MailDirection.optional(),
  status: commaList(MailStatus)
    .optional()
    .describe('one or more statuses, comma-separated, e.g. queued,held'),
  caseId: Id.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type MailListQuery = z.infer<typeof MailListQuery>;

export const BlockedSender = z.object({
  id: Id,
  pattern: z.string().describe('an address, or @domain (that domain and its subdomains)'),
  reason: z.string().nullable(),
  caseId: Id.nullable().describe('the case marked as spam that blocked the sender'),
  createdBy: z.object({ id: Id, name: z.string() }).nullable(),
  createdAt: IsoDateTime,
});
export type BlockedSender = z.infer<typeof BlockedSender>;

export const BlockedSenderCreate = z.strictObject({
  pattern: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .describe('an e-mail address, or @domain to block a domain and its subdomains'),
  reason: z.string().trim().max(500).optional(),
});
export type BlockedSenderCreate = z.infer<typeof BlockedSenderCreate>;

export const SpamResult = z.object({
  blocked: z.string().nullable().describe('the address now blocked (null: the customer has none)'),
  customerDeleted: z.boolean().describe('the customer had no other case and was deleted too'),
});
export type SpamResult = z.infer<typeof SpamResult>;

/** The most cases one "Spam" on a selection takes. */
export const MAX_SPAM_CASES = 100;

export const SpamMany = z.strictObject({ ids: z.array(Id).min(1).max(MAX_SPAM_CASES) });

export const SpamManyResult = z.object({
  cases: z.number().int(),
  blocked: z.array(z.string()).describe('the addresses now blocked'),
  customersDeleted: z.number().int().describe('customers who had no other case, deleted too'),
});
export type SpamManyResult = z.infer<typeof SpamManyResult>;
