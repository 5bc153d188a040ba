// Turning what people write into knowledge-base searches, and search hits into snippets. Pure.
//
// - `searchTerms`: the words worth matching in free text (a customer's half-written request, a
//   case's subject and message): letters and digits only, at least 3 characters, no common
//   English, German or French words (the 'simple' text-search configuration keeps every word,
//   so "the" or "und" would otherwise match every article), first occurrence order, deduplicated
//   case-insensitively, at most `max`.
// - `orPrefixQuery`: those terms as a to_tsquery('simple', …) text, OR-ed, each a prefix
//   (`deliver:*` also finds "delivery", "delivered"): suggestions want recall, ranking sorts.
// - `snippet`: a window of an article's plain text around the first matching word.

const STOPWORDS = new Set(
  // English
  (
    'about above after again against all also and any are because been before being below between both but ' +
    'can cannot could did does doing down during each few for from further had has have having her here hers ' +
    'herself him himself his how into its itself just more most much must myself nor not now off once only ' +
    'other our ours ourselves out over own same she should some such than that the their theirs them themselves ' +
    'then there these they this those through too under until very was were what when where which while who ' +
    'whom why will with would you your yours yourself yourselves please thanks thank hello dear regards ' +
    'get got still yet already one two any anything something ' +
    // German
    'aber alle allem allen aller alles als also ans auch auf aus bei beim bin bis bist dann das dass dem den ' +
    'der des dich die dies diese diesem diesen dieser dieses dir doch dort durch ein eine einem einen einer ' +
    'eines für gegen hab habe haben hat hatte hier hin hinter ich ihm ihn ihr ihre ihrem ihren ihrer im in ' +
    'ist jede jedem jeden jeder jedes jetzt kann kein keine keinem keinen keiner man mein meine meinem meinen ' +
    'meiner mich mir mit muss nach nicht noch nun nur oder ohne sehr sein seine sich sie sind so über um und ' +
    'uns unser unsere unter vom von vor war waren was weil welche wenn wer wie wir wird wo zu zum zur bitte ' +
    'danke hallo grüße gruß freundlichen ' +
    // French
    'les des une est pour pas que qui dans par sur avec sont mais nous vous ils elles leur leurs ces cette ' +
    'mon mes ton tes son ses aux été être avoir fait bonjour merci'
  ).split(/\s+/),
);

export const MIN_TERM_LENGTH = 3;

/** The words worth searching for in `text` (see the module comment). */
export function searchTerms(text: string, max = 20): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    const key = word.toLowerCase();
    if ([...key].length < MIN_TERM_LENGTH || STOPWORDS.has(key) || seen.has(key)) continue;
    seen.add(key);
    terms.push(word);
    if (terms.length >= max) break;
  }
  return terms;
}

/**
 * A to_tsquery('simple', …) text matching any of the terms as a prefix, or null when there is
 * nothing to search for. Terms are letters and digits only, so they need no quoting.
 */
export function orPrefixQuery(terms: string[]): string | null {
  const safe = terms.filter((t) => /^[\p{L}\p{N}]+$/u.test(t));
  return safe.length ? safe.map((t) => `${t}:*`).join(' | ') : null;
}

/** The words of a websearch-style query ("a b", "-c", "d or e", quoted phrases) to show in snippets. */
export function queryWords(query: string): string[] {
  const withoutExcluded = query.replace(/(^|\s)-("[^"]*"|\S+)/g, ' ');
  return searchTerms(withoutExcluded.replace(/\bor\b/gi, ' '), 20);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Up to `maxLength` characters of `text` around the first word starting with one of `terms`
 * (from the start when none matches), cut at word boundaries, with "…" where text was left out.
 */
export function snippet(text: string, terms: string[], maxLength = 180): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxLength) return clean;
  let at = -1;
  if (terms.length) {
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])(${terms.map(escapeRegExp).join('|')})`, 'iu');
    const m = pattern.exec(clean);
    if (m) at = m.index + m[1]!.length;
  }
  // Some context before the match: about a quarter of the window.
  let start = at <= 0 ? 0 : Math.max(0, at - Math.floor(maxLength / 4));
  if (start > 0) {
    const space = clean.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : start;
  }
  let end = Math.min(clean.length, start + maxLength);
  if (end < clean.length) {
    const space = clean.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '…' : ''}${clean.slice(start, end).trim()}${end < clean.length ? '…' : ''}`;
}
