// Arrow-key movement inside a composite widget with one Tab stop (a tab list, a radio group):
// which item the key moves to, or undefined when the key does not move (the browser then does
// what it does with it). Wraps around at both ends. Pure, so it is tested without a browser.

export interface RovingOptions {
  /** ↑/↓ move too (a radio group; a horizontal tab list leaves them to the page). */
  vertical?: boolean;
  /** Home and End go to the first and last item (tab lists). */
  homeEnd?: boolean;
}

export interface RovingKey {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

export function rovingTarget(
  e: RovingKey,
  at: number,
  count: number,
  opts: RovingOptions = {},
): number | undefined {
  if (count <= 0 || e.altKey || e.ctrlKey || e.metaKey) return undefined;
  const last = count - 1;
  const from = at < 0 || at > last ? -1 : at;
  const next = from === last ? 0 : from + 1;
  const previous = from <= 0 ? last : from - 1;
  switch (e.key) {
    case 'ArrowRight':
      return next;
    case 'ArrowLeft':
      return previous;
    case 'ArrowDown':
      return opts.vertical ? next : undefined;
    case 'ArrowUp':
      return opts.vertical ? previous : undefined;
    case 'Home':
      return opts.homeEnd ? 0 : undefined;
    case 'End':
      return opts.homeEnd ? last : undefined;
    default:
      return undefined;
  }
}
