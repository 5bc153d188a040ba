// Use cases on signals as staff handle them: list and read (with evidence and actions), dismiss
// or resolve, and the board of what needs attention now (the KPIs: kpis.service.ts). Signals are opened
// by the engine (engine.ts), not here.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { isoDurationMs, SEVERITIES, type Severity } from '../../../shared/schemas/rules.js';
import {
  LIVE_SIGNAL_STATES,
  MAX_BULK_SIGNALS_BY_FILTER,
  PRIORITY_OF_SEVERITY,
  type Board,
  type Signal,
  type SignalDetail,
  type SignalBulkClose,
  type SignalBulkCloseResult,
  type SignalListQuery,
  type SignalOpenCase,
  type SignalState,
} from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import { users } from '../auth/auth.table.js';
import { listSilentSources, listWarnedSources, WARNED_WINDOW_MS } from '../events/event-sources.repo.js';
import * as commitmentsRepo from '../commitments/commitments.repo.js';
import { toCommitmentDto } from '../commitments/commitments.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { lockSignalRow, openProactiveCase } from './actions.js';
import { endSignals } from './end-signals.js';
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
    caseAssignee:
      row.caseAssigneeId && row.caseAssigneeName
        ? { id: row.caseAssigneeId, name: row.caseAssigneeName }
        : null,
    caseUnassigned: row.caseUnassigned,
    customerContactedFirst: row.customerContactedFirst,
  };
}

// ---- reading -------------------------------------------------------------------------------

