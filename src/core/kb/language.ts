// Which language variant of an article a reader gets, and article URL names. Pure.
//
// `pickLanguage`: the variant asked for; else one of the same language (`de-CH` asked, `de`
// available, or the other way round); else English; else the first in alphabetical order.
// `fallback` says the reader did not get what they asked for.
import { SLUG_MAX, SLUG_PATTERN } from '../../shared/schemas/kb.js';

export const DEFAULT_LANGUAGE = 'en';

const primary = (tag: string) => tag.split('-')[0]!.toLowerCase();

export function pickLanguage(
  requested: string | undefined,
  available: readonly string[],
): { language: string; fallback: boolean } | null {
  if (available.length === 0) return null;
  const sorted = [...available].sort();
  if (requested) {
    const want = requested.toLowerCase();
    const exact = sorted.find((l) => l.toLowerCase() === want);
    if (exact) return { language: exact, fallback: false };
    const family = sorted.filter((l) => primary(l) === primary(want));
    // Within a family the plain tag (`de`) is the best stand-in for any regional one.
    const relative = family.find((l) => !l.includes('-')) ?? family[0];
    if (relative) return { language: relative, fallback: false };
  }
  const chosen = sorted.find((l) => l.toLowerCase() === DEFAULT_LANGUAGE) ?? sorted[0]!;
  return { language: chosen, fallback: requested !== undefined };
}

export { SLUG_MAX, SLUG_PATTERN };

const TRANSLITERATE: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', þ: 'th' };

/** A URL name from a title: "Where is my parcel?" -> "where-is-my-parcel"; "" when nothing is left. */
export function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .replace(/[ßæœøđłþ]/g, (c) => TRANSLITERATE[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug.slice(0, SLUG_MAX).replace(/-+$/, '');
}
