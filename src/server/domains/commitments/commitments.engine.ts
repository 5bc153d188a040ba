// Commitments follow the events, inside the ingest transaction (see signals/engine.ts):
// - an opening event under the customer's agreement (the most specific one) opens an instance,
//   or moves the due time of the live instance for the same commitment and ref (re-promised);
// - a closing event with the same ref closes the live instance: met or late (fulfil), broken
//   (avoid); a cancelling event (cancelledBy) ends it as cancelled. When both come, the one that
//   occurred first wins (at the same time, the closing one);
// - a new instance whose closing or cancelling event was stored before it (a delivery sent in an
//   earlier call than its promise) is closed at once by the first of them.
// Set-based: one statement for the openings, one for the new instances' stored events (only when
// the batch opened some), one for the closings.
// The due time passing is the job's part (closeDueCommitments below).
import { sql, type SQL } from 'drizzle-orm';
import { newId } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import {
  cancellationsByType,
  cancellingEventOf,
  closingEventOf,
  closingRefsByType,
  commitmentOpening,
  endingsOf,
  type CommitmentEnding,
} from '../../../core/rules/commitments.js';
import type { CommitmentDefinition, CommitmentState } from '../../../shared/schemas/signals.js';

/** The states an ending writes (each a domain event type: `commitment.met`, …). */
type ClosedState = Exclude<CommitmentState, 'open'>;
import { refValueOf, type EventContext } from '../../../core/rules/evaluate.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import type { ActiveAgreement, EventWarning } from '../signals/event-context.js';
import { commitmentEndings } from './commitments.table.js';

const JOB_BATCH = 1000;
const param = <T>(values: T[]) => sql.param(values);

/** An instance an event opens (or re-promises) under a commitment of the customer's agreement. */
interface Opening {
  agreement: ActiveAgreement;
  key: string;
  name: string;
  mode: string;
  closesOn: string;
  cancelsOn: string | null;
  refKey: string;
  refValue: string;
  dueAt: Date;
  ctx: EventContext;
}

/**
 * Every ending any agreement ever declared (a few dozen rows), as one JSON array of
 * CommitmentEnding: what events may end instances. A subquery, read with the engine's settings.
 */
export const COMMITMENT_ENDINGS_JSON = sql`
  select coalesce(json_agg(json_build_object('type', e.type, 'refKey', e.ref_key, 'cancels', e.cancels)), '[]')
  from commitment_endings e`;

/** Keeps the endings of commitment definitions being saved (each once, never removed). */
export async function recordCommitmentEndings(tx: Database, defs: CommitmentDefinition[]): Promise<void> {
  const endings = endingsOf(defs);
  if (endings.length > 0) await tx.insert(commitmentEndings).values(endings).onConflictDoNothing();
}

/**
 * An agreement's commitments changed: its live instances take the cancelling type their
 * commitment (same key, same ref) has now — `cancelledBy` added later cancels the orders already
 * promised. Closing types and refs stay as they opened; instances of a commitment dropped, or now
 * followed by another ref, keep theirs (the endings recorded for them still find them).
 */
export async function followCancellations(
  tx: Database,
  agreementId: string,
  defs: CommitmentDefinition[],
): Promise<void> {
  if (defs.length === 0) return;
  await tx.execute(sql`
    update commitments c set cancels_on = v.cancels_on, updated_at = now()
    from unnest(${param(defs.map((d) => d.key))}::text[], ${param(defs.map((d) => d.ref))}::text[],
      ${param(defs.map((d) => cancellingEventOf(d)))}::text[]) as v(key, ref_key, cancels_on)
    where c.agreement_id = ${agreementId} and c.key = v.key and c.ref_key = v.ref_key
      and c.state in ('open', 'overdue')
      and c.cancels_on is distinct from v.cancels_on`);
}

