// Who may see and act on cases. Staff: everything. A customer: their own cases, and their
// organization's when their customer record allows it; they write public messages only.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.js';
import { isStaff } from '../lib/actor.js';
import { forbidden } from '../lib/errors.js';
import { cases } from '../domains/cases/cases.table.js';

export function canReadCase(actor: Actor, c: { customerId: string; organizationId: string | null }): boolean {
  if (isStaff(actor)) return true;
  if (c.customerId === actor.customerId) return true;
  return (
    actor.organizationAccess && actor.organizationId !== null && c.organizationId === actor.organizationId
  );
}

export function caseListScope(actor: Actor): SQL | undefined {
  if (isStaff(actor)) return undefined;
  if (actor.organizationAccess && actor.organizationId) {
    return sql`(${cases.customerId} = ${actor.customerId} or ${cases.organizationId} = ${actor.organizationId})`;
  }
  return sql`${cases.customerId} = ${actor.customerId}`;
}

export function assertCanCreateCase(actor: Actor, customerId: string) {
  if (isStaff(actor)) return;
  if (customerId !== actor.customerId) throw forbidden('you may open cases only for yourself');
}

export function assertStaffOnCases(actor: Actor, what = 'change cases') {
  if (!isStaff(actor)) throw forbidden(`customers cannot ${what}`);
}

export function assertCanWriteMessage(
  actor: Actor,
  input: { public: boolean; from?: string; createdAt?: string },
) {
  if (isStaff(actor)) return;
  if (!input.public) throw forbidden('customers cannot write internal notes');
  if (input.from === 'agent' || input.createdAt) throw forbidden('customers write as themselves, now');
}
