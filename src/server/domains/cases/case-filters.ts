// The condition of a queue's filters (a saved view's or the query string's): the case columns'
// filters (`caseFilters`) and the case fields', whose values are read as their fields' types.
import { and, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { fieldFilterCondition } from '../fields/fields.service.js';
import { caseFilters } from './cases.repo.js';
import { cases } from './cases.table.js';

/** Filters on what customers do not see of a case (its assignee, team and tags). */
const STAFF_FILTERS = ['assigneeId', 'teamId', 'tags'] as const;
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
  return and(
    caseFilters(filters, actor.userId, customer),
    await fieldFilterCondition(db, 'case', cases.customFields, filters.fields, {
      customerView: customer,
      saved: options.saved,
    }),
  );
}
