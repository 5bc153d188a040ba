// What the proactive KPIs count, as conditions on a signal: the KPI queries (kpis.repo.ts) count
// the signals that meet them, and the signals list (signals.repo.ts) lists exactly those, so a
// KPI tile can link to the signals behind its number.
import { sql } from 'drizzle-orm';
import { signals } from './signals.table.js';

/** The customer had not written in when the signal was detected. */
export const caughtBeforeContact = sql`not ${signals.customerContactedFirst}`;
/** Handled, and the customer never wrote in about it. */
export const contactAvoided = sql`(${signals.state} in ('acted', 'resolved') and ${signals.customerContactAt} is null
  and not ${signals.customerContactedFirst})`;
/** Has a due time: one of the signals the lead time (detection to due time) is measured on. */
export const hasDueTime = sql`${signals.dueAt} is not null`;
