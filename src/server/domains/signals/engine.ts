// The signal engine's event side: runs inside the ingest transaction over the events a batch
// stored, so an accepted event and everything it caused commit together (and a crash loses
// neither). Set-based: whatever the batch size, a fixed handful of statements per rule kind.
// - match rules fire on each matching event;
// - threshold rules record their hits and count them per subject in the window;
// - absence rules: expected events end the waits they meet (and resolve signals already fired
//   for them); starting events begin new waits, which the timer job fires when due;
// - commitments of the customers' agreements are opened and closed (commitments.engine.ts).
import { sql } from 'drizzle-orm';
import { newId } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import {
  dedupeKeyOf,
  dedupeRefOf,
  expectationDue,
  inScope,
  noWaitReason,
  refValueOf,
  selectorMatches,
  typesOf,
  type EventContext,
} from '../../../core/rules/evaluate.js';
import type { AbsenceRule, ThresholdRule } from '../../../shared/schemas/rules.js';
import { isoDurationMs } from '../../../shared/schemas/rules.js';
import { COMMITMENT_ENDINGS_JSON, trackCommitments } from '../commitments/commitments.engine.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';
import type { CommitmentEnding } from '../../../core/rules/commitments.js';
import {
  ACTIVE_AGREEMENTS_JSON,
  contextsFor,
  type ActiveAgreement,
  STORED_EVENT_COLUMNS,
  toStoredEvent,
  type EventWarning,
  type Person,
  type StoredEvent,
  type StoredEventRow,
} from './event-context.js';
import { openSignals, resolveSignals, type Firing, type LiveRule } from './open-signals.js';

export interface EngineResult {
  signalsOpened: number;
  signalsRepeated: number;
  signalsResolved: number;
  waitsStarted: number;
  waitsEnded: number;
  commitmentsOpened: number;
  commitmentsClosed: number;
  /** What accepted events were meant to do and could not, e.g. a promise without a readable date. */
  warnings: EventWarning[];
}

const NOTHING: EngineResult = {
  signalsOpened: 0,
  signalsRepeated: 0,
  signalsResolved: 0,
  waitsStarted: 0,
  waitsEnded: 0,
  commitmentsOpened: 0,
  commitmentsClosed: 0,
  warnings: [],
};

/**
 * What the engine reads for every batch, in one statement: the enabled rules, the active
 * agreements (rule scopes, commitments opened) and every commitment ending ever declared
 * (commitments closed and cancelled: see commitments.engine.ts).
 */
async function engineSettings(tx: Database): Promise<{
  rules: LiveRule[];
  agreements: ActiveAgreement[];
  endings: CommitmentEnding[];
  companyZone: string;
}> {
  const [row] = await rows<{
    rules: LiveRule[];
    agreements: ActiveAgreement[];
    endings: CommitmentEnding[];
    companyZone: string;
  }>(
    tx,
    sql`select
      (select coalesce(json_agg(json_build_object('id', r.id, 'version', r.version, 'definition', r.definition)), '[]')
        from signal_rules r where r.enabled and r.deleted_at is null) as rules,
      (${ACTIVE_AGREEMENTS_JSON}) as agreements,
      (${COMMITMENT_ENDINGS_JSON}) as endings,
      ${COMPANY_TIME_ZONE} as "companyZone"`,
  );
  return row!;
}

/** Event types any rule or commitment looks at. */
function typesWatched(rules: LiveRule[], commitmentTypes: string[]): Set<string> {
  const types = new Set(commitmentTypes);
  for (const { definition: d } of rules) {
    const selectors = d.kind === 'absence' ? [d.after, d.expect] : [d.when];
    for (const s of selectors) for (const t of typesOf(s)) types.add(t);
  }
  return types;
}

const byTime = (a: EventContext, b: EventContext) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function firingOf(
  rule: LiveRule,
  ctx: EventContext,
  evidence: string[],
  since: Date,
  dueAt: Date | null = null,
): Firing {
  const refKey = dedupeRefOf(rule.definition);
  return {
    rule,
    dedupeKey: dedupeKeyOf(rule.definition, ctx),
    customerId: ctx.customer?.id ?? null,
    organizationId: ctx.organization?.id ?? null,
    refKey,
    refValue: refKey ? refValueOf(ctx, refKey) : null,
    refs: ctx.refs,
    dueAt,
    evidence,
    since,
  };
}

