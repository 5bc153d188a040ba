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

/**
 * The agreement that applies to a customer: the most specific active one (the customer's own,
 * then their organization's, then their segment's, then the default).
 */
export async function selectAgreementFor(
  db: Database,
  who: { customerId: string; organizationId: string | null; segment: string | null },
) {
  const [row] = await db
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
    )
    .orderBy(
      sql`case when ${agreements.scopeCustomerId} is not null then 0 when ${agreements.scopeOrganizationId} is not null then 1 when ${agreements.scopeSegment} is not null then 2 else 3 end`,
    )
    .limit(1);
  return row;
}
