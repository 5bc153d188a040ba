// Who wrote in: the live customer with an e-mail address, or a new one in the organization that
// owns the address's domain. Shared by the channels that meet strangers (e-mail, web form,
// conversations).
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { resolveCustomer } from '../customers/customers.repo.js';
import { domainAndParents, domainOf } from '../../../core/mail/addresses.js';
import type { Actor } from '../../lib/actor.js';
import { conflict } from '../../lib/errors.js';
import { customers } from '../customers/customers.table.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';

export interface Contact {
  id: string;
  organizationId: string | null;
  created: boolean;
}

/**
 * The organization that owns the address's domain, or a domain it lies in (the most specific
 * one wins; among equals the oldest organization).
 */
export async function organizationForAddress(tx: Database, email: string): Promise<string | null> {
  const candidates = domainAndParents(domainOf(email));
  if (candidates.length === 0) return null;
  const [org] = await rows<{ id: string }>(
    tx,
    sql`select id from organizations
      where domains && ${sql.param(candidates)}::text[] and deleted_at is null
      order by (select max(length(d)) from unnest(domains) d where d = any(${sql.param(candidates)}::text[])) desc,
        created_at, id
      limit 1`,
  );
  return org?.id ?? null;
}

/**
 * The customer with this address (case-insensitive, live), else a new one: named as given, in
 * the organization whose `domains` hold the address's domain. Runs inside the caller's
 * transaction; two requests creating the same stranger at once end with one customer.
 */
export async function findOrCreateCustomerByEmail(
  tx: Database,
  actor: Actor,
  input: {
    email: string;
    name: string;
    language?: string | null;
    externalId?: string | null;
    source: string;
    /** More for the `customer.created` domain event (the mail it came from). */
    details?: Record<string, unknown>;
  },
): Promise<Contact> {
  const email = input.email.trim().toLowerCase();
  // A merged customer's address leads to the customer it went into.
  const known = await resolveCustomer(tx, { email });
  if (known) return { id: known.id, organizationId: known.organization_id, created: false };
  const organizationId = await organizationForAddress(tx, email);
  const [created] = await tx
    .insert(customers)
    .values({
      name: input.name,
      email,
      organizationId,
      language: input.language ?? null,
      externalId: input.externalId ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: customers.id });
  if (!created) {
    const other = await resolveCustomer(tx, { email });
    // Not by e-mail: the externalId belongs to someone else.
    if (!other) throw conflict('external_id_taken', 'customer.externalId: another customer has it');
    return { id: other.id, organizationId: other.organization_id, created: false };
  }
  await recordDomainEvent(tx, actor, {
    type: 'customer.created',
    entityType: 'customer',
    entityId: created.id,
    data: {
      name: input.name,
      email,
      organizationId,
      language: input.language ?? null,
      source: input.source,
      ...input.details,
    },
  });
  return { id: created.id, organizationId, created: true };
}
