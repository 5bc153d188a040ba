// Product and service agreements (PSAs): targets on case clocks, scoped to a customer, an
// organization, a segment, or everyone. Changing targets, calendar or pause rules recomputes
// the running clocks of the cases that follow the agreement.
import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type {
  Agreement,
  AgreementCreate,
  AgreementUpdate,
  AppliedAgreement,
} from '../../../shared/schemas/agreements.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { users } from '../auth/auth.table.js';
import { addBusinessMinutes, CalendarError, type BusinessCalendar } from '../../../core/business-time.js';
import { businessCalendarOf, findCalendar } from '../calendars/calendars.service.js';
import { findCustomer } from '../customers/customers.repo.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { organizationExists } from '../organizations/organizations.repo.js';
import { segmentExists } from '../segments/segments.repo.js';
import { followCancellations, recordCommitmentEndings } from '../commitments/commitments.engine.js';
import { findAgreement, scopeLevelOf, selectAgreementFor, type AgreementRow } from './agreements.repo.js';
import { agreements } from './agreements.table.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';
import { AGREEMENT_NAMES, assertNameFree, nameIndexAnswer } from '../../lib/unique-names.js';
import { NOTHING_RECOMPUTED, recomputedAnswer, type Recomputed } from '../../lib/recomputed-clocks.js';

const scopeTaken = conflict(
  'agreement_scope_taken',
  'an active agreement for this scope exists: deactivate it first, or edit it',
);

const today = () => new Date().toISOString().slice(0, 10);