export async function trackCommitments(
  tx: Database,
  ctxs: EventContext[],
  agreements: ActiveAgreement[],
  /** COMMITMENT_ENDINGS_JSON: closings and cancellations follow these, not the agreements of now. */
  endings: CommitmentEnding[],
): Promise<{ opened: number; closed: number; warnings: EventWarning[] }> {
  const agreementBy = new Map(agreements.map((a) => [a.id, a]));

  const openings: Opening[] = [];
  const warnings: EventWarning[] = [];
  for (const ctx of ctxs) {
    const agreement = ctx.agreementId ? agreementBy.get(ctx.agreementId) : undefined;
    if (!agreement) continue;
    for (const def of agreement.commitments) {
      const opening = commitmentOpening(def, ctx);
      if (!opening) continue;
      if ('problem' in opening) {
        warnings.push({
          eventId: ctx.id,
          message: `commitment "${def.name}" (${agreement.name}) not opened: ${opening.problem}`,
        });
        continue;
      }
      openings.push({
        agreement,
        key: def.key,
        name: def.name,
        mode: def.mode,
        closesOn: closingEventOf(def)!,
        cancelsOn: cancellingEventOf(def),
        refKey: def.ref,
        refValue: opening.refValue,
        dueAt: opening.dueAt,
        ctx,
      });
    }
  }
  // One row per commitment, ref and customer per statement: the latest opening wins.
  const latest = new Map<string, (typeof openings)[number]>();
  for (const o of openings) latest.set(`${o.key}|${o.refValue}|${o.ctx.customer?.id ?? ''}`, o);
  const list = [...latest.values()];
  let opened: {
    id: string;
    inserted: boolean;
    key: string;
    ref_value: string;
    customer_id: string | null;
    due_at: Date;
  }[] = [];
  if (list.length > 0) {
    opened = await rows(
      tx,
      sql`
      insert into commitments (id, agreement_id, key, name, mode, customer_id, organization_id, segment,
        ref_key, ref_value, closes_on, cancels_on, opened_at, due_at, opened_by_event_id)
      select * from unnest(${param(list.map(() => newId()))}::uuid[], ${param(list.map((o) => o.agreement.id))}::uuid[],
        ${param(list.map((o) => o.key))}::text[], ${param(list.map((o) => o.name))}::text[],
        ${param(list.map((o) => o.mode))}::text[], ${param(list.map((o) => o.ctx.customer?.id ?? null))}::uuid[],
        ${param(list.map((o) => o.ctx.organization?.id ?? null))}::uuid[],
        ${param(list.map((o) => o.ctx.customer?.segment ?? null))}::text[],
        ${param(list.map((o) => o.refKey))}::text[], ${param(list.map((o) => o.refValue))}::text[],
        ${param(list.map((o) => o.closesOn))}::text[], ${param(list.map((o) => o.cancelsOn))}::text[],
        ${param(list.map((o) => o.ctx.occurredAt.toISOString()))}::timestamptz[],
        ${param(list.map((o) => o.dueAt.toISOString()))}::timestamptz[], ${param(list.map((o) => o.ctx.id))}::uuid[])
      on conflict (key, ref_value, (coalesce(customer_id::text, ''))) where state in ('open', 'overdue')
      do update set
        repromised = commitments.repromised + (case when excluded.due_at <> commitments.due_at then 1 else 0 end),
        state = case when excluded.due_at > now() then 'open' else commitments.state end,
        due_at = excluded.due_at, updated_at = now()
      returning id, (xmax = 0) as inserted, key, ref_value, customer_id, due_at`,
    );
  }
  const closedAtOnce = await closeOnStoredEvents(
    tx,
    opened.flatMap((o) => {
      if (!o.inserted) return []; // re-promised: the instance was looked up when it opened
      const opening = latest.get(`${o.key}|${o.ref_value}|${o.customer_id ?? ''}`)!;
      return [{ id: o.id, ...opening }];
    }),
  );
  // Closings after openings, so a promise and its delivery in one batch are opened, then closed;
  // an instance only closes on an event that happened after it opened. A closing event without
  // a customer (a carrier's scan) closes by ref alone.
  // Closings: (type, ref key, ref value) of each closing event, from the commitments'
  // definitions, so the statement finds its instances through the (closes_on, ref_value) indexes.
  // Cancellations: (key, ref key, ref value), found through the live instances' unique index
  // (key, ref_value, customer), ended when the instance's own cancelling type is the event's.
  // Both from every ending ever declared: an instance ends on the terms it opened under.
  const refKeysOf = closingRefsByType(endings);
  const cancelsOf = cancellationsByType(endings);
  const closers = ctxs.flatMap((c) =>
    [...(refKeysOf.get(c.type) ?? [])].flatMap((key) => {
      const value = refValueOf(c, key);
      return value ? [{ ctx: c, key, value }] : [];
    }),
  );
  const cancellers = ctxs.flatMap((c) =>
    (cancelsOf.get(c.type) ?? []).flatMap((k) => {
      const value = refValueOf(c, k.ref);
      return value ? [{ ctx: c, key: k.key, refKey: k.ref, value }] : [];
    }),
  );
  let closed: { id: string; state: ClosedState }[] = [];
  if (closers.length > 0 || cancellers.length > 0) {
    const closing = sql`
        select c2.id as commitment_id, v.id, v.at, 0 as rank,
          case when c2.mode = 'avoid' then 'broken' when v.at <= c2.due_at then 'met' else 'late' end as state
        from unnest(${param(closers.map((c) => c.ctx.id))}::uuid[], ${param(closers.map((c) => c.ctx.type))}::text[],
          ${param(closers.map((c) => c.key))}::text[], ${param(closers.map((c) => c.value))}::text[],
          ${param(closers.map((c) => c.ctx.occurredAt.toISOString()))}::timestamptz[],
          ${param(closers.map((c) => c.ctx.customer?.id ?? null))}::uuid[])
          as v(id, type, ref_key, ref_value, at, customer_id)
        join commitments c2 on c2.closes_on = v.type and c2.ref_value = v.ref_value and c2.ref_key = v.ref_key
          and (v.customer_id is null or c2.customer_id is not distinct from v.customer_id)
          and c2.opened_at <= v.at
          and (c2.state in ('open', 'overdue')
            -- an avoid commitment met by its due time, broken by an event from before it that came late
            or (c2.mode = 'avoid' and c2.state = 'met' and v.at <= c2.due_at))`;
    // An avoid instance is kept once its due time passed: a later cancellation does not undo it.
    const cancelling = sql`
        select c2.id as commitment_id, v.id, v.at, 1 as rank, 'cancelled' as state
        from unnest(${param(cancellers.map((c) => c.ctx.id))}::uuid[], ${param(cancellers.map((c) => c.ctx.type))}::text[],
          ${param(cancellers.map((c) => c.key))}::text[], ${param(cancellers.map((c) => c.refKey))}::text[],
          ${param(cancellers.map((c) => c.value))}::text[],
          ${param(cancellers.map((c) => c.ctx.occurredAt.toISOString()))}::timestamptz[],
          ${param(cancellers.map((c) => c.ctx.customer?.id ?? null))}::uuid[])
          as v(id, type, key, ref_key, ref_value, at, customer_id)
        join commitments c2 on c2.key = v.key and c2.ref_value = v.ref_value and c2.state in ('open', 'overdue')
          and c2.ref_key = v.ref_key and c2.cancels_on = v.type
          and (v.customer_id is null or c2.customer_id is not distinct from v.customer_id)
          and c2.opened_at <= v.at
          and (c2.mode <> 'avoid' or v.at <= c2.due_at)`;
    const branches = [closers.length > 0 ? closing : null, cancellers.length > 0 ? cancelling : null].filter(
      (b) => b !== null,
    );
    // One ending per instance: the event that occurred first (a delivery before the
    // cancellation keeps the promise met; a cancellation first ends it cancelled).
    closed = await rows<{ id: string; state: ClosedState }>(
      tx,
      sql`
      update commitments c set state = v.state, closed_at = v.at, closed_by_event_id = v.id, updated_at = now()
      from (
        select distinct on (commitment_id) commitment_id, id, at, state
        from (${sql.join(branches, sql` union all `)}) e
        order by commitment_id, at, rank, id
      ) v
      where c.id = v.commitment_id
      returning c.id, c.state`,
    );
  }

  // In the order they happened: an instance opened and closed in one batch reads opened, then met.
  await recordDomainEvents(tx, SYSTEM_ACTOR, [
    ...opened.map((o) => ({
      type: o.inserted ? ('commitment.opened' as const) : ('commitment.repromised' as const),
      entityType: 'commitment' as const,
      entityId: o.id,
      data: { key: o.key, dueAt: new Date(o.due_at).toISOString() },
    })),
    ...[...closedAtOnce, ...closed].map((c) => ({
      type: `commitment.${c.state}` as const,
      entityType: 'commitment' as const,
      entityId: c.id,
    })),
  ]);
  return {
    opened: opened.filter((o) => o.inserted).length,
    closed: closedAtOnce.length + closed.length,
    warnings,
  };
}

