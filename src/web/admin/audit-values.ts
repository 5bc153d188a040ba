// A value of the audit log's change column in the reader's words: times local (as the When
// column beside it), yes and no, nothing as a dash, anything else as compact JSON.
import { formatDateTime } from '../lib/format.js';
import { compactJson } from '../signals/event-table.js';

/** An ISO time as the API writes it (2026-12-08T13:00:00.000Z). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** A value in the reader's words: times local like the When column, yes and no, else JSON. */
export const auditValue = (v: unknown): string =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'boolean'
      ? v
        ? 'yes'
        : 'no'
      : typeof v === 'string'
        ? ISO_TIME.test(v)
          ? formatDateTime(v)
          : v
        : compactJson(v);
