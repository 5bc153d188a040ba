// Absence rules with `within` keep no row per wait. A wait is its starting event, due at
// `occurred_at + within`; most are met by the awaited event long before, so writing a row at the
// start and ending it at the arrival (what `by` rules do, whose deadline comes from the data)
// would be two writes per start for nothing. Instead the timer reads the starts that fell due
// from `events` (the `events_type_occurred` index), past a mark per rule (`rule_watermarks`),
// judges each (awaited event stored? a later start moved the wait?), fires the rest and moves the
// mark, in one transaction. A fired wait gets a row (state `fired`), so the awaited event
// arriving later resolves its signal as before.
//
// Exactly once, with several processes: the timer moves a mark only under an exclusive
// transaction advisory lock, and the ingest takes the same lock shared before it reads the marks
// (and before it looks for fired waits its expected events end). So an ingest transaction either
// reads the mark after the timer committed (its starts at or behind the mark become wait rows,
// like a late sender's), or the timer's statements run after the ingest committed and see its
// starts and its expected events. The ingest takes the lock at the end of its transaction, for
// its last few statements, so the timer waits milliseconds for it, not a batch.
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

/** The advisory lock between the ingest (shared) and the timer moving marks (exclusive). */
const LOCK = sql`hashtext('steward.lazy-absence-waits')`;
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

export const LAZY_BATCH = 500;

const withinSecs = (d: AbsenceRule & { within: string }) => (isoDurationMs(d.within) ?? 0) / 1000;

/** Ingest side: takes the lock shared (held to commit). Call before reading marks or fired waits. */
export async function shareLazyLock(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${LOCK})`);
}

/**
 * Ingest side, after `shareLazyLock`: which of these starts of lazy rules need a wait row (true),
 * because the timer has judged past them already (a late sender), or the rule has no mark yet, or
 * this transaction began before the mark's `since`. Compared in SQL, at the database's precision.
 */
export async function startsNeedingRows(
  tx: Database,
  starts: { ruleId: string; occurredAt: Date; eventId: string }[],
): Promise<boolean[]> {
  if (starts.length === 0) return [];
  const lazy = await rows<{ i: number }>(
    tx,
    sql`
    select v.i::int as i
    from unnest(${sql.param(starts.map((s) => s.ruleId))}::uuid[],
      ${sql.param(starts.map((s) => s.occurredAt.toISOString()))}::timestamptz[],
      ${sql.param(starts.map((s) => s.eventId))}::uuid[]) with ordinality as v(rule_id, at, id, i)
    join rule_watermarks w on w.rule_id = v.rule_id
    where now() >= w.since and (v.at, v.id) > (w.until_at, w.until_id)`,
  );
  const isLazyStart = new Set(lazy.map((r) => r.i - 1));
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
  until_at: Date | null;
  until_id: string | null;
}

/**
 * Timer side: judges the starts of `within` rules that fell due and fires those still unmet.
 * Returns how many starts it judged (at most `limit` per rule).
 */
export async function fireDueStarts(db: Database, limit = LAZY_BATCH): Promise<number> {
  return db.transaction(async (tx) => {
    const marks = await readMarks(tx);
    const missing = marks.filter((m) => !m.since);
    // Live rules without a mark (created before marks existed): theirs start now.
    if (missing.length)
      await tx.execute(sql`
        insert into rule_watermarks (rule_id, since, until_at, until_id)
        select id, now(), now() - make_interval(secs => secs), ${MAX_UUID}::uuid
        from unnest(${sql.param(missing.map((m) => m.id))}::uuid[],
          ${sql.param(missing.map((m) => withinSecs(m.definition as AbsenceRule & { within: string })))}::float8[])
          as r(id, secs)
        on conflict (rule_id) do nothing`);
    const marked = marks.filter((m) => m.since);
    // Anything due? Asked without the lock, so an idle timer never makes the ingest wait.
    if (marked.length === 0 || (await dueStarts(tx, marked, 1)).length === 0) return 0;

    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK})`);
    // Under the lock: the marks as committed now (another process may have moved them).
    const current = (await readMarks(tx)).filter((m) => m.since);
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
    );
    const fire = groups.flatMap(({ m, starts }, g) =>
      starts.flatMap((s, i) => (verdicts[g]![i] ? [] : [{ m, ...s }])),
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

    // Move each mark: to its last start read when the batch was full, else to now - within.
    const moves = current.map((m) => {
      const list = byRule.get(m.id);
      const full = list && list.length >= limit;
      return {
        id: m.id,
        lastEventId: full ? list[list.length - 1]!.id : null,
        secs: withinSecs(m.definition as AbsenceRule & { within: string }),
      };
    });
    await tx.execute(sql`
      with v as (
        select v.rule_id, coalesce(e.occurred_at, now() - make_interval(secs => v.secs)) as at,
          coalesce(e.id, ${MAX_UUID}::uuid) as id
        from unnest(${sql.param(moves.map((m) => m.id))}::uuid[], ${sql.param(moves.map((m) => m.lastEventId))}::uuid[],
          ${sql.param(moves.map((m) => m.secs))}::float8[]) as v(rule_id, event_id, secs)
        left join events e on e.id = v.event_id
      )
      update rule_watermarks w set until_at = v.at, until_id = v.id
      from v where w.rule_id = v.rule_id and (w.until_at, w.until_id) < (v.at, v.id)`);
    return due.length;
  });
}

async function readMarks(tx: Database): Promise<Mark[]> {
  const found = await rows<Mark>(
    tx,
    sql`
    select r.id, r.version, r.definition, w.since, w.until_at, w.until_id
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
          and (e.occurred_at, e.id) > (w.until_at, w.until_id)
          and e.occurred_at <= now() - make_interval(secs => ${withinSecs(d)})
          and e.received_at >= w.since
        order by e.occurred_at, e.id limit ${limit}
      ) e
      where w.rule_id = ${m.id}::uuid)`;
  });
  return rows<DueRow>(tx, sql.join(branches, sql` union all `));
}
