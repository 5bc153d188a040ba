// Composing outgoing mail: the RFC 822 bytes (nodemailer's MailComposer does the MIME, the
// encoded words and the line folding), the From with an agent's name, the case's reply address,
// the case subject and the threading headers. No database here: outbox.ts gathers the facts.
import { randomBytes, randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';

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

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** `<uuid@domain>` without the angle brackets, as mail_messages stores Message-IDs. */
export const newMessageId = (domain: string) => `${randomUUID()}@${domain}`;

/** The From name: "Ava Agent (Steward Support)", or the team's name alone for system mail. */
export function fromName(team: string, person?: string | null): string {
  const who = person?.trim();
  if (!who) return team;
  return team ? `${who} (${team})` : who;
}

/** A reply token: 20 lower-case hex characters (80 bits), safe in any mail system's local part. */
export const newReplyToken = () => randomBytes(10).toString('hex');

/** support@example.com + token -> support+<token>@example.com */
export function replyAddress(mailFrom: string, token: string): string {
  const { address } = parseMailFrom(mailFrom);
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+${token}${address.slice(at)}`;
}

/** The reply token in an address such as support+<token>@example.com, or null. */
export function replyTokenOf(address: string): string | null {
  const m = /\+([0-9a-f]{20})@/i.exec(address);
  return m ? m[1]!.toLowerCase() : null;
}

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
  replyTo?: string | null;
  subject: string;
  text: string;
  html?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  /** Automatic mail (sign-in links, notices): RFC 3834 Auto-Submitted, so auto-responders stay quiet. */
  autoSubmitted?: boolean;
  date?: Date;
}

/** The message's RFC 822 source. */
export function composeMail(input: ComposeInput): Promise<Buffer> {
  const headers: Record<string, string> = { 'X-Steward-Mail': '1' };
  if (input.autoSubmitted) headers['Auto-Submitted'] = 'auto-generated';
  return new MailComposer({
    from: { name: input.from.name, address: input.from.address },
    to: input.to.name ? { name: input.to.name, address: input.to.address } : input.to.address,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    messageId: `<${stripBrackets(input.messageId)}>`,
    ...(input.inReplyTo ? { inReplyTo: `<${stripBrackets(input.inReplyTo)}>` } : {}),
    ...(input.references?.length ? { references: input.references.map((r) => `<${stripBrackets(r)}>`) } : {}),
    headers,
    date: input.date ?? new Date(),
  })
    .compile()
    .build();
}
