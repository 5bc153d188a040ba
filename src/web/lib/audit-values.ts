// A recorded change's values in the reader's words (src/shared/audit-text.ts, which the audit
// log's CSV export writes too), for the audit log and the records' histories alike: times local
// (as the times beside them), yes and no, codes in words, lists as lists, minutes as hours and
// minutes, ids by name, nothing as a dash, else JSON.
import { auditValue as inWords, changeLines, type ChangeLine } from '../../shared/audit-text.js';
import { formatDateTime, formatMinutes } from './format.js';

const WEB = { time: (iso: string) => formatDateTime(iso), minutes: formatMinutes };

/** A value in the reader's words; `names`: the records' names by id (the entry's `names`). */
export const auditValue = (v: unknown, field = '', names?: Record<string, string>): string =>
  inWords(v, field, { ...WEB, names });

/**
 * A change's lines ("Status: open → solved"), times and spans as the page writes them;
 * `labels`: the record's own words for some of its fields.
 */
export const auditLines = (
  data: Record<string, unknown>,
  names?: Record<string, string>,
  labels?: Record<string, string>,
): ChangeLine[] => changeLines(data, { ...WEB, names, labels });
