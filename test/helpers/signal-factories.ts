// Builders for rules, signals, commitments and their events: real rows in the real database,
// written with Drizzle, for tests of the read side (lists, board, KPIs) without running the engine.
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { SYSTEM_ACTOR } from '../../src/server/lib/actor.js';
import { createEventSource } from '../../src/server/domains/events/event-sources.service.js';
import { events } from '../../src/server/domains/events/events.table.js';
import { commitments } from '../../src/server/domains/commitments/commitments.table.js';
import {
  ruleExpectations,
  signalActions,
  signalEvidence,
  signalRuleVersions,
  signalRules,
  signals,
} from '../../src/server/domains/signals/signals.table.js';
import { RuleDefinition, type RuleDefinitionInput, type Severity } from '../../src/shared/schemas/rules.js';
import type { CommitmentState, SignalState } from '../../src/shared/schemas/signals.js';
import { makeAgreement, makeCustomer, unique } from './factories.js';

export const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
export const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000);

/** A match rule's definition, parsed (defaults filled in); override any field. */
export const buildRule = (overrides: Partial<RuleDefinitionInput> = {}): RuleDefinition =>
  RuleDefinition.parse({
    kind: 'match',
    name: `Rule ${unique()}`,
    severity: 'high',
    when: { type: 'shipment.exception' },
    ...overrides,
  });

/** A stored rule (version 1, with its version row). */
export async function makeRule(db: Database, overrides: Partial<RuleDefinitionInput> = {}) {
  const d = buildRule(overrides);
  const [row] = await db
    .insert(signalRules)
    .values({ name: d.name, kind: d.kind, severity: d.severity, enabled: d.enabled, definition: d })
    .returning();
  await db.insert(signalRuleVersions).values({ ruleId: row!.id, version: 1, definition: d });
  return row!;
}

const sourcesByDb = new WeakMap<Database, Promise<string>>();

/** An event source (one per database, made on first use). */
export function sourceIdFor(db: Database): Promise<string> {
  let id = sourcesByDb.get(db);
  if (!id) {
    id = createEventSource(db, SYSTEM_ACTOR, {
      key: `src-${unique()}`,
      name: 'Test source',
      createUnknownCustomers: true,
      active: true,
      silenceAlertMinutes: null,
    }).then((s) => s.id);
    sourcesByDb.set(db, id);
  }
  return id;
}

/** A stored operational event. */
export async function makeEvent(
  db: Database,
  overrides: Partial<typeof events.$inferInsert> = {},
): Promise<typeof events.$inferSelect> {
  const [row] = await db
    .insert(events)
    .values({
      sourceId: overrides.sourceId ?? (await sourceIdFor(db)),
      eventId: `e-${unique()}`,
      type: 'shipment.exception',
      occurredAt: hoursAgo(1),
      ...overrides,
    })
    .returning();
  return row!;
}

export interface SignalOptions {
  ruleId?: string;
  severity?: Severity;
  state?: SignalState;
  title?: string;
  customerId?: string | null;
  organizationId?: string | null;
  refKey?: string | null;
  refValue?: string | null;
  dueAt?: Date | null;
  detectedAt?: Date;
  actedAt?: Date | null;
  resolvedAt?: Date | null;
  /** Why it was resolved or dismissed. */
  resolution?: string | null;
  resolvedByEvent?: boolean;
  caseId?: string | null;
  customerContactedFirst?: boolean;
  customerContactAt?: Date | null;
  /** Evidence event ids (default: one new event). */
  evidence?: string[];
  actions?: {
    kind: string;
    state?: 'pending' | 'done' | 'failed' | 'skipped';
    result?: Record<string, unknown>;
  }[];
}

