// Time-driven work on cases, claimed through PostgreSQL so that any number of server processes
// can run it: each statement picks rows with FOR UPDATE SKIP LOCKED and flips them with a
// condition that only holds once, writing the timeline entry in the same statement. A warning,
// a breach or an auto-close is therefore recorded exactly once, however many nodes race.
import { sql } from 'drizzle-orm';
import { domainEventType } from '../../../shared/schemas/audit.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { readSettings } from '../settings/settings.service.js';
import { applyCaseUpdate } from './cases.service.js';

export const JOB_BATCH = 1000;

/** Running clocks past their due time become breached. Returns how many. */
export async function recordBreaches(db: Database, limit = JOB_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select id from case_promises
      where state = 'active' and due_at < now()
      order by due_at limit ${limit}
      for update skip locked
    ), flipped as (
      update case_promises p set state = 'breached', breached_at = p.due_at, updated_at = now()
      from due where p.id = due.id and p.state = 'active'
      returning p.case_id, p.kind, p.cycle, p.due_at, p.target_minutes
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), ${domainEventType('case.promise_breached')}, 'case', case_id, 'system',
        jsonb_build_object('kind', kind, 'cycle', cycle, 'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'targetMinutes', target_minutes, 'breachedAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        now()
      from flipped
      returning 1
    )
    select count(*)::int as n from logged`,
  );
  return done[0]?.n ?? 0;
}

/** Running clocks past their warning time get one warning each. Returns how many. */
export async function recordWarnings(db: Database, limit = JOB_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select id from case_promises
      where state = 'active' and warned_at is null and warn_at <= now() and due_at > now()
      order by warn_at limit ${limit}
      for update skip locked
    ), flipped as (
      update case_promises p set warned_at = now(), updated_at = now()
      from due where p.id = due.id and p.warned_at is null
      returning p.case_id, p.kind, p.cycle, p.due_at
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), ${domainEventType('case.promise_warning')}, 'case', case_id, 'system',
        jsonb_build_object('kind', kind, 'cycle', cycle, 'dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        now()
      from flipped
      returning 1
    )
    select count(*)::int as n from logged`,
  );
  return done[0]?.n ?? 0;
}

/** Solved cases older than the setting close. Returns how many. */
export async function closeSolvedCases(db: Database, limit = JOB_BATCH): Promise<number> {
  const { caseAutoCloseHours } = await readSettings(db);
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select id from cases
      where status = 'solved' and solved_at <= now() - make_interval(hours => ${caseAutoCloseHours}) and deleted_at is null
      order by solved_at limit ${limit}
      for update skip locked
    ), flipped as (
      update cases c set status = 'closed', closed_at = now(), updated_at = ${nextVersion()}
      from due where c.id = due.id and c.status = 'solved'
      returning c.id
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      select gen_random_uuid(), ${domainEventType('case.updated')}, 'case', id, 'system',
        jsonb_build_object('changes', jsonb_build_object('status', jsonb_build_object('from', 'solved', 'to', 'closed')), 'reason', 'auto_close'),
        now()
      from flipped
      returning 1
    )
    select count(*)::int as n from logged`,
  );
  return done[0]?.n ?? 0;
}

/**
 * Cases one follow-up run opens again, in one transaction: each is a status change of a dozen
 * statements (clocks, timeline), so a batch holds PGlite's one connection for a fraction of a
 * second; a full batch runs again at once.
 */
export const FOLLOW_UP_BATCH = 25;

/**
 * Waiting cases (pending, on hold) whose follow-up time came open again, as a status change by
 * Steward with the reason `follow_up` (the clocks move as for any status change; the assignee is
 * notified from the domain event). The claim and the change share a transaction, and the change
 * clears the follow-up, so each is done once however many nodes race. Returns how many.
 */
export async function openFollowUps(db: Database, limit = FOLLOW_UP_BATCH): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await rows<{ id: string }>(
      tx,
      sql`select id from cases
        where follow_up_at <= now() and deleted_at is null
        order by follow_up_at limit ${limit}
        for update skip locked`,
    );
    for (const { id } of due) await applyCaseUpdate(tx, SYSTEM_ACTOR, id, { status: 'open' }, 'follow_up');
    return due.length;
  });
}
