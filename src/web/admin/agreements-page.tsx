import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import type { CommitmentRate } from '../../shared/schemas/signals.js';
import { formatDate, formatPercent } from '../lib/format.js';
import type { Agreement, Calendar, Items, Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { ScopeText, TargetList, type ScopeNames } from './agreement-labels.js';
import { onTimeCounts } from '../signals/signal-labels.js';
import { RATE_DAYS, useLastDaysFrom } from '../signals/last-days.js';

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
  const [params, setParams] = useSearchParams();
  const reviewDue = params.get('reviewDue') === 'true';
  // The box answers the click at once; the URL (and the list) follow when navigation settles.
  const [checked, setChecked] = useState(reviewDue);
  useEffect(() => setChecked(reviewDue), [reviewDue]);
  const agreements = useApi<Items<Agreement>>('/agreements', { reviewDue: reviewDue ? 'true' : undefined });
  const calendars = useApi<Items<Calendar>>('/calendars');
  // How each agreement's commitments were kept: instances closed in the last 90 days (counted as
  // the Commitments page counts them), and those overdue now.
  const from = useLastDaysFrom();
  const rates = useApi<Items<CommitmentRate>>(from ? '/commitments/rates' : null, {
    by: 'agreement',
    from: from ?? undefined,
    limit: LIMITS.pageMax,
  });
  const rateOf = (id: string) => rates.data?.items.find((r) => r.groupId === id);
  const names = useScopeNames();
  const items = agreements.data?.items ?? [];
  const calendarName = (id: string) => calendars.data?.items.find((c) => c.id === id)?.name ?? '…';

  return (
    <AdminList
      title="Agreements"
      subtitle="Product and service agreements: what is promised to whom, in business time."
      newRecord={{ to: '/admin/agreements/new', label: 'New agreement' }}
      toolbar={
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
      }
      list={agreements}
      count={items.length}
      loadingLabel="Loading agreements…"
      empty={reviewDue ? 'No agreement is due for review.' : 'No agreements yet.'}
    >
      <DataTable
        testId="agreement-table"
        // Six columns, two of them lists of chips: wider than a tablet, so blocks there.
        stackOnTablet
        columns={['Name', 'Scope', 'Targets', 'Commitments', `On time (${RATE_DAYS} days)`, 'Review']}
      >
        {items.map((a) => (
          <tr key={a.id} data-testid="agreement-row" className={a.active ? undefined : 'row--inactive'}>
            <td className="cell-primary">
              <Link to={`/admin/agreements/${a.id}`}>{a.name}</Link>
              {!a.active && <span className="tag tag--quiet">inactive</span>}
              <span className="cell-sub muted" data-testid="agreement-calendar">
                {calendarName(a.calendarId)} calendar
              </span>
            </td>
            <td data-testid="agreement-scope">
              <ScopeText a={a} names={names} />
            </td>
            <td>
              <TargetList targets={a.targets} />
            </td>
            <td data-testid="agreement-commitments">
              {a.commitments.length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <ul className="target-list">
                  {a.commitments.map((c) => (
                    <li key={c.key} className="target-chip">
                      {c.name}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className="cell-nowrap" data-testid="agreement-on-time">
              <OnTime rate={rateOf(a.id)} />
            </td>
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
    </AdminList>
  );
}

/** An agreement's on-time rate, with what it counts. */
function OnTime({ rate }: { rate: CommitmentRate | undefined }) {
  if (!rate || rate.onTimeRate === null) return <span className="muted">—</span>;
  return (
    <>
      <strong>{formatPercent(rate.onTimeRate)}</strong>
      <span className="cell-sub muted">{onTimeCounts(rate)}</span>
    </>
  );
}
