// The top bar's unread count, shared without shared state: a screen that marks notifications read
// says so with a window event (the bell reads the count again), and the bell publishes the count
// it last read (a case page need not mark anything read when it is 0).
import { useSyncExternalStore } from 'react';

const CHANGED = 'steward:notifications-read';

export const announceNotificationsRead = () => window.dispatchEvent(new Event(CHANGED));

export function onNotificationsRead(handler: () => void): () => void {
  window.addEventListener(CHANGED, handler);
  return () => window.removeEventListener(CHANGED, handler);
}

let lastUnread: number | null = null;
const watchers = new Set<() => void>();

/** The bell's latest count. */
export function publishUnread(count: number): void {
  if (count === lastUnread) return;
  lastUnread = count;
  for (const watcher of watchers) watcher();
}

/** The unread count the bell last read; null before its first read. */
export function useUnreadCount(): number | null {
  return useSyncExternalStore(
    (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    () => lastUnread,
  );
}