export async function processEvents(
  tx: Database,
  stored: StoredEvent[],
  /** Customers the caller read already, by id. */
  people?: Map<string, Person>,
): Promise<EngineResult> {
  if (stored.length === 0) return NOTHING;
  // Instances end on the terms they opened under: closing and cancelling types of any agreement
  // ever saved (endings), not only of the active ones.
  const { rules, agreements, endings, companyZone } = await engineSettings(tx);
  const commitmentTypes = [
    ...agreements.flatMap((a) => a.commitments.map((c) => c.opens)),
    ...endings.map((e) => e.type),
  ];
  const watched = typesWatched(rules, commitmentTypes);
  const relevant = stored.filter((e) => watched.has(e.type));
  if (relevant.length === 0) return NOTHING;
  // Each customer's agreement: rule scopes, commitments, and where date-only deadlines end.
  const ctxs = (
    await contextsFor(tx, relevant, { agreements, companyZone, ...(people ? { people } : {}) })
  ).sort(byTime);

  const firings: Firing[] = [];
  const result = { ...NOTHING, warnings: [] as EventWarning[] };
  for (const rule of rules) {
    const d = rule.definition;
    if (d.kind === 'match') {
      for (const ctx of ctxs) {
        if (selectorMatches(d.when, ctx) && inScope(d.scope, ctx))
          firings.push(firingOf(rule, ctx, [ctx.id], ctx.occurredAt));
      }
    }
  }
  firings.push(...(await thresholdFirings(tx, rules, ctxs)));
  const absence = await runAbsenceRules(tx, rules, ctxs);
  result.waitsStarted = absence.started;
  result.waitsEnded = absence.ended;
  result.signalsResolved = absence.resolved;
  result.warnings.push(...absence.warnings);

  const written = await openSignals(tx, firings);
  result.signalsOpened = written.opened.length;
  result.signalsRepeated = written.repeated.length;

  if (commitmentTypes.length > 0) {
    const c = await trackCommitments(tx, ctxs, agreements, endings);
    result.commitmentsOpened = c.opened;
    result.commitmentsClosed = c.closed;
    result.warnings.push(...c.warnings);
  }
  return result;
}

// ---- threshold --------------------------------------------------------------------------------

async function thresholdFirings(tx: Database, rules: LiveRule[], ctxs: EventContext[]): Promise<Firing[]> {
  const hits: { rule: LiveRule; subject: string; ctx: EventContext }[] = [];
  for (const rule of rules) {
    const d = rule.definition;
    if (d.kind !== 'threshold') continue;
    for (const ctx of ctxs) {
      const subject = d.per === 'organization' ? ctx.organization?.id : ctx.customer?.id;
      if (subject && selectorMatches(d.when, ctx) && inScope(d.scope, ctx)) hits.push({ rule, subject, ctx });
    }
  }
  if (hits.length === 0) return [];
  await tx.execute(sql`
    insert into rule_hits (rule_id, subject_id, event_id, occurred_at)
    select * from unnest(${sql.param(hits.map((h) => h.rule.id))}::uuid[],
      ${sql.param(hits.map((h) => h.subject))}::uuid[], ${sql.param(hits.map((h) => h.ctx.id))}::uuid[],
      ${sql.param(hits.map((h) => h.ctx.occurredAt.toISOString()))}::timestamptz[])
    on conflict do nothing`);
  // Each hit's window is counted (one probe of rule_hits_window per hit): a call carrying history
  // (a backfill) may hold a burst that an earlier hit's window shows and the latest one's does not.
  // Per rule and subject, the latest hit whose window reaches the count fires (its window's events
  // are the evidence, read for it alone); repeats of a live signal dedupe into it as evidence.
  const fired = await rows<{ i: number; ids: string[]; since: Date }>(
    tx,
    sql`
    with v as (
      select * from unnest(${sql.param(hits.map((h) => h.rule.id))}::uuid[], ${sql.param(hits.map((h) => h.subject))}::uuid[],
        ${sql.param(hits.map((h) => h.ctx.occurredAt.toISOString()))}::timestamptz[],
        ${sql.param(hits.map((h) => isoDurationMs((h.rule.definition as ThresholdRule).window)! / 1000))}::float8[],
        ${sql.param(hits.map((h) => (h.rule.definition as ThresholdRule).count))}::int[])
        with ordinality as v(rule_id, subject_id, at, secs, need, i)
    ), reached as (
      select distinct on (v.rule_id, v.subject_id) v.*
      from v
      where (select count(*) from rule_hits h where h.rule_id = v.rule_id and h.subject_id = v.subject_id
        and h.occurred_at > v.at - make_interval(secs => v.secs) and h.occurred_at <= v.at) >= v.need
      order by v.rule_id, v.subject_id, v.at desc, v.i desc
    )
    select r.i::int as i, (array_agg(h.event_id order by h.occurred_at desc))[1:200] as ids,
      min(h.occurred_at) as since
    from reached r
    join rule_hits h on h.rule_id = r.rule_id and h.subject_id = r.subject_id
      and h.occurred_at > r.at - make_interval(secs => r.secs) and h.occurred_at <= r.at
    join events e on e.id = h.event_id -- evidence is what is still stored (event retention)
    group by r.i`,
  );
  const firings = fired.map((f) => {
    const hit = hits[f.i - 1]!;
    return firingOf(hit.rule, hit.ctx, f.ids, new Date(f.since));
  });
  return firings;
}

