// Reading commitments: the list, one, and on-time rates per customer, organization, segment or
// agreement. Staff only. Commitments are opened and closed by events (commitments.engine.ts).
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import { DEFAULT_CATEGORY } from '../../../shared/schemas/cases.js';
import {
  type Commitment,
  type CommitmentListQuery,
  type CommitmentOpenCase,
} from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, conflict, notFound, unprocessable } from '../../lib/errors.js';
import { activeCategories, customersForCases } from '../cases/cases.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { timeZoneOf } from '../settings/company-time-zone.js';
import { createProactiveCase, lockCustomersForProactiveCases } from '../signals/actions.js';
import { assertCanHandleCommitments, assertCanReadProactive } from '../signals/signals.policy.js';
import {
  commitmentCaseCategory,
  commitmentCaseNote,
  commitmentCasePriority,
  commitmentCaseSubject,
} from './commitment-case.js';
import { lastDaysStart } from '../../../shared/zoned-dates.js';
import * as repo from './commitments.repo.js';

/**
 * The rates' default period, "the last 90 days" as every page counts them: from the Monday that
 * starts the week 90 days ago, in the zone the person works in (lastDaysStart, which the pages
 * use too), so that the Commitments page, the agreements' list and a customer's page agree.
 */
export const RATES_DEFAULT_DAYS = 90;
const RATES_DEFAULT_MS = RATES_DEFAULT_DAYS * 24 * 3600 * 1000;

export function toCommitmentDto(row: repo.CommitmentRow): Commitment {
  return {
    id: row.id,
    agreementId: row.agreementId,
    agreementName: row.agreementName,
    key: row.key,
    name: row.name,
    mode: row.mode,
    customerId: row.customerId,
    customerName: row.customerName,
    organizationId: row.organizationId,
    refKey: row.refKey,
    refValue: row.refValue,
    state: row.state,
    openedAt: row.openedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    openedByEventId: row.openedByEventId,
    closedByEventId: row.closedByEventId,
    repromised: row.repromised,
    caseId: row.about?.id ?? null,
    caseNumber: row.about?.number ?? null,
    caseAssignee:
      row.about?.assigneeId && row.about.assigneeName
        ? { id: row.about.assigneeId, name: row.about.assigneeName }
        : null,
  };
}

export async function listCommitments(db: Database, actor: Actor, q: CommitmentListQuery) {
  assertCanReadProactive(actor);
  const page = await repo.listCommitments(db, { ...q, states: q.state });
  return { items: page.items.map(toCommitmentDto), nextCursor: page.nextCursor, total: page.total };
}

export async function getCommitment(db: Database, actor: Actor, id: string): Promise<Commitment> {
  assertCanReadProactive(actor);
  const row = await repo.findCommitment(db, id);
  if (!row) throw notFound('commitment');
  return toCommitmentDto(row);
}

/**
 * Opens a proactive case for a commitment that has none (an overdue callback nobody picked up),
 * as the staff member asking: for its customer, about its ref (the case's refs carry it, so the
 * commitment finds the case as it finds any), with the commitment's facts as the first internal
 * note. 409 commitment_has_case when the customer has a case about the ref already (a second
 * click, or a colleague's); 422 commitment_without_customer. A customer merge meanwhile moves the
 * commitment: the case is opened for the customer it moved to.
 */
export async function openCaseForCommitment(
  db: Database,
  actor: Actor,
  id: string,
  body: z.output<typeof CommitmentOpenCase>,
): Promise<Commitment> {
  assertCanHandleCommitments(actor);
  const timeZone = await timeZoneOf(db, actor);
  // A merge can move the commitment to another customer while this waits for its row: then it
  // starts again with that customer (the old one is gone), a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    const moved = await openCaseOnce(db, actor, id, body, timeZone);
    if (!moved) break;
    if (attempt === 3)
      throw conflict(
        'commitment_customer_changed',
        'the commitment’s customer changed (a merge) while the case was being opened: try again',
      );
  }
  return getCommitment(db, actor, id);
}

