// A list that starts with a few rows and grows on request (the proactive and case sections of a
// customer or organization page). It can also read its rows again on its own, while they are
// still changing (a webhook's deliveries on their way), when the live stream says that what it
// lists changed, or when the page says so.
import { useState, type ReactNode } from 'react';
import type { LiveNews } from '../../shared/schemas/live.js';
import { useLive } from '../lib/live.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useInterval } from '../lib/use-interval.js';
import { ListState } from './list-state.js';
import { ShowMore } from './page-parts.js';

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
  poll,
  live,
  liveGapMs,
  reloadKey,
  children,
}: {
  path: string;
  query: Record<string, string>;
  what: string;
  empty: ReactNode;
  emptyTestId: string;
  /** How often to read the rows shown again (ms), given them; null: not now. */
  poll?: (items: T[]) => number | null;
  /** Which live news read the rows shown again, given them (none: the list does not listen). */
  live?: (news: LiveNews, items: T[]) => boolean;
  /** The smallest gap between two of those reloads (ms; lists of busy things want a longer one). */
  liveGapMs?: number;
  /** A change reads the rows shown again (after the page did something that adds or changes one). */
  reloadKey?: number;
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
  const [reloadedFor, setReloadedFor] = useState(reloadKey);
  if (reloadKey !== reloadedFor) {
    setReloadedFor(reloadKey);
    list.reload();
  }
  useInterval(list.reload, poll && list.data ? poll(items) : null);
  useLive(live ? (news) => live(news, items) : null, list.reload, liveGapMs);
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
        <ShowMore
          summary={`${items.length} shown`}
          label="Show more"
          busy={list.loading}
          onMore={() => setLimit((n) => n + STEP * 2)}
        />
      )}
    </ListState>
  );
}
