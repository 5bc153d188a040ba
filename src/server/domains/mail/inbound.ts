// Incoming mail: the one pipeline behind the SMTP receiver and the IMAP poller. A raw message is
// parsed (mailparser: MIME, charsets, encoded words, attachments, inline images), recognised if
// already seen (by Message-ID), set aside when a machine wrote it (auto-replies, bounces, our own
// mail: src/core/mail/auto-mail.ts), and otherwise becomes a case or a message on one:
//   1. a reply token in a recipient (support+<token>@…, the case's reply address), then
//   2. In-Reply-To, then 3. References, looked up among the mail we received and sent;
//   never the subject. A thread only takes mail from the case's customer or a customer of the
//   same organization; anyone else (a forwarded thread, a guessed token) opens their own case.
// Unknown senders become customers (matched to an organization by e-mail domain). The shown
// message is trimmed of quoted history and signature; the whole text, the sanitized HTML and
// the raw source stay in mail_messages. Each mail is one transaction; a mail that cannot be
// processed is kept as `failed` with the error, so nothing is lost and the next delivery of the
// same mail tries again.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { mergeCc, normalizeAddress, replyTokensIn, splitPlus } from '../../../core/mail/addresses.js';
import { autoMailReason, type HeaderValues } from '../../../core/mail/auto-mail.js';
import { messageIdsIn, normalizeMessageId, syntheticMessageId } from '../../../core/mail/message-ids.js';
import { LIMITS } from '../../../shared/schemas/common.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import { storeAttachments, type StoredFile } from '../cases/attachments.service.js';
import { messages } from '../cases/cases.table.js';
import { addMessage } from '../cases/messages.service.js';
import { applyCaseUpdate } from '../cases/cases.service.js';
import { MAX_CC } from '../../../shared/schemas/cases.js';
import { ourAddresses } from './mailboxes.service.js';
import { blockedPatternOf } from './blocked-senders.service.js';
import { queueAcknowledgement } from './acknowledgement.js';
import { receiveSideMessage, sideConversationByToken } from '../cases/side-conversations.service.js';
import { readSettings } from '../settings/settings.service.js';
import { openOrJoinCase } from '../cases/proactive-contact.js';
import { findOrCreateCustomerByEmail } from '../portal/contacts.js';
import { assertNotErased } from '../customers/customer-erasure-guard.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { mailMessages } from './mail.table.js';

export interface ReceiveOptions {
  /** The mailbox the mail came through (IMAP); else found from the recipients. */
  mailboxId?: string | null;
  /** SMTP MAIL FROM: '' for the null sender <> (a bounce); undefined when unknown (IMAP). */
  envelopeFrom?: string;
  /** SMTP RCPT TO addresses. */
  envelopeTo?: string[];
  /** The From of our outgoing mail (default: the process's mail settings): our own address. */
  mailFrom?: string;
}

export interface ReceiveResult {
  status: 'processed' | 'ignored' | 'duplicate' | 'failed';
  caseId?: string;
  /** The case message the mail became. */
  messageId?: string;
  /** The mail_messages row. */
  mailId?: string;
  /** Why it was ignored or failed; for processed mail, what was not stored (refused files). */
  reason?: string;
}

// ---- reading the mail ------------------------------------------------------------------------

interface InboundMail {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string | null } | null;
  to: string[];
  cc: string[];
  /** To, Cc, Delivered-To, X-Original-To and the envelope recipients: where reply tokens hide. */
  recipients: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: HeaderValues;
  attachments: ParsedMail['attachments'];
}

// PostgreSQL text refuses NUL; other control characters (but tab and line breaks) are noise.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const clean = (s: string) => s.replace(CONTROL, '');

function addressesOf(value: AddressObject | AddressObject[] | undefined) {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: { address: string; name: string | null }[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      const address = normalizeAddress(e.address);
      if (address) out.push({ address, name: e.name ? clean(e.name).trim() || null : null });
    }
  };
  for (const a of list) walk(a.value);
  return out;
}

/** Header values as the mail has them (unfolded), by lower-case name: what loop checks read. */
function rawHeaders(parsed: ParsedMail): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    (out[key.toLowerCase()] ??= []).push(value);
  }
  return out;
}

