// A value of the audit log's change column in the reader's words: times local (as the When
// column beside it), yes and no, codes in words, lists as lists, minutes as hours and minutes,
// nothing as a dash, anything else as compact JSON.
import { formatDateTime, formatMinutes } from '../lib/format.js';
import { compactJson } from '../signals/event-table.js';

/** An ISO time as the API writes it (2026-12-08T13:00:00.000Z). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** A code such as on_hold or side_conversation (lower-case words joined by underscores). */
const CODE = /^[a-z]+(_[a-z]+)+$/;

/**
 * A value in the reader's words: times local like the When column, yes and no, codes in words
 * ("on hold"), a list of texts as a list, minutes (a field named …Minutes) as hours and
 * minutes, else JSON.
 */
export function auditValue(v: unknown, field = ''): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string')
    return ISO_TIME.test(v) ? formatDateTime(v) : CODE.test(v) ? v.replace(/_/g, ' ') : v;
  if (typeof v === 'number' && /Minutes$/.test(field)) return formatMinutes(v);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v.join(', ');
  return compactJson(v);
}
