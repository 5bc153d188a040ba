// A customer's start page: their requests (and, with organization access, their colleagues'),
// each with its state in plain words, newest activity first.
import { Link, useSearchParams } from 'react-router-dom';
import type { PortalCaseSummary } from '../../shared/schemas/portal.js';
import { useMe } from '../auth/auth-context.js';
import { formatDate } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { useCursorPager } from '../lib/use-cursor-pager.js';
import { anyCase, useLiveReload } from '../lib/live.js';
import { ErrorNotice, ListPager, Loading, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ViewTabs } from '../layout/view-tabs.js';
import { PlainStateLine } from './plain-state.js';
import './portal.css';

const PAGE = 20;
const STATES = [
  ['all', 'All requests'],
  ['open', 'Still open'],
  ['solved', 'Solved'],
] as const;

interface PortalPage {
  items: PortalCaseSummary[];
  nextCursor: string | null;
}

const SCOPES = [
  { key: 'mine', label: 'My requests' },
  { key: 'organization', label: 'My organization’s requests' },
] as const;

export function PortalHomePage() {
  const me = useMe();
  const [params] = useSearchParams();
  const pager = useCursorPager(PAGE);
  const canSeeOrganization = me.organizationAccess && !!me.organizationId;
  const scope = canSeeOrganization && params.get('scope') === 'organization' ? 'organization' : 'mine';
  const state = STATES.some(([s]) => s === params.get('state')) ? params.get('state')! : 'all';
  const list = useApi<PortalPage>(
    '/portal/cases',
    { scope, state, limit: PAGE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  useLiveReload(anyCase, list.reload, { pollMs: 60_000, gapMs: 2_000 });
  const title = scope === 'organization' ? 'My organization’s requests' : 'My requests';
  useDocumentTitle(title);
  const items = list.data?.items ?? [];

  return (
    <div className="portal">
      <PageHeader
        title={title}
        subtitle="Everything you asked us, and where it stands."
        actions={
          <Link className="button button--primary" to="/portal/new" data-testid="new-request">
            New request
          </Link>
        }
      />
      <div className="portal__toolbar">
        {canSeeOrganization ? (
          <ViewTabs
            label="Whose requests"
            views={SCOPES}
            active={scope}
            onSelect={(key) => pager.setFilters({ scope: key === 'mine' ? undefined : key })}
          />
        ) : (
          <span />
        )}
        <label className="portal__filter">
          <span className="visually-hidden">Show</span>
          <select
            aria-label="Show"
            value={state}
            onChange={(e) =>
              pager.setFilters({ state: e.target.value === 'all' ? undefined : e.target.value })
            }
          >
            {STATES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Loading label="Loading your requests…" />}
      {list.data && items.length === 0 && (
        <div className="empty-state empty-state--inline" data-testid="no-requests">
          <p>
            {scope === 'organization'
              ? 'Your colleagues have no requests here.'
              : state === 'all'
                ? 'You have not asked us anything yet.'
                : 'No requests here.'}
          </p>
          {scope === 'mine' && (
            <Link className="button" to="/portal/new">
              Ask us something
            </Link>
          )}
        </div>
      )}
      {items.length > 0 && (
        <ul className="requests" data-testid="request-list" aria-busy={list.loading}>
          {items.map((c) => (
            <li key={c.id} className="request" data-testid="request-row" data-case-id={c.id}>
              <div className="request__head">
                <Link to={`/portal/cases/${c.id}`} className="request__subject">
                  {c.subject}
                </Link>
                <span className="request__meta muted">
                  #{c.number} · {formatDate(c.createdAt, c.timeZone)}
                  {!c.mine && ` · ${c.customer.name}`}
                  {c.rating && ` · rated ${c.rating.rating}/5`}
                </span>
              </div>
              <PlainStateLine state={c.plainState} />
            </li>
          ))}
        </ul>
      )}
      <ListPager pager={pager} list={list} />
    </div>
  );
}
