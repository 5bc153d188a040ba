// Message-IDs as threading compares them, without I/O. Contract:
// - an id is stored without angle brackets, as sent (ids are compared exactly; RFC 5322 makes
//   them case-sensitive), at most 998 characters;
// - `messageIdsIn` reads In-Reply-To or References, however a client wrote them (angle-bracketed
//   and separated by spaces, commas or folded lines; or bare ids), in order, without repeats;
// - a mail without a Message-ID is given a stable one from a hash of its bytes, so the same mail
//   delivered twice is still recognised (`syntheticMessageId`).

const MAX = 998;

export function normalizeMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const bracketed = /<([^<>\s]+)>/.exec(value);
  const id = (bracketed ? bracketed[1]! : (value.trim().split(/\s+/)[0] ?? '')).trim();
  if (!id || id.length > MAX) return null;
  return id;
}

export function messageIdsIn(value: string | readonly string[] | null | undefined): string[] {
  if (!value) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const found = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  const ids = found.length > 0 ? found : text.split(/[\s,]+/).filter((t) => t.includes('@'));
  return [...new Set(ids.filter((id) => id.length <= MAX))];
}

/** A stable id for a mail without one: the hex SHA-256 of its raw bytes, given by the caller. */
export function syntheticMessageId(sha256Hex: string): string {
  return `${sha256Hex}@steward.missing-message-id`;
}
