// Absence rules with `within` keep no row per wait. A wait is its starting event, due at
// `occurred_at + within`; most are met by the awaited event long before, so writing a row at the
// start and ending it at the arrival (what `by` rules do, whose deadline comes from the data)
// would be two writes per start for nothing. Instead the timer reads the starts that fell due
// from `events` (the `events_type_occurred` index), past a mark per rule (`rule_watermarks`),
// judges each (awaited event stored? a later start moved the wait?), fires the rest and moves the
// mark, in one transaction. A fired wait gets a row (state `fired`), so the awaited event
// arriving later resolves its signal as before.
//
// Exactly once, with several processes, without making the ingest wait for the timer's work:
// the timer does everything first (reads the due starts, judges them, writes the signals and the
// fired waits), then locks the marks (FOR UPDATE) and, in one statement, checks that nothing it
// read has changed (the marks, the number of due starts behind the new mark, the number of
// awaited events of each wait it fires) and moves the marks; if anything changed it rolls back
// and tries again on its next run. The ingest reads the marks FOR SHARE (held to commit) before
// it decides which starts it keeps lazily and before it looks for fired waits its awaited events
// end. So an ingest transaction either reads a mark after the timer committed it (its starts at
// or behind the mark become wait rows, like a late sender's; it sees the fired waits), or the
// timer's check runs after the ingest committed, sees its starts and its awaited events, and
// retries. The locks are held for one statement and a commit on the timer's side.
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { inScope, refValueOf, selectorMatches, typesOf } from '../../../core/rules/evaluate.js';
import type { AbsenceRule, RuleDefinition } from '../../../shared/schemas/rules.js';
import { isoDurationMs } from '../../../shared/schemas/rules.js';
import { firingOf, judgeWaits } from './engine.js';
import {
  activeAgreements,
  contextsFor,
  STORED_EVENT_COLUMNS,
  toStoredEvent,
  type StoredEventRow,
} from './event-context.js';
import { firingKey, openSignals, type LiveRule } from './open-signals.js';

/** A `within` absence rule: its waits are kept lazily. */
export const isLazy = (d: RuleDefinition): d is AbsenceRule & { within: string } =>
  d.kind === 'absence' && !!d.within;

const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export const LAZY_BATCH = 500;

const withinSecs = (d: AbsenceRule & { within: string }) => (isoDurationMs(d.within) ?? 0) / 1000;

/**
 * Ingest side: locks the marks of these rules FOR SHARE (to commit; see above), then answers which
 * of these starts of lazy rules need a wait row (true): the timer has judged past them already
 * (a late sender), or the rule has no mark yet, or this transaction began before the mark's
 * `since`. Call it before looking for fired waits the batch's awaited events end. Compared in
 * SQL, at the database's precision.
 */
export async function lockMarksForStarts(
  tx: Database,
  ruleIds: string[],
  starts: { ruleId: string; occurredAt: Date; eventId: string }[],
): Promise<boolean[]> {
  if (ruleIds.length === 0) return starts.map(() => true);
  const [found] = await rows<{ lazy: number[] | null; locked: number }>(
    tx,
    sql`
    with m as materialized (
      select rule_id, since, until_at, until_id from rule_watermarks
      where rule_id = any(${sql.param([...new Set(ruleIds)])}::uuid[]) order by rule_id for share
    )
    select (select count(*) from m)::int as locked, (
      select array_agg(v.i::int) from unnest(${sql.param(starts.map((s) => s.ruleId))}::uuid[],
        ${sql.param(starts.map((s) => s.occurredAt.toISOString()))}::timestamptz[],
        ${sql.param(starts.map((s) => s.eventId))}::uuid[]) with ordinality as v(rule_id, at, id, i)
      join m on m.rule_id = v.rule_id
      where now() >= m.since and (v.at, v.id) > (m.until_at, m.until_id)
    ) as lazy`,
  );
  const isLazyStart = new Set((found?.lazy ?? []).map((i) => i - 1));
  return starts.map((_, i) => !isLazyStart.has(i));
}

/**
 * A rule became a live `within` rule (created, enabled, or turned from `by`): the timer's mark
 * starts a `within` back, as if the rule had always been live. Starts stored from now on that
 * are not due yet are kept lazily; starts stored before now are not the rule's (`since`).
 */
export async function resetWatermark(db: Database, ruleId: string, rule: AbsenceRule & { within: string }) {
  await db.execute(sql`
    insert into rule_watermarks (rule_id, since, until_at, until_id)
    values (${ruleId}, now(), now() - make_interval(secs => ${withinSecs(rule)}), ${MAX_UUID})
    on conflict (rule_id) do update set since = excluded.since, until_at = excluded.until_at,
      until_id = excluded.until_id`);
}

/** The rule stopped being a live `within` rule: its pending starts end with it. */
export async function dropWatermark(db: Database, ruleId: string): Promise<void> {
  await db.execute(sql`delete from rule_watermarks where rule_id = ${ruleId}`);
}

interface Mark {
  id: string;
  version: number;
  definition: RuleDefinition;
  since: Date | null;
  /** The mark as PostgreSQL prints it (microseconds kept), to compare it unchanged later. */
  until_text: string | null;
  until_id: string | null;
}