// ---- absence ----------------------------------------------------------------------------------

interface Start {
  rule: LiveRule;
  ctx: EventContext;
  ref: string;
  dueAt: Date;
  promiseDueAt: Date | null;
}

async function runAbsenceRules(tx: Database, rules: LiveRule[], ctxs: EventContext[]) {
  const absence = rules.filter((r) => r.definition.kind === 'absence');
  const out = { started: 0, ended: 0, resolved: 0, warnings: [] as EventWarning[] };
  if (absence.length === 0) return out;

  const expects: { rule: LiveRule; ctx: EventContext; ref: string }[] = [];
  const starts: Start[] = [];
  const noWait = (d: AbsenceRule, ctx: EventContext) =>
    out.warnings.push({
      eventId: ctx.id,
      message: `rule "${d.name}" started no wait: ${noWaitReason(d, ctx)}`,
    });
  for (const rule of absence) {
    const d = rule.definition as AbsenceRule;
    for (const ctx of ctxs) {
      const ref = refValueOf(ctx, d.sameRef);
      const starting = selectorMatches(d.after, ctx) && inScope(d.scope, ctx);
      if (!ref) {
        if (starting) noWait(d, ctx);
        continue;
      }
      if (selectorMatches(d.expect, ctx)) expects.push({ rule, ctx, ref });
      if (starting) {
        const due = expectationDue(d, ctx);
        if (due) starts.push({ rule, ctx, ref, ...due });
        else noWait(d, ctx);
      }
    }
  }

  // 1. Expected events end the waits started before them (the latest expected event per rule
  //    and ref is enough). A wait that already fired resolves its signal instead.
  if (expects.length > 0) {
    const last = new Map<string, (typeof expects)[number]>();
    for (const e of expects) last.set(`${e.rule.id}|${e.ref}`, e);
    const ends = [...last.values()];
    // Two probes per (rule, ref), one in each partial index (the waiting, the fired but still
    // open). LATERAL with OFFSET 0 keeps them probes: joined flat, the planner may read every
    // open wait into a hash, which it prefers on PGlite, whose tables are never analyzed.
    const ended = await rows<{ signal_id: string | null; event_id: string; type: string }>(
      tx,
      sql`
      with v as (
        select * from unnest(${sql.param(ends.map((e) => e.rule.id))}::uuid[], ${sql.param(ends.map((e) => e.ref))}::text[],
          ${sql.param(ends.map((e) => e.ctx.occurredAt.toISOString()))}::timestamptz[],
          ${sql.param(ends.map((e) => e.ctx.id))}::uuid[], ${sql.param(ends.map((e) => e.ctx.type))}::text[])
          as v(rule_id, ref_value, at, event_id, type)
      ), matched as (
        select w.id, v.event_id, v.type from v cross join lateral (
          select x.id from rule_expectations x
          where x.rule_id = v.rule_id and x.ref_value = v.ref_value and x.state = 'waiting' and x.started_at <= v.at
          union all
          select x.id from rule_expectations x
          where x.rule_id = v.rule_id and x.ref_value = v.ref_value and x.state = 'fired' and x.closed_at is null
            and x.started_at <= v.at
          offset 0
        ) w
      )
      update rule_expectations x
      set state = case when x.state = 'waiting' then 'fulfilled' else x.state end, closed_at = now()
      from matched o
      where x.id = o.id and (x.state = 'waiting' or (x.state = 'fired' and x.closed_at is null))
      returning x.signal_id, o.event_id, o.type`,
    );
    out.ended = ended.length;
    out.resolved = await resolveSignals(
      tx,
      ended
        .filter((e) => e.signal_id)
        .map((e) => ({
          signalId: e.signal_id!,
          eventId: e.event_id,
          reason: `the awaited event arrived (${e.type})`,
        })),
    );
  }

  // 2. Starting events begin waits, unless the expected event is already here: later in this
  //    batch, or received earlier although it happened after the start (out-of-order senders).
  const expectedBy = new Map<string, EventContext[]>();
  for (const e of expects) {
    const key = `${e.rule.id}|${e.ref}`;
    const list = expectedBy.get(key);
    if (list) list.push(e.ctx);
    else expectedBy.set(key, [e.ctx]);
  }
  let fresh = starts.filter(
    (s) =>
      !expectedBy
        .get(`${s.rule.id}|${s.ref}`)
        ?.some((e) => e.id !== s.ctx.id && e.occurredAt >= s.ctx.occurredAt),
  );
  if (fresh.length === 0) return out;
  fresh = await withoutEarlierArrivals(tx, fresh);
  // The latest start per rule and ref: a repeated starting event (re-promised, dispatched again)
  // moves the running wait rather than starting a second one.
  const latestStart = new Map<string, Start>();
  for (const s of fresh) latestStart.set(`${s.rule.id}|${s.ref}`, s);
  fresh = [...latestStart.values()];
  if (fresh.length === 0) return out;
  const inserted = await rows<{ id: string; inserted: boolean }>(
    tx,
    sql`
    insert into rule_expectations (id, rule_id, rule_version, ref_value, customer_id, organization_id,
      started_by_event_id, started_at, due_at, promise_due_at)
    select * from unnest(${sql.param(fresh.map(() => newId()))}::uuid[], ${sql.param(fresh.map((s) => s.rule.id))}::uuid[],
      ${sql.param(fresh.map((s) => s.rule.version))}::int[], ${sql.param(fresh.map((s) => s.ref))}::text[],
      ${sql.param(fresh.map((s) => s.ctx.customer?.id ?? null))}::uuid[],
      ${sql.param(fresh.map((s) => s.ctx.organization?.id ?? null))}::uuid[],
      ${sql.param(fresh.map((s) => s.ctx.id))}::uuid[],
      ${sql.param(fresh.map((s) => s.ctx.occurredAt.toISOString()))}::timestamptz[],
      ${sql.param(fresh.map((s) => s.dueAt.toISOString()))}::timestamptz[],
      ${sql.param(fresh.map((s) => s.promiseDueAt?.toISOString() ?? null))}::timestamptz[])
    on conflict (rule_id, ref_value) where state = 'waiting' do update set
      rule_version = excluded.rule_version, started_by_event_id = excluded.started_by_event_id,
      started_at = excluded.started_at, due_at = excluded.due_at, promise_due_at = excluded.promise_due_at
      where rule_expectations.started_at <= excluded.started_at
    returning id, (xmax = 0) as inserted`,
  );
  out.started = inserted.filter((r) => r.inserted).length;
  return out;
}