export async function listSignals(db: Database, actor: Actor, q: SignalListQuery) {
  assertCanReadProactive(actor);
  const page = await repo.listSignals(db, { ...q, states: q.state });
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

type ClosedState = 'dismissed' | 'resolved';

/**
 * Ends the live ones of these signals (locked first), skipping their pending actions, with a
 * domain event each. Answers which ended here and which had ended before.
 */
async function closeLiveSignals(
  tx: Database,
  actor: Actor,
  ids: string[],
  to: ClosedState,
  resolution: string,
): Promise<SignalBulkCloseResult> {
  // Answered in id order, whatever order they were locked in.
  const locked = (await repo.lockSignals(tx, ids)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const known = new Set(locked.map((s) => s.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw notFound(ids.length === 1 ? 'signal' : `signal ${missing}`);
  const live = locked.filter((s) => LIVE_SIGNAL_STATES.includes(s.state));
  const skipped = await endSignals(tx, actor, live, to, resolution);
  return {
    closed: live.map((s) => s.id),
    alreadyClosed: locked
      .filter((s) => !LIVE_SIGNAL_STATES.includes(s.state))
      .map((s) => ({ id: s.id, state: s.state as ClosedState })),
    skippedActions: [...skipped.values()].reduce((n, k) => n + k, 0),
  };
}

/** Without a reason, a resolution says who resolved it. */
async function resolution(tx: Database, actor: Actor, reason: string | undefined) {
  if (reason) return reason;
  const [user] = actor.userId
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, actor.userId))
    : [];
  return `resolved by ${user?.name ?? 'the system'}`;
}

async function closeSignal(
  db: Database,
  actor: Actor,
  id: string,
  to: ClosedState,
  reason: string | undefined,
): Promise<Signal> {
  assertCanHandleSignals(actor);
  await db.transaction(async (tx) => {
    const done = await closeLiveSignals(tx, actor, [id], to, await resolution(tx, actor, reason));
    const before = done.alreadyClosed[0];
    if (before)
      throw conflict(
        'signal_closed',
        `the signal is ${before.state} already; only open or acted signals end`,
      );
  });
  return toSignalDto((await repo.findSignal(db, id))!);
}

/**
 * Many signals at once, all or none: an unknown id fails the request (404, nothing changed);
 * signals that ended meanwhile (the awaited event came, a colleague closed them) are left as they
 * are and listed, so a selection made a minute ago still goes through. Or, by filter, every live
 * signal that matches it now (422 too_many_signals beyond the limit, nothing changed).
 */
export async function closeSignalsInBulk(
  db: Database,
  actor: Actor,
  body: SignalBulkClose,
): Promise<SignalBulkCloseResult> {
  assertCanHandleSignals(actor);
  const to: ClosedState = body.action === 'dismiss' ? 'dismissed' : 'resolved';
  return db.transaction(async (tx) => {
    let ids = body.ids ?? [];
    if (body.filter) {
      const { state, ...rest } = body.filter;
      ids = await repo.lockLiveSignalIds(tx, { ...rest, states: state }, MAX_BULK_SIGNALS_BY_FILTER + 1);
      if (ids.length > MAX_BULK_SIGNALS_BY_FILTER)
        throw unprocessable(
          'too_many_signals',
          `more than ${MAX_BULK_SIGNALS_BY_FILTER} live signals match: narrow the filter, or close them in parts`,
        );
    }
    return closeLiveSignals(tx, actor, ids, to, await resolution(tx, actor, body.reason));
  });
}

/**
 * "Send now": a customer mail held while a feed is silent goes out anyway (staff know the parcel
 * is stuck). Only a held, pending mail of a live signal; it is not held again.
 */
export async function sendHeldMailNow(db: Database, actor: Actor, signalId: string, actionId: string) {
  assertCanHandleSignals(actor);
  await db.transaction(async (tx) => {
    // The signal, then its action: the one lock order (see lock-order.test.ts).
    const signal = await repo.lockSignal(tx, signalId);
    const action = await repo.lockAction(tx, signalId, actionId);
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

/**
 * Opens a proactive case from a live signal that has none (its rule opens none, or the action
 * failed), as the staff member asking: or joins the customer's live proactive case about the same
 * thing. The signal counts as acted on. 409 when it has a case or has ended.
 */
export async function openCaseForSignal(db: Database, actor: Actor, id: string, body: SignalOpenCase) {
  assertCanHandleSignals(actor);
  await db.transaction(async (tx) => {
    const s = await lockSignalRow(tx, id);
    if (!s) throw notFound('signal');
    if (!LIVE_SIGNAL_STATES.includes(s.state as SignalState))
      throw conflict(
        'signal_closed',
        `the signal is ${s.state} already; open a case from the customer's page`,
      );
    if (s.case_id) throw conflict('signal_has_case', 'the signal has a case already');
    if (!s.customer_id)
      throw unprocessable('signal_without_customer', 'the signal names no customer to open a case for');
    const opened = await openProactiveCase(tx, actor, s, {
      subject: body.subject ?? s.title,
      priority: body.priority ?? PRIORITY_OF_SEVERITY[s.severity as Severity],
      ...(body.category ? { category: body.category } : {}),
      teamId: body.teamId ?? null,
      assigneeId: body.assignToMe ? actor.userId : null,
      ...(body.note ? { note: body.note } : {}),
    });
    await tx.execute(sql`
      update signals set state = 'acted', acted_at = coalesce(acted_at, now()), updated_at = now()
      where id = ${id} and state = 'open'`);
    await recordDomainEvent(tx, actor, {
      type: 'signal.case_opened',
      entityType: 'signal',
      entityId: id,
      data: { from: s.state, ...opened },
    });
  });
  return getSignal(db, actor, id);
}

/** Not a risk after all (a false alarm, handled elsewhere): closed with the reason given. */
export const dismissSignal = (db: Database, actor: Actor, id: string, reason: string) =>
  closeSignal(db, actor, id, 'dismissed', reason);

/** The risk is dealt with; without a reason the resolution says who resolved it. */
export const resolveSignal = (db: Database, actor: Actor, id: string, reason?: string) =>
  closeSignal(db, actor, id, 'resolved', reason);

// ---- board and KPIs ------------------------------------------------------------------------

export const zeroBySeverity = () =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<string, number>;

export async function getBoard(db: Database, actor: Actor, q: { horizon?: string }): Promise<Board> {
  assertCanReadProactive(actor);
  const now = new Date();
  const until = new Date(now.getTime() + (isoDurationMs(q.horizon ?? DEFAULT_HORIZON) ?? 0));
  const [
    signalRows,
    bySeverityRows,
    commitmentRows,
    commitmentCounts,
    silent,
    warned,
    heldCustomerMails,
    liveCaseUnassigned,
  ] = [
    await repo.listLiveSignals(db, SIGNAL_LIMITS.board),
    await repo.countLiveBySeverity(db),
    await commitmentsRepo.listDueSoonCommitments(db, until, SIGNAL_LIMITS.board),
    await commitmentsRepo.countDueSoonCommitments(db, until),
    await listSilentSources(db),
    await listWarnedSources(db, new Date(now.getTime() - WARNED_WINDOW_MS)),
    await repo.countHeldCustomerMails(db),
    await repo.countLiveCaseUnassigned(db),
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
    warnedSources: warned.map((w) => ({
      key: w.key,
      name: w.name,
      events: w.events,
      latestAt: new Date(w.latest_at).toISOString(),
      latestWarning: w.latest_warning,
    })),
    counts: {
      bySeverity,
      openSignals: bySeverityRows.reduce((n, r) => n + r.n, 0),
      overdueCommitments: commitmentCounts.overdue,
      dueSoonCommitments: commitmentCounts.dueSoon,
      heldCustomerMails,
      liveCaseUnassigned,
    },
  };
}
