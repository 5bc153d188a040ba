// The demo's operational events replayed as if Steward had been watching while they happened:
// sent in the order they occurred, with the timer firing each wait when its due time passes
// between two events (not once the whole backlog is in), the rules' actions run at once, and the
// demo's people acting at their times. What the jobs write at the seeding minute is dated when it
// would have happened: a signal and the case it opened or joined when it was raised, a signal the
// awaited event resolved (and the note on its case) when that event came. Sending the backlog at
// once would let a late delivery end its order's will-miss wait before the timer saw it due, so
// the demo would lack the warnings its rules would have given (their dry run shows them).
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { sourceForStaff } from '../domains/events/event-sources.service.js';
import { ingestEvents } from '../domains/events/ingest.js';
import { runSignalActions } from '../domains/signals/actions.js';
import { fireDueExpectations } from '../domains/signals/expectations.js';
import type { BusinessCalendar } from '../../core/business-time.js';
import { dateProactiveCases } from './date-proactive-cases.js';
import { databaseClock, dateSteps } from './seed-cases.js';

const HOUR = 3_600_000;

/** An event as a source system sends it. */
export type EventIn = {
  id: string;
  type: string;
  occurredAt: string;
  customer: { externalId: string };
  refs: Record<string, string>;
  data: Record<string, unknown>;
};

/** An event and the source (by key) that sends it. */
export interface SourcedEvent {
  source: string;
  event: EventIn;
}

/** Something a person does at a time of the replay (answers a case, solves it). */
export interface ReplayStep {
  at: Date;
  run: () => Promise<void>;
}

/**
 * The longest stretch of event time sent in one go. No demo wait falls due sooner than a day
 * after the event that starts it, so a wait started in a batch never falls due inside it; the
 * replay checks that and stops if a change to the demo breaks it.
 */
const BATCH_SPAN_MS = 24 * HOUR;

/** Sends the events through the real ingest path, one source at a time, in the order given. */
export async function sendEvents(db: Database, events: SourcedEvent[]) {
  for (let i = 0; i < events.length;) {
    const key = events[i]!.source;
    let j = i;
    while (j < events.length && events[j]!.source === key && j - i < 1000) j++;
    const answer = await ingestEvents(db, {
      actor: SYSTEM_ACTOR,
      source: await sourceForStaff(db, key),
      events: events.slice(i, j).map((e) => e.event),
    });
    const refused = answer.results.filter((r) => r.status !== 'accepted');
    if (refused.length > 0)
      throw new Error(`demo events not accepted: ${JSON.stringify(refused.slice(0, 3))}`);
    i = j;
  }
}

/**
 * Replays `events` and `steps` in time order up to `end`: before each event or step, the waits
 * due by its time fire, one at a time in due order (an earlier signal opens the proactive case a
 * later one joins), and their actions run. Waits due after `end` stay waiting.
 */
export async function replayAsWatched(
  db: Database,
  events: SourcedEvent[],
  steps: ReplayStep[],
  end: Date,
  /** Each agreement's calendar (agreementCalendars): what dating a case's clocks counts on. */
  calendarOf: Map<string, BusinessCalendar>,
) {
  const timeOf = (e: SourcedEvent) => new Date(e.event.occurredAt).getTime();
  const queue = events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => timeOf(a.e) - timeOf(b.e) || a.i - b.i)
    .map((x) => x.e);
  const todo = [...steps].sort((a, b) => a.at.getTime() - b.at.getTime());
  let next = 0;
  let due = await nextDueAt(db);
  for (;;) {
    const eventAt = next < queue.length ? timeOf(queue[next]!) : end.getTime();
    const stepAt = todo[0]?.at.getTime() ?? Infinity;
    const asOf = Math.min(eventAt, stepAt, end.getTime());
    if (due !== null && due <= asOf) {
      await fireWaitsDue(db, new Date(asOf), calendarOf);
      due = await nextDueAt(db);
    }
    if (stepAt <= eventAt && stepAt <= end.getTime()) {
      await todo.shift()!.run();
      continue;
    }
    if (next >= queue.length) return;
    // Up to the next wait's due time (or step), and not more than BATCH_SPAN_MS of event time.
    const until = Math.min(due ?? Infinity, stepAt, eventAt + BATCH_SPAN_MS);
    const batch = [queue[next]!];
    while (next + batch.length < queue.length && timeOf(queue[next + batch.length]!) < until)
      batch.push(queue[next + batch.length]!);
    next += batch.length;
    const since = await databaseClock(db);
    // No wait falls due inside the batch: each source's events go in one call.
    await sendEvents(
      db,
      [...batch].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)),
    );
    const last = timeOf(batch[batch.length - 1]!);
    due = await nextDueAt(db);
    if (due !== null && due < last)
      throw new Error(
        `demo replay: a wait started in a batch fell due inside it (before ${new Date(last).toISOString()})`,
      );
    await actAndDate(db, since, calendarOf);
  }
}

/** The earliest due time of the waits still waiting (ms), or null. */
async function nextDueAt(db: Database): Promise<number | null> {
  const [row] = await rows<{ at: string | null }>(
    db,
    sql`select min(due_at)::text as at from rule_expectations where state = 'waiting'`,
  );
  return row?.at ? new Date(row.at).getTime() : null;
}

