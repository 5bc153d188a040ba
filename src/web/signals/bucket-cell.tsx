// The first cell of a trend's numbers table (KPIs page): the bucket's day (a week's first day) or
// month, and "(so far)" on the last one while it is not over.
import type { KpiInterval } from '../../shared/schemas/signals.js';
import { formatDate } from '../lib/format.js';

/** "December 2026", in `timeZone` (the buckets' zone; the browser's by default). */
export const monthFormat = (timeZone?: string) =>
  new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone });

export function BucketCell(props: {
  start: string;
  interval: KpiInterval;
  soFar: boolean;
  timeZone?: string;
}) {
  return (
    <td>
      {props.interval === 'month'
        ? monthFormat(props.timeZone).format(new Date(props.start))
        : formatDate(props.start, props.timeZone)}
      {props.soFar && <span className="muted"> (so far)</span>}
    </td>
  );
}

/** The last bucket ends after the period (now): that day, week or month is not over yet. */
export function lastBucketOpen(trend: { to: string; buckets: readonly { end: string }[] }): boolean {
  const last = trend.buckets[trend.buckets.length - 1];
  return last !== undefined && Date.parse(last.end) > Date.parse(trend.to);
}
