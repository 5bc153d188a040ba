// Reading commitments: the list, one, and on-time rates per customer, organization, segment or
// agreement. Staff only. Commitments are opened and closed by events (commitments.engine.ts).
import type { Database } from '../../../db/client.js';
import { type Commitment, type CommitmentListQuery } from '../../../shared/schemas/signals.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { assertCanReadProactive } from '../signals/signals.policy.js';
import * as repo from './commitments.repo.js';

const RATES_DEFAULT_MS = 90 * 24 * 3600 * 1000;

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
  },
) {
  assertCanReadProactive(actor);
  const { from, to } = periodOf(q, RATES_DEFAULT_MS);
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
