// Composing outgoing mail: the RFC 822 bytes (nodemailer's MailComposer does the MIME, the
// encoded words and the line folding), the From with an agent's name, the case's reply address,
// the case subject and the threading headers. No database here: outbox.ts gathers the facts.
import { randomBytes, randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { replyAddress as plusAddress, replyTokenFromBytes } from '../../../core/mail/addresses.js';
import { customerWords } from '../../../core/mail/customer-words.js';
import { isUnreachablePublicUrl } from '../../config.js';

export interface Mailbox {
  name: string;
  address: string;
}

/** The name and address of STEWARD_MAIL_FROM ("Steward Support <support@example.com>"). */
export function parseMailFrom(mailFrom: string): Mailbox {
  const [first] = addressparser(mailFrom, { flatten: true });
  const address = first?.address?.trim().toLowerCase();
  if (!address || !address.includes('@'))
    throw new Error(`STEWARD_MAIL_FROM must hold an e-mail address, got "${mailFrom}"`);
  return { name: first?.name?.trim() ?? '', address };
}

export { domainOf } from '../../../core/mail/addresses.js';

/** `<uuid@domain>` without the angle brackets, as mail_messages stores Message-IDs. */
export const newMessageId = (domain: string) => `${randomUUID()}@${domain}`;

/** The From name: "Ava Agent (Steward Support)", or the team's name alone for system mail. */
export function fromName(team: string, person?: string | null): string {
  const who = person?.trim();
  if (!who) return team;
  return team ? `${who} (${team})` : who;
}

/**
 * A reply's text with its author's signature under it, after the usual "-- " line (RFC 3676's
 * signature separator, which mail programs recognise, and our inbound mail trims on the way back).
 */
export function withSignature(body: string, signature: string | null | undefined): string {
  const sig = signature?.trim();
  return sig ? `${body.replace(/\s+$/, '')}\n\n-- \n${sig}` : body;
}

/**
 * The address of a case's page in the customer portal, for the mail to its customer; null when
 * Steward's public address is not known (or not one a browser can reach), so no mail carries a
 * link that leads nowhere.
 */
export function portalCaseUrl(publicUrl: string, caseId: string): string | null {
  const base = publicUrl.trim().replace(/\/+$/, '');
  if (!base || isUnreachablePublicUrl(base)) return null;
  return `${base}/portal/cases/${caseId}`;
}

/**
 * A reply's text with the line leading its reader to the request online (none without a link),
 * in the customer's language (`mailLanguage`).
 */
export function withPortalLink(body: string, url: string | null, language = 'en'): string {
  return url ? `${body.replace(/\s+$/, '')}\n\n${customerWords(language).seeOnline(url)}` : body;
}

/** A new reply token: lower-case base32 of 10 random bytes (16 characters, 80 bits); see core/mail/addresses. */
export const newReplyToken = () => replyTokenFromBytes(randomBytes(10));

/** support@example.com + token -> support+<token>@example.com (the case's reply address). */
export const replyAddress = (mailFrom: string, token: string) =>
  plusAddress(parseMailFrom(mailFrom).address, token);

/** "[#1042] Late delivery"; "Re: [#1042] Late delivery" when answering the customer's mail. */
export function caseMailSubject(number: number, subject: string, reply: boolean): string {
  return `${reply ? 'Re: ' : ''}[#${number}] ${subject}`;
}

/** RFC 5322 suggests keeping the first and the latest references when a chain grows long. */
export const REFERENCES_CAP = 20;

/** A thread's References: unique, oldest first, the first kept and the latest up to the cap. */
export function capReferences(ids: string[], cap = REFERENCES_CAP): string[] {
  const unique = [...new Set(ids.map(stripBrackets).filter(Boolean))];
  if (unique.length <= cap) return unique;
  return [unique[0]!, ...unique.slice(unique.length - (cap - 1))];
}

export const stripBrackets = (id: string) => id.trim().replace(/^<|>$/g, '');

export interface ComposeInput {
  messageId: string;
  from: Mailbox;
  to: { name?: string | null; address: string };
  /** Others who get the mail (a case's CC list). */
  cc?: readonly string[];
  replyTo?: string | null;
  subject: string;
  text: string;
  html?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  /** Automatic mail (sign-in links, notices): RFC 3834 Auto-Submitted, so auto-responders stay quiet. */
  autoSubmitted?: boolean;
  attachments?: MailAttachment[];
  date?: Date;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** For an inline image an HTML body shows as cid:… */
  contentId?: string | null;
}

/** The message's RFC 822 source. */
export function composeMail(input: ComposeInput): Promise<Buffer> {
  const headers: Record<string, string> = { 'X-Steward-Mail': '1' };
  if (input.autoSubmitted) headers['Auto-Submitted'] = 'auto-generated';
  return new MailComposer({
    from: { name: input.from.name, address: input.from.address },
    to: input.to.name ? { name: input.to.name, address: input.to.address } : input.to.address,
    ...(input.cc?.length ? { cc: [...input.cc] } : {}),
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    messageId: `<${stripBrackets(input.messageId)}>`,
    ...(input.inReplyTo ? { inReplyTo: `<${stripBrackets(input.inReplyTo)}>` } : {}),
    ...(input.references?.length ? { references: input.references.map((r) => `<${stripBrackets(r)}>`) } : {}),
    ...(input.attachments?.length
      ? {
          attachments: input.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            content: a.content,
            ...(a.contentId ? { cid: a.contentId } : {}),
          })),
        }
      : {}),
    headers,
    date: input.date ?? new Date(),
  })
    .compile()
    .build();
}
