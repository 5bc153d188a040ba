// Mail as staff see it (the mail log: inbound and the outbox), retrying outgoing mail, and the
// rule that turns an agent's public reply into a mail to the customer (mailCaseMessage, called
// in the reply's transaction). Customers have no part in the mail log: they see their cases.
import { isPlaceholderFrom, isUnreachablePublicUrl } from '../../config.js';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type {
  MailSetup,
  MailListQuery,
  MailMessage,
  MailMessageDetail,
} from '../../../shared/schemas/mail.js';
import type { MessageDelivery, NotMailedReason } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { conflict, forbidden, notFound } from '../../lib/errors.js';
import { afterCursor, orderBy, sortKey, toPage, type Sort } from '../../lib/pagination.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { cases } from '../cases/cases.table.js';
import {
  caseMailSubject,
  parseMailFrom,
  portalCaseUrl,
  withPortalLink,
  withSignature,
  type MailAttachment,
} from './compose.js';
import { mailMessages } from './mail.table.js';
import { mailSettings, queueMails, type QueuedMail } from './outbox.js';
import { mailLanguage } from '../../../shared/mail-languages.js';
import { COMPANY_CUSTOMER_LANGUAGE } from '../settings/customer-language.js';

// ---- who may see mail -------------------------------------------------------------------------

/** The mail log holds every customer's mail: staff only. */
export function assertCanReadMail(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers see their cases, not the mail log');
}

// ---- agents' replies become mail --------------------------------------------------------------

/** What mailCaseMessage did: the mail it queued, and what the writer is told (MessageDelivery). */
export interface CaseMessageMail {
  mail: QueuedMail | null;
  delivery: MessageDelivery | null;
}

/**
 * Queues the mail that carries a case message to the customer, inside the message's
 * transaction, when the message is a public one written by an agent (or the system, e.g. a
 * proactive notification) and the customer has an e-mail address and was not deleted (a deleted
 * customer's cases stay live, but nobody is mailed: `delivery` says so, for the agent, and the
 * message keeps why in `not_mailed`, for whoever reads the case later). Not for
 * internal notes, customers' messages, logged calls or chats. Callers skip imported (historic)
 * messages. The From names the agent; the subject is "[#n] subject", "Re: …" once the customer
 * has mailed.
 */
export async function mailCaseMessage(
  tx: Database,
  target: { caseId: string; messageId: string },
): Promise<CaseMessageMail> {
  return (await mailCaseMessages(tx, [target]))[0]!;
}

/** What a message keeps (messages.not_mailed) of the writer's answer that it went to no one. */
const NOT_MAILED = {
  not_sent_customer_deleted: 'customer_deleted',
  not_sent_no_address: 'no_address',
} as const satisfies Record<Extract<MessageDelivery, `not_sent_${string}`>, NotMailedReason>;

