// Display formats, in the browser's locale and time zone.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const number = new Intl.NumberFormat(undefined);

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => date.format(new Date(iso));
export const formatNumber = (n: number) => number.format(n);

/** "1 customer", "336 customers". */
export function countOf(n: number, singular: string, plural = `${singular}s`) {
  return `${formatNumber(n)} ${n === 1 ? singular : plural}`;
}

const ROLE_LABELS: Record<string, string> = { admin: 'Administrator', agent: 'Agent', customer: 'Customer' };
export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role;

/** A value for display, with an em dash for "not set". */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** A custom field key for display: "accountManager" -> "Account manager". */
export function humanize(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
