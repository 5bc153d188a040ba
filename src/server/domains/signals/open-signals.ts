// Writes what rules detected, set-based, inside the caller's transaction: new signals (one live
// signal per rule and dedupe key: the partial unique index decides, so two nodes detecting the
// same thing at once still make one), their evidence (idempotent per signal and event), their
// actions (an outbox the action runner works through) and a `signal.opened` domain event.
// Repeats of a live signal only add evidence.
import { sql } from 'drizzle-orm';
import { newId } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type { RuleDefinition } from '../../../shared/schemas/rules.js';
import { signalTitleOf } from '../../../shared/ref-labels.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { signalActions } from './signals.table.js';

export interface LiveRule {
  id: string;
  version: number;
  definition: RuleDefinition;
}

export interface Firing {
  rule: LiveRule;
  dedupeKey: string;
  customerId: string | null;
  organizationId: string | null;
  refKey: string | null;
  refValue: string | null;
  refs: Record<string, string>;
  /** When the promise at risk falls due (absence rules). */
  dueAt: Date | null;
  /** Event ids, with the time of the earliest (for "did the customer write in first?"). */
  evidence: string[];
  since: Date;
}

export interface OpenedSignals {
  /** Signals created now (not repeats). */
  opened: string[];
  /** Live signals that only gained evidence. */
  repeated: string[];
  /** The signal each firing went to, by `ruleId|dedupeKey`. */
  signalOf: Map<string, string>;
}

export const firingKey = (f: Pick<Firing, 'rule' | 'dedupeKey'>) => `${f.rule.id}|${f.dedupeKey}`;

/** In words ("… · Shipment SH-7"): notifications, mails and webhooks carry the title as stored. */
const titleOf = (f: Firing) => signalTitleOf(f.rule.definition.name, f.refKey, f.refValue);

/** Firings of one rule and dedupe key in one batch become one (PostgreSQL updates a row once per statement). */
function merge(firings: Firing[]): Firing[] {
  const byKey = new Map<string, Firing>();
  for (const f of firings) {
    const key = firingKey(f);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...f, evidence: [...f.evidence] });
    else {
      seen.evidence.push(...f.evidence);
      if (f.since < seen.since) seen.since = f.since;
      seen.dueAt ??= f.dueAt;
    }
  }
  // Sorted, so concurrent batches that repeat the same signals lock their rows in one order
  // (rather than deadlocking, and one of them starting over).
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, f]) => f);
}

export async function openSignals(tx: Database, raw: Firing[]): Promise<OpenedSignals> {
  if (raw.length === 0) return { opened: [], repeated: [], signalOf: new Map() };
  const firings = merge(raw);
  const col = <T>(pick: (f: Firing) => T) => sql.param(firings.map(pick));
  const written = await rows<{ id: string; rule_id: string; dedupe_key: string; inserted: boolean }>(
    tx,
    sql`
    insert into signals (id, rule_id, rule_version, kind, severity, title, dedupe_key, customer_id,
      organization_id, ref_key, ref_value, refs, due_at, evidence_count, customer_contacted_first)
    select v.id, v.rule_id, v.rule_version, v.kind, v.severity, v.title, v.dedupe_key, v.customer_id,
      v.organization_id, v.ref_key, v.ref_value, v.refs::jsonb, v.due_at, 0,
      -- The customer wrote in (a case of their own, still unsolved) after the trouble began.
      v.customer_id is not null and exists (
        select 1 from cases c
        where c.customer_id = v.customer_id and c.channel <> 'proactive' and c.deleted_at is null
          and c.status in ('new', 'open', 'pending', 'on_hold') and c.created_at >= v.since)
    from unnest(${col(() => newId())}::uuid[], ${col((f) => f.rule.id)}::uuid[],
      ${col((f) => f.rule.version)}::int[], ${col((f) => f.rule.definition.kind)}::text[],
      ${col((f) => f.rule.definition.severity)}::text[], ${col(titleOf)}::text[],
      ${col((f) => f.dedupeKey)}::text[], ${col((f) => f.customerId)}::uuid[],
      ${col((f) => f.organizationId)}::uuid[], ${col((f) => f.refKey)}::text[],
      ${col((f) => f.refValue)}::text[], ${col((f) => JSON.stringify(f.refs))}::text[],
      ${col((f) => f.dueAt?.toISOString() ?? null)}::timestamptz[],
      ${col((f) => f.since.toISOString())}::timestamptz[])
      as v(id, rule_id, rule_version, kind, severity, title, dedupe_key, customer_id,
        organization_id, ref_key, ref_value, refs, due_at, since)
    on conflict (rule_id, dedupe_key) where state in ('open', 'acted')
    do update set last_evidence_at = now(), updated_at = now()
    returning id, rule_id, dedupe_key, (xmax = 0) as inserted`,
  );
  const idOf = new Map(written.map((w) => [`${w.rule_id}|${w.dedupe_key}`, w]));

  // Evidence, and the count of what was really new.
  const pairs = firings.flatMap((f) => {
    const id = idOf.get(firingKey(f))!.id;
    return [...new Set(f.evidence)].map((e) => [id, e] as const);
  });
  await tx.execute(sql`
    with added as (
      insert into signal_evidence (signal_id, event_id)
      select * from unnest(${sql.param(pairs.map((p) => p[0]))}::uuid[], ${sql.param(pairs.map((p) => p[1]))}::uuid[])
      on conflict do nothing
      returning signal_id
    )
    update signals s set evidence_count = s.evidence_count + a.n
    from (select signal_id, count(*)::int as n from added group by signal_id) a
    where s.id = a.signal_id`);

  const fresh = firings.filter((f) => idOf.get(firingKey(f))!.inserted);
  const opened = fresh.map((f) => idOf.get(firingKey(f))!.id);
  const actions = fresh.flatMap((f, i) =>
    f.rule.definition.actions.map((a, position) => ({
      signalId: opened[i]!,
      position,
      kind: a.kind,
      params: a as Record<string, unknown>,
    })),
  );
  if (actions.length) await tx.insert(signalActions).values(actions);
  await recordDomainEvents(
    tx,
    SYSTEM_ACTOR,
    fresh.map((f, i) => ({
      type: 'signal.opened',
      entityType: 'signal',
      entityId: opened[i]!,
      data: {
        // As stored on the signal, so a receiver (a chat channel) can say what it is in words.
        title: titleOf(f),
        ruleId: f.rule.id,
        ruleVersion: f.rule.version,
        severity: f.rule.definition.severity,
        customerId: f.customerId,
        refKey: f.refKey,
        refValue: f.refValue,
        evidence: f.evidence.length,
      },
    })),
  );
  const repeated = written.filter((w) => !w.inserted).map((w) => w.id);
  const signalOf = new Map(firings.map((f) => [firingKey(f), idOf.get(firingKey(f))!.id]));
  return { opened, repeated, signalOf };
}

