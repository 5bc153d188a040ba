// The top bar's way to your notifications: the number unread, read when the live stream says you
// have new ones, on each change of screen, when a screen marks some read, and every 30 seconds
// without the live stream (every 5 minutes with it). Not while the tab is hidden.
import { useEffect, useRef } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useApi } from '../lib/use-api.js';
import { myNotifications, useLiveReload } from '../lib/live.js';
import { onNotificationsRead, publishUnread } from './unread-count.js';

export const UNREAD_POLL_MS = 30_000;

export function NotificationsBell() {
  const count = useApi<{ unread: number }>('/notifications/unread-count', undefined, { keepPrevious: true });
  const { reload } = count;
  const { pathname } = useLocation();
  useLiveReload(myNotifications, reload, { pollMs: UNREAD_POLL_MS });
  useEffect(() => onNotificationsRead(reload), [reload]);
  // Moving between screens is a moment to look again (a case just opened may have been the news);
  // not on arriving, which the first read covers.
  const arrived = useRef(pathname);
  useEffect(() => {
    if (arrived.current === pathname) return;
    arrived.current = pathname;
    reload();
  }, [pathname, reload]);
  const unread = count.data?.unread ?? 0;
  useEffect(() => {
    if (count.data) publishUnread(count.data.unread);
  }, [count.data]);
  const label = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;
  return (
    <NavLink
      to="/notifications"
      className={({ isActive }) => (isActive ? 'bell bell--active' : 'bell')}
      aria-label={label}
      title={label}
      data-testid="notifications-bell"
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {unread > 0 && (
        <span className="bell__count" data-testid="notifications-unread">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </NavLink>
  );
}
