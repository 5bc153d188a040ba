// A customer's rating of a solved case: 1 to 5 with an optional comment, one per case, changed
// by rating again. Only the customer who asked rates, and only once the case is solved or
// closed; whoever may read the case (staff, colleagues with organization access) sees it.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { Rating, RatingInput } from '../../../shared/schemas/portal.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, forbidden, notFound } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import * as casesRepo from '../cases/cases.repo.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { caseRatings } from './portal.table.js';

type RatingRow = typeof caseRatings.$inferSelect;

export const toRatingDto = (r: RatingRow): Rating => ({
  caseId: r.caseId,
  rating: r.rating,
  comment: r.comment,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Ratings of these cases, by case id (no access check: callers pass cases the actor may read). */
export async function ratingsOf(db: Database, caseIds: string[]): Promise<Map<string, Rating>> {
  if (caseIds.length === 0) return new Map();
  const found = await db
    .select()
    .from(caseRatings)
    .where(sql`${caseRatings.caseId} = any(${sql.param(caseIds)}::uuid[])`);
  return new Map(found.map((r) => [r.caseId, toRatingDto(r)]));
}

export async function getRating(db: Database, actor: Actor, caseId: string): Promise<Rating | null> {
  const c = await casesRepo.findCase(db, caseId);
  if (!c || !policy.canReadCase(actor, c)) throw notFound('case');
  return (await ratingsOf(db, [caseId])).get(caseId) ?? null;
}

export async function rateCase(
  db: Database,
  actor: Actor,
  caseId: string,
  input: RatingInput,
): Promise<Rating> {
  const found = await casesRepo.findCase(db, caseId);
  if (!found || !policy.canReadCase(actor, found)) throw notFound('case');
  if (actor.role !== 'customer' || found.customerId !== actor.customerId)
    throw forbidden('only the customer who asked rates a case');
  return db.transaction(async (tx) => {
    const c = await casesRepo.lockCase(tx, caseId);
    if (!c) throw notFound('case');
    if (c.status !== 'solved' && c.status !== 'closed')
      throw conflict('not_solved', 'a case can be rated once it is solved');
    // A merged case goes on in another one (closed by the merge, not solved): rate that one.
    if (c.mergedIntoId) throw conflict('merged', 'this request continues in another one: rate that one');
    const [before] = await tx.select().from(caseRatings).where(eq(caseRatings.caseId, caseId));
    const comment = input.comment ? input.comment : null;
    const [saved] = await tx
      .insert(caseRatings)
      .values({ caseId, customerId: c.customerId, rating: input.rating, comment })
      .onConflictDoUpdate({
        target: caseRatings.caseId,
        set: { rating: input.rating, comment, updatedAt: sql`now()` },
      })
      .returning();
    await recordDomainEvent(tx, actor, {
      type: before ? 'case.rating_changed' : 'case.rated',
      entityType: 'case',
      entityId: caseId,
      data: before
        ? {
            changes: {
              ...(before.rating !== input.rating
                ? { rating: { from: before.rating, to: input.rating } }
                : {}),
              ...(before.comment !== comment ? { comment: { from: before.comment, to: comment } } : {}),
            },
          }
        : { rating: input.rating, comment },
    });
    return toRatingDto(saved!);
  });
}