/**
 * Live signals whose awaited event arrived: resolved, the event added as evidence, their pending
 * actions skipped. Returns how many were resolved.
 */
export async function resolveSignals(
  tx: Database,
  resolved: { signalId: string; eventId: string; reason: string }[],
): Promise<number> {
  if (resolved.length === 0) return 0;
  const ids = sql.param(resolved.map((r) => r.signalId));
  // Locked first in the order openSignals locks live signals (rule, then dedupe key: merge's
  // order, compared byte by byte): an ingest resolving signals that another batch repeats waits
  // for it, instead of the two locking them in opposite orders and deadlocking.
  await tx.execute(sql`
    select 1 from signals where id = any(${ids}::uuid[]) and state in ('open', 'acted')
    order by rule_id::text collate "C", dedupe_key collate "C"
    for no key update`);
  const done = await rows<{ id: string; resolution: string; case_id: string | null }>(
    tx,
    sql`
    update signals s set state = 'resolved', resolved_at = now(), updated_at = now(), resolution = v.reason,
      resolved_by_event = true
    from unnest(${ids}::uuid[], ${sql.param(resolved.map((r) => r.reason))}::text[]) as v(id, reason)
    where s.id = v.id and s.state in ('open', 'acted')
    returning s.id, s.resolution, s.case_id`,
  );
  await tx.execute(sql`
    insert into signal_evidence (signal_id, event_id)
    select * from unnest(${ids}::uuid[], ${sql.param(resolved.map((r) => r.eventId))}::uuid[])
    on conflict do nothing`);
  if (done.length === 0) return 0;
  const doneIds = sql.param(done.map((d) => d.id));
  await tx.execute(sql`
    update signals s set evidence_count = (select count(*) from signal_evidence e where e.signal_id = s.id)
    where s.id = any(${doneIds}::uuid[])`);
  await tx.execute(sql`
    update signal_actions set state = 'skipped', error = 'the signal was resolved first', done_at = now()
    where signal_id = any(${doneIds}::uuid[]) and state = 'pending'`);
  // The proactive case stays with the team (they may still owe the customer a word); a note
  // there says the risk resolved itself.
  const notes = done.filter((d) => d.case_id !== null);
  if (notes.length > 0)
    await tx.execute(sql`
      insert into messages (id, case_id, author_type, public, body, channel)
      select v.id, v.case_id, 'system', false, 'Resolved by itself: ' || v.resolution, 'proactive'
      from unnest(${sql.param(notes.map(() => newId()))}::uuid[], ${sql.param(notes.map((n) => n.case_id))}::uuid[],
        ${sql.param(notes.map((n) => n.resolution))}::text[]) as v(id, case_id, resolution)`);
  await recordDomainEvents(
    tx,
    SYSTEM_ACTOR,
    notes.map((n) => ({
      type: 'case.note_added',
      entityType: 'case',
      entityId: n.case_id!,
      data: { signalResolved: true },
    })),
  );
  await recordDomainEvents(
    tx,
    SYSTEM_ACTOR,
    done.map((d) => ({
      type: 'signal.resolved',
      entityType: 'signal',
      entityId: d.id,
      data: { reason: d.resolution, automatic: true },
    })),
  );
  return done.length;
}

/** The customer wrote in about the signals behind this case (first contact only). */
export async function noteCustomerContact(tx: Database, caseId: string) {
  await tx.execute(sql`
    update signals set customer_contact_at = now(), updated_at = now()
    where case_id = ${caseId} and customer_contact_at is null`);
}
