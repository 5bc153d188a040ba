import { Link } from 'react-router-dom';
import type { Calendar, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { countOf } from '../lib/format.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { hoursSummary, weeklyHours } from './calendar-labels.js';

export function CalendarsPage() {
  const calendars = useApi<Items<Calendar>>('/calendars');
  const items = calendars.data?.items ?? [];
  return (
    <AdminList
      title="Calendars"
      subtitle="Business hours and holidays: every promise clock runs on a calendar."
      newRecord={{ to: '/admin/calendars/new', label: 'New calendar' }}
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
                  {/* "37 h 30 min a week" on one line: a number apart from its unit reads wrong. */}
                  <span className="muted">
                    {' · '}
                    <span className="cell-nowrap" data-testid="calendar-weekly-hours">
                      {weeklyHours(cal)}
                    </span>
                  </span>
                </>
              )}
            </td>
            <td className="cell-nowrap muted">
              {cal.holidays.length ? countOf(cal.holidays.length, 'holiday') : 'None'}
            </td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}
