import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { AgreementScopeLevel } from '../../../shared/schemas/agreements.js';
import { calendars } from '../calendars/calendars.table.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';
import { agreements } from './agreements.table.js';

export type AgreementRow = typeof agreements.$inferSelect;

export async function findAgreement(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(agreements)
    .where(and(eq(agreements.id, id), isNull(agreements.deletedAt)))
    .limit(1);
  return row;
}

/** An agreement with its calendar: what a promise clock needs. */
export async function findAgreementWithCalendar(db: Database, id: string) {
  const [row] = await findAgreementsWithCalendars(db, [id]);
  return row;
}

/** Agreements with their calendars (those that exist): one query. */
export async function findAgreementsWithCalendars(db: Database, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ agreement: agreements, calendar: calendars })
    .from(agreements)
    .innerJoin(calendars, eq(calendars.id, agreements.calendarId))
    .where(inArray(agreements.id, ids));
}

export interface AgreementScopeOf {
  scopeCustomerId: string | null;
  scopeOrganizationId: string | null;
  scopeSegment: string | null;
}

/** The level an agreement is for: a customer, an organization, a segment, or everyone (default). */
export function scopeLevelOf(a: AgreementScopeOf): AgreementScopeLevel {
  if (a.scopeCustomerId) return 'customer';
  if (a.scopeOrganizationId) return 'organization';
  if (a.scopeSegment) return 'segment';
  return 'default';
}

/**
 * Whom an agreement is selected for: a customer (their id, organization and effective segment),
 * or an organization as a whole (no customer id: its own agreement, its segment's, the default).
 */
export interface AgreementHolder {
  id: string | null;
  organizationId: string | null;
  segment: string | null;
}

/** A customer an agreement is selected for (a case's customer). */
export interface AgreementCustomer extends AgreementHolder {
  id: string;
}

/**
 * The most specific of the candidate agreements for a customer: the customer's own, then their
 * organization's, then their segment's, then the default. The one rule for live cases and imports,
 * and for the agreement shown on a customer's or an organization's page.
 */
export function mostSpecificAgreement<A extends AgreementScopeOf>(
  candidates: A[],
  who: AgreementHolder,
): A | undefined {
  return (
    candidates.find((a) => who.id !== null && a.scopeCustomerId === who.id) ??
    candidates.find((a) => who.organizationId !== null && a.scopeOrganizationId === who.organizationId) ??
    candidates.find((a) => who.segment !== null && a.scopeSegment === who.segment) ??
    candidates.find((a) => scopeLevelOf(a) === 'default')
  );
}

/**
 * The time zone of the calendar of the agreement that applies to a customer, as a subquery for a
 * statement that reads many customers' at once (null under no agreement): mostSpecificAgreement
 * in SQL, its levels in the same order (one active agreement per scope). `segment` is the
 * effective one (their own, else their organization's).
 */
export const agreementZoneOf = (who: { customerId: SQL; organizationId: SQL; segment: SQL }) => sql`(
  select cal.timezone from ${agreements} a join ${calendars} cal on cal.id = a.calendar_id
  where a.active and a.deleted_at is null and (a.scope_customer_id = ${who.customerId}
    or a.scope_organization_id = ${who.organizationId} or a.scope_segment = ${who.segment}
    or num_nonnulls(a.scope_customer_id, a.scope_organization_id, a.scope_segment) = 0)
  order by a.scope_customer_id is null, a.scope_organization_id is null, a.scope_segment is null
  limit 1)`;

/**
 * customerZone (src/core/customer-zone.ts) as an SQL text expression, for statements that write a
 * customer's times: their own zone (`own`, their record's `time_zone`), else their agreement's
 * calendar's (`calendar`: agreementZoneOf, or the calendar of a case's agreement), else the
 * company's, else UTC. Unlike customerZone it does not check the names: each is checked where it
 * is written (a customer's zone and a calendar's by the zod `TimeZone` of every route and import
 * that writes them, the company's by that and by PostgreSQL's own list in Settings), and checking
 * here would cost a read of `pg_timezone_names` per row (tens of milliseconds) against a list
 * that is not the one these times are written with (Intl, whose formatters fall back to UTC).
 */
export const customerZoneOf = (zones: { own: SQL; calendar: SQL }) =>
  sql`coalesce(${zones.own}, ${zones.calendar}, ${COMPANY_TIME_ZONE})`;

/**
 * The active agreements (with their calendars) that may apply to any of these customers, in one
 * query: their own, their organizations', their segments' and the default. Pick each customer's
 * with agreementFor. Live cases (one customer), imports and signal actions (many) share it.
 */
export async function agreementCandidatesFor(db: Database, who: AgreementHolder[]) {
  const distinct = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  return db
    .select({ agreement: agreements, calendar: calendars })
    .from(agreements)
    .innerJoin(calendars, eq(calendars.id, agreements.calendarId))
    .where(
      and(
        eq(agreements.active, true),
        isNull(agreements.deletedAt),
        sql`(
          ${agreements.scopeCustomerId} = any(${sql.param(distinct(who.map((w) => w.id)))}::uuid[])
          or ${agreements.scopeOrganizationId} = any(${sql.param(distinct(who.map((w) => w.organizationId)))}::uuid[])
          or ${agreements.scopeSegment} = any(${sql.param(distinct(who.map((w) => w.segment)))}::text[])
          or num_nonnulls(${agreements.scopeCustomerId}, ${agreements.scopeOrganizationId}, ${agreements.scopeSegment}) = 0
        )`,
      ),
    );
}

export type AgreementCandidate = Awaited<ReturnType<typeof agreementCandidatesFor>>[number];

/** The candidate (agreement with calendar) that applies to the customer; see mostSpecificAgreement. */
export function agreementFor(candidates: AgreementCandidate[], who: AgreementHolder) {
  const chosen = mostSpecificAgreement(
    candidates.map((c) => c.agreement),
    who,
  );
  return candidates.find((c) => c.agreement === chosen);
}

/**
 * The agreement (with its calendar) that applies to a customer, or to an organization as a whole
 * (customerId null); see mostSpecificAgreement.
 */
export async function selectAgreementFor(
  db: Database,
  who: { customerId: string | null; organizationId: string | null; segment: string | null },
) {
  const customer = { id: who.customerId, organizationId: who.organizationId, segment: who.segment };
  // At most four candidates: one active agreement per scope.
  return agreementFor(await agreementCandidatesFor(db, [customer]), customer);
}
