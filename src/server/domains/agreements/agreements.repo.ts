import { and, eq, isNull, sql } from 'drizzle-orm';
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
  const [row] = await db
    .select({ agreement: agreements, calendar: calendars })
    .from(agreements)
    .innerJoin(calendars, eq(calendars.id, agreements.calendarId))
    .where(eq(agreements.id, id))
    .limit(1);
  return row;
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

/** The agreement (with its calendar) that applies to a customer; see mostSpecificAgreement. */
export async function selectAgreementFor(
  db: Database,
  who: { customerId: string; organizationId: string | null; segment: string | null },
) {
  // At most four candidates: one active agreement per scope.
  const candidates = await db
    .select({ agreement: agreements, calendar: calendars })
    .from(agreements)
    .innerJoin(calendars, eq(calendars.id, agreements.calendarId))
    .where(
      and(
        eq(agreements.active, true),
        isNull(agreements.deletedAt),
        sql`(
          ${agreements.scopeCustomerId} = ${who.customerId}
          or ${agreements.scopeOrganizationId} = ${who.organizationId}
          or ${agreements.scopeSegment} = ${who.segment}
          or num_nonnulls(${agreements.scopeCustomerId}, ${agreements.scopeOrganizationId}, ${agreements.scopeSegment}) = 0
        )`,
      ),
    );
  const chosen = mostSpecificAgreement(
    candidates.map((c) => c.agreement),
    { id: who.customerId, organizationId: who.organizationId, segment: who.segment },
  );
  return candidates.find((c) => c.agreement === chosen);
}
