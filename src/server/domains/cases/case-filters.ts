// The condition of a queue's filters (a saved view's or the query string's): the case columns'
// filters (`caseFilters`) and the case fields', whose values are read as their fields' types.
import { and, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { fieldFilterCondition } from '../fields/fields.service.js';
import { caseFilters } from './cases.repo.js';
import { cases } from './cases.table.js';

/**
 * `400 invalid_field_filter` for a value a defined field cannot hold, and for any case field
 * filter of a customer (case fields are for staff).
 */
export async function caseConditions(
  db: Database,
  actor: Actor,
  filters: CaseViewFilters & { q?: string },
  /** A saved view's filters: see `fieldFilterCondition`. */
  options: { saved?: boolean } = {},
): Promise<SQL | undefined> {
  return and(
    caseFilters(filters, actor.userId),
    await fieldFilterCondition(db, 'case', cases.customFields, filters.fields, {
      customerView: !isStaff(actor),
      saved: options.saved,
    }),
  );
}