/** Drops the starts whose expected event was stored before (see awaitedArrivalsOf). */
async function withoutEarlierArrivals(tx: Database, starts: Start[]): Promise<Start[]> {
  const byRule = new Map<LiveRule, Start[]>();
  for (const s of starts) {
    const list = byRule.get(s.rule);
    if (list) list.push(s);
    else byRule.set(s.rule, [s]);
  }
  const groups = [...byRule];
  const met = await awaitedArrivalsOf(
    tx,
    groups.map(([rule, list]) => ({
      rule: rule.definition as AbsenceRule,
      waits: list.map((s) => ({ ref: s.ref, startedAt: s.ctx.occurredAt, startEventId: s.ctx.id })),
    })),
  );
  return groups.flatMap(([, list], g) => list.filter((_, i) => !met[g]![i]));
}

/** Starts within this span of each other and of now are checked by a range of the events' time. */
const RANGE_SCAN_SPAN_MS = 15 * 60_000;

/**
 * For each wait of each absence rule given: is its expected event stored already (same ref, at or
 * after the start, not the starting event itself)? One statement, an indexed branch per rule.
 * Used when waits would start (the event came early, out of order) and again when they would
 * fire (the event came in a concurrent transaction that could not see the wait), so neither
 * leaves a false alarm.
 */
