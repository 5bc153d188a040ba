// A template put into a reply already being written is a paragraph of its own: at the cursor,
// with a blank line between it and the words around it (none at the start or the end).

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