/** mailCaseMessage for several messages, in their order: a few statements whatever their number. */
export async function mailCaseMessages(
  tx: Database,
  targets: { caseId: string; messageId: string }[],
): Promise<CaseMessageMail[]> {
  if (targets.length === 0) return [];
  const ids = sql.param(targets.map((t) => t.messageId));
  const found = await rows<{
    id: string;
    case_id: string;
    body: string;
    public: boolean;
    author_type: string;
    channel: string | null;
    call: unknown;
    author_name: string | null;
    author_signature: string | null;
    number: number;
    subject: string;
    email: string | null;
    customer_name: string;
    customer_deleted: boolean;
    mailed_us: boolean;
    cc: string[];
    language: string | null;
    company_language: string | null;
  }>(
    tx,
    sql`select m.id, m.case_id, m.body, m.public, m.author_type, m.channel, m.call, u.name as author_name,
        u.signature as author_signature, c.number, c.subject, c.cc, cu.email, cu.name as customer_name, cu.deleted_at is not null as customer_deleted,
        cu.language, ${COMPANY_CUSTOMER_LANGUAGE} as company_language,
        exists (select 1 from mail_messages mm where mm.case_id = c.id and mm.direction = 'in'
          and mm.status = 'processed') as mailed_us
      from messages m
      join cases c on c.id = m.case_id
      join customers cu on cu.id = c.customer_id
      left join users u on u.id = m.author_user_id
      where m.id = any(${ids}::uuid[])`,
  );
  const messageOf = new Map(found.map((m) => [`${m.case_id}|${m.id}`, m]));
  const notSent = targets.map((t): CaseMessageMail | null => {
    const m = messageOf.get(`${t.caseId}|${t.messageId}`);
    if (!m || !m.public || m.author_type !== 'agent') return { mail: null, delivery: null };
    if (m.call || m.channel === 'phone' || m.channel === 'chat') return { mail: null, delivery: null };
    // A deleted customer keeps their address on the record, but is written to no more.
    if (m.customer_deleted) return { mail: null, delivery: 'not_sent_customer_deleted' };
    if (!m.email) return { mail: null, delivery: 'not_sent_no_address' };
    return null;
  });
  // A reply mailed to no one keeps why on its row, for whoever reads the case later: the customer
  // may be restored or get an address since, so it cannot be worked out then.
  const unmailed = targets.flatMap((t, i) => {
    const delivery = notSent[i]?.delivery;
    return delivery === 'not_sent_customer_deleted' || delivery === 'not_sent_no_address'
      ? [{ id: t.messageId, reason: NOT_MAILED[delivery] }]
      : [];
  });
  if (unmailed.length > 0)
    await tx.execute(sql`update messages m set not_mailed = v.reason
      from unnest(${sql.param(unmailed.map((u) => u.id))}::uuid[],
        ${sql.param(unmailed.map((u) => u.reason))}::text[]) as v(id, reason)
      where m.id = v.id`);
  const mailed = targets.map((t, i) => (notSent[i] ? null : messageOf.get(`${t.caseId}|${t.messageId}`)!));
  const sending = mailed.flatMap((m) => (m ? [m] : []));
  if (sending.length === 0) return notSent.map((n) => n!);
  const filesOf = await mailFilesOf(
    tx,
    sending.map((m) => m.id),
  );
  const { publicUrl } = mailSettings();
  const queued = await queueMails(
    tx,
    sending.map((m) => ({
      to: m.email!,
      toName: m.customer_name,
      cc: m.cc,
      subject: caseMailSubject(m.number, m.subject, m.mailed_us),
      // The link to the request in the portal, for the customer, who can sign in there; not
      // when others are copied: one mail reaches them all, and they have no portal to sign in to.
      text: withSignature(
        withPortalLink(
          m.body,
          m.cc.length === 0 ? portalCaseUrl(publicUrl, m.case_id) : null,
          mailLanguage(m.language, m.company_language),
        ),
        m.author_signature,
      ),
      caseId: m.case_id,
      caseMessageId: m.id,
      fromName: m.author_name,
      attachments: filesOf.get(m.id) ?? [],
    })),
  );
  let next = 0;
  return mailed.map((m, i) => {
    if (!m) return notSent[i]!;
    const mail = queued[next++]!;
    return { mail, delivery: mail.status };
  });
}

/** The files of these case messages, as mail attachments, by message id (stored order). */
export async function mailFilesOf(
  tx: Database,
  messageIds: string[],
): Promise<Map<string, MailAttachment[]>> {
  const filesOf = new Map<string, MailAttachment[]>();
  if (messageIds.length === 0) return filesOf;
  const files = await rows<{
    message_id: string;
    filename: string;
    content_type: string;
    content_id: string | null;
    data: Buffer;
  }>(
    tx,
    sql`select a.message_id, a.filename, a.content_type, a.content_id, b.data
      from attachments a join attachment_blobs b on b.attachment_id = a.id
      where a.message_id = any(${sql.param(messageIds)}::uuid[])
      order by a.created_at, a.id`,
  );
  for (const f of files)
    filesOf.set(f.message_id, [
      ...(filesOf.get(f.message_id) ?? []),
      {
        filename: f.filename,
        contentType: f.content_type,
        content: Buffer.from(f.data),
        contentId: f.content_id,
      },
    ]);
  return filesOf;
}

// ---- the mail log -----------------------------------------------------------------------------

const newestFirst: Sort = { column: mailMessages.createdAt, idColumn: mailMessages.id, desc: true };

