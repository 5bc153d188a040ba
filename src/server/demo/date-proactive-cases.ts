// The demo's proactive cases open while the seed runs the jobs, at the seeding minute, though
// their signals are dated days back (dateSignalsByEvidence). Dated as if Steward had been
// watching: each case opens when its first signal was detected, and what happened as it opened
// (the message to the customer, the first response, the promise clocks started then, their
// timeline entries) moves back
// with it; the clocks' due and warning times are worked out again on their calendars, so a case
// open for days shows its resolution promise used, due or breached as it would be. Written
// directly, as an import from an older system would be.
import { eq, sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from '../../core/business-time.js';
import { agreements } from '../domains/agreements/agreements.table.js';
import { businessCalendarOf } from '../domains/calendars/calendars.service.js';
import { calendars } from '../domains/calendars/calendars.table.js';
import { casePromises } from '../domains/cases/cases.table.js';
import { refreshNextDue } from '../domains/cases/clocks.js';

/** What happened with the case's opening: within this of it. */
const AT_OPENING_MS = 60_000;

/** Each agreement's calendar (by agreement id): where its clocks count business time. */
export async function agreementCalendars(db: Database): Promise<Map<string, BusinessCalendar>> {
  return new Map(
    (
      await db
        .select({ id: agreements.id, calendar: calendars })
        .from(agreements)
        .innerJoin(calendars, eq(calendars.id, agreements.calendarId))
    ).map((r) => [r.id, businessCalendarOf(r.calendar)]),
  );
}

export async function dateProactiveCases(
  db: Database,
  since: Date,
  /** Each agreement's calendar (agreementCalendars). */
  calendarOf: Map<string, BusinessCalendar>,
): Promise<number> {
  const found = await rows<{ id: string; created_at: string; opened: string }>(
    db,
    sql`select c.id, c.created_at, min(s.detected_at) as opened
      from cases c join signals s on s.case_id = c.id
      where c.channel = 'proactive' and c.created_at >= ${since.toISOString()}::timestamptz
      group by c.id, c.created_at
      having min(s.detected_at) < c.created_at`,
  );
  if (found.length === 0) return 0;
  for (const c of found) {
    const created = new Date(c.created_at);
    const delta = created.getTime() - new Date(c.opened).getTime();
    const edge = sql`${new Date(created.getTime() + AT_OPENING_MS).toISOString()}::timestamptz`;
    const back = sql`${delta} * interval '1 millisecond'`;
    const moved = (column: ReturnType<typeof sql>) =>
      sql`case when ${column} < ${edge} then ${column} - ${back} else ${column} end`;
    await db.execute(sql`update cases set created_at = created_at - ${back},
        first_responded_at = ${moved(sql`first_responded_at`)},
        last_agent_reply_at = ${moved(sql`last_agent_reply_at`)}
      where id = ${c.id}`);
    await db.execute(sql`update messages set created_at = created_at - ${back}
      where case_id = ${c.id} and created_at < ${edge}`);
    // Its timeline: the opening and what came with it (the clocks started, the first note), not
    // before the case (its transaction began a moment before the case's own time was taken).
    await db.execute(sql`update domain_events
      set occurred_at = greatest(occurred_at - ${back}, ${c.opened}::timestamptz)
      where entity_type = 'case' and entity_id = ${c.id} and occurred_at < ${edge}`);
    const clocks = await db.select().from(casePromises).where(eq(casePromises.caseId, c.id));
    for (const clock of clocks) {
      if (clock.startedAt.getTime() >= created.getTime() + AT_OPENING_MS) continue;
      const cal = calendarOf.get(clock.agreementId);
      const start = new Date(clock.startedAt.getTime() - delta);
      const early = (d: Date | null) =>
        d && d.getTime() < created.getTime() + AT_OPENING_MS ? new Date(d.getTime() - delta) : d;
      // The same business time after the new start as after the old one.
      const after = (d: Date | null) =>
        d === null || !cal ? d : addBusinessMs(cal, start, businessMsBetween(cal, clock.startedAt, d));
      const running = clock.state === 'active' || clock.state === 'paused';
      const dueAt = running || clock.state === 'met' ? after(clock.dueAt) : clock.dueAt;
      const metAt = early(clock.metAt);
      await db
        .update(casePromises)
        .set({
          startedAt: start,
          runningSince: early(clock.runningSince),
          metAt,
          pausedAt: early(clock.pausedAt),
          dueAt,
          warnAt: running || clock.state === 'met' ? after(clock.warnAt) : clock.warnAt,
        })
        .where(eq(casePromises.id, clock.id));
      // Its timeline entries of the opening say the times it has now.
      await db.execute(sql`update domain_events set data = data
          || jsonb_build_object('dueAt', ${dueAt?.toISOString() ?? null}::text)
          || case when data ? 'metAt' then jsonb_build_object('metAt', ${metAt?.toISOString() ?? null}::text)
            else '{}'::jsonb end
        where entity_type = 'case' and entity_id = ${c.id}
          and type in ('case.promise_started', 'case.promise_met')
          and data->>'kind' = ${clock.kind} and (data->>'cycle')::int = ${clock.cycle}
          and occurred_at < ${new Date(created.getTime() - delta + AT_OPENING_MS).toISOString()}::timestamptz`);
    }
  }
  // The queues sort and filter on the case's next due and warning times: from the clocks as moved.
  await refreshNextDue(
    db,
    found.map((c) => c.id),
  );
  return found.length;
}