/**
 * New instances whose ending event is stored already (sent before the promise, or in this
 * batch): each closes at the first closing or cancelling event with its ref value (and its
 * customer, when the event names one) that occurred at or after it opened; for `avoid`, only
 * events up to its due time count (after it, the promise was kept).
 * One statement for all of them; per instance, one probe of the events' GIN index on refs (the
 * few events of one order), the type, times and customer checked on those rows. The OFFSET 0
 * keeps those checks out of the probe: pushed into it, PostgreSQL ANDs the GIN probe with a range
 * of (type, occurred_at) from the opening on, cheap while events come in order but as long as the
 * stored history when they are backfilled (every delivery since the promise, per promise). LATERAL
 * keeps it a probe per instance whatever the planner thinks of the table (PGlite never analyzes).
 */
async function closeOnStoredEvents(
  tx: Database,
  fresh: (Pick<Opening, 'mode' | 'closesOn' | 'cancelsOn' | 'refKey' | 'refValue' | 'dueAt' | 'ctx'> & {
    id: string;
  })[],
): Promise<{ id: string; state: ClosedState }[]> {
  if (fresh.length === 0) return [];
  return rows<{ id: string; state: ClosedState }>(
    tx,
    sql`
    update commitments c set state = f.state, closed_at = f.at, closed_by_event_id = f.event_id, updated_at = now()
    from (${firstStoredEnding(sql`
      select * from unnest(${param(fresh.map((f) => f.id))}::uuid[], ${param(fresh.map((f) => f.mode))}::text[],
        ${param(fresh.map((f) => f.closesOn))}::text[], ${param(fresh.map((f) => f.cancelsOn))}::text[],
        ${param(fresh.map((f) => f.refKey))}::text[], ${param(fresh.map((f) => f.refValue))}::text[],
        ${param(fresh.map((f) => f.ctx.customer?.id ?? null))}::uuid[],
        ${param(fresh.map((f) => f.ctx.occurredAt.toISOString()))}::timestamptz[],
        ${param(fresh.map((f) => f.dueAt.toISOString()))}::timestamptz[])
        as v(id, mode, closes_on, cancels_on, ref_key, ref_value, customer_id, opened_at, due_at)`)}) f
    where c.id = f.id and c.state in ('open', 'overdue')
    returning c.id, c.state`,
  );
}

