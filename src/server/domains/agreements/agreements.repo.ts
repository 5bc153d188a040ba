import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { calendars } from '../calendars/calendars.table.js';
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

/**
 * The most specific of the candidate agreements for a customer: the customer's own, then their
 * organization's, then their segment's, then the default. The one rule for live cases and imports.
 */
export function mostSpecificAgreement<A extends AgreementScopeOf>(
  candidates: A[],
  who: { id: string; organizationId: string | null; segment: string | null },
): A | undefined {
  return (
    candidates.find((a) => a.scopeCustomerId === who.id) ??
    candidates.find((a) => who.organizationId !== null && a.scopeOrganizationId === who.organizationId) ??
    candidates.find((a) => who.segment !== null && a.scopeSegment === who.segment) ??
    candidates.find((a) => !a.scopeCustomerId && !a.scopeOrganizationId && !a.scopeSegment)
  );
}

export interface AgreementCustomer {
  id: string;
  organizationId: string | null;
  segment: string | null;
}

/**
 * The active agreements (with their calendars) that may apply to any of these customers, in one
 * query: their own, their organizations', their segments' and the default. Pick each customer's
 * with agreementFor. Live cases (one customer), imports and signal actions (many) share it.
 */
export async function agreementCandidatesFor(db: Database, who: AgreementCustomer[]) {
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
export function agreementFor(candidates: AgreementCandidate[], who: AgreementCustomer) {
  const chosen = mostSpecificAgreement(
    candidates.map((c) => c.agreement),
    who,
  );
  return candidates.find((c) => c.agreement === chosen);
}

/** The agreement (with its calendar) that applies to a customer; see mostSpecificAgreement. */
export async function selectAgreementFor(
  db: Database,
  who: { customerId: string; organizationId: string | null; segment: string | null },
) {
  const customer = { id: who.customerId, organizationId: who.organizationId, segment: who.segment };
  // At most four candidates: one active agreement per scope.
  return agreementFor(await agreementCandidatesFor(db, [customer]), customer);
}
