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
  return (await organizationsForAddresses(tx, [email])).get(email) ?? null;
}

/**
 * `organizationForAddress` for many addresses in one query (event ingest's new customers): the
 * addresses that lie in an organization's domain, with that organization.
 */
export async function organizationsForAddresses(
  tx: Database,
  emails: string[],
): Promise<Map<string, string>> {
  const pairs = emails.flatMap((email) => domainAndParents(domainOf(email)).map((d) => [email, d] as const));
  if (pairs.length === 0) return new Map();
  const found = await rows<{ email: string; id: string }>(
    tx,
    sql`select distinct on (a.email) a.email, o.id
      from unnest(${sql.param(pairs.map((p) => p[0]))}::text[], ${sql.param(pairs.map((p) => p[1]))}::text[]) as a(email, domain)
      join organizations o on o.domains @> array[a.domain] and o.deleted_at is null
      order by a.email, length(a.domain) desc, o.created_at, o.id`,
  );
  return new Map(found.map((r) => [r.email, r.id]));
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
