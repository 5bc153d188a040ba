// The condition of a queue's filters (a saved view's or the query string's): the case columns'
// filters (`caseFilters`) and the case fields', whose values are read as their fields' types.
import { and, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { PROMISE_CLOCK_FILTERS } from '../../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { badRequest, forbidden } from '../../lib/errors.js';
import { fieldFilterCondition } from '../fields/fields.service.js';
import { caseFilters } from './cases.repo.js';
import { cases } from './cases.table.js';

/**
 * Filters on what customers do not see of a case: its assignee, team and tags, its promise
 * clocks' outcomes and its customer's segment.
 */
const STAFF_FILTERS = ['assigneeId', 'teamId', 'tags', 'awaitingReply', ...PROMISE_CLOCK_FILTERS] as const;
const given = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);

/**
 * `400 invalid_field_filter` for a value a defined field cannot hold, and for any case field
 * filter of a customer (case fields are for staff). `403` for a customer's filter on what they
 * do not see (assignee, team, tags: the results would tell them); a customer's search reads
 * public messages only.
 */
export async function caseConditions(
  db: Database,
  actor: Actor,
  filters: CaseViewFilters & { q?: string },
  /** A saved view's filters: see `fieldFilterCondition`. */
  options: { saved?: boolean } = {},
): Promise<SQL | undefined> {
  const customer = !isStaff(actor);
  if (customer) {
    const used = STAFF_FILTERS.filter((k) => given(filters[k]));
    if (used.length) throw forbidden(`customers may not filter cases by ${used.join(', ')}`);
  }
  assertPromisePeriod(filters);
  return and(
    caseFilters(filters, actor.userId, customer),
    await fieldFilterCondition(db, 'case', cases.customFields, filters.fields, {
      customerView: customer,
      saved: options.saved,
    }),
  );
}

/**
 * `400 validation_error` for a decision period that is empty (decidedFrom not before decidedTo; the
 * same for solvedFrom and solvedTo),
 * or that comes with `promiseOutcome=overdue` (overdue is now, whatever the period).
 */
function assertPromisePeriod(f: CaseViewFilters) {
  const refuse = (path: string, message: string) =>
    badRequest('validation_error', `${path}: ${message}`, [{ path, message }]);
  if (f.decidedFrom && f.decidedTo && Date.parse(f.decidedFrom) >= Date.parse(f.decidedTo))
    throw refuse('query.decidedFrom', 'must be before decidedTo');
  if (f.solvedFrom && f.solvedTo && Date.parse(f.solvedFrom) >= Date.parse(f.solvedTo))
    throw refuse('query.solvedFrom', 'must be before solvedTo');
  if (f.promiseOutcome === 'overdue' && (f.decidedFrom || f.decidedTo))
    throw refuse(
      f.decidedFrom ? 'query.decidedFrom' : 'query.decidedTo',
      'overdue is now, whatever the period: leave out decidedFrom and decidedTo',
    );
}
