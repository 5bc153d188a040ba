// Display formats, in the browser's locale and time zone (or a zone a page names).
import { zoneOffsetAt } from '../../shared/zoned-dates.js';
import { businessSpan, NBSP, wallClockSpan } from '../../shared/spans.js';
import { browserTimeZone } from './time-zones.js';

const number = new Intl.NumberFormat(undefined);

const formats = new Map<string, Intl.DateTimeFormat>();
/**
 * One formatter per kind and zone (the browser's when none), made once: Intl formatters are
 * costly to make, and a list formats hundreds of times.
 */
function formatter(kind: string, options: Intl.DateTimeFormatOptions, timeZone?: string) {
  const key = `${kind}:${timeZone ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}

/** In `timeZone` when given (the portal shows a request in the customer's), else the browser's. */
export const formatDateTime = (iso: string, timeZone?: string) =>
  formatter('dateTime', { dateStyle: 'medium', timeStyle: 'short' }, timeZone).format(new Date(iso));
/** "09:48:29": a clock to the second (when a page was last updated), in `timeZone` when given. */
export const formatClock = (iso: string, timeZone?: string) =>
  formatter(
    'clockSeconds',
    { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
    timeZone,
  ).format(new Date(iso));
export const formatDate = (iso: string, timeZone?: string) =>
  formatter('date', { dateStyle: 'medium' }, timeZone).format(new Date(iso));
export const formatNumber = (n: number) => number.format(n);

/** "1 customer", "336 customers". */
export function countOf(n: number, singular: string, plural = `${singular}s`) {
  return `${formatNumber(n)} ${n === 1 ? singular : plural}`;
}

/** "3 cases, 1 portal login and 12 events": the counts above zero, in the order of `nouns`; null when none. */
export function countsInWords(
  counts: Record<string, number>,
  nouns: readonly (readonly [string, string])[],
): string | null {
  const parts = nouns.flatMap(([key, noun]) => (counts[key] ? [countOf(counts[key], noun)] : []));
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

const ROLE_LABELS: Record<string, string> = { admin: 'Administrator', agent: 'Agent', customer: 'Customer' };
export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role;

/** A value for display, with an em dash for "not set". */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** A custom field key for display: "accountManager" -> "Account manager" (the exports' and audit log's words). */
export { humanizeKey as humanize } from '../../shared/audit-text.js';

/**
 * A span of business minutes: "45 min", "1 h 15 min", "1,500 h" (src/shared/spans.ts), each number
 * joined to its unit by a no-break space, so a narrow cell never shows "1" above "h".
 */
export const formatMinutes = (minutes: number): string => businessSpan(minutes, NBSP, formatNumber);

/** A wall-clock span: "2 d 3 h", "14 h", "1 h 15 min" (src/shared/spans.ts, as the server writes it). */
export const formatWallClock = (ms: number): string => wallClockSpan(ms);

const dueOptions: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
};
/** Past this distance from now, a date without its year is ambiguous. */
const YEAR_MATTERS_MS = 182 * 86_400_000;
/**
 * "Mon, Nov 30, 9:30 AM": a deadline, where the weekday matters more than the year. More than
 * about six months away (a commitment kept last year, a follow-up far ahead) it names the year:
 * "Sun, Nov 30, 2025, 9:30 AM". In `timeZone` when given, else the browser's.
 */
export function formatDue(iso: string, now = Date.now(), timeZone?: string): string {
  const at = new Date(iso);
  const f =
    Math.abs(at.getTime() - now) > YEAR_MATTERS_MS
      ? formatter('dueYear', { ...dueOptions, year: 'numeric' }, timeZone)
      : formatter('due', dueOptions, timeZone);
  return f.format(at);
}

/** The same, as a clock in another time zone ("Mon 09:30"), or null when that zone is the viewer's. */
export function formatInZone(iso: string, timeZone: string): string | null {
  const at = new Date(iso);
  if (zoneOffsetAt(at.getTime(), timeZone) === zoneOffsetAt(at.getTime(), browserTimeZone())) return null;
  return formatter(
    'clock',
    { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
    timeZone,
  ).format(at);
}

/** "3.2 MB" */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A share (0..1) as a whole percentage; none as a dash. */
export const formatPercent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
