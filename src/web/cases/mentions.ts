// Naming a colleague in an internal note: "@" and a few letters offer matching colleagues; picking
// one writes "@Full Name " in place, or "@address " when a colleague shares the name (the server
// notifies whoever is named; see notifications.service.ts). Pure text logic here, the list in
// mention-list.tsx.

export interface MentionQuery {
  /** Where the "@" is. */
  start: number;
  /** What follows it up to the caret. */
  query: string;
}

/**
 * The mention being typed at `caret`: an "@" at the start or after a space or bracket, then up
 * to 30 characters without a line break or a second "@". Spaces are allowed (full names).
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && !/[\s([{"']/.test(before[at - 1]!)) return null; // an e-mail address, not a mention
  const query = before.slice(at + 1);
  if (query.length > 30 || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, query };
}

export interface Colleague {
  name: string;
  email: string;
}

/** Colleagues whose name (any word) or address starts with the query, best matches first. */
export function matchColleagues<T extends Colleague>(all: T[], query: string, max = 6): T[] {
  const q = query.trim().toLowerCase();
  const score = (c: T) => {
    const name = c.name.toLowerCase();
    if (name.startsWith(q)) return 0;
    if (name.split(/\s+/).some((w) => w.startsWith(q))) return 1;
    if (c.email.toLowerCase().startsWith(q)) return 2;
    return -1;
  };
  return all
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.c.name.localeCompare(b.c.name))
    .slice(0, max)
    .map((x) => x.c);
}

/** The text with the mention at `m` (up to `caret`) replaced by "@Name" and a space, and where the caret goes. */
export function insertMention(text: string, m: MentionQuery, caret: number, name: string) {
  const after = text.slice(caret);
  const written = /^\s/.test(after) ? `@${name}` : `@${name} `;
  return { text: text.slice(0, m.start) + written + after, caret: m.start + written.length };
}

/**
 * How to name `c` so that the server tells only them: their full name, or (when a colleague
 * shares it) the address before the "@", which the server takes too.
 */
export function mentionHandle(c: Colleague, all: readonly Colleague[]): string {
  const name = c.name.toLowerCase();
  const shared = all.some((o) => o !== c && o.email !== c.email && o.name.toLowerCase() === name);
  return shared ? c.email.split('@')[0]! : c.name;
}