/** Something the timer read changed before it could lock the marks: roll back, run again. */
class MarksMoved extends Error {}

/**
 * Timer side: judges the starts of `within` rules that fell due and fires those still unmet.
 * Returns how many starts it judged (at most `limit` per rule).
 */
export async function fireDueStarts(db: Database, limit = LAZY_BATCH): Promise<number> {
  try {
    const n = await db.transaction((tx) => fireDueStartsIn(tx, limit));
    retriesInARow = 0;
    return n;
  } catch (err) {
    if (!(err instanceof MarksMoved)) throw err;
    // Another process or an ingest got there between the reads and the check: the next run
    // reads again. Never so many times in a row unless something is wrong: say so.
    if (++retriesInARow % MAX_RETRIES_IN_A_ROW === 0)
      throw new Error(`lazy absence waits: ${retriesInARow} runs in a row found their reads changed`);
    return 0;
  }
}

let retriesInARow = 0;
const MAX_RETRIES_IN_A_ROW = 50;

async function fireDueStartsIn(tx: Database, limit: number): Promise<number> {
  const marks = await readMarks(tx);
  const missing = marks.filter((m) => !m.since);
  // Live rules without a mark (created before marks existed): theirs start a `within` back.
  if (missing.length)
    await tx.execute(sql`
      insert into rule_watermarks (rule_id, since, until_at, until_id)
      select id, now(), now() - make_interval(secs => secs), ${MAX_UUID}::uuid
      from unnest(${sql.param(missing.map((m) => m.id))}::uuid[],
        ${sql.param(missing.map((m) => withinSecs(m.definition as AbsenceRule & { within: string })))}::float8[])
        as r(id, secs)
      on conflict (rule_id) do nothing`);
  const current = marks.filter((m) => m.since);
  if (current.length === 0) return 0;
  const due = await dueStarts(tx, current, limit);
  if (due.length === 0) return 0;

  const ruleOf = new Map(current.map((m) => [m.id, m]));
  const byRule = new Map<string, typeof due>();
  for (const d of due) byRule.set(d.rule_id, [...(byRule.get(d.rule_id) ?? []), d]);

  const agreementScoped = current.some((m) => m.definition.scope?.agreements?.length);
  const ctxs = await contextsFor(
    tx,
    due.map(toStoredEvent),
    agreementScoped ? { agreements: await activeAgreements(tx) } : {},
  );
  const ctxOf = new Map(ctxs.map((c) => [c.id, c]));

  // The starts as the rule sees them now (conditions, scope, the ref).
  const groups = [...byRule].map(([ruleId, list]) => {
    const m = ruleOf.get(ruleId)!;
    const d = m.definition as AbsenceRule & { within: string };
    const ms = withinSecs(d) * 1000;
    const starts = list.flatMap((e) => {
      const ctx = ctxOf.get(e.id);
      const ref = ctx ? refValueOf(ctx, d.sameRef) : null;
      if (!ctx || !ref || !selectorMatches(d.after, ctx) || !inScope(d.scope, ctx)) return [];
      return [{ ctx, ref, dueAt: new Date(ctx.occurredAt.getTime() + ms) }];
    });
    return { m, d, starts };
  });
  const seen: number[][] = [];
  const verdicts = await judgeWaits(
    tx,
    groups.map(({ d, starts }) => ({
      rule: d,
      supersede: true,
      waits: starts.map((s) => ({
        ref: s.ref,
        startedAt: s.ctx.occurredAt,
        startEventId: s.ctx.id,
        dueAt: s.dueAt,
      })),
    })),
    seen,
  );
  const fire = groups.flatMap(({ m, d, starts }, g) =>
    starts.flatMap((s, i) => (verdicts[g]![i] ? [] : [{ m, d, seen: seen[g]![i]!, ...s }])),
  );

  if (fire.length) {
    const firings = fire.map((f) => firingOf(f.m as LiveRule, f.ctx, [f.ctx.id], f.ctx.occurredAt));
    const { signalOf } = await openSignals(tx, firings);
    // A row per fired wait: the awaited event arriving later resolves its signal.
    await tx.execute(sql`
      insert into rule_expectations (id, rule_id, rule_version, ref_value, customer_id, organization_id,
        started_by_event_id, started_at, due_at, state, signal_id)
      select v.id, v.rule_id, v.rule_version, v.ref_value, v.customer_id, v.organization_id,
        v.started_by_event_id, v.started_at, v.due_at, 'fired', v.s
      from unnest(${sql.param(fire.map(() => uuidv7()))}::uuid[],
        ${sql.param(fire.map((f) => f.m.id))}::uuid[], ${sql.param(fire.map((f) => f.m.version))}::int[],
        ${sql.param(fire.map((f) => f.ref))}::text[], ${sql.param(fire.map((f) => f.ctx.customer?.id ?? null))}::uuid[],
        ${sql.param(fire.map((f) => f.ctx.organization?.id ?? null))}::uuid[],
        ${sql.param(fire.map((f) => f.ctx.id))}::uuid[],
        ${sql.param(fire.map((f) => f.ctx.occurredAt.toISOString()))}::timestamptz[],
        ${sql.param(fire.map((f) => f.dueAt.toISOString()))}::timestamptz[],
        ${sql.param(firings.map((f) => signalOf.get(firingKey(f))!))}::uuid[])
        as v(id, rule_id, rule_version, ref_value, customer_id, organization_id, started_by_event_id,
          started_at, due_at, s)`);
  }

  // Lock the marks, then check and move them in one statement (see the top of this file). Each
  // mark moves to its last start read when the batch was full, else to now - within.
  await tx.execute(sql`
    select 1 from rule_watermarks where rule_id = any(${sql.param(current.map((m) => m.id))}::uuid[])
    order by rule_id for update`);
  const moves = current.map((m) => {
    const list = byRule.get(m.id) ?? [];
    const d = m.definition as AbsenceRule & { within: string };
    return {
      rule_id: m.id,
      old_at: m.until_text,
      old_id: m.until_id,
      secs: withinSecs(d),
      n: list.length,
      last_id: list.length >= limit ? list[list.length - 1]!.id : null,
      types: typesOf(d.after),
    };
  });
  const fired = fire.map((f) => ({
    start_id: f.ctx.id,
    ref_key: f.d.sameRef,
    ref: f.ref,
    at: f.ctx.occurredAt.toISOString(),
    types: typesOf(f.d.expect),
    n: f.seen,
  }));
  const [checked] = await rows<{ ok: boolean }>(
    tx,
    sql`
    with v as (
      select r.rule_id, r.old_at::timestamptz as old_at, r.old_id, r.n, r.types,
        coalesce(e.occurred_at, now() - make_interval(secs => r.secs)) as new_at,
        coalesce(e.id, ${MAX_UUID}::uuid) as new_id
      from jsonb_to_recordset(${JSON.stringify(moves)}::jsonb)
        as r(rule_id uuid, old_at text, old_id uuid, secs float8, n int, last_id uuid, types jsonb)
      left join events e on e.id = r.last_id
    ), moved as (
      select 1 from v join rule_watermarks w on w.rule_id = v.rule_id
      where w.until_at <> v.old_at or w.until_id <> v.old_id or v.n <> (
        select count(*) from events e
        where e.type in (select jsonb_array_elements_text(v.types))
          and e.occurred_at >= v.old_at and (e.occurred_at, e.id) > (v.old_at, v.old_id)
          and (e.occurred_at, e.id) <= (v.new_at, v.new_id) and e.received_at >= w.since)
    ), arrived as (
      select 1 from jsonb_to_recordset(${JSON.stringify(fired)}::jsonb)
        as f(start_id uuid, ref_key text, ref text, at text, types jsonb, n int)
      where f.n <> (
        select count(*) from events e
        where e.refs @> jsonb_build_object(f.ref_key, f.ref)
          and e.type in (select jsonb_array_elements_text(f.types))
          and e.occurred_at >= f.at::timestamptz and e.id <> f.start_id)
    ), ok as (
      select not exists (select 1 from moved) and not exists (select 1 from arrived) as ok
    ), moving as (
      update rule_watermarks w set until_at = v.new_at, until_id = v.new_id
      from v, ok where ok.ok and w.rule_id = v.rule_id and (w.until_at, w.until_id) < (v.new_at, v.new_id)
      returning 1
    )
    select ok, (select count(*) from moving) as n from ok`,
  );
  if (!checked?.ok) throw new MarksMoved();
  return due.length;
}

