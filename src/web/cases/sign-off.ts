// A reply template's sign-off against the agent's e-mail signature. Public replies that go out by
// e-mail get the author's signature under them on sending (server: mail/compose.ts withSignature).
// A template that ends "Best regards,\nAva" would then sign twice. When the reply will be signed,
// the template's sign-off gives way to the signature:
//   - the signature has its own closing words ("Kind regards,\nAva Agent"): the template's whole
//     sign-off goes (closing words and the names under them);
//   - the signature is only who the agent is ("Ava Agent\nCustomer service"): the template keeps
//     its closing words ("Best regards,") and drops the names under them, which the signature says.
// Only a sign-off at the very end counts: a closing line, then at most three short lines (a name,
// a role, a team). Pure.

/** Closing words, compared without case and without the punctuation after them. */
const CLOSINGS = [
  'best',
  'best regards',
  'best wishes',
  'kind regards',
  'kindest regards',
  'warm regards',
  'warmest regards',
  'warm wishes',
  'with best regards',
  'with kind regards',
  'regards',
  'all the best',
  'cheers',
  'thanks',
  'thank you',
  'many thanks',
  'thanks again',
  'thanks so much',
  'with thanks',
  'sincerely',
  'yours sincerely',
  'sincerely yours',
  'yours truly',
  'yours',
  'take care',
  'speak soon',
  'talk soon',
  'viele grüße',
  'beste grüße',
  'liebe grüße',
  'mit freundlichen grüßen',
  'freundliche grüße',
  'med venlig hilsen',
  'venlig hilsen',
  'mvh',
  'cordialement',
  'bien à vous',
  'saludos',
  'un saludo',
  'atentamente',
];
const CLOSING_SET = new Set(CLOSINGS);

/** Lines under the closing words: a name, a role, a team; not a sentence of the reply. */
const MAX_NAME_LINES = 3;
const MAX_NAME_LENGTH = 60;

const bare = (line: string) =>
  line
    .trim()
    .replace(/[\s,.!:;–—-]+$/u, '')
    .toLowerCase();

/** "Best regards," or "Cheers, Ava": the closing words, and a name on the same line if any. */
function closingOf(line: string): { words: string; name: string } | null {
  if (CLOSING_SET.has(bare(line))) return { words: line.trim().replace(/\s+$/, ''), name: '' };
  const comma = line.indexOf(',');
  if (comma < 0) return null;
  const head = line.slice(0, comma);
  const name = line.slice(comma + 1).trim();
  if (!CLOSING_SET.has(bare(head)) || !isNameLine(name)) return null;
  return { words: `${head.trim()},`, name };
}

const isNameLine = (line: string) =>
  line.trim() !== '' && line.trim().length <= MAX_NAME_LENGTH && !/[.?!]$/.test(line.trim());

/** Whether a signature begins with closing words of its own (in its first two lines). */
export function signatureHasClosing(signature: string): boolean {
  return signature
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, 2)
    .some((l) => closingOf(l) !== null);
}

/**
 * Where the sign-off at the end of a reply begins ("Best regards,\nAva", "Cheers, Ava", a closing
 * line alone), as an offset into `text`; null when the text does not end with one.
 */
export function signOffStart(text: string): number | null {
  const lines = text.replace(/\s+$/, '').split('\n');
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 1 - MAX_NAME_LINES); i--) {
    if (closingOf(lines[i]!)) return lines.slice(0, i).reduce((at, line) => at + line.length + 1, 0);
    if (!isNameLine(lines[i]!)) return null;
  }
  return null;
}

export interface SignOffResult {
  /** The text to put into the reply. */
  text: string;
  /** What was left out, as written (empty when nothing was). */
  removed: string;
}

/**
 * The template's text for a reply signed with `signature` on sending (null or blank: not signed,
 * the text is kept whole).
 */
export function withoutDoubleSignOff(text: string, signature: string | null | undefined): SignOffResult {
  const keep = { text, removed: '' };
  if (!signature?.trim()) return keep;
  const lines = text.replace(/\s+$/, '').split('\n');
  // The closing line: the last one before at most MAX_NAME_LINES name lines at the end.
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 1 - MAX_NAME_LINES); i--) {
    const closing = closingOf(lines[i]!);
    if (!closing) {
      if (!isNameLine(lines[i]!)) return keep;
      continue;
    }
    const names = [closing.name, ...lines.slice(i + 1)].filter((l) => l.trim() !== '');
    const before = lines.slice(0, i).join('\n').replace(/\s+$/, '');
    if (signatureHasClosing(signature)) {
      return { text: before, removed: [closing.words, ...names].join('\n') };
    }
    if (names.length === 0) return keep;
    return { text: before ? `${before}\n\n${closing.words}` : closing.words, removed: names.join('\n') };
  }
  return keep;
}
