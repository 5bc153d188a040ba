// Your notifications, newest first: what happened on your cases (assigned to you, the customer
// wrote, a colleague's note) and promises at risk. Opening one marks it read; "Mark all read"
// clears the lot. New ones appear without a reload (read again with the top bar's count).
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Notification } from '../../shared/schemas/notifications.js';
import { notificationSentence } from '../../shared/notification-text.js';
import { api, toApiError, type ApiError } from '../lib/api.js';
import { formatDateTime, formatDue } from '../lib/format.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { myNotifications, useLiveReload } from '../lib/live.js';
import { ErrorNotice, ListPager, PageHeader } from '../layout/page-parts.js';
import { ListState } from '../layout/list-state.js';
import { ViewTabs } from '../layout/view-tabs.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { UNREAD_POLL_MS } from './notifications-bell.js';
import { announceNotificationsRead } from './unread-count.js';

const VIEWS = [
  { key: 'unread', label: 'Unread' },
  { key: 'all', label: 'All' },
] as const;

export function NotificationsPage() {
  useDocumentTitle('Notifications');
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const view = params.get('view') === 'all' ? 'all' : 'unread';
  const list = useApi<Page<Notification>>(
    '/notifications',
    { unread: view === 'unread' ? 'true' : undefined, limit: PAGE_SIZE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  useLiveReload(myNotifications, list.reload, { pollMs: UNREAD_POLL_MS });
  const [failure, setFailure] = useState<ApiError | null>(null);
  const items = list.data?.items ?? [];

  async function markRead(body: { ids: string[] } | { all: true }) {
    setFailure(null);
    try {
      await api.post('/notifications/read', body);
      announceNotificationsRead();
      list.reload();
    } catch (err) {
      setFailure(toApiError(err));
    }
  }

  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle="Cases assigned to you, what customers and colleagues write on them, and promises due soon or missed."
        actions={
          <>
            <Link to="/account#notification-settings" className="button">
              E-mail settings
            </Link>
            <button
              type="button"
              className="button"
              disabled={view === 'unread' && items.length === 0}
              onClick={() => void markRead({ all: true })}
            >
              Mark all read
            </button>
          </>
        }
      />
      <ViewTabs
        label="Notification views"
        views={VIEWS}
        active={view}
        onSelect={(key) => pager.setFilters({ view: key === 'unread' ? undefined : key })}
      />
      {failure && <ErrorNotice error={failure} />}
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading notifications…"
        empty={view === 'unread' ? 'Nothing new. You have read every notification.' : 'No notifications yet.'}
        emptyTestId="notifications-empty"
      >
        <ul className="notification-list" data-testid="notification-list">
          {items.map((n) => (
            <NotificationItem key={n.id} n={n} onRead={(ids) => void markRead({ ids })} />
          ))}
        </ul>
      </ListState>
      <ListPager pager={pager} list={list} />
    </>
  );
}

function NotificationItem({ n, onRead }: { n: Notification; onRead(ids: string[]): void }) {
  const sentence = notificationSentence({
    kind: n.kind,
    actorName: n.actor?.name ?? null,
    customerName: n.writerName ?? n.case.customerName,
    promise: n.promise,
  });
  const unread = n.readAt === null;
  return (
    <li
      className={`notification${unread ? ' notification--unread' : ''}${n.kind === 'promise_breached' ? ' notification--breached' : ''}`}
      data-testid="notification"
    >
      <div className="notification__body">
        <Link
          to={`/cases/${n.case.id}`}
          className="notification__link"
          onClick={() => unread && onRead([n.id])}
        >
          {sentence}
          {n.dueAt && <span className="notification__due"> (due {formatDue(n.dueAt)})</span>}
        </Link>
        {n.excerpt && (
          <p className="notification__excerpt" data-testid="notification-excerpt">
            {n.excerpt}
          </p>
        )}
        <div className="notification__meta muted">
          #{n.case.number} {n.case.subject}
          {n.case.customerName && <> · {n.case.customerName}</>} ·{' '}
          <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
        </div>
      </div>
      {unread && (
        <button
          type="button"
          className="button button--small button--ghost"
          aria-label={`Mark read: ${sentence}, #${n.case.number}`}
          onClick={() => onRead([n.id])}
        >
          Mark read
        </button>
      )}
    </li>
  );
}
