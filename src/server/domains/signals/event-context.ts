// Builds the `EventContext` rules see (src/core/rules/evaluate.ts) for a batch of stored events:
// one query for the customers and organizations they name; each customer's agreement is picked
// from the active agreements the caller read (ACTIVE_AGREEMENTS_JSON: the engine reads them with
// its rules, the dry run by themselves). Used by the live engine and the dry run alike.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type { EventContext } from '../../../core/rules/evaluate.js';
import { mostSpecificAgreement } from '../agreements/agreements.repo.js';
import type { agreements } from '../agreements/agreements.table.js';
import { customers } from '../customers/customers.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';

/** A stored event, as much as rules need of it. */
export interface StoredEvent {
  id: string;
  type: string;
  occurredAt: Date;
  source: string | null;
  customerId: string | null;
  organizationId: string | null;
  refs: Record<string, string>;
  data: Record<string, unknown>;
}

/** The columns of `events e` that make a StoredEvent (read them with `toStoredEvent`). */
export const STORED_EVENT_COLUMNS = sql`e.id, e.type, e.occurred_at, e.customer_id, e.organization_id, e.refs, e.data,
  (select s.key from event_sources s where s.id = e.source_id) as source`;

export interface StoredEventRow {
  id: string;
  type: string;
  occurred_at: Date | string;
  customer_id: string | null;
  organization_id: string | null;
  refs: Record<string, string>;
  data: Record<string, unknown>;
  source: string | null;
}

export const toStoredEvent = (f: StoredEventRow): StoredEvent => ({
  id: f.id,
  type: f.type,
  occurredAt: new Date(f.occurred_at),
  source: f.source,
  customerId: f.customer_id,
  organizationId: f.organization_id,
  refs: f.refs,
  data: f.data,
});

/** Stored events matching a condition on `events e`, as rules need them (the source's key too). */
export async function loadStoredEvents(db: Database, where: SQL): Promise<StoredEvent[]> {
  const found = await rows<StoredEventRow>(
    db,
    sql`select ${STORED_EVENT_COLUMNS} from events e where ${where}`,
  );
  return found.map(toStoredEvent);
}

/** Something an accepted event was meant to do and could not (a commitment not opened, a wait not started). */
export interface EventWarning {
  /** Steward's id of the event. */
  eventId: string;
  message: string;
}

export type ActiveAgreement = Pick<
  typeof agreements.$inferSelect,
  'id' | 'name' | 'scopeCustomerId' | 'scopeOrganizationId' | 'scopeSegment' | 'commitments'
> & {
  /** Its business calendar's time zone. */
  timeZone: string | null;
};

/**
 * The active agreements (with their calendars' time zones) as one JSON array: at most one per
 * scope, so a handful. A subquery, so the engine reads them with its other settings at once.
 */
export const ACTIVE_AGREEMENTS_JSON = sql`
  select coalesce(json_agg(json_build_object('id', a.id, 'name', a.name,
    'scopeCustomerId', a.scope_customer_id, 'scopeOrganizationId', a.scope_organization_id,
    'scopeSegment', a.scope_segment, 'commitments', a.commitments, 'timeZone', c.timezone)), '[]')
  from agreements a left join calendars c on c.id = a.calendar_id
  where a.active and a.deleted_at is null`;

/** What contexts are built from besides events: the active agreements and the company's zone. */
export async function contextSettings(
  db: Database,
): Promise<Required<Pick<ContextOptions, 'agreements' | 'companyZone'>>> {
  const [row] = await rows<{ agreements: ActiveAgreement[]; companyZone: string }>(
    db,
    sql`select (${ACTIVE_AGREEMENTS_JSON}) as agreements, ${COMPANY_TIME_ZONE} as "companyZone"`,
  );
  return row!;
}

export interface ContextOptions {
  /**
   * Look up the agreement of each customer (rule scopes by agreement, commitments, and the time
   * zone of date-only deadlines for customers without one).
   */
  agreements?: ActiveAgreement[];
  /** The company's time zone: date-only deadlines of customers with neither their own nor an agreement's. */
  companyZone?: string;
  /** Customers the caller has read already (the ingest found them by their refs): not read again. */
  people?: Map<string, Person>;
}

/** A customer as rules see them: the segment is their own, else their organization's. */
export const personColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  externalId: customers.externalId,
  organizationId: customers.organizationId,
  segment: sql<string | null>`coalesce(${customers.segment}, ${organizations.segment})`,
  timeZone: customers.timeZone,
  customFields: customers.customFields,
};
export interface Person {
  id: string;
  name: string;
  email: string | null;
  externalId: string | null;
  organizationId: string | null;
  segment: string | null;
  timeZone: string | null;
  customFields: Record<string, unknown>;
}

export async function contextsFor(
  db: Database,
  stored: StoredEvent[],
  opts: ContextOptions = {},
): Promise<EventContext[]> {
  const customerIds = [
    ...new Set(stored.map((e) => e.customerId).filter((id): id is string => !!id && !opts.people?.has(id))),
  ];
  const orgIds = [...new Set(stored.map((e) => e.organizationId).filter((id): id is string => !!id))];
  const people: Person[] = customerIds.length
    ? await db
        .select(personColumns)
        .from(customers)
        .leftJoin(organizations, eq(organizations.id, customers.organizationId))
        .where(sql`${customers.id} = any(${sql.param(customerIds)}::uuid[])`)
    : [];
  const orgs = orgIds.length
    ? await db
        .select({
          id: organizations.id,
          name: organizations.name,
          domains: organizations.domains,
          fields: organizations.customFields,
        })
        .from(organizations)
        .where(sql`${organizations.id} = any(${sql.param(orgIds)}::uuid[])`)
    : [];
  const personBy = new Map(opts.people);
  for (const p of people) personBy.set(p.id, p);
  const orgBy = new Map(orgs.map((o) => [o.id, o]));
  const agreementBy = new Map<string, ActiveAgreement | null>();
  const agreementOf = (p: Person) => {
    if (!opts.agreements) return null;
    let found = agreementBy.get(p.id);
    if (found === undefined) {
      found = mostSpecificAgreement(opts.agreements, p) ?? null;
      agreementBy.set(p.id, found);
    }
    return found;
  };
  return stored.map((e) => {
    const p = e.customerId ? personBy.get(e.customerId) : undefined;
    const o = e.organizationId ? orgBy.get(e.organizationId) : undefined;
    const agreement = p ? agreementOf(p) : null;
    return {
      id: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      source: e.source,
      refs: e.refs,
      data: e.data,
      customer: p
        ? {
            id: p.id,
            name: p.name,
            email: p.email,
            externalId: p.externalId,
            segment: p.segment,
            timeZone: p.timeZone,
            fields: p.customFields,
          }
        : null,
      organization: o ? { id: o.id, name: o.name, domains: o.domains, fields: o.fields } : null,
      agreementId: agreement?.id ?? null,
      agreementZone: agreement?.timeZone ?? null,
      companyZone: opts.companyZone ?? null,
    };
  });
}
