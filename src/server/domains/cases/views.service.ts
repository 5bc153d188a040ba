// Saved queue views: shared ones (admins) and personal ones, each with its live count.
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { CaseViewInput } from '../../../shared/schemas/views.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { caseFilters, countCasesCapped } from './cases.repo.js';
import { caseViews } from './cases.table.js';

type Input = z.infer<typeof CaseViewInput>;
type Row = typeof caseViews.$inferSelect;

const toDto = (r: Row, count?: { count: number; capped: boolean }) => ({
  id: r.id,
  name: r.name,
  filters: r.filters,
  sort: r.sort as 'nextDueAt',
  shared: r.ownerId === null,
  position: r.position,
  ...(count ? { count: count.count, countCapped: count.capped } : {}),
});

const visible = (actor: Actor) =>
  or(
    isNull(caseViews.ownerId),
    eq(caseViews.ownerId, actor.userId ?? '00000000-0000-0000-0000-000000000000'),
  );

export async function listViews(db: Database, actor: Actor, withCounts = true) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const rows = await db
    .select()
    .from(caseViews)
    .where(and(isNull(caseViews.deletedAt), visible(actor)))
    .orderBy(asc(caseViews.position), asc(caseViews.name));
  if (!withCounts) return rows.map((r) => toDto(r));
  // One count per view; each is an index-driven count of the view's filters.
  const counts = await Promise.all(
    rows.map((r) => countCasesCapped(db, caseFilters(r.filters, actor.userId))),
  );
  return rows.map((r, i) => toDto(r, counts[i]));
}

async function findView(db: Database, actor: Actor, id: string) {
  const [row] = await db
    .select()
    .from(caseViews)
    .where(and(eq(caseViews.id, id), isNull(caseViews.deletedAt), visible(actor)));
  if (!row) throw notFound('view');
  return row;
}

function assertCanWrite(actor: Actor, view: { ownerId: string | null }) {
  if (view.ownerId === null && !isAdmin(actor)) throw forbidden('only admins change shared views');
}

export async function createView(db: Database, actor: Actor, input: Input) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const ownerId = input.shared ? null : actor.userId;
  assertCanWrite(actor, { ownerId });
  const [row] = await db
    .insert(caseViews)
    .values({
      name: input.name,
      filters: input.filters,
      sort: input.sort ?? 'nextDueAt',
      position: input.position ?? 100,
      ownerId,
    })
    .returning();
  await recordDomainEvent(db, actor, {
    type: 'view.created',
    entityType: 'view',
    entityId: row!.id,
    data: { name: input.name },
  });
  return toDto(row!, await countCasesCapped(db, caseFilters(row!.filters, actor.userId)));
}

export async function updateView(db: Database, actor: Actor, id: string, input: Partial<Input>) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const before = await findView(db, actor, id);
  assertCanWrite(actor, before);
  const { shared: _shared, ...fields } = input;
  const [row] = await db
    .update(caseViews)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(caseViews.id, id))
    .returning();
  return toDto(row!, await countCasesCapped(db, caseFilters(row!.filters, actor.userId)));
}

export async function deleteView(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'use queue views');
  const before = await findView(db, actor, id);
  assertCanWrite(actor, before);
  await db
    .update(caseViews)
    .set({ deletedAt: sql`now()` })
    .where(eq(caseViews.id, id));
}