/** One try of openCaseForCommitment: false when done, true when a merge moved the commitment meanwhile. */
async function openCaseOnce(
  db: Database,
  actor: Actor,
  id: string,
  body: z.output<typeof CommitmentOpenCase>,
  timeZone: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const known = await repo.customerOfCommitment(tx, id);
    if (!known) throw notFound('commitment');
    if (!known.customerId)
      throw unprocessable(
        'commitment_without_customer',
        'the commitment names no customer to open a case for',
      );
    // The customer's share first (createCase takes it too), then the commitment: a merge or
    // erasure locks the customer before it moves or reads their commitments.
    const [customer] = await customersForCases(tx, [known.customerId]);
    if (!customer) throw unprocessable('commitment_without_customer', 'the commitment’s customer is deleted');
    // Two requests for one commitment (a double click, two colleagues) take turns here; the second
    // then finds the first one's case below, in a statement that starts after the lock.
    const locked = await repo.lockCommitment(tx, id);
    if (!locked) throw notFound('commitment');
    if (locked.customerId !== customer.id) return true;
    // As a signal's action opens or joins proactive cases: one at a time per customer.
    await lockCustomersForProactiveCases(tx, [customer.id]);
    const row = await repo.findCommitment(tx, id);
    const c = toCommitmentDto(row!);
    if (c.caseId)
      throw conflict('commitment_has_case', `the commitment has a case already: #${c.caseNumber}`);
    let category = body.category;
    if (!category) {
      const suggested = commitmentCaseCategory(c);
      category = (await activeCategories(tx, [suggested])).has(suggested) ? suggested : DEFAULT_CATEGORY;
    }
    const created = await createProactiveCase(tx, actor, {
      customerId: customer.id,
      subject: body.subject ?? commitmentCaseSubject(c),
      refs: { [c.refKey]: c.refValue },
      category,
      priority: body.priority ?? commitmentCasePriority(c),
      teamId: body.teamId ?? null,
      ...(body.assignToMe ? { assigneeId: actor.userId } : {}),
      note: commitmentCaseNote(c, { timeZone, now: new Date(), ...(body.note ? { note: body.note } : {}) }),
    });
    await recordDomainEvent(tx, actor, {
      type: 'commitment.case_opened',
      entityType: 'commitment',
      entityId: id,
      data: { caseId: created.id, caseNumber: created.number, state: c.state },
    });
    return false;
  });
}

/** Reports count from the Unix epoch to the year 9000: buckets past either end are no calendar's. */
const EARLIEST_PERIOD = Date.UTC(1970, 0, 1);
const LATEST_PERIOD = Date.UTC(9000, 0, 1);

/** A period [from, to) from optional bounds: `to` defaults to now, `from` to `defaultMs` before it. */
export function periodOf(q: { from?: string; to?: string }, defaultMs: number, at = 'query') {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - defaultMs);
  const message = 'must fall between 1970 and the year 9000';
  const outside = (['from', 'to'] as const).filter((key) => {
    const time = (key === 'from' ? from : to).getTime();
    return q[key] !== undefined && (time < EARLIEST_PERIOD || time > LATEST_PERIOD);
  });
  if (outside.length > 0)
    throw badRequest(
      'validation_error',
      `${at}.${outside[0]}: ${message}`,
      outside.map((key) => ({ path: `${at}.${key}`, message })),
    );
  if (from.getTime() >= to.getTime()) {
    const message = 'from must be before to';
    throw badRequest('validation_error', `${at}.from: ${message}`, [{ path: `${at}.from`, message }]);
  }
  return { from, to };
}

export async function commitmentRates(
  db: Database,
  actor: Actor,
  q: {
    by: repo.RateGroup;
    from?: string;
    to?: string;
    key?: string;
    customerId?: string;
    organizationId?: string;
    /** null: every group (the CSV export). */
    limit: number | null;
    /** The zone whose days the default period counts (default: the person's, as timeZoneOf). */
    timezone?: string;
  },
) {
  assertCanReadProactive(actor);
  const asked = periodOf(q, RATES_DEFAULT_MS);
  const to = asked.to;
  const from = q.from
    ? asked.from
    : lastDaysStart(to, RATES_DEFAULT_DAYS, q.timezone ?? (await timeZoneOf(db, actor)));
  const found = await repo.commitmentRates(db, { ...q, from, to });
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    items: found.map((r) => ({
      groupId: r.group_id,
      groupName: r.group_name,
      met: r.met,
      late: r.late,
      broken: r.broken,
      overdue: r.overdue,
      onTimeRate: r.on_time_rate === null ? null : Number(r.on_time_rate),
    })),
  };
}
