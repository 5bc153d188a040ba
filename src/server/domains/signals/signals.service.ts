// Use cases on signals as staff handle them: list and read (with evidence and actions), dismiss
// or resolve, and the board of what needs attention now (the KPIs: kpis.service.ts). Signals are opened
// by the engine (engine.ts), not here.
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { isoDurationMs, SEVERITIES } from '../../../shared/schemas/rules.js';
import {
  LIVE_SIGNAL_STATES,
  type Board,
  type Signal,
  type SignalDetail,
  type SignalListQuery,
  type SignalState,
} from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound } from '../../lib/errors.js';
import { users } from '../auth/auth.table.js';
import { listSilentSources } from '../events/event-sources.repo.js';
import * as commitmentsRepo from '../commitments/commitments.repo.js';
import { toCommitmentDto } from '../commitments/commitments.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { assertCanHandleSignals, assertCanReadProactive } from './signals.policy.js';
import * as repo from './signals.repo.js';

export const SIGNAL_LIMITS = { evidence: 200, board: 200 } as const;
const DEFAULT_HORIZON = 'P2D';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toSignalDto(row: repo.SignalRow): Signal {
  return {
    id: row.id,
    ruleId: row.ruleId,
    ruleVersion: row.ruleVersion,
    ruleName: row.ruleName,
    kind: row.kind,
    severity: row.severity,
    state: row.state,
    title: row.title,
    customerId: row.customerId,
    customerName: row.customerName,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    refKey: row.refKey,
    refValue: row.refValue,
    refs: row.refs,
    dueAt: iso(row.dueAt),
    detectedAt: row.detectedAt.toISOString(),
    actedAt: iso(row.actedAt),
    resolvedAt: iso(row.resolvedAt),
    resolution: row.resolution,
    resolvedByEvent: row.resolvedByEvent,
    evidenceCount: row.evidenceCount,
    lastEvidenceAt: row.lastEvidenceAt.toISOString(),
    caseId: row.caseId,
    caseNumber: row.caseNumber,
    customerContactedFirst: row.customerContactedFirst,
  };
}

// ---- reading -------------------------------------------------------------------------------

export async function listSignals(db: Database, actor: Actor, q: SignalListQuery) {
  assertCanReadProactive(actor);
  const states = q.state ? [...new Set(q.state.split(','))] : undefined;
  const page = await repo.listSignals(db, { ...q, states: states as SignalState[] | undefined });
  return { items: page.items.map(toSignalDto), nextCursor: page.nextCursor, total: page.total };
}

export async function getSignal(db: Database, actor: Actor, id: string): Promise<SignalDetail> {
  assertCanReadProactive(actor);
  const row = await repo.findSignal(db, id);
  if (!row) throw notFound('signal');
  const [evidence, actions] = [
    await repo.listEvidence(db, id, SIGNAL_LIMITS.evidence),
    await repo.listActions(db, id),
  ];
  return {
    ...toSignalDto(row),
    evidence: evidence.map((e) => ({
      eventId: e.eventId,
      sourceEventId: e.sourceEventId,
      type: e.type,
      occurredAt: e.occurredAt.toISOString(),
      refs: e.refs,
      data: e.data,
      addedAt: e.addedAt.toISOString(),
    })),
    actions: actions.map((a) => ({
      id: a.id,
      position: a.position,
      kind: a.kind as SignalDetail['actions'][number]['kind'],
      state: a.state,
      attempts: a.attempts,
      result: a.result,
      error: a.error,
      doneAt: iso(a.doneAt),
      heldSince: iso(a.heldSince),
      heldReason: a.heldReason,
      holdReleasedAt: iso(a.holdReleasedAt),
    })),
  };
}

// ---- handling ------------------------------------------------------------------------------