/** A signal with its evidence and actions; a rule is made for it unless one is given. */
export async function makeSignal(db: Database, o: SignalOptions = {}) {
  const ruleId = o.ruleId ?? (await makeRule(db)).id;
  const evidence = o.evidence ?? [
    (await makeEvent(db, { customerId: o.customerId ?? null, organizationId: o.organizationId ?? null })).id,
  ];
  const detectedAt = o.detectedAt ?? new Date();
  const [row] = await db
    .insert(signals)
    .values({
      ruleId,
      ruleVersion: 1,
      kind: 'match',
      severity: o.severity ?? 'medium',
      state: o.state ?? 'open',
      title: o.title ?? `Signal ${unique()}`,
      dedupeKey: `test:${unique()}`,
      customerId: o.customerId ?? null,
      organizationId: o.organizationId ?? null,
      refKey: o.refKey ?? null,
      refValue: o.refValue ?? null,
      refs: o.refKey && o.refValue ? { [o.refKey]: o.refValue } : {},
      dueAt: o.dueAt ?? null,
      detectedAt,
      actedAt: o.actedAt ?? null,
      resolvedAt: o.resolvedAt ?? null,
      resolution: o.resolution ?? null,
      resolvedByEvent: o.resolvedByEvent ?? false,
      evidenceCount: evidence.length,
      lastEvidenceAt: detectedAt,
      caseId: o.caseId ?? null,
      customerContactedFirst: o.customerContactedFirst ?? false,
      customerContactAt: o.customerContactAt ?? null,
    })
    .returning();
  if (evidence.length)
    await db.insert(signalEvidence).values(evidence.map((eventId) => ({ signalId: row!.id, eventId })));
  if (o.actions?.length)
    await db.insert(signalActions).values(
      o.actions.map((a, position) => ({
        signalId: row!.id,
        position,
        kind: a.kind,
        params: {},
        state: a.state ?? 'pending',
        result: a.result ?? null,
        doneAt: a.state === 'done' ? new Date() : null,
      })),
    );
  return row!;
}

export interface CommitmentOptions {
  agreementId?: string;
  key?: string;
  name?: string;
  mode?: 'fulfil' | 'avoid';
  customerId?: string | null;
  organizationId?: string | null;
  segment?: string | null;
  refValue?: string;
  state?: CommitmentState;
  openedAt?: Date;
  dueAt?: Date;
  closedAt?: Date | null;
}

const agreementsByDb = new WeakMap<Database, Promise<string>>();

/** An agreement for commitments that do not name one (one per database, for a customer of its own). */
function defaultAgreementId(db: Database): Promise<string> {
  let id = agreementsByDb.get(db);
  if (!id) {
    id = makeCustomer(db).then((c) => makeAgreement(db, { scope: { customerId: c.id } }).then((a) => a.id));
    agreementsByDb.set(db, id);
  }
  return id;
}

/** A commitment instance, opened by a new event. */
export async function makeCommitment(db: Database, o: CommitmentOptions = {}) {
  const agreementId = o.agreementId ?? (await defaultAgreementId(db));
  const opener = await makeEvent(db, { type: 'order.promised', customerId: o.customerId ?? null });
  const closed = o.state && !['open', 'overdue'].includes(o.state);
  const [row] = await db
    .insert(commitments)
    .values({
      agreementId,
      key: o.key ?? 'on_time_delivery',
      name: o.name ?? 'On-time delivery',
      mode: o.mode ?? 'fulfil',
      customerId: o.customerId ?? null,
      organizationId: o.organizationId ?? null,
      segment: o.segment ?? null,
      refKey: 'orderId',
      refValue: o.refValue ?? `SO-${unique()}`,
      closesOn: 'shipment.delivered',
      state: o.state ?? 'open',
      openedAt: o.openedAt ?? hoursAgo(24),
      dueAt: o.dueAt ?? hoursFromNow(24),
      closedAt: o.closedAt !== undefined ? o.closedAt : closed ? new Date() : null,
      openedByEventId: opener.id,
    })
    .returning();
  return row!;
}

/** An absence rule's wait, started by a new event. */
export async function makeExpectation(
  db: Database,
  o: {
    ruleId: string;
    state?: 'waiting' | 'fulfilled' | 'fired' | 'cancelled';
    refValue?: string;
    dueAt?: Date;
  },
) {
  const starter = await makeEvent(db, { type: 'shipment.dispatched' });
  const [row] = await db
    .insert(ruleExpectations)
    .values({
      ruleId: o.ruleId,
      ruleVersion: 1,
      refValue: o.refValue ?? `SH-${unique()}`,
      startedByEventId: starter.id,
      startedAt: starter.occurredAt,
      dueAt: o.dueAt ?? hoursFromNow(48),
      state: o.state ?? 'waiting',
      closedAt: o.state && o.state !== 'waiting' ? sql`now()` : null,
    })
    .returning();
  return row!;
}