/**
 * For each instance of `instances` (columns id, mode, closes_on, cancels_on, ref_key, ref_value,
 * customer_id, opened_at, due_at): its first closing or cancelling event stored, and the state it
 * ends the instance in (id, event_id, at, state). See closeOnStoredEvents for the probe.
 */
const firstStoredEnding = (instances: SQL) => sql`
  select distinct on (v.id) v.id, e.id as event_id, e.occurred_at as at,
    case when e.type = v.cancels_on then 'cancelled' when v.mode = 'avoid' then 'broken'
      when e.occurred_at <= v.due_at then 'met' else 'late' end as state
  from (${instances}) v
  cross join lateral (
    select e.id, e.type, e.occurred_at, e.customer_id from events e
    where e.refs @> jsonb_build_object(v.ref_key, v.ref_value)
    offset 0
  ) e
  where (e.type = v.closes_on or e.type = v.cancels_on)
    and e.occurred_at >= v.opened_at
    and (e.customer_id is null or e.customer_id = v.customer_id)
    and (v.mode <> 'avoid' or e.occurred_at <= v.due_at)
  order by v.id, e.occurred_at, e.type = v.cancels_on, e.id`;

/**
 * Open commitments past their due time: fulfil ones become overdue, avoid ones are met (nothing
 * broke them in time). Claimed with SKIP LOCKED, flipped once: safe on any number of nodes.
 * Unless their ending event is stored after all: on PostgreSQL a promise and its delivery sent
 * in two calls at once each commit unseen by the other (neither the closing nor the opening
 * finds its counterpart), so the due time looks once more, as absence waits do before they fire,
 * and ends those as the event says (met, late, cancelled; broken for avoid).
 */
export async function closeDueCommitments(db: Database, limit = JOB_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`
    with due as (
      select id from commitments where state = 'open' and due_at < now()
      order by due_at limit ${limit}
      for update skip locked
    ), ended as (${firstStoredEnding(sql`
      select c.id, c.mode, c.closes_on, c.cancels_on, c.ref_key, c.ref_value, c.customer_id, c.opened_at, c.due_at
      from commitments c where c.id in (select id from due)`)}
    ), flipped as (
      update commitments c
      set state = coalesce(e.state, case when c.mode = 'avoid' then 'met' else 'overdue' end),
        closed_at = case when e.id is not null then e.at when c.mode = 'avoid' then c.due_at else null end,
        closed_by_event_id = e.event_id, updated_at = now()
      from due left join ended e on e.id = due.id
      where c.id = due.id and c.state = 'open'
      returning c.id, c.state, c.due_at
    ), logged as (
      insert into domain_events (id, type, entity_type, entity_id, actor_kind, data, occurred_at)
      -- commitment.overdue, .met, .late, .broken or .cancelled: all in DOMAIN_EVENT_TYPES
      select gen_random_uuid(), 'commitment.' || state, 'commitment', id, 'system',
        jsonb_build_object('dueAt', to_char(due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), now()
      from flipped
      returning 1
    )
    select count(*)::int as n from logged`,
  );
  return done[0]?.n ?? 0;
}
