// Saved queue views: shared ones (admins) and personal ones, each with its live count. A view's
// filters are checked when it is saved (a case field's value must fit the field); every change
// is a domain event.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { nextVersion } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import type { CaseViewInput } from '../../../shared/schemas/views.js';
import type { Actor } from '../../lib/actor.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { notFound } from '../../lib/errors.js';
import { assertTeamExists, teamNames } from '../teams/teams.service.js';
import { assertCanWriteShared, assertTeamOnShared, visibleShared } from '../../policies/shared-records.js';
import * as policy from '../../policies/cases.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { caseConditions } from './case-filters.js';
import { countCasesCapped } from './cases.repo.js';
import { caseViews } from './cases.table.js';

type Input = z.infer<typeof CaseViewInput>;
type Row = typeof caseViews.$inferSelect;

const toDto = (r: Row, teams: Map<string, string>, count?: { count: number; capped: boolean }) => ({
  id: r.id,
  name: r.name,
  filters: r.filters,
  sort: r.sort as 'nextDueAt',
  shared: r.ownerId === null,
  teamId: r.teamId,
  team: r.teamId ? { id: r.teamId, name: teams.get(r.teamId) ?? '(deleted team)' } : null,
  position: r.position,
  updatedAt: r.updatedAt.toISOString(),
  ...(count ? { count: count.count, countCapped: count.capped } : {}),
});

/** The views someone may use: their own, the shared ones for every agent, those of their teams. */
export const visibleViews = (actor: Actor) => visibleShared(actor, caseViews);

/** The names of the views' teams. */
const teamNamesOf = (db: Database, rows: Row[]) =>
  teamNames(
    db,
    rows.map((r) => r.teamId),
  );

/** A view's team, when it names one: an existing team, on a shared view. */
async function checkTeam(db: Database, teamId: string | null | undefined, shared: boolean) {
  assertTeamOnShared(teamId, shared, 'personal_view', 'view');
  if (teamId) await assertTeamExists(db, teamId);
}

/** A saved view's count: exact up to 10,000 (see `countCasesCapped`). */
const countOf = async (db: Database, actor: Actor, row: Row) =>
  countCasesCapped(db, await caseConditions(db, actor, row.filters, { saved: true }));

export async function listViews(db: Database, actor: Actor, withCounts = true) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const rows = await db
    .select()
    .from(caseViews)
    .where(and(isNull(caseViews.deletedAt), visibleViews(actor)))
    .orderBy(asc(caseViews.position), asc(caseViews.name));
  const names = await teamNamesOf(db, rows);
  if (!withCounts) return rows.map((r) => toDto(r, names));
  // One count per view; each is an index-driven count of the view's filters.
  const counts = await Promise.all(rows.map((r) => countOf(db, actor, r)));
  return rows.map((r, i) => toDto(r, names, counts[i]));
}

async function findView(db: Database, actor: Actor, id: string) {
  const [row] = await db
    .select()
    .from(caseViews)
    .where(and(eq(caseViews.id, id), isNull(caseViews.deletedAt), visibleViews(actor)));
  if (!row) throw notFound('view');
  return row;
}

export async function getView(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const row = await findView(db, actor, id);
  return toDto(row, await teamNamesOf(db, [row]), await countOf(db, actor, row));
}

const assertCanWrite = (actor: Actor, view: { ownerId: string | null }) =>
  assertCanWriteShared(actor, view, 'shared views');

export async function createView(db: Database, actor: Actor, input: Input) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const ownerId = input.shared || input.teamId ? null : actor.userId;
  assertCanWrite(actor, { ownerId });
  await checkTeam(db, input.teamId, ownerId === null);
  // 400 invalid_field_filter before anything is written.
  await caseConditions(db, actor, input.filters);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(caseViews)
      .values({
        name: input.name,
        filters: input.filters,
        sort: input.sort ?? 'nextDueAt',
        position: input.position ?? 100,
        ownerId,
        teamId: input.teamId ?? null,
      })
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'view.created',
      entityType: 'view',
      entityId: created!.id,
      data: { name: input.name, shared: ownerId === null, teamId: created!.teamId, filters: input.filters },
    });
    return created!;
  });
  return toDto(row, await teamNamesOf(db, [row]), await countOf(db, actor, row));
}

export async function updateView(
  db: Database,
  actor: Actor,
  id: string,
  input: Partial<Input>,
  /** The `updatedAt` of the copy edited (If-Match): refused if the view changed since. */
  expected?: string,
) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const current = await findView(db, actor, id);
  assertCanWrite(actor, current);
  await checkTeam(db, input.teamId, current.ownerId === null);
  if (input.filters) await caseConditions(db, actor, input.filters);
  // A view stays shared or personal: `shared` is not changed by an edit.
  const { shared: _shared, ...fields } = input;
  const row = await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, caseViews, eq(caseViews.id, id), expected, 'view');
    const before = await findView(tx, actor, id);
    const changes = diff(before as unknown as Record<string, unknown>, fields);
    if (Object.keys(changes).length === 0) return before;
    const [updated] = await tx
      .update(caseViews)
      .set({ ...fields, updatedAt: nextVersion() })
      .where(eq(caseViews.id, id))
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'view.updated',
      entityType: 'view',
      entityId: id,
      data: { changes },
    });
    return updated!;
  });
  return toDto(row, await teamNamesOf(db, [row]), await countOf(db, actor, row));
}

export async function deleteView(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'use queue views');
  await db.transaction(async (tx) => {
    const before = await findView(tx, actor, id);
    assertCanWrite(actor, before);
    await tx
      .update(caseViews)
      .set({ deletedAt: sql`now()` })
      .where(eq(caseViews.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'view.deleted',
      entityType: 'view',
      entityId: id,
      data: { name: before.name },
    });
  });
}
