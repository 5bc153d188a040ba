// Who may see and change customer records. Customers see themselves and, when their record
// allows it, their organization's other customers; staff see all; only admins delete.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.js';
import { isAdmin, isStaff } from '../lib/actor.js';
import { forbidden } from '../lib/errors.js';
import { customers } from '../domains/customers/customers.table.js';

import { SELF_EDITABLE_FIELDS } from '../../shared/schemas/customers.js';

export function canReadCustomer(actor: Actor, c: { id: string; organizationId: string | null }): boolean {
  if (isStaff(actor)) return true;
  if (c.id === actor.customerId) return true;
  return (
    actor.organizationAccess && actor.organizationId !== null && c.organizationId === actor.organizationId
  );
}

/** The SQL condition limiting a list to what the actor may see (undefined = everything). */
export function customerListScope(actor: Actor): SQL | undefined {
  if (isStaff(actor)) return undefined;
  if (actor.organizationAccess && actor.organizationId) {
    return sql`(${customers.id} = ${actor.customerId} or ${customers.organizationId} = ${actor.organizationId})`;
  }
  return sql`${customers.id} = ${actor.customerId}`;
}

export function assertCanCreateCustomer(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot create customer records');
}

export function assertCanUpdateCustomer(actor: Actor, c: { id: string }, fields: string[]) {
  if (isStaff(actor)) return;
  if (c.id !== actor.customerId) throw forbidden('you may change only your own profile');
  const notAllowed = fields.filter((f) => !(SELF_EDITABLE_FIELDS as readonly string[]).includes(f));
  if (notAllowed.length > 0) throw forbidden(`you may not change: ${notAllowed.join(', ')}`);
}

export function assertCanDeleteCustomer(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins delete customers');
}

/** A copy of everything held about a person (subject access) is for admins to hand out. */
export function assertCanExportPersonalData(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins export a customer’s personal data');
}
