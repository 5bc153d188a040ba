import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { formatDate } from '../lib/format.js';
import type { Agreement, Calendar, Items, Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { Flash } from '../layout/flash.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { ScopeText, TargetList, type ScopeNames } from './agreement-labels.js';

/** Names for the organization and segment scopes of agreements. */
export function useScopeNames(): ScopeNames {
  const organizations = useApi<Page<Organization>>('/organizations', { limit: LIMITS.pageMax, sort: 'name' });
  const segments = useApi<SegmentList>('/segments');
  return {
    organization: (id) => organizations.data?.items.find((o) => o.id === id)?.name,
    segment: (key) => segments.data?.items.find((s) => s.key === key)?.name,
  };
}

export function AgreementsPage() {
  useDocumentTitle('Agreements');
  const [params, setParams] = useSearchParams();
  const reviewDue = params.get('reviewDue') === 'true';
  // The box answers the click at once; the URL (and the list) follow when navigation settles.
  const [checked, setChecked] = useState(reviewDue);
  useEffect(() => setChecked(reviewDue), [reviewDue]);
  const agreements = useApi<Items<Agreement>>('/agreements', { reviewDue: reviewDue ? 'true' : undefined });
  const calendars = useApi<Items<Calendar>>('/calendars');
  const names = useScopeNames();
  const items = agreements.data?.items ?? [];
  const calendarName = (id: string) => calendars.data?.items.find((c) => c.id === id)?.name ?? '—';

  return (
    <>
      <PageHeader
        title="Agreements"
        subtitle="Product and service agreements: what is promised to whom, in business time."
        actions={
          <Link className="button button--primary" to="/admin/agreements/new">
            New agreement
          </Link>
        }
      />
      <Flash />
      <div className="toolbar">
        <label className="checkbox toolbar__check">
          <input
            type="checkbox"
            checked={checked}
            onChange={(e) => {
              setChecked(e.target.checked);
              setParams(e.target.checked ? { reviewDue: 'true' } : {}, { replace: true });
            }}
          />
          <span>Due for review only</span>
        </label>
      </div>
      <ListState
        list={agreements}
        count={items.length}
        loadingLabel="Loading agreements…"
        empty={reviewDue ? 'No agreement is due for review.' : 'No agreements yet.'}
      >
        <DataTable testId="agreement-table" columns={['Name', 'Scope', 'Targets', 'Calendar', 'Review']}>
          {items.map((a) => (
            <tr key={a.id} data-testid="agreement-row" className={a.active ? undefined : 'row--inactive'}>
              <td className="cell-primary">
                <Link to={`/admin/agreements/${a.id}`}>{a.name}</Link>
                {!a.active && <span className="tag tag--quiet">inactive</span>}
              </td>
              <td data-testid="agreement-scope">
                <ScopeText a={a} names={names} />
              </td>
              <td>
                <TargetList targets={a.targets} />
              </td>
              <td className="cell-nowrap">{calendarName(a.calendarId)}</td>
              <td className="cell-nowrap">
                {a.reviewDate ? (
                  <>
                    {formatDate(`${a.reviewDate}T12:00:00Z`)}
                    {a.reviewDue && (
                      <span className="review-due" data-testid="review-due">
                        Review due
                      </span>
                    )}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  );
}
