// A template or a help-article link put into a reply already being written is a paragraph of its
// own: at the cursor, with a blank line between it and the words around it (none at the start or
// the end). A cursor at the end (or never placed) puts it above the reply's sign-off, which stays
// last: "Best regards," then an article link would read as if the link signed the reply. Pure.
import { signOffStart } from './sign-off.js';

/** Where a block goes into `text` for a cursor at `caret` (null: never placed, the end). */
export function insertionPoint(text: string, caret: number | null): number {
  const at = caret ?? text.length;
  if (text.slice(at).trim() !== '') return at;
  return signOffStart(text) ?? at;
}

export function insertBlock(text: string, at: number, block: string): string {
  if (text.trim() === '') return block;
  const before = text.slice(0, at);
  const after = text.slice(at);
  const gap = (side: string, edge: 'end' | 'start') => {
    if (side.trim() === '') return '';
    const newlines = edge === 'end' ? /\n*$/.exec(side)![0].length : /^\n*/.exec(side)![0].length;
    return '\n'.repeat(Math.max(0, 2 - newlines));
  };
  return `${before}${gap(before, 'end')}${block}${gap(after, 'start')}${after}`;
}
