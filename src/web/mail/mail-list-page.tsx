// The mail log for staff: the outbox (what Steward sends and whether it went) and the inbox
// (what arrived and what became of it), newest first, with the case each mail belongs to.
import { Link, useSearchParams } from 'react-router-dom';
import { MAIL_STATUSES, type MailMessage } from '../../shared/schemas/mail.js';
import { formatDateTime } from '../lib/format.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { ListPager, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ListState } from '../layout/list-state.js';
import { ViewTabs } from '../layout/view-tabs.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { MAIL_STATUS_HINTS, MailStatusBadge, directionLabel, mailStatusLabel } from './mail-badges.js';

const OUT_STATUSES = ['queued', 'held', 'sent', 'failed'] as const;
const IN_STATUSES = ['processed', 'ignored', 'failed'] as const;

const VIEWS = [
  { key: 'out', label: 'Outbox' },
  { key: 'in', label: 'Inbox' },
  { key: 'all', label: 'All mail' },
] as const;

/** The other party: whom we wrote to, or who wrote to us. */
export function correspondent(m: MailMessage): string {
  if (m.direction === 'out') return m.toAddresses.join(', ') || '—';
  return m.fromName ? `${m.fromName} <${m.fromAddress}>` : m.fromAddress;
}

export function MailListPage() {
  useDocumentTitle('Mail');
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const view = (params.get('view') ?? 'out') as (typeof VIEWS)[number]['key'];
  const status = params.get('status') ?? '';
  const direction = view === 'all' ? undefined : view;
  const statuses = view === 'out' ? OUT_STATUSES : view === 'in' ? IN_STATUSES : MAIL_STATUSES;
  const list = useApi<Page<MailMessage>>(
    '/mail',
    { direction, status, limit: PAGE_SIZE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  const items = list.data?.items ?? [];
  const anyHeld = items.some((m) => m.status === 'held');

  return (
    <>
      <PageHeader
        title="Mail"
        subtitle="What Steward sends (to customers, and notifications to staff) and what it receives, with the case each mail belongs to."
      />
      <ViewTabs
        label="Mail views"
        views={VIEWS}
        active={view}
        testIdPrefix="mail-view"
        onSelect={(key) => pager.setFilters({ view: key === 'out' ? undefined : key, status: undefined })}
      />
      <div className="toolbar">
        <FilterSelect
          id="mail-status"
          label="Status"
          value={status}
          options={statuses.map((s) => [s, mailStatusLabel(s)] as const)}
          all="All statuses"
          onChange={(v) => pager.setFilters({ status: v }, { replace: true })}
        />
      </div>
      {anyHeld && (
        <p className="notice notice--info" data-testid="mail-held-notice">
          Held mail was not sent: outgoing mail is not set up (no SMTP server: STEWARD_SMTP_URL), so it stays
          here, readable, instead of going out. Admins see what is set under Admin → Settings.
        </p>
      )}
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading mail…"
        empty={
          view === 'out'
            ? 'Nothing in the outbox: agents’ public replies to customers with an e-mail address appear here.'
            : 'No mail to show.'
        }
        emptyTestId="mail-empty"
      >
        <DataTable
          testId="mail-table"
          busy={list.loading}
          columns={[
            view === 'all' && <th scope="col">Direction</th>,
            'Status',
            <th scope="col">{view === 'in' ? 'From' : view === 'out' ? 'To' : 'To / from'}</th>,
            'Subject',
            'Case',
            'Time',
          ]}
        >
          {items.map((m) => (
            <tr key={m.id} data-testid="mail-row" data-mail-id={m.id}>
              {view === 'all' && <td className="muted">{directionLabel(m.direction)}</td>}
              <td>
                <MailStatusBadge status={m.status} />
                {m.status === 'held' && <span className="visually-hidden"> ({MAIL_STATUS_HINTS.held})</span>}
              </td>
              <td data-testid="mail-correspondent">{correspondent(m)}</td>
              <td className="cell-primary">
                <Link to={`/mail/${m.id}`} data-testid="mail-subject">
                  {m.subject || '(no subject)'}
                </Link>
              </td>
              <td className="cell-nowrap">
                {m.caseId ? (
                  <Link to={`/cases/${m.caseId}`}>#{m.caseNumber}</Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="cell-nowrap muted">
                <time dateTime={m.sentAt ?? m.createdAt}>{formatDateTime(m.sentAt ?? m.createdAt)}</time>
              </td>
            </tr>
          ))}
        </DataTable>
        <ListPager pager={pager} list={list} />
      </ListState>
    </>
  );
}
