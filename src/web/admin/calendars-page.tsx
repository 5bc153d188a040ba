import { Link } from 'react-router-dom';
import type { Calendar, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { countOf } from '../lib/format.js';
import { Flash } from '../layout/flash.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { hoursSummary, weeklyHours } from './calendar-labels.js';

export function CalendarsPage() {
  useDocumentTitle('Calendars');
  const calendars = useApi<Items<Calendar>>('/calendars');
  const items = calendars.data?.items ?? [];
  return (
    <>
      <PageHeader
        title="Calendars"
        subtitle="Business hours and holidays: every promise clock runs on a calendar."
        actions={
          <Link className="button button--primary" to="/admin/calendars/new">
            New calendar
          </Link>
        }
      />
      <Flash />
      <ListState
        list={calendars}
        count={items.length}
        loadingLabel="Loading calendars…"
        empty="No calendars yet. Create one, then an agreement that uses it."
      >
        <DataTable testId="calendar-table" columns={['Name', 'Time zone', 'Open hours', 'Holidays']}>
          {items.map((cal) => (
            <tr key={cal.id} data-testid="calendar-row">
              <td className="cell-primary">
                <Link to={`/admin/calendars/${cal.id}`}>{cal.name}</Link>
              </td>
              <td className="cell-nowrap">{cal.timezone}</td>
              <td>
                {cal.is247 ? (
                  <span className="tag">24/7</span>
                ) : (
                  <>
                    {hoursSummary(cal)}
                    <span className="muted"> · {weeklyHours(cal)}</span>
                  </>
                )}
              </td>
              <td className="cell-nowrap muted">
                {cal.holidays.length ? countOf(cal.holidays.length, 'holiday') : 'None'}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  );
}
