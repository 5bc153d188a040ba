import { Link } from 'react-router-dom';
import type { Calendar, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { countOf } from '../lib/format.js';
import { Flash } from '../layout/flash.js';
import { ErrorNotice, Loading, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
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
      {calendars.error && <ErrorNotice error={calendars.error} onRetry={calendars.reload} />}
      {!calendars.data && !calendars.error && <Loading label="Loading calendars…" />}
      {calendars.data && items.length === 0 && (
        <div className="empty-state empty-state--inline">
          <p>No calendars yet. Create one, then an agreement that uses it.</p>
        </div>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="calendar-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Time zone</th>
                <th scope="col">Open hours</th>
                <th scope="col">Holidays</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