/** Fires the waits due by `asOf`, one at a time, each with its actions, dated when it fired. */
async function fireWaitsDue(db: Database, asOf: Date, calendarOf: Map<string, BusinessCalendar>) {
  for (;;) {
    const since = await databaseClock(db);
    if ((await fireDueExpectations(db, 1, asOf)) === 0) return;
    await actAndDate(db, since, calendarOf);
  }
}

/**
 * Runs the actions of what the rules raised since `since` (databaseClock before it), then dates
 * it all: the signals when Steward would have raised them, the proactive cases they opened from
 * then, what they added to cases opened earlier at their signal's time, and signals resolved by
 * an event (their note on the case too) at that event's time.
 */
async function actAndDate(db: Database, since: string, calendarOf: Map<string, BusinessCalendar>) {
  const at = sql`${since}::timestamptz`;
  // Most batches raise and resolve nothing: then there is nothing to run or date.
  const [news] = await rows<{ pending: boolean; changed: boolean }>(
    db,
    sql`select exists (select 1 from signal_actions where state = 'pending') as pending,
      exists (select 1 from signals where detected_at >= ${at} or resolved_at >= ${at}) as changed`,
  );
  if (news!.pending) while ((await runSignalActions(db)) > 0);
  if (!news!.changed) return;
  // Signals raised since, and whether they joined a case opened before: read before their dating.
  const raised = await rows<{ id: string; case_id: string | null; joined: boolean }>(
    db,
    sql`select s.id, s.case_id, coalesce(c.created_at < ${at}, false) as joined
      from signals s left join cases c on c.id = s.case_id where s.detected_at >= ${at}`,
  );
  const detectedAt = new Map((await dateSignalsByEvidence(db, new Date(since))).map((d) => [d.id, d.at]));
  await dateProactiveCases(db, new Date(since), calendarOf);
  // Whether the customer had written first looked at their cases as they are now, some opened
  // after this point of the replay: as they were when the signal was raised instead.
  if (raised.length > 0)
    await db.execute(sql`update signals s set customer_contacted_first = s.customer_id is not null and exists (
        select 1 from cases c
        where c.customer_id = s.customer_id and c.channel <> 'proactive' and c.deleted_at is null
          and c.created_at >= (select min(e.occurred_at) from signal_evidence v
            join events e on e.id = v.event_id where v.signal_id = s.id)
          and c.created_at <= s.detected_at and (c.solved_at is null or c.solved_at > s.detected_at))
      where s.id = any(${sql.param(raised.map((r) => r.id))}::uuid[])`);
  // Signals the awaited event resolved since: at that event (the newest of their evidence).
  const resolved = await rows<{ id: string; case_id: string | null; at: string }>(
    db,
    sql`update signals s set resolved_at = r.at, updated_at = r.at
      from (select v.signal_id as id, max(e.occurred_at) as at
        from signals o join signal_evidence v on v.signal_id = o.id join events e on e.id = v.event_id
        where o.resolved_by_event and o.resolved_at >= ${at} group by v.signal_id) r
      where s.id = r.id
      returning s.id, s.case_id, r.at::text as at`,
  );
  if (resolved.length > 0)
    await db.execute(sql`update domain_events e set occurred_at = v.at
      from unnest(${sql.param(resolved.map((r) => r.id))}::uuid[],
        ${sql.param(resolved.map((r) => r.at))}::timestamptz[]) as v(id, at)
      where e.entity_type = 'signal' and e.entity_id = v.id and e.occurred_at >= ${at}`);
  // One step per case: the latest thing that happened to it since.
  const stepAt = new Map<string, number>();
  const touch = (caseId: string | null, when: string | undefined) => {
    if (!caseId || !when) return;
    stepAt.set(caseId, Math.max(stepAt.get(caseId) ?? 0, new Date(when).getTime()));
  };
  for (const j of raised) if (j.joined) touch(j.case_id, detectedAt.get(j.id));
  for (const r of resolved) touch(r.case_id, r.at);
  // One case at a time: dateSteps reads steps given together as following one another.
  for (const [caseId, ms] of stepAt) await dateSteps(db, [{ caseId, since, at: new Date(ms) }], calendarOf);
}

/**
 * Signals the jobs opened open "a minute ago", though their evidence may be days old. Dated as if
 * Steward had been watching: an absence rule's signal when its wait ran out (its fired wait's due
 * time), a match rule's at its first evidence event, a threshold rule's at its last (the one that
 * crossed the count); never after now. One statement over the signals opened since `since`; answers their new times.
 */
export async function dateSignalsByEvidence(
  db: Database,
  since: Date,
): Promise<{ id: string; at: string }[]> {
  return rows<{ id: string; at: string }>(
    db,
    sql`
    update signals s set detected_at = d.at, last_evidence_at = greatest(d.at, least(now(), d.last_event))
    from (
      select o.id,
        least(now(), coalesce(
          (select max(x.due_at) from rule_expectations x where x.signal_id = o.id and x.state = 'fired'),
          case when o.kind = 'match' then min(e.occurred_at) else max(e.occurred_at) end
        )) as at,
        max(e.occurred_at) as last_event
      from signals o
      join signal_evidence v on v.signal_id = o.id
      join events e on e.id = v.event_id
      where o.detected_at >= ${since.toISOString()}::timestamptz
      group by o.id, o.kind
    ) d
    where s.id = d.id
    returning s.id, s.detected_at::text as at`,
  );
}
