// Staff see all organizations; a customer sees their own only when their record allows it.
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.js';
import { isAdmin, isStaff } from '../lib/actor.js';
import { forbidden } from '../lib/errors.js';
import { organizations } from '../domains/organizations/organizations.table.js';

export function canReadOrganization(actor: Actor, org: { id: string }): boolean {
  if (isStaff(actor)) return true;
  return actor.organizationAccess && actor.organizationId === org.id;
}

export function organizationListScope(actor: Actor): SQL | undefined {
  if (isStaff(actor)) return undefined;
  if (actor.organizationAccess && actor.organizationId)
    return sql`${organizations.id} = ${actor.organizationId}`;
  return sql`false`;
}

export function assertCanWriteOrganization(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot change organizations');
}

export function assertCanDeleteOrganization(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins delete organizations');
}

/** Merging moves agreements and every customer of an organization: admins only. */
export function assertCanMergeOrganizations(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins merge organizations');
}