const listFields = {
  id: mailMessages.id,
  direction: mailMessages.direction,
  status: mailMessages.status,
  messageId: mailMessages.messageId,
  inReplyTo: mailMessages.inReplyTo,
  references: mailMessages.references,
  mailboxId: mailMessages.mailboxId,
  caseId: mailMessages.caseId,
  caseNumber: cases.number,
  caseMessageId: mailMessages.caseMessageId,
  fromAddress: mailMessages.fromAddress,
  fromName: mailMessages.fromName,
  toAddresses: mailMessages.toAddresses,
  ccAddresses: mailMessages.ccAddresses,
  subject: mailMessages.subject,
  reason: mailMessages.reason,
  attempts: mailMessages.attempts,
  runAfter: mailMessages.runAfter,
  sentAt: mailMessages.sentAt,
  createdAt: mailMessages.createdAt,
};

type ListRow = Omit<
  typeof mailMessages.$inferSelect,
  'textBody' | 'htmlBody' | 'raw' | 'sideConversationId'
> & {
  caseNumber: number | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toMailDto(r: ListRow): MailMessage {
  return {
    id: r.id,
    direction: r.direction,
    status: r.status,
    messageId: r.messageId,
    inReplyTo: r.inReplyTo,
    references: r.references,
    mailboxId: r.mailboxId,
    caseId: r.caseId,
    caseNumber: r.caseNumber ?? null,
    caseMessageId: r.caseMessageId,
    fromAddress: r.fromAddress,
    fromName: r.fromName,
    toAddresses: r.toAddresses,
    ccAddresses: r.ccAddresses,
    subject: r.subject,
    reason: r.reason,
    attempts: r.attempts,
    runAfter: r.status === 'queued' ? iso(r.runAfter) : null,
    sentAt: iso(r.sentAt),
    createdAt: r.createdAt.toISOString(),
  };
}

/** Mail in and out, newest first; filters: direction, statuses, case. */
export async function listMail(db: Database, actor: Actor, q: MailListQuery) {
  assertCanReadMail(actor);
  const found = await db
    .select({ ...listFields, sortKey: sortKey(newestFirst) })
    .from(mailMessages)
    .leftJoin(cases, eq(cases.id, mailMessages.caseId))
    .where(
      and(
        q.direction ? eq(mailMessages.direction, q.direction) : undefined,
        q.status ? inArray(mailMessages.status, q.status) : undefined,
        q.caseId ? eq(mailMessages.caseId, q.caseId) : undefined,
        afterCursor(newestFirst, q.cursor),
      ),
    )
    .orderBy(...orderBy(newestFirst))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  return { items: page.items.map(toMailDto), nextCursor: page.nextCursor };
}

async function findMail(db: Database, id: string) {
  const [row] = await db
    .select({
      ...listFields,
      textBody: mailMessages.textBody,
      htmlBody: mailMessages.htmlBody,
      raw: mailMessages.raw,
    })
    .from(mailMessages)
    .leftJoin(cases, eq(cases.id, mailMessages.caseId))
    .where(eq(mailMessages.id, id));
  return row;
}

/** Headers as a person reads them: decoded, addresses as written, dates in ISO 8601. */
function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => headerText(v)).join(' ');
  if ('text' in value) return (value as AddressObject).text;
  const params = Object.entries(value.params ?? {}).map(([k, v]) => `; ${k}=${v}`);
  return `${value.value}${params.join('')}`;
}