export async function awaitedArrivalsOf(
  tx: Database,
  groups: { rule: AbsenceRule; waits: { ref: string; startedAt: Date; startEventId: string }[] }[],
): Promise<boolean[][]> {
  const asked = groups.flatMap((g, i) => (g.waits.length ? [{ ...g, i }] : []));
  if (asked.length === 0) return groups.map((g) => g.waits.map(() => false));
  const branches = asked.map(({ rule: d, waits, i }) => {
    const refs = [...new Set(waits.map((w) => w.ref))];
    const starts = waits.map((w) => w.startedAt.getTime());
    const since = new Date(Math.min(...starts));
    const types = sql`e.type = any(${sql.param(typesOf(d.expect))}::text[]) and e.occurred_at >= ${since.toISOString()}::timestamptz`;
    // Starts close together (a live batch): the expected type's events since the earliest, by
    // (type, occurred_at). Starts far apart (a timer run's waits, begun a `within` ago; a
    // backfilled batch): that range could hold days of events, so each ref's few events instead,
    // one probe of the refs GIN index per ref (LATERAL ... OFFSET 0 keeps it a probe).
    if (
      Date.now() - since.getTime() <= RANGE_SCAN_SPAN_MS &&
      Math.max(...starts) - since.getTime() <= RANGE_SCAN_SPAN_MS
    )
      return sql`(select ${STORED_EVENT_COLUMNS}, ${i}::int as branch from events e
        where ${types} and e.refs ->> ${d.sameRef}::text = any(${sql.param(refs)}::text[]))`;
    return sql`(select ${STORED_EVENT_COLUMNS}, ${i}::int as branch
      from unnest(${sql.param(refs)}::text[]) as r(ref)
      cross join lateral (
        select * from events x where x.refs @> jsonb_build_object(${d.sameRef}::text, r.ref) offset 0
      ) e
      where ${types})`;
  });
  const hits = await rows<StoredEventRow & { branch: number }>(tx, sql.join(branches, sql` union all `));
  if (hits.length === 0) return groups.map((g) => g.waits.map(() => false));
  const eventOf = new Map(hits.map((h) => [h.id, toStoredEvent(h)]));
  const stored = [...eventOf.values()];
  // Conditions on the expected event need it as rules see it; a type alone does not.
  const withWhere = new Set(asked.filter((g) => g.rule.expect.where?.length).map((g) => g.i));
  const needContext = new Set(hits.filter((h) => withWhere.has(h.branch)).map((h) => h.id));
  const ctxs = needContext.size
    ? await contextsFor(
        tx,
        stored.filter((e) => needContext.has(e.id)),
      )
    : [];
  const ctxOf = new Map(ctxs.map((c) => [c.id, c]));
  return groups.map((g, i) => {
    const d = g.rule;
    const arrived = new Map<string, EventContext[]>();
    for (const h of hits) {
      if (h.branch !== i) continue;
      const e = eventOf.get(h.id)!;
      const c = ctxOf.get(h.id) ?? { ...e, customer: null, organization: null, agreementId: null };
      const ref = refValueOf(c, d.sameRef);
      if (ref === null || !selectorMatches(d.expect, c)) continue;
      const same = arrived.get(ref);
      if (same) same.push(c);
      else arrived.set(ref, [c]);
    }
    return g.waits.map((w) =>
      (arrived.get(w.ref) ?? []).some((a) => a.id !== w.startEventId && a.occurredAt >= w.startedAt),
    );
  });
}
