// Which incoming mail was written by a machine and must neither open a case nor be answered,
// without I/O. Contract: `autoMailReason` answers null for mail a person wrote, else a short
// reason that is stored with the ignored mail. A machine's mail is any of:
// - our own: it carries X-Steward-Mail (every mail Steward sends does) or comes from one of our
//   addresses (a loop through a forwarding rule);
// - an auto-reply: Auto-Submitted other than "no" (RFC 3834), Precedence bulk, junk, list or
//   auto_reply, X-Autoreply, X-Autorespond, X-Auto-Response-Suppress All or OOF (Exchange);
// - a bounce: a multipart/report (a delivery status notification), X-Failed-Recipients, a sender
//   that is MAILER-DAEMON or postmaster, or an empty envelope sender (`MAIL FROM:<>`, or
//   `Return-Path: <>` once delivered).
// Header names are given lower-case; values as in the mail (a header may repeat).
import { isOwnAddress, normalizeAddress } from './addresses.js';

export type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface AutoMailInput {
  headers: HeaderValues;
  /** The From address (normalized), if any. */
  from: string | null;
  /** The SMTP envelope sender: '' for the null sender `<>`, undefined when unknown (IMAP). */
  envelopeFrom?: string | null;
  /** Our own base addresses (mailboxes and the From of outgoing mail), normalized. */
  ourAddresses: ReadonlySet<string>;
}

export const STEWARD_MAIL_HEADER = 'x-steward-mail';

const first = (v: string | readonly string[] | undefined): string | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? v : v[0];
const has = (headers: HeaderValues, name: string) => first(headers[name]) !== undefined;
const value = (headers: HeaderValues, name: string) => (first(headers[name]) ?? '').trim().toLowerCase();

const AUTOMATIC_LOCALS = new Set(['mailer-daemon', 'postmaster']);

export function autoMailReason(input: AutoMailInput): string | null {
  const { headers } = input;
  if (has(headers, STEWARD_MAIL_HEADER)) return 'our own mail (X-Steward-Mail)';
  if (input.from && isOwnAddress(input.from, input.ourAddresses))
    return `sent from our own address ${input.from}`;

  const autoSubmitted = value(headers, 'auto-submitted').split(';')[0]!.trim();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = value(headers, 'precedence');
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (has(headers, 'x-autoreply')) return 'X-Autoreply';
  if (has(headers, 'x-autorespond')) return 'X-Autorespond';
  const suppress = value(headers, 'x-auto-response-suppress')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (suppress.includes('all') || suppress.includes('oof'))
    return `X-Auto-Response-Suppress: ${suppress.join(', ')}`;

  const contentType = value(headers, 'content-type').split(';')[0]!.trim();
  if (contentType === 'multipart/report') return 'a delivery report (multipart/report)';
  if (has(headers, 'x-failed-recipients')) return 'a bounce (X-Failed-Recipients)';
  const local = input.from?.slice(0, input.from.lastIndexOf('@'));
  if (local && AUTOMATIC_LOCALS.has(local)) return `from ${local.toUpperCase()}`;
  if (input.envelopeFrom === '') return 'empty envelope sender (a bounce)';
  const returnPath = first(headers['return-path']);
  if (returnPath !== undefined && /^\s*<\s*>\s*$/.test(returnPath)) return 'empty envelope sender (a bounce)';
  if (input.envelopeFrom && normalizeAddress(input.envelopeFrom)) {
    const envLocal = normalizeAddress(input.envelopeFrom)!.split('@')[0]!;
    if (AUTOMATIC_LOCALS.has(envLocal)) return `from ${envLocal.toUpperCase()}`;
  }
  return null;
}
