// Saved queue views: shared ones (admins) and personal ones, each with its live count. A view's
// filters are checked when it is saved (a case field's value must fit the field); every change
// is a domain event.
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { nextVersion } from '../../../db/columns.js';
import type { Database } from '../../../db/client.js';
import type { CaseViewInput } from '../../../shared/schemas/views.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { teams } from '../teams/teams.table.js';
import { assertTeamExists } from '../teams/teams.service.js';
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

/**
 * The views someone may use: their own, the shared ones for every agent, and those for a team
 * they are in (admins: every team's, to look after them).
 */
export const visibleViews = (actor: Actor) => {
  const me = actor.userId ?? '00000000-0000-0000-0000-000000000000';
  return or(
    eq(caseViews.ownerId, me),
    and(
      isNull(caseViews.ownerId),
      isAdmin(actor)
        ? undefined
        : sql`(${caseViews.teamId} is null or ${caseViews.teamId} in (select team_id from team_members where user_id = ${me}))`,
    ),
  );
};

/** The names of the views' teams. */
async function teamNamesOf(db: Database, rows: Row[]) {
  const ids = [...new Set(rows.flatMap((r) => (r.teamId ? [r.teamId] : [])))];
  if (ids.length === 0) return new Map<string, string>();
  const found = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(inArray(teams.id, ids), isNull(teams.deletedAt)));
  return new Map(found.map((t) => [t.id, t.name]));
}

/** A view's team, when it names one: an existing team, on a shared view. */
async function checkTeam(db: Database, teamId: string | null | undefined, shared: boolean) {
  if (!teamId) return;
  if (!shared)
    throw unprocessable('personal_view', 'body.teamId: a personal view is yours alone, not a team’s', [
      { path: 'body.teamId', message: 'only shared views are for a team' },
    ]);
  await assertTeamExists(db, teamId);
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

function assertCanWrite(actor: Actor, view: { ownerId: string | null }) {
  if (view.ownerId === null && !isAdmin(actor)) throw forbidden('only admins change shared views');
}

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
