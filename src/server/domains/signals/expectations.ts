// The timer side of absence rules: waits whose due time has passed fire, once, whichever server
// process gets there first. A statement claims due waits with FOR UPDATE SKIP LOCKED; before
// firing, each is checked once more for its expected event (it may have been stored by a
// transaction that ran alongside the one that started the wait, and could not see it): those
// are fulfilled, the rest fire. The signals are written in the same transaction, so a crash
// fires nothing or everything, and a restart picks up what was due meanwhile (the waits are rows).
import { sql } from 'drizzle-orm';
import { uuidv7Floor } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type { RuleDefinition } from '../../../shared/schemas/rules.js';
import { awaitedArrivalsOf, firingOf } from './engine.js';
import { contextsFor, loadStoredEvents } from './event-context.js';
import { firingKey, openSignals, type LiveRule } from './open-signals.js';

export const TIMER_BATCH = 500;

interface Claimed {
  id: string;
  rule_id: string;
  ref_value: string;
  rule_version: number;
  started_by_event_id: string;
  started_at: Date;
  promise_due_at: Date | null;
}

/**
 * Fires the waits that are due. Returns how many due waits it handled (fired, or fulfilled after
 * all). `asOf` (the demo's replay of past events) fires those due by then instead of by now.
 */
export async function fireDueExpectations(db: Database, limit = TIMER_BATCH, asOf?: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = await rows<Claimed>(
      tx,
      sql`
      select id, rule_id, rule_version, ref_value, started_by_event_id, started_at, promise_due_at
      from rule_expectations
      where state = 'waiting' and due_at <= ${asOf ? sql`${asOf.toISOString()}::timestamptz` : sql`now()`}
      order by due_at limit ${limit}
      for update skip locked`,
    );
    if (claimed.length === 0) return 0;

    // The rule as it was when the wait began (its version), else as it is now.
    const ruleRows = await rows<{ id: string; version: number; definition: RuleDefinition }>(
      tx,
      sql`
      select distinct on (r.id, c.rule_version) r.id, c.rule_version as version,
        coalesce(v.definition, r.definition) as definition
      from unnest(${sql.param(claimed.map((c) => c.rule_id))}::uuid[], ${sql.param(claimed.map((c) => c.rule_version))}::int[])
        as c(rule_id, rule_version)
      join signal_rules r on r.id = c.rule_id
      left join signal_rule_versions v on v.rule_id = c.rule_id and v.version = c.rule_version`,
    );
    const ruleOf = new Map<string, LiveRule>(ruleRows.map((r) => [`${r.id}@${r.version}`, r]));

    // The expected event may be here after all: those waits are fulfilled, not fired.
    const byRule = new Map<string, Claimed[]>();
    for (const c of claimed)
      byRule.set(`${c.rule_id}@${c.rule_version}`, [
        ...(byRule.get(`${c.rule_id}@${c.rule_version}`) ?? []),
        c,
      ]);
    const fulfilled = new Set<string>();
    const absence = [...byRule].flatMap(([key, waits]) => {
      const rule = ruleOf.get(key);
      return rule?.definition.kind === 'absence' ? [{ rule: rule.definition, waits }] : [];
    });
    const met = await awaitedArrivalsOf(
      tx,
      absence.map(({ rule, waits }) => ({
        rule,
        waits: waits.map((w) => ({
          ref: w.ref_value,
          startedAt: new Date(w.started_at),
          startEventId: w.started_by_event_id,
        })),
      })),
    );
    absence.forEach(({ waits }, g) =>
      waits.forEach((w, i) => {
        if (met[g]![i]) fulfilled.add(w.id);
      }),
    );
    const toFire = claimed.filter((c) => !fulfilled.has(c.id));
    await tx.execute(sql`
      update rule_expectations x
      set state = case when x.id = any(${sql.param([...fulfilled])}::uuid[]) then 'fulfilled' else 'fired' end,
        closed_at = case when x.id = any(${sql.param([...fulfilled])}::uuid[]) then now() else null end
      where x.id = any(${sql.param(claimed.map((c) => c.id))}::uuid[])`);
    if (toFire.length === 0) return claimed.length;

    const ctxs = await contextsFor(
      tx,
      await loadStoredEvents(
        tx,
        sql`e.id = any(${sql.param(toFire.map((c) => c.started_by_event_id))}::uuid[])`,
      ),
    );
    const ctxOf = new Map(ctxs.map((c) => [c.id, c]));

    const fired = toFire.flatMap((c) => {
      const rule = ruleOf.get(`${c.rule_id}@${c.rule_version}`);
      const ctx = ctxOf.get(c.started_by_event_id);
      if (!rule || !ctx) return [];
      const dueAt = c.promise_due_at ? new Date(c.promise_due_at) : null;
      return [{ wait: c, firing: firingOf(rule, ctx, [ctx.id], new Date(c.started_at), dueAt) }];
    });
    const { signalOf } = await openSignals(
      tx,
      fired.map((f) => f.firing),
    );
    await tx.execute(sql`
      update rule_expectations x set signal_id = v.signal_id
      from unnest(${sql.param(fired.map((f) => f.wait.id))}::uuid[],
        ${sql.param(fired.map((f) => signalOf.get(firingKey(f.firing))!))}::uuid[]) as v(id, signal_id)
      where x.id = v.id`);
    return claimed.length;
  });
}

export const PRUNE_BATCH = 5_000;

/**
 * Threshold hits older than their rule's window (plus a day for late senders) count for nothing
 * any more: deleted in batches, and all hits of deleted or disabled rules. Returns how many.
 */
export async function pruneRuleHits(db: Database, limit = PRUNE_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`
    with old as (
      select h.rule_id, h.subject_id, h.event_id from rule_hits h
      join signal_rules r on r.id = h.rule_id
      where r.deleted_at is not null or not r.enabled or r.kind <> 'threshold'
        or h.occurred_at < now() - (r.definition ->> 'window')::interval - interval '1 day'
      limit ${limit}
    ), gone as (
      delete from rule_hits h using old
      where h.rule_id = old.rule_id and h.subject_id = old.subject_id and h.event_id = old.event_id
      returning 1
    )
    select count(*)::int as n from gone`,
  );
  return done[0]?.n ?? 0;
}

/** Ended waits are kept this long after they began ("why did this not fire?"), then deleted. */
export const ENDED_WAITS_KEPT_DAYS = 7;

/**
 * Waits that ended (fulfilled, cancelled, or fired and then answered by their event) and began
 * more than ENDED_WAITS_KEPT_DAYS ago: deleted in batches. Most events start a wait and most
 * waits end: kept for ever, they would be the largest table. Live waits, and fired ones still
 * unanswered (their signal is resolved through them), stay. Found through the primary key: wait
 * ids are UUIDv7, in creation order, so "began before" is a range of ids and the ingest keeps
 * no extra index for this job. Returns how many.
 */
export async function pruneEndedWaits(db: Database, limit = PRUNE_BATCH, now = new Date()): Promise<number> {
  const before = uuidv7Floor(new Date(now.getTime() - ENDED_WAITS_KEPT_DAYS * 86_400_000));
  const done = await rows<{ n: number }>(
    db,
    sql`
    with old as (
      select id from rule_expectations
      where id < ${before}::uuid
        and (state in ('fulfilled', 'cancelled') or (state = 'fired' and closed_at is not null))
      order by id limit ${limit}
    ), gone as (
      delete from rule_expectations x using old where x.id = old.id returning 1
    )
    select count(*)::int as n from gone`,
  );
  return done[0]?.n ?? 0;
}
