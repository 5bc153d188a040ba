// One polite live region for the whole app, always on the page (a region added together with its
// text is not read by every screen reader): what an action did that the page does not say where
// the focus is — "Reply sent", "Status: Pending". No role=status, so it does not stand in the way
// of the pages' own status notices.
import { useSyncExternalStore } from 'react';

let message = '';
let count = 0;
const watchers = new Set<() => void>();

/** Has screen readers say `text` (politely, after what they are saying). */
export function announce(text: string): void {
  // The same words twice in a row are still read: a counter makes the text differ.
  count += 1;
  message = count % 2 === 0 ? `${text}\u00a0` : text;
  for (const watcher of watchers) watcher();
}

export function Announcer() {
  const text = useSyncExternalStore(
    (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    () => message,
  );
  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {text}
    </div>
  );
}
