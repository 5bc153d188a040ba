// E-mail addresses as Steward's mail handling compares them, without I/O. Contract:
// - `normalizeAddress` takes what a header or an SMTP envelope gives ("<A@B.example>",
//   " a@b.example ") and answers the lower-case address, or null when it is not one;
// - a case's reply address is its base address with `+<reply token>` in the local part
//   (support+k3x7…@example.com); `replyAddress` builds it, `splitPlus` takes it apart, and
//   `replyTokensIn` finds the tokens in a list of recipients (lower-case, as MTAs may fold case);
// - reply tokens are lower-case base32 (a-z, 2-7), 16 to 64 characters: `replyTokenFromBytes`
//   turns random bytes (10 bytes → 16 characters) into one, so callers bring their own randomness.

const ADDRESS =
  /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
export const REPLY_TOKEN = /^[a-z2-7]{16,64}$/;

export function normalizeAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  let a = value.trim();
  if (a.startsWith('<') && a.endsWith('>')) a = a.slice(1, -1).trim();
  a = a.toLowerCase();
  if (a.length > 254 || !ADDRESS.test(a)) return null;
  return a;
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The domain and the domains it lies in, most specific first, down to two labels:
 * eu.mail.acme.example -> [eu.mail.acme.example, mail.acme.example, acme.example]. An
 * organization that owns acme.example owns its subdomains' senders too.
 */
export function domainAndParents(domain: string): string[] {
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out.length ? out : labels.length ? [labels.join('.')] : [];
}

/** support+tag@example.com -> { base: support@example.com, tag: "tag" }; no tag -> tag null. */
export function splitPlus(address: string): { base: string; tag: string | null } {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  if (plus < 0) return { base: address, tag: null };
  return { base: `${local.slice(0, plus)}${address.slice(at)}`, tag: local.slice(plus + 1) };
}

export function replyAddress(base: string, token: string): string {
  const at = base.lastIndexOf('@');
  return `${base.slice(0, at)}+${token}${base.slice(at)}`;
}

/** The distinct reply tokens in these addresses (anything that is not an address is skipped). */
export function replyTokensIn(addresses: readonly (string | null | undefined)[]): string[] {
  const tokens = new Set<string>();
  for (const value of addresses) {
    const address = normalizeAddress(value);
    if (!address) continue;
    const { tag } = splitPlus(address);
    if (tag && REPLY_TOKEN.test(tag)) tokens.add(tag);
  }
  return [...tokens];
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding: safe in a local part that an MTA may lower-case. */
export function replyTokenFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 10) throw new Error('a reply token needs at least 10 random bytes');
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out.slice(0, 64);
}

/** Is this address (with or without a +tag) one of ours? `ours` holds normalized base addresses. */
export function isOwnAddress(address: string | null | undefined, ours: ReadonlySet<string>): boolean {
  const a = normalizeAddress(address);
  return !!a && ours.has(splitPlus(a).base);
}

/**
 * A case's CC list after a mail about it: the addresses kept, then the mail's To and Cc in their
 * order, without our own addresses (a reply address counts as its base), the sender, the
 * addresses `excluded` (the case's customer, colleagues) and repeats; at most `max`.
 */
export function mergeCc(input: {
  kept: readonly string[];
  to: readonly string[];
  cc: readonly string[];
  from: string | null;
  ours: ReadonlySet<string>;
  excluded: ReadonlySet<string>;
  max: number;
}): string[] {
  const out = [...input.kept];
  const seen = new Set(out);
  for (const value of [...input.to, ...input.cc]) {
    if (out.length >= input.max) break;
    const address = normalizeAddress(value);
    if (!address || seen.has(address) || address === input.from) continue;
    if (isOwnAddress(address, input.ours) || input.excluded.has(address)) continue;
    seen.add(address);
    out.push(address);
  }
  return out;
}

/**
 * A blocked-sender pattern as stored: an address (`someone@spam.example`) or a domain written
 * `@spam.example` (a bare `spam.example` is read so too); lower-case; null when it is neither.
 */
export function normalizeBlockPattern(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (v.includes('@') && !v.startsWith('@')) return normalizeAddress(v);
  const domain = v.replace(/^@/, '');
  return normalizeAddress(`x@${domain}`) && domain.includes('.') ? `@${domain}` : null;
}

/** The patterns that block an address: itself, its domain and the domains that domain lies in. */
export function blockPatternsFor(address: string): string[] {
  return [address.toLowerCase(), ...domainAndParents(domainOf(address)).map((d) => `@${d}`)];
}
