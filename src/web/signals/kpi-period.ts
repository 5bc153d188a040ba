// The period the KPI page shows: the last N days, its start moved back to the start of its first
// day, week (Monday) or month in the page's time zone (the browser's when none is given: see
// useWorkZone), so that every bucket of the trend is
// whole, and the interval the server would choose for that span unless one is asked for. The
// Commitments page starts its "Last N days" the same way (the automatic interval's boundary), so
// one label means one period on both pages; GET /commitments/rates, asked without `from`, counts
// its 90 days the same way (lastDaysStart, shared with the server). "Last month" is the previous
// calendar month.
import {
  defaultKpiInterval,
  KPI_INTERVALS,
  MAX_TREND_BUCKETS,
  mostTrendBuckets,
  type KpiInterval,
} from '../../shared/schemas/signals.js';
import { lastDaysStart, zonedDate, zonedMidnight } from '../../shared/zoned-dates.js';

const DAY_MS = 86_400_000;

export function kpiPeriod(
  now: Date,
  days: number,
  asked?: KpiInterval,
  zone?: string,
): { from: Date; interval: KpiInterval } {
  const interval = asked ?? defaultKpiInterval(days * DAY_MS);
  if (zone) return { from: lastDaysStart(now, days, zone, interval), interval };
  const from = new Date(now.getTime() - days * DAY_MS);
  from.setHours(0, 0, 0, 0);
  if (interval === 'week') from.setDate(from.getDate() - ((from.getDay() + 6) % 7));
  if (interval === 'month') from.setDate(1);
  return { from, interval };
}

/** The previous calendar month in `zone` (else the browser's): [1st of last month, 1st of this month). */
export function lastCalendarMonth(now: Date, zone?: string): { from: Date; to: Date } {
  if (zone) {
    const d = zonedDate(now.getTime(), zone);
    return { from: zonedMidnight(d.year, d.month - 1, 1, zone), to: zonedMidnight(d.year, d.month, 1, zone) };
  }
  const to = new Date(now.getFullYear(), now.getMonth(), 1);
  const from = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return { from, to };
}

/** The intervals a period of `days` can be shown in without too many buckets. */
export function intervalsFor(days: number): KpiInterval[] {
  // The server's own bound, so no choice offered is refused.
  return KPI_INTERVALS.filter((i) => mostTrendBuckets(days * DAY_MS, i) <= MAX_TREND_BUCKETS);
}
