// Raw sample mails (test/fixtures/mail/*.eml), with headers replaced for the test at hand: each
// use gets a fresh Message-ID unless one is given, so tests do not see each other's mail as
// duplicates. The bytes outside the replaced headers stay exactly as in the file (charsets too).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const FIXTURES = new URL('../fixtures/mail/', import.meta.url);

export const newMessageId = (domain = 'test.example') => `${randomBytes(8).toString('hex')}@${domain}`;

/** Replaces (or adds, or with null removes) whole headers in a raw message's header block. */
export function withHeaders(raw: Buffer, headers: Record<string, string | null>): Buffer {
  const text = raw.toString('latin1'); // byte-preserving
  const split = text.search(/\r?\n\r?\n/);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let head = text.slice(0, split);
  const rest = text.slice(split);
  for (const [name, value] of Object.entries(headers)) {
    const escaped = name.replace(/[-]/g, '\\-');
    head = head.replace(new RegExp(`^${escaped}:.*(?:\\r?\\n[ \\t].*)*(?:\\r?\\n|$)`, 'gim'), '');
    head = head.replace(/(\r?\n)+$/, '');
    if (value !== null) head += `${eol}${name}: ${value}`;
  }
  return Buffer.from(head + rest, 'latin1');
}

export function mailFixture(name: string, headers: Record<string, string | null> = {}): Buffer {
  const raw = readFileSync(new URL(`${name}.eml`, FIXTURES));
  return withHeaders(raw, { 'Message-ID': `<${newMessageId()}>`, ...headers });
}

/** A small plain-text mail built in the test. */
export function plainMail(opts: {
  from: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string;
  headers?: Record<string, string>;
}): Buffer {
  const lines = [
    `From: ${opts.from}`,
    `To: ${opts.to ?? 'support@steward.localhost'}`,
    `Subject: ${opts.subject ?? 'A question'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${opts.messageId ?? newMessageId()}>`,
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? 'Hello, I have a question about my order.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