async function readMarks(tx: Database): Promise<Mark[]> {
  const found = await rows<Mark>(
    tx,
    sql`
    select r.id, r.version, r.definition, w.since, w.until_at::text as until_text, w.until_id
    from signal_rules r left join rule_watermarks w on w.rule_id = r.id
    where r.enabled and r.deleted_at is null and r.kind = 'absence' and r.definition ->> 'within' is not null`,
  );
  return found.filter((m) => isLazy(m.definition) && withinSecs(m.definition) > 0);
}

type DueRow = StoredEventRow & { rule_id: string };

/** The starts past each rule's mark that are due now, in (occurred_at, id) order, `limit` per rule. */
async function dueStarts(tx: Database, marks: Mark[], limit: number): Promise<DueRow[]> {
  // Compared with the mark in SQL: timestamps keep their microseconds.
  const branches = marks.map((m) => {
    const d = m.definition as AbsenceRule & { within: string };
    return sql`(select ${STORED_EVENT_COLUMNS}, w.rule_id
      from rule_watermarks w cross join lateral (
        select * from events e
        where e.type = any(${sql.param(typesOf(d.after))}::text[])
          and e.occurred_at >= w.until_at and (e.occurred_at, e.id) > (w.until_at, w.until_id)
          and e.occurred_at <= now() - make_interval(secs => ${withinSecs(d)})
          and e.received_at >= w.since
        order by e.occurred_at, e.id limit ${limit}
      ) e
      where w.rule_id = ${m.id}::uuid)`;
  });
  return rows<DueRow>(tx, sql.join(branches, sql` union all `));
}