async function closeSignal(
  db: Database,
  actor: Actor,
  id: string,
  to: 'dismissed' | 'resolved',
  reason: (tx: Database) => Promise<string>,
): Promise<Signal> {
  assertCanHandleSignals(actor);
  await db.transaction(async (tx) => {
    const current = await repo.lockSignal(tx, id);
    if (!current) throw notFound('signal');
    if (!LIVE_SIGNAL_STATES.includes(current.state))
      throw conflict(
        'signal_closed',
        `the signal is ${current.state} already; only open or acted signals end`,
      );
    const resolution = await reason(tx);
    const skippedActions = await repo.closeSignal(tx, id, { state: to, resolution });
    await recordDomainEvent(tx, actor, {
      type: to === 'dismissed' ? 'signal.dismissed' : 'signal.resolved',
      entityType: 'signal',
      entityId: id,
      data: { from: current.state, resolution, skippedActions },
    });
  });
  return toSignalDto((await repo.findSignal(db, id))!);
}

/**
 * "Send now": a customer mail held while a feed is silent goes out anyway (staff know the parcel
 * is stuck). Only a held, pending mail of a live signal; it is not held again.
 */
export async function sendHeldMailNow(db: Database, actor: Actor, signalId: string, actionId: string) {
  assertCanHandleSignals(actor);
  await db.transaction(async (tx) => {
    // The action, then its signal: the order the action job locks them in.
    const action = await repo.lockAction(tx, signalId, actionId);
    const signal = await repo.lockSignal(tx, signalId);
    if (!signal) throw notFound('signal');
    if (!LIVE_SIGNAL_STATES.includes(signal.state))
      throw conflict('signal_closed', `the signal is ${signal.state} already; its actions do not run`);
    if (!action) throw notFound('action');
    if (action.state !== 'pending' || !action.heldSince || action.holdReleasedAt)
      throw conflict('action_not_held', 'only a customer mail held back now can be sent now');
    await repo.releaseHeldMail(tx, actionId);
    await recordDomainEvent(tx, actor, {
      type: 'signal.action_released',
      entityType: 'signal',
      entityId: signalId,
      data: {
        kind: action.kind,
        actionId,
        heldSince: action.heldSince.toISOString(),
        reason: action.heldReason,
      },
    });
  });
  return getSignal(db, actor, signalId);
}

/** Not a risk after all (a false alarm, handled elsewhere): closed with the reason given. */
export const dismissSignal = (db: Database, actor: Actor, id: string, reason: string) =>
  closeSignal(db, actor, id, 'dismissed', async () => reason);

/** The risk is dealt with; without a reason the resolution says who resolved it. */
export const resolveSignal = (db: Database, actor: Actor, id: string, reason?: string) =>
  closeSignal(db, actor, id, 'resolved', async (tx) => {
    if (reason) return reason;
    const [user] = actor.userId
      ? await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId))
      : [];
    return `resolved by ${user?.name ?? 'the system'}`;
  });

// ---- board and KPIs ------------------------------------------------------------------------

export const zeroBySeverity = () =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<string, number>;

export async function getBoard(db: Database, actor: Actor, q: { horizon?: string }): Promise<Board> {
  assertCanReadProactive(actor);
  const now = new Date();
  const until = new Date(now.getTime() + (isoDurationMs(q.horizon ?? DEFAULT_HORIZON) ?? 0));
  const [signalRows, bySeverityRows, commitmentRows, commitmentCounts, silent, heldCustomerMails] = [
    await repo.listLiveSignals(db, SIGNAL_LIMITS.board),
    await repo.countLiveBySeverity(db),
    await commitmentsRepo.listDueSoonCommitments(db, until, SIGNAL_LIMITS.board),
    await commitmentsRepo.countDueSoonCommitments(db, until),
    await listSilentSources(db),
    await repo.countHeldCustomerMails(db),
  ];
  const bySeverity = zeroBySeverity();
  for (const r of bySeverityRows) bySeverity[r.severity] = r.n;
  return {
    generatedAt: now.toISOString(),
    signals: signalRows.map(toSignalDto),
    commitmentsDueSoon: commitmentRows.map(toCommitmentDto),
    silentSources: silent.map((s) => ({
      key: s.key,
      name: s.name,
      silentSince: s.silentSince!.toISOString(),
      silenceAlertMinutes: s.silenceAlertMinutes!,
    })),
    counts: {
      bySeverity,
      openSignals: bySeverityRows.reduce((n, r) => n + r.n, 0),
      overdueCommitments: commitmentCounts.overdue,
      dueSoonCommitments: commitmentCounts.dueSoon,
      heldCustomerMails,
    },
  };
}
