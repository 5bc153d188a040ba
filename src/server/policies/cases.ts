// Who may see and act on cases. Staff: everything. A customer: their own cases, and their
// organization's when their customer record allows it; they write public messages only.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.js';
import { isStaff } from '../lib/actor.js';
import { forbidden } from '../lib/errors.js';
import { cases } from '../domains/cases/cases.table.js';

/**
 * Whether the customer side may see a case at all: a proactive case stays internal until we have
 * written to the customer in it or they have written in it (any public message), so a customer
 * never finds "Repeat complaints: 3 in 30 days" in their portal before anyone spoke to them. The
 * OR stops at the channel for every other case; the EXISTS probes `messages_case`.
 */
export const customerVisible = sql<boolean>`(${cases.channel} <> 'proactive' or exists (
  select 1 from messages m where m.case_id = ${cases.id} and m.public))`;

export function canReadCase(
  actor: Actor,
  c: { customerId: string; organizationId: string | null; customerVisible: boolean },
): boolean {
  if (isStaff(actor)) return true;
  if (!c.customerVisible) return false;
  if (c.customerId === actor.customerId) return true;
  return (
    actor.organizationAccess && actor.organizationId !== null && c.organizationId === actor.organizationId
  );
}

export function caseListScope(actor: Actor): SQL | undefined {
  if (isStaff(actor)) return undefined;
  if (actor.organizationAccess && actor.organizationId) {
    return sql`(${cases.customerId} = ${actor.customerId} or ${cases.organizationId} = ${actor.organizationId}) and ${customerVisible}`;
  }
  return sql`${cases.customerId} = ${actor.customerId} and ${customerVisible}`;
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
  input: { public: boolean; from?: string; createdAt?: string; status?: string; followUpAt?: string },
) {
  if (isStaff(actor)) return;
  if (!input.public) throw forbidden('customers cannot write internal notes');
  if (input.status !== undefined || input.followUpAt !== undefined)
    throw forbidden('customers do not set a case’s status or follow-up');
  if (input.from === 'agent' || input.createdAt) throw forbidden('customers write as themselves, now');
}
