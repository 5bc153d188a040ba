// A list that starts with a few rows and grows on request (the proactive and case sections of a
// customer or organization page).
import { useState, type ReactNode } from 'react';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ListState } from './list-state.js';

const STEP = 10;

/**
 * A list that starts with a few rows and grows on request: loading, error and empty states, the
 * table the caller renders, and "Show more" while the API has more.
 */
export function GrowingList<T>({
  path,
  query,
  what,
  empty,
  emptyTestId,
  children,
}: {
  path: string;
  query: Record<string, string>;
  what: string;
  empty: ReactNode;
  emptyTestId: string;
  /** `reload` reads the rows shown again (after a change to them). */
  children(items: T[], loading: boolean, reload: () => void): ReactNode;
}) {
  const [limit, setLimit] = useState(STEP);
  // Other filters start a new list: back to the first few rows.
  const filters = JSON.stringify(query);
  const [shownFor, setShownFor] = useState(filters);
  if (filters !== shownFor) {
    setShownFor(filters);
    setLimit(STEP);
  }
  const list = useApi<Page<T>>(path, { ...query, limit }, { keepPrevious: true });
  const items = list.data?.items ?? [];
  return (
    <ListState
      list={list}
      count={items.length}
      loadingLabel={`Loading ${what}…`}
      empty={empty}
      emptyTestId={emptyTestId}
    >
      {children(items, list.loading, list.reload)}
      {list.data?.nextCursor && (
        <div className="pager">
          <span className="pager__summary">{items.length} shown</span>
          <button
            type="button"
            className="button button--small"
            disabled={list.loading}
            onClick={() => setLimit((n) => n + STEP * 2)}
          >
            {list.loading ? 'Loading…' : 'Show more'}
          </button>
        </div>
      )}
    </ListState>
  );
}
