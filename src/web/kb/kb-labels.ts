// Words and small helpers the knowledge-base screens share: language names, version states,
// shares as percentages, and the anonymous reader's key and votes kept in this browser.
import type { KbLanguageState } from '../../shared/schemas/kb.js';

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    return null;
  }
})();

/** "de" -> "German", "fr-CH" -> "Swiss French"; the tag itself when the browser does not know it. */
export function languageName(tag: string): string {
  try {
    return languageNames?.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "Published (v2), draft v3 waiting" in a few words, for the article list. */
export function languageStateLabel(l: KbLanguageState): string {
  if (l.publishedVersion !== null && l.draftVersion !== null)
    return `v${l.publishedVersion} live, v${l.draftVersion} draft`;
  if (l.publishedVersion !== null) return `v${l.publishedVersion} live`;
  if (l.draftVersion !== null) return `v${l.draftVersion} draft`;
  return 'not published';
}

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
export const formatShare = (share: number | null) => (share === null ? '—' : percent.format(share));

const VISITOR_KEY = 'steward.kb.visitor';
const VOTES_KEY = 'steward.kb.votes';
let memoryVisitor: string | null = null;

/** A random key for voting once per article without signing in; it stays in this browser. */
export function visitorKey(): string {
  try {
    let key = localStorage.getItem(VISITOR_KEY);
    if (!key) {
      key = randomKey();
      localStorage.setItem(VISITOR_KEY, key);
    }
    return key;
  } catch {
    memoryVisitor ??= randomKey();
    return memoryVisitor;
  }
}

function randomKey(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This browser's answer to "did this help?" per article slug, to thank rather than ask again. */
export function rememberedVote(slug: string): boolean | undefined {
  try {
    const votes = JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, boolean>;
    return votes[slug];
  } catch {
    return undefined;
  }
}

export function rememberVote(slug: string, helpful: boolean) {
  try {
    const votes = JSON.parse(localStorage.getItem(VOTES_KEY) ?? '{}') as Record<string, boolean>;
    votes[slug] = helpful;
    localStorage.setItem(VOTES_KEY, JSON.stringify(votes));
  } catch {
    // storage unavailable: the thank-you lasts for this page only
  }
}