/**
 * Text of an HTML-only body. mailparser converts HTML to text (html-to-text) only when the HTML
 * is the whole mail; an HTML part inside multipart/related or mixed is handed to it alone.
 */
async function htmlAsText(html: string): Promise<string> {
  const single = Buffer.concat([
    Buffer.from('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n'),
    Buffer.from(Buffer.from(html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')),
  ]);
  return (await simpleParser(single, { keepCidLinks: true, skipTextToHtml: true })).text ?? '';
}

function readMail(parsed: ParsedMail, raw: Buffer, opts: ReceiveOptions): InboundMail {
  const headers = rawHeaders(parsed);
  const from = addressesOf(parsed.from)[0] ?? null;
  const envelopeFrom = normalizeAddress(opts.envelopeFrom);
  const to = addressesOf(parsed.to).map((a) => a.address);
  const cc = addressesOf(parsed.cc).map((a) => a.address);
  const extra = [...(headers['delivered-to'] ?? []), ...(headers['x-original-to'] ?? [])];
  return {
    messageId:
      normalizeMessageId(parsed.messageId) ??
      syntheticMessageId(createHash('sha256').update(raw).digest('hex')),
    inReplyTo: messageIdsIn(parsed.inReplyTo)[0] ?? null,
    references: messageIdsIn(parsed.references),
    from: from ?? (envelopeFrom ? { address: envelopeFrom, name: null } : null),
    to,
    cc,
    recipients: [...(opts.envelopeTo ?? []), ...to, ...cc, ...extra],
    subject: clean(parsed.subject ?? '').trim(),
    text: clean(parsed.text ?? ''),
    html: typeof parsed.html === 'string' && parsed.html.trim() ? clean(parsed.html) : null,
    headers,
    attachments: parsed.attachments,
  };
}

// ---- shown text and HTML --------------------------------------------------------------------

const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr|rv|enc)\s*:/i;
const replyParser = new EmailReplyParser();

/** The text to show: without quoted history and signature (forwards keep what they forward). */
export function shownText(text: string, subject: string): string {
  const whole = text.trim();
  if (!whole || FORWARD_SUBJECT.test(subject)) return whole;
  const trimmed = replyParser.parseReply(text).trim();
  return trimmed || whole;
}

const truncate = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 3)}[…]`);

// Quoted history in HTML replies: Gmail, Apple Mail and Thunderbird mark it; Outlook starts it
// with a block after which everything is the old thread: divRplyFwdMsg/appendonsend (Outlook on
// the web, new Outlook), or the header block ("From: … Sent: …", in the writer's language) that
// Outlook for Windows and Mac set off with a thin top border of a colour of its own.
const QUOTE_CLASSES = ['gmail_quote', 'gmail_signature', 'moz-cite-prefix', 'moz-signature', 'yahoo_quoted'];
const OUTLOOK_QUOTE_START =
  /<div[^>]+id=["']?(divRplyFwdMsg|appendonsend)\b|<div[^>]+style=["'][^"']*border-top:\s*solid\s+#(E1E1E1|B5C4DF)\s+1\.0pt/i;
/** The rule Outlook on the web draws above the header block. */
const TRAILING_RULE = /(<hr\b[^>]*>\s*)+$/i;

function withoutQuotes(html: string): string {
  const outlook = OUTLOOK_QUOTE_START.exec(html);
  const head = outlook ? html.slice(0, outlook.index).replace(TRAILING_RULE, '') : html;
  return sanitizeHtml(head, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    exclusiveFilter: (frame) => {
      if (frame.tag === 'blockquote') return true;
      const classes = (frame.attribs.class ?? '').split(/\s+/);
      return classes.some((c) => QUOTE_CLASSES.includes(c));
    },
  });
}

/**
 * Mail HTML made safe to show in the agent's and the customer's browser: no scripts, styles,
 * event handlers, forms or frames; links open in a new tab without a referrer. Remote images are
 * not loaded (they would tell the sender when and where the mail was read): each becomes a link
 * "[image: alt]" to its address. `cid:` images point to their stored attachment; others vanish.
 */
export function sanitizeMailHtml(
  html: string,
  inlineImages: ReadonlyMap<string, string> = new Map(),
): string {
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center'],
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['cellpadding', 'cellspacing', 'border'],
      ol: ['start', 'type'],
      font: ['color'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' },
      }),
      img: (tagName, attribs): sanitizeHtml.Tag => {
        const src = (attribs.src ?? '').trim();
        if (/^cid:/i.test(src)) {
          const url = inlineImages.get(src.slice(4).replace(/^<|>$/g, ''));
          return url ? { tagName, attribs: { ...attribs, src: url } } : { tagName: 'span', attribs: {} };
        }
        if (/^https?:\/\//i.test(src)) {
          return {
            tagName: 'a',
            attribs: { href: src, rel: 'noopener noreferrer nofollow', target: '_blank' },
            text: `[image${attribs.alt ? `: ${attribs.alt}` : ''}]`,
          };
        }
        return { tagName: 'span', attribs: {} };
      },
    },
  }).trim();
}

function filesOf(attachments: ParsedMail['attachments']): StoredFile[] {
  return attachments.map((a, i) => {
    const type = (a.contentType || 'application/octet-stream').toLowerCase();
    const ext = /^image\/(png|jpeg|gif|webp)$/.exec(type)?.[1]?.replace('jpeg', 'jpg');
    const fallback = `attachment-${i + 1}${ext ? `.${ext}` : type === 'message/rfc822' ? '.eml' : ''}`;
    const name = clean(a.filename ?? '')
      .replace(/[\\/]/g, '_')
      .trim()
      .slice(-255);
    return { filename: name || fallback, contentType: type, data: a.content, contentId: a.cid ?? null };
  });
}

// ---- threading and customers -----------------------------------------------------------------

interface ThreadCase {
  id: string;
  customer_id: string;
  organization_id: string | null;
  status: string;
  merged_into_id: string | null;
  cc: string[];
}

async function caseById(tx: Database, id: string) {
  const [c] = await rows<ThreadCase>(
    tx,
    sql`select id, customer_id, organization_id, status, merged_into_id, cc from cases
      where id = ${id} and deleted_at is null`,
  );
  return c;
}

/**
 * The case a mail answers: by reply token, then In-Reply-To, then References (newest first). A
 * mail of one of its side conversations (that conversation's token, or answering its mail) comes
 * with `sideId`, and its case as it is (merged or deleted too: the side conversation decides).
 */
async function findThread(
  tx: Database,
  mail: InboundMail,
): Promise<{ c: ThreadCase; by: string; sideId?: string } | null> {
  let found: { id: string; by: string; sideId?: string } | null = null;
  const tokens = replyTokensIn(mail.recipients);
  if (tokens.length > 0) {
    const side = await sideConversationByToken(tx, tokens);
    const [c] = side
      ? []
      : await rows<{ id: string }>(
          tx,
          sql`select id from cases where reply_token = any(${sql.param(tokens)}::text[]) limit 1`,
        );
    if (side) found = { id: side.caseId, by: 'side conversation reply token', sideId: side.id };
    else if (c) found = { id: c.id, by: 'reply token' };
  }
  if (!found) {
    const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()];
    if (ids.length > 0) {
      const known = await rows<{ message_id: string; case_id: string; side_conversation_id: string | null }>(
        tx,
        sql`select message_id, case_id, side_conversation_id from mail_messages
          where message_id = any(${sql.param(ids)}::text[]) and case_id is not null`,
      );
      const byId = new Map(known.map((k) => [k.message_id, k]));
      const hit = ids.find((id) => byId.has(id));
      if (hit) {
        const k = byId.get(hit)!;
        found = {
          id: k.case_id,
          by: hit === mail.inReplyTo ? 'In-Reply-To' : 'References',
          ...(k.side_conversation_id ? { sideId: k.side_conversation_id } : {}),
        };
      }
    }
  }
  if (!found) return null;
  if (found.sideId) {
    const [c] = await rows<ThreadCase>(
      tx,
      sql`select id, customer_id, organization_id, status, merged_into_id, cc from cases where id = ${found.id}`,
    );
    return c ? { c, by: found.by, sideId: found.sideId } : null;
  }
  // A merged case's mail belongs where it was merged.
  let c = await caseById(tx, found.id);
  for (let hops = 0; c?.merged_into_id && hops < 10; hops++) c = await caseById(tx, c.merged_into_id);
  return c && !c.merged_into_id ? { c, by: found.by } : null;
}

interface MailboxRow {
  id: string;
  address: string;
  team_id: string | null;
}

/** Our own addresses (mailboxes, and the From of our mail) and the mailbox this mail came to. */
async function mailboxContext(tx: Database, mail: InboundMail, opts: ReceiveOptions) {
  const all = await rows<MailboxRow>(
    tx,
    // A mailbox whose team was deleted still takes mail: its cases go to no team.
    sql`select m.id, lower(m.address) as address, t.id as team_id from mailboxes m
      left join teams t on t.id = m.team_id and t.deleted_at is null
      where m.deleted_at is null`,
  );
  // Deleted mailboxes' addresses are ours too: mail from one is a loop, never a customer.
  const ours = await ourAddresses(tx, opts.mailFrom);
  let mailbox: MailboxRow | undefined;
  if (opts.mailboxId) mailbox = all.find((m) => m.id === opts.mailboxId);
  if (!mailbox) {
    const byAddress = new Map(all.map((m) => [m.address, m]));
    for (const r of mail.recipients) {
      const a = normalizeAddress(r);
      mailbox = a ? byAddress.get(splitPlus(a).base) : undefined;
      if (mailbox) break;
    }
  }
  return { ours, mailbox };
}

// ---- the pipeline ----------------------------------------------------------------------------

/** Parses, files and answers for one raw mail. Never throws for a bad mail; only when the database fails. */
export async function receiveMail(
  db: Database,
  raw: Buffer,
  opts: ReceiveOptions = {},
): Promise<ReceiveResult> {
  let mail: InboundMail;
  try {
    mail = readMail(await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true }), raw, opts);
    if (!mail.text.trim() && mail.html) mail.text = clean(await htmlAsText(mail.html));
  } catch (err) {
    const messageId = syntheticMessageId(createHash('sha256').update(raw).digest('hex'));
    return keepFailed(db, raw, { messageId, error: err, opts });
  }
  try {
    return await db.transaction((tx) => processMail(tx, mail, raw, opts));
  } catch (err) {
    if (isErased(err)) {
      // The sender's customer was erased while the mail came in (processMail waited for the
      // erasure, then found them erased). Their address is no longer known: once more, from the
      // start, the mail is from an unknown sender, a new customer, attached to nothing erased.
      try {
        const again = await db.transaction((tx) => processMail(tx, mail, raw, opts));
        return { ...again, reason: again.reason ? `${ERASED_SENDER}; ${again.reason}` : ERASED_SENDER };
      } catch (second) {
        return keepFailed(db, raw, { messageId: mail.messageId, mail, error: second, opts });
      }
    }
    return keepFailed(db, raw, { messageId: mail.messageId, mail, error: err, opts });
  }
}

/**
 * Why a mail was taken as from a new sender: its sender's customer was erased as it came in.
 * Only in the result (the receiver's log), never on the new records: they would tie the new
 * customer to the erased one.
 */
const ERASED_SENDER =
  'the customer with the sender’s address was erased as this mail came in: taken as from a new sender';

const isErased = (err: unknown) => err instanceof AppError && err.code === 'customer_erased';

async function processMail(
  tx: Database,
  mail: InboundMail,
  raw: Buffer,
  opts: ReceiveOptions,
): Promise<ReceiveResult> {
  // A failed earlier delivery of this mail gives way to this one.
  await tx.execute(
    sql`delete from mail_messages where direction = 'in' and message_id = ${mail.messageId} and status = 'failed'`,
  );
  const { ours, mailbox } = await mailboxContext(tx, mail, opts);
  // The row is the claim: a concurrent delivery of the same mail waits here, then finds it taken.
  const [row] = await tx
    .insert(mailMessages)
    .values({
      direction: 'in',
      mailboxId: mailbox?.id ?? null,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      fromAddress: mail.from?.address ?? '',
      fromName: mail.from?.name ?? null,
      toAddresses: mail.to,
      ccAddresses: mail.cc,
      subject: truncate(mail.subject, 998),
      textBody: mail.text || null,
      htmlBody: mail.html ? sanitizeMailHtml(mail.html) : null,
      status: 'processed',
      raw,
    })
    .onConflictDoNothing()
    .returning({ id: mailMessages.id });
  if (!row) return { status: 'duplicate', reason: `already received (Message-ID ${mail.messageId})` };
  const mailId = row.id;

  const [echo] = await rows<{ id: string }>(
    tx,
    sql`select id from mail_messages where direction = 'out' and message_id = ${mail.messageId} limit 1`,
  );
  const reason =
    (echo ? 'our own mail (its Message-ID is one we sent)' : null) ??
    autoMailReason({
      headers: mail.headers,
      from: mail.from?.address ?? null,
      envelopeFrom: opts.envelopeFrom,
      ourAddresses: ours,
    }) ??
    (mail.from ? null : 'no sender address');
  // Kept for the record (a bounce shows on its case), acting on nothing.
  const ignore = async (why: string, thread: { c: ThreadCase } | null): Promise<ReceiveResult> => {
    await tx.execute(sql`update mail_messages set status = 'ignored', reason = ${why},
      case_id = ${thread?.c.id ?? null} where id = ${mailId}`);
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'mail.ignored',
      entityType: 'mail',
      entityId: mailId,
      data: {
        messageId: mail.messageId,
        from: mail.from?.address ?? null,
        reason: why,
        caseId: thread?.c.id ?? null,
      },
    });
    return { status: 'ignored', mailId, reason: why, ...(thread ? { caseId: thread.c.id } : {}) };
  };
  // A mail about an erased customer's case (a third party's answer, a colleague's note) takes
  // nothing there, and is kept without what it says, as the erasure left their mail.
  const ignoreErased = async (who: string, thread: { c: ThreadCase }) => {
    await tx.execute(sql`update mail_messages set subject = '', text_body = null, html_body = null,
      raw = null where id = ${mailId}`);
    return ignore(`${who}: its case’s customer was erased (what it says is not kept)`, thread);
  };
  if (reason) return ignore(reason, await findThread(tx, mail));

  const from = mail.from!;
  const text = shownText(mail.text, mail.subject);
  const hasFiles = mail.attachments.length > 0;
  const body = truncate(text || (hasFiles ? '(attachments only)' : '(no text)'), LIMITS.messageBody);
  const thread = await findThread(tx, mail);

  // Staff (agents, admins) are not customers. Their mail on a case's thread is their internal
  // note there (nothing goes to the customer); any other mail from them is kept as ignored:
  // never a customer and a case made of a colleague.
  const staff = await staffSender(tx, from.address);
  if (staff) {
    if (!thread) return ignore(`from staff (${from.address}), not about a case`, null);
    try {
      const note = await addMessage(tx, staff, thread.c.id, { body, public: false });
      return await keepCaseMail(thread.c.id, note.id, null, `staff note (${thread.by})`);
    } catch (err) {
      if (isErased(err)) return ignoreErased(`from staff (${from.address})`, thread);
      if (!(err instanceof AppError && (err.statusCode === 409 || err.statusCode === 404))) throw err;
      return ignore(`from staff (${from.address}): the case takes no note (${err.message})`, thread);
    }
  }

  // Someone marked as spam (or a domain admins blocked): kept, nothing else.
  const blocked = await blockedPatternOf(tx, from.address);
  if (blocked) return ignore(`blocked sender (${blocked})`, null);

  // A third party answering a side conversation: their message there, never a customer or a case.
  if (thread?.sideId) {
    const side = await receiveSideMessage(
      tx,
      thread.sideId,
      { address: from.address, name: from.name },
      body,
    ).catch((err: unknown) => {
      if (isErased(err)) return 'erased' as const;
      throw err;
    });
    if (side === 'erased') return ignoreErased('an answer in a side conversation', thread);
    if (!side) return ignore('its side conversation’s case is deleted', null);
    return keepCaseMail(side.caseId, side.messageId, null, `side conversation (${thread.by})`, thread.sideId);
  }

  // The customer with the address, else a new one named by the From (in the organization of its domain).
  const sender = await findOrCreateCustomerByEmail(tx, SYSTEM_ACTOR, {
    email: from.address,
    name: truncate(from.name || from.address, LIMITS.name),
    source: 'email',
    details: { mailId },
  });
  // Their share of the customer before any case (an erasure's order): a sender being erased is
  // waited for, then refused (409 customer_erased), and receiveMail takes the mail again.
  await assertNotErased(tx, [sender.id]);
  const belongs =
    thread &&
    (thread.c.customer_id === sender.id ||
      (thread.c.organization_id !== null && thread.c.organization_id === sender.organizationId) ||
      thread.c.cc.includes(from.address));
  let caseId: string | null = null;
  let messageId: string | null = null;
  let openedNew = false;
  let via: string;
  if (thread && belongs && thread.c.status !== 'closed') {
    try {
      const message = await addMessage(tx, SYSTEM_ACTOR, thread.c.id, {
        body,
        public: true,
        from: 'customer',
      });
      caseId = thread.c.id;
      messageId = message.id;
      via = thread.by;
    } catch (err) {
      // Closed or merged meanwhile: the mail opens a case after all.
      if (!(err instanceof AppError && err.statusCode === 409)) throw err;
      via = 'new case (its thread’s case was closed meanwhile)';
    }
  } else {
    via = !thread
      ? 'new case'
      : !belongs
        ? `new case (the sender is not the customer of the case found by ${thread.by})`
        : `new case (the case found by ${thread.by} is closed)`;
  }
  if (!caseId) {
    const opened = await openOrJoinCase(tx, SYSTEM_ACTOR, {
      subject: truncate(mail.subject || '(no subject)', LIMITS.subject),
      customerId: sender.id,
      channel: 'email',
      teamId: mailbox?.team_id ?? null,
      message: { body, from: 'customer' },
    });
    caseId = opened.case.id;
    messageId = opened.messageId;
    openedNew = !opened.joined;
    if (opened.joined) via = 'joined the open proactive case it is about';
  }
  if (!messageId) throw new Error('the case message of the mail is missing');
  await copyMailCc(tx, caseId, mail, ours);
  const kept = await keepCaseMail(caseId, messageId, sender.id, via);
  // A new request hears from us at once (its number, when we answer), if the team wants it.
  if (openedNew && (await readSettings(tx)).acknowledgeNewMail)
    await queueAcknowledgement(tx, { caseId, to: from.address, reply: true });
  return kept;

  /** The mail's files, HTML and record on the case message it became. */
  async function keepCaseMail(
    caseId: string,
    messageId: string,
    customerId: string | null,
    via: string,
    sideConversationId: string | null = null,
  ): Promise<ReceiveResult> {
    // Files on the message; inline images get their URL into the HTML.
    const { stored, skipped } = await storeAttachments(tx, { caseId, messageId }, filesOf(mail.attachments));
    const inline = new Map(
      stored.filter((s) => s.contentId).map((s) => [s.contentId!, `/api/v1/attachments/${s.id}`]),
    );
    const isReply = !!thread || !!mail.inReplyTo || mail.references.length > 0;
    const fullHtml = mail.html ? sanitizeMailHtml(mail.html, inline) : null;
    const shownHtml = mail.html
      ? sanitizeMailHtml(
          isReply && !FORWARD_SUBJECT.test(mail.subject) ? withoutQuotes(mail.html) : mail.html,
          inline,
        )
      : null;
    await tx
      .update(messages)
      .set({
        channel: 'email',
        bodyHtml: shownHtml || null,
        ...(customerId ? { authorCustomerId: customerId } : {}),
      })
      .where(sql`${messages.id} = ${messageId}`);

    let note: string | undefined;
    if (skipped.length > 0) {
      note = `not stored: ${skipped.map((s) => `${s.filename} (${s.reason})`).join('; ')}`;
      const [n] = await tx
        .insert(messages)
        .values({
          caseId,
          authorType: 'system',
          public: false,
          body: `Attachments of the e-mail from ${from.address} were not stored: ${skipped
            .map((s) => `${s.filename} — ${s.reason}`)
            .join('; ')}.`,
          channel: 'email',
        })
        .returning({ id: messages.id });
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: 'case.note_added',
        entityType: 'case',
        entityId: caseId,
        data: { messageId: n!.id, public: false, from: 'system', skipped },
      });
    }
    await tx.execute(sql`update mail_messages set case_id = ${caseId}, case_message_id = ${messageId},
    side_conversation_id = ${sideConversationId}, html_body = ${fullHtml}, reason = ${note ?? null}
    where id = ${mailId}`);
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'mail.received',
      entityType: 'mail',
      entityId: mailId,
      data: {
        messageId: mail.messageId,
        from: from.address,
        caseId,
        caseMessageId: messageId,
        via,
        attachments: stored.length,
        ...(skipped.length ? { skipped } : {}),
      },
    });
    return { status: 'processed', caseId, messageId, mailId, ...(note ? { reason: note } : {}) };
  }
}

/**
 * The mail's other recipients (To, Cc) join the case's CC list, so that the replies reach
 * everyone on the thread and they may write into the case: not our own addresses, the sender,
 * the case's customer or colleagues; at most MAX_CC. Recorded as a change by Steward
 * (`reason: mail_cc`).
 */
async function copyMailCc(tx: Database, caseId: string, mail: InboundMail, ours: ReadonlySet<string>) {
  const candidates = [...mail.to, ...mail.cc];
  if (candidates.length === 0) return;
  const [c] = await rows<{ cc: string[]; email: string | null }>(
    tx,
    sql`select c.cc, lower(cu.email) as email from cases c join customers cu on cu.id = c.customer_id
      where c.id = ${caseId}`,
  );
  if (!c) return;
  const staff = await rows<{ email: string }>(
    tx,
    sql`select lower(email) as email from users where role in ('agent', 'admin') and deleted_at is null
      and lower(email) = any(${sql.param(candidates)}::text[])`,
  );
  const cc = mergeCc({
    kept: c.cc,
    to: mail.to,
    cc: mail.cc,
    from: mail.from?.address ?? null,
    ours,
    excluded: new Set([...(c.email ? [c.email] : []), ...staff.map((s) => s.email)]),
    max: MAX_CC,
  });
  if (cc.length > c.cc.length) await applyCaseUpdate(tx, SYSTEM_ACTOR, caseId, { cc }, 'mail_cc');
}

/** The staff user (agent or admin, not deleted) with this address, as the actor of their mail. */
async function staffSender(tx: Database, address: string): Promise<Actor | null> {
  const [user] = await rows<{ id: string; role: 'agent' | 'admin' }>(
    tx,
    sql`select id, role from users
      where lower(email) = ${address} and deleted_at is null and role in ('agent', 'admin') limit 1`,
  );
  return user ? { ...SYSTEM_ACTOR, kind: 'user', userId: user.id, role: user.role } : null;
}

/** The root cause's message: a failed query's wrapper only repeats the SQL. */
function errorText(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Keeps a mail that could not be processed, with the error, so nothing is lost. */
async function keepFailed(
  db: Database,
  raw: Buffer,
  f: { messageId: string; mail?: InboundMail; error: unknown; opts: ReceiveOptions },
): Promise<ReceiveResult> {
  const reason = truncate(errorText(f.error), 1000);
  const mail = f.mail;
  const id = await db.transaction(async (tx) => {
    const [mailbox] = f.opts.mailboxId
      ? await rows<{ id: string }>(tx, sql`select id from mailboxes where id = ${f.opts.mailboxId}`)
      : [];
    const [row] = await tx
      .insert(mailMessages)
      .values({
        direction: 'in',
        mailboxId: mailbox?.id ?? null,
        messageId: f.messageId,
        inReplyTo: mail?.inReplyTo ?? null,
        references: mail?.references ?? [],
        fromAddress: mail?.from?.address ?? '',
        fromName: mail?.from?.name ?? null,
        toAddresses: mail?.to ?? [],
        ccAddresses: mail?.cc ?? [],
        subject: truncate(mail?.subject ?? '', 998),
        textBody: mail?.text || null,
        status: 'failed',
        reason,
        raw,
      })
      .onConflictDoUpdate({
        target: [mailMessages.direction, mailMessages.messageId],
        set: { reason, raw },
        setWhere: sql`${mailMessages.status} = 'failed'`,
      })
      .returning({ id: mailMessages.id });
    if (!row) return null; // processed meanwhile by another delivery
    await recordDomainEvent(tx, SYSTEM_ACTOR, {
      type: 'mail.failed',
      entityType: 'mail',
      entityId: row.id,
      data: { messageId: f.messageId, from: mail?.from?.address ?? null, reason, direction: 'in' },
    });
    return row.id;
  });
  if (!id) return { status: 'duplicate', reason: `already received (Message-ID ${f.messageId})` };
  return { status: 'failed', mailId: id, reason };
}
