// Message templates of rule actions: `{{customer.name}}`, `{{refs.orderId}}`, `{{data.promisedAt}}`,
// `{{rule.name}}`, `{{signal.dueAt}}`. A placeholder reads a dotted path in the variables; a
// missing value renders as the fallback ("" by default) so a template never fails at send time.
// Objects render as JSON, times (Date) as ISO 8601. No HTML escaping: the output is plain text.
// A time or date may be written for people: `{{data.promisedDate | date}}` → "Fri 4 Dec 2026",
// `{{event.occurredAt | datetime}}` → "Wed 2 Dec 2026, 14:53 (Europe/Berlin)", in the zone the
// caller gives: the customer's (their own, else their agreement calendar's, else the company's:
// customerZone, or customerZoneOf in SQL), else UTC; a value that is no time prints as it is.

const PLACEHOLDER =
  /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*(?:\|\s*(date|datetime)\s*)?\}\}/g;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

type TimeFormat = 'date' | 'datetime';
const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: TimeFormat, timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(kind === 'datetime' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    formats.set(key, f);
  }
  return f;
}

/** A time (a Date, or text PostgreSQL or an event wrote) for people; undefined: not a time. */
export function formatTemplateTime(value: unknown, kind: TimeFormat, timeZone = 'UTC'): string | undefined {
  if (typeof value === 'string') {
    // A calendar date is that day wherever one reads it: no zone moves it.
    const day = DATE_ONLY.exec(value);
    if (day) {
      const at = new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
      // 2026-02-30 is no day (Date would make it 2 March): printed as it is.
      return at.toISOString().startsWith(value) ? formatTemplateTime(at, 'date', 'UTC') : undefined;
    }
    if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return undefined;
  }
  const at = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!at || Number.isNaN(at.getTime())) return undefined;
  let zone = timeZone;
  try {
    formatter(kind, zone);
  } catch {
    zone = 'UTC'; // a zone this runtime does not know
  }
  // Put together from its parts: the punctuation of a locale's format moves between ICU versions.
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of formatter(kind, zone).formatToParts(at)) part[p.type] = p.value;
  const date = `${part.weekday} ${part.day} ${part.month} ${part.year}`;
  return kind === 'datetime' ? `${date}, ${part.hour}:${part.minute} (${zone})` : date;
}

export function lookup(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTemplate(
  template: string,
  vars: Record<string, unknown>,
  fallback = '',
  /** The zone times are written in: the customer's zone chain, resolved by the caller. */
  timeZone = 'UTC',
): string {
  return template.replace(PLACEHOLDER, (_, path: string, format?: TimeFormat) => {
    const value = lookup(vars, path);
    return (format && formatTemplateTime(value, format, timeZone)) ?? show(value) ?? fallback;
  });
}

/** The placeholders a template names, for the rule editor's hints and validation. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}