export function toAgreementDto(row: AgreementRow): Agreement {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    calendarId: row.calendarId,
    scope: {
      customerId: row.scopeCustomerId,
      organizationId: row.scopeOrganizationId,
      segment: row.scopeSegment,
    },
    scopeLevel: scopeLevelOf(row),
    targets: row.targets,
    commitments: row.commitments,
    pauseOn: row.pauseOn,
    warnPercent: row.warnPercent,
    ownerId: row.ownerId,
    reviewDate: row.reviewDate,
    reviewDue: row.reviewDate !== null && row.reviewDate <= today(),
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function checkReferences(db: Database, input: AgreementUpdate) {
  const invalid = (path: string, message: string) =>
    unprocessable('invalid_reference', `${path}: ${message}`, [{ path, message }]);
  if (input.calendarId && !(await findCalendar(db, input.calendarId)))
    throw invalid('body.calendarId', 'no such calendar');
  const s = input.scope;
  if (s?.customerId && !(await findCustomer(db, s.customerId)))
    throw invalid('body.scope.customerId', 'no such customer');
  if (s?.organizationId && !(await organizationExists(db, s.organizationId)))
    throw invalid('body.scope.organizationId', 'no such organization');
  if (s?.segment && !(await segmentExists(db, s.segment)))
    throw invalid('body.scope.segment', 'no such segment');
  if (input.ownerId) {
    const [owner] = await db
      .select({ id: users.id })
      .from(users)
      .where(
        and(eq(users.id, input.ownerId), isNull(users.deletedAt), sql`${users.role} in ('agent', 'admin')`),
      );
    if (!owner) throw invalid('body.ownerId', 'the owner must be an agent or admin');
  }
}

/**
 * The agreement that applies to a customer (their id, organization and effective segment) or to an
 * organization as a whole (customerId null), chosen as a new case's is: for their detail pages. Staff only:
 * what we promised and how we group them is ours (the caller checks).
 */
export async function appliedAgreement(
  db: Database,
  who: Parameters<typeof selectAgreementFor>[1],
): Promise<AppliedAgreement | null> {
  const selected = await selectAgreementFor(db, who);
  if (!selected) return null;
  const a = selected.agreement;
  return { id: a.id, name: a.name, scopeLevel: scopeLevelOf(a), segment: a.scopeSegment };
}

/** Every target must be reachable on the calendar: no never-open calendar, no target beyond the horizon. */
export function assertTargetsReachable(cal: BusinessCalendar, targets: { kind: string; minutes: number }[]) {
  const from = new Date();
  for (const [i, target] of targets.entries()) {
    try {
      addBusinessMinutes(cal, from, target.minutes);
    } catch (err) {
      if (!(err instanceof CalendarError)) throw err;
      const path = err.code === 'never_open' ? 'body.calendarId' : `body.targets.${i}.minutes`;
      throw unprocessable(
        err.code === 'never_open' ? 'calendar_never_open' : 'target_unreachable',
        `${path}: ${err.message}`,
        [{ path, message: err.message }],
      );
    }
  }
}

async function checkReachable(
  db: Database,
  calendarId: string,
  targets: { kind: string; minutes: number }[],
) {
  const calendar = await findCalendar(db, calendarId);
  if (calendar) assertTargetsReachable(businessCalendarOf(calendar), targets);
}

const scopeColumns = (scope: AgreementUpdate['scope']) =>
  scope === undefined
    ? {}
    : {
        scopeCustomerId: scope.customerId ?? null,
        scopeOrganizationId: scope.organizationId ?? null,
        scopeSegment: scope.segment ?? null,
      };

export async function getAgreement(db: Database, actor: Actor, id: string) {
  if (!isStaff(actor)) throw forbidden('only staff see agreements');
  const row = await findAgreement(db, id);
  if (!row) throw notFound('agreement');
  return toAgreementDto(row);
}

export async function listAgreements(
  db: Database,
  actor: Actor,
  filter: { reviewDue?: boolean; active?: boolean } = {},
) {
  if (!isStaff(actor)) throw forbidden('only staff see agreements');
  const found = await db
    .select()
    .from(agreements)
    .where(
      and(
        isNull(agreements.deletedAt),
        filter.reviewDue ? lte(agreements.reviewDate, today()) : undefined,
        filter.active !== undefined ? eq(agreements.active, filter.active) : undefined,
      ),
    )
    .orderBy(filter.reviewDue ? asc(agreements.reviewDate) : asc(agreements.name));
  return found.map(toAgreementDto);
}

export async function createAgreement(db: Database, actor: Actor, input: AgreementCreate) {
  if (!isAdmin(actor)) throw forbidden('only admins manage agreements');
  try {
    const row = await db.transaction(async (tx) => {
      await assertNameFree(tx, AGREEMENT_NAMES, input.name);
      await checkReferences(tx, input);
      await checkReachable(tx, input.calendarId, input.targets);
      const { scope, ...fields } = input;
      const [created] = await tx
        .insert(agreements)
        .values({ ...fields, ...scopeColumns(scope ?? {}), ownerId: input.ownerId ?? actor.userId })
        .returning();
      await recordCommitmentEndings(tx, created!.commitments);
      await recordDomainEvent(tx, actor, {
        type: 'agreement.created',
        entityType: 'agreement',
        entityId: created!.id,
        data: { ...input },
      });
      return created!;
    });
    return toAgreementDto(row);
  } catch (err) {
    throw translateDbError(err, {
      agreements_active_scope_uq: scopeTaken,
      ...nameIndexAnswer(AGREEMENT_NAMES, input.name),
    });
  }
}

/** Fields whose change moves the due times of running clocks. */
const CLOCK_FIELDS = ['calendarId', 'targets', 'warnPercent', 'pauseOn'] as const;

export async function updateAgreement(
  db: Database,
  actor: Actor,
  id: string,
  input: AgreementUpdate,
  /** Recomputes the running clocks (the cases domain owns them): how many, and how many now past due. */
  recompute: (tx: Database, agreementId: string) => Promise<Recomputed>,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  if (!isAdmin(actor)) throw forbidden('only admins manage agreements');
  try {
    const result = await db.transaction(async (tx) => {
      await assertUnchangedSince(tx, agreements, eq(agreements.id, id), expected, 'agreement');
      const before = await findAgreement(tx, id);
      if (!before) throw notFound('agreement');
      if (input.name !== undefined) await assertNameFree(tx, AGREEMENT_NAMES, input.name, id);
      await checkReferences(tx, input);
      if (input.calendarId || input.targets)
        await checkReachable(tx, input.calendarId ?? before.calendarId, input.targets ?? before.targets);
      const { scope, ...fields } = input;
      const values = { ...fields, ...scopeColumns(scope) };
      const changes = diff(before as unknown as Record<string, unknown>, values);
      if (Object.keys(changes).length === 0) return { row: before, recomputed: NOTHING_RECOMPUTED };
      const [row] = await tx
        .update(agreements)
        .set({ ...values, updatedAt: nextVersion() })
        .where(eq(agreements.id, id))
        .returning();
      // Live instances keep their closing type and ref (the terms they opened under) and take
      // the cancelling type their commitment has now.
      if ('commitments' in changes) {
        await recordCommitmentEndings(tx, row!.commitments);
        await followCancellations(tx, id, row!.commitments);
      }
      await recordDomainEvent(tx, actor, {
        type: 'agreement.updated',
        entityType: 'agreement',
        entityId: id,
        data: { changes },
      });
      const recomputed = CLOCK_FIELDS.some((f) => f in changes)
        ? await recompute(tx, id)
        : NOTHING_RECOMPUTED;
      return { row: row!, recomputed };
    });
    return { ...toAgreementDto(result.row), ...recomputedAnswer(result.recomputed) };
  } catch (err) {
    throw translateDbError(err, {
      agreements_active_scope_uq: scopeTaken,
      ...nameIndexAnswer(AGREEMENT_NAMES, input.name ?? ''),
    });
  }
}

export async function deleteAgreement(db: Database, actor: Actor, id: string) {
  if (!isAdmin(actor)) throw forbidden('only admins manage agreements');
  await db.transaction(async (tx) => {
    if (!(await findAgreement(tx, id))) throw notFound('agreement');
    // Clocks already running keep their agreement (history stays true); new cases no longer get it.
    await tx
      .update(agreements)
      .set({ deletedAt: sql`now()`, active: false })
      .where(eq(agreements.id, id));
    await recordDomainEvent(tx, actor, { type: 'agreement.deleted', entityType: 'agreement', entityId: id });
  });
}
