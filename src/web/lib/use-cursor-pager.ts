// Cursor paging kept in the address: `?cursor=` is the page shown, and the cursors of the pages
// before it ride along in the history entry's state. The API hands out only "next" cursors, so
// this stack is what makes "Previous" possible; it survives reloads and the Back button.
import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { changedParams } from './address-filters.js';

interface PagerState {
  /** Cursors of the earlier pages, oldest first; '' stands for the first page. */
  previous?: string[];
}

export const PAGE_SIZE = 50;

export interface CursorPager {
  cursor: string | undefined;
  /** Index of the first row on this page, or undefined when not known (opened from a bare link). */
  offset: number | undefined;
  hasPrevious: boolean;
  next(nextCursor: string): void;
  previous(): void;
  /** Changes filter parameters and goes back to the first page. */
  setFilters(changes: Record<string, string | undefined>, opts?: { replace?: boolean }): void;
}

export function useCursorPager(pageSize = PAGE_SIZE): CursorPager {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const cursor = params.get('cursor') || undefined;
  const stored = (location.state as PagerState | null)?.previous;
  const stack = useMemo(() => stored ?? [], [stored]);

  const next = useCallback(
    (nextCursor: string) => {
      const p = new URLSearchParams(params);
      p.set('cursor', nextCursor);
      setParams(p, { state: { previous: [...stack, cursor ?? ''] } satisfies PagerState });
    },
    [params, setParams, stack, cursor],
  );

  const previous = useCallback(() => {
    const p = new URLSearchParams(params);
    const before = stack[stack.length - 1];
    if (before) p.set('cursor', before);
    else p.delete('cursor');
    setParams(p, { state: { previous: stack.slice(0, -1) } satisfies PagerState });
  }, [params, setParams, stack]);

  const setFilters = useCallback(
    (changes: Record<string, string | undefined>, opts: { replace?: boolean } = {}) => {
      // A change that comes late (a search box's pause ending) after the user has gone elsewhere:
      // the address changes at once on a click, the page only when the new one renders, and
      // setting the parameters here would take them back to this page.
      if (window.location.pathname !== location.pathname) return;
      const p = changedParams({ ...changes, cursor: undefined });
      setParams(p, { replace: opts.replace, state: { previous: [] } satisfies PagerState });
    },
    [setParams, location.pathname],
  );

  return {
    cursor,
    offset: cursor === undefined ? 0 : stack.length > 0 ? stack.length * pageSize : undefined,
    hasPrevious: cursor !== undefined,
    next,
    previous,
    setFilters,
  };
}