async function readHeaders(raw: Buffer | null) {
  if (!raw) return { headers: [], replyTo: null };
  // Only the header block is parsed: a 25 MB attachment need not be decoded to show headers.
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end >= 0 ? raw.subarray(0, end) : raw;
  const parsed = await simpleParser(Buffer.concat([block, Buffer.from('\r\n\r\n')]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const seen = new Map<string, number>();
  for (const l of parsed.headerLines) seen.set(l.key, (seen.get(l.key) ?? 0) + 1);
  const headers = parsed.headerLines.map((l) => {
    const colon = l.line.indexOf(':');
    const name = l.line.slice(0, colon).trim();
    const decoded = seen.get(l.key) === 1 ? parsed.headers.get(l.key) : undefined;
    const value =
      decoded !== undefined
        ? headerText(decoded)
        : l.line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim();
    return { name, value };
  });
  return { headers, replyTo: parsed.replyTo?.text ?? null };
}

export async function getMail(db: Database, actor: Actor, id: string): Promise<MailMessageDetail> {
  assertCanReadMail(actor);
  const row = await findMail(db, id);
  if (!row) throw notFound('mail');
  const raw = row.raw ? Buffer.from(row.raw) : null;
  const { headers, replyTo } = await readHeaders(raw);
  const hidden = isSystemMailHidden(actor, row);
  return {
    ...toMailDto(row),
    replyTo,
    headers,
    textBody: hidden ? SYSTEM_MAIL_HIDDEN : row.textBody,
    htmlBody: hidden ? null : row.htmlBody,
    rawSize: hidden ? 0 : (raw?.length ?? 0),
    canRetry:
      row.direction === 'out' &&
      (row.status === 'failed' || row.status === 'held') &&
      !!mailSettings().smtpUrl,
  };
}

/** How mail goes out and comes in, for the pages that must say so (Settings, Mail, Users). */
export function mailSetup(actor: Actor, opts: { smtpReceiver: boolean }): MailSetup {
  assertCanReadMail(actor);
  const { mailFrom, smtpUrl, publicUrl } = mailSettings();
  const from = parseMailFrom(mailFrom);
  return {
    outgoing: {
      from: mailFrom,
      address: from.address,
      placeholder: isPlaceholderFrom(from.address),
      sending: !!smtpUrl,
    },
    links: { publicUrl, unreachable: isUnreachablePublicUrl(publicUrl) },
    incoming: { smtpReceiver: opts.smtpReceiver },
  };
}

const SYSTEM_MAIL_HIDDEN =
  '(Hidden: mail outside cases, such as sign-in links, is shown to admins only, so no one else can use a customer’s link.)';

/** Outgoing mail that belongs to no case (sign-in links): its content is for admins only. */
function isSystemMailHidden(actor: Actor, row: { direction: string; caseId: string | null }) {
  return row.direction === 'out' && row.caseId === null && !isAdmin(actor);
}

/** The RFC 822 source, as received or as sent. */
export async function getMailRaw(db: Database, actor: Actor, id: string) {
  assertCanReadMail(actor);
  const [row] = await db
    .select({ raw: mailMessages.raw, direction: mailMessages.direction, caseId: mailMessages.caseId })
    .from(mailMessages)
    .where(eq(mailMessages.id, id));
  if (!row) throw notFound('mail');
  if (isSystemMailHidden(actor, row))
    throw forbidden('mail outside cases (sign-in links) is shown to admins only');
  if (!row.raw) throw notFound('mail source');
  return { raw: Buffer.from(row.raw), filename: `mail-${id}.eml` };
}

/**
 * Puts a failed or held outgoing mail back in the queue (attempts start over). 409 without an
 * SMTP server (it would only be held again), and for mail that is not failed or held.
 */
export async function retryMail(db: Database, actor: Actor, id: string): Promise<MailMessageDetail> {
  assertCanReadMail(actor);
  if (!mailSettings().smtpUrl)
    throw conflict('no_smtp', 'no SMTP server is set (STEWARD_SMTP_URL): mail stays in the outbox');
  await db.transaction(async (tx) => {
    const [m] = await rows<{ id: string; direction: string; status: string }>(
      tx,
      sql`select id, direction, status from mail_messages where id = ${id} for update`,
    );
    if (!m) throw notFound('mail');
    if (m.direction !== 'out' || (m.status !== 'failed' && m.status !== 'held'))
      throw conflict(
        'not_retryable',
        `only failed or held outgoing mail is sent again; this one is ${m.status}`,
      );
    await tx.execute(sql`update mail_messages
      set status = 'queued', attempts = 0, reason = null, run_after = now() where id = ${id}`);
    await recordDomainEvent(tx, actor, {
      type: 'mail.retried',
      entityType: 'mail',
      entityId: id,
      data: { from: m.status },
    });
  });
  return getMail(db, actor, id);
}
