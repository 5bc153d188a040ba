// Merging duplicates and linking related cases; the timeline of a case; who is looking at it.
import { and, asc, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { lockLiveSignalsOfCase, moveSignalsOfCase } from '../signals/case-signals.js';
import { rows, type Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { Actor } from '../../lib/actor.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import { users } from '../auth/auth.table.js';
import { domainEvents } from '../domain-events/domain-events.table.js';
import { recordDomainEvent, recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { moveFollowers } from '../notifications/notifications.service.js';
import * as repo from './cases.repo.js';
import {
  attachments,
  caseLinks,
  casePresence,
  casePromises,
  cases,
  messages,
  sideConversations,
} from './cases.table.js';
import { clockCase } from './cases.service.js';
import { onMerged, refreshNextDue } from './clocks.js';

/**
 * Merges `sourceId` into `targetId`, two cases of one customer: its messages, files and links
 * move to the target, the source is closed pointing at it, and its clocks stop: unfinished ones
 * are cancelled (a duplicate is not a missed promise), a breach already there stays a breach.
 */
export async function mergeCases(db: Database, actor: Actor, sourceId: string, targetId: string) {
  policy.assertStaffOnCases(actor, 'merge cases');
  if (sourceId === targetId) throw unprocessable('invalid_merge', 'a case cannot be merged into itself');
  await db.transaction(async (tx) => {
    // The signals that move with the source first (signals before cases, as the action runner
    // takes them), then the cases in id order so two opposite merges cannot deadlock.
    await lockLiveSignalsOfCase(tx, sourceId);
    const [first, second] = [sourceId, targetId].sort();
    const a = await repo.lockCase(tx, first!);
    const b = await repo.lockCase(tx, second!);
    const source = a?.id === sourceId ? a : b;
    const target = a?.id === targetId ? a : b;
    if (!source || !target) throw notFound('case');
    if (source.mergedIntoId) throw conflict('case_merged', `case #${source.number} is already merged`);
    if (target.mergedIntoId || target.status === 'closed')
      throw conflict('invalid_merge', `case #${target.number} is closed or merged: merge into an open case`);
    // Its messages would show to the other customer (their portal, their mail): a duplicate is
    // the same customer's; two customers' cases about one thing are linked instead.
    if (source.customerId !== target.customerId) {
      throw unprocessable(
        'different_customers',
        `case #${target.number} is another customer’s: only a customer’s own cases merge (link the two cases instead, or merge the two customers first if they are one person)`,
      );
    }
    const moved = await tx
      .update(messages)
      .set({ caseId: targetId })
      .where(eq(messages.caseId, sourceId))
      .returning({ id: messages.id });
    await tx.update(attachments).set({ caseId: targetId }).where(eq(attachments.caseId, sourceId));
    // Its side conversations go along (their messages did): the third parties' answers follow.
    await tx
      .update(sideConversations)
      .set({ caseId: targetId, updatedAt: new Date() })
      .where(eq(sideConversations.caseId, sourceId));
    // Links of the source become links of the target (without duplicates or self-links).
    const links = await tx
      .select()
      .from(caseLinks)
      .where(or(eq(caseLinks.caseId, sourceId), eq(caseLinks.linkedCaseId, sourceId)));
    await tx
      .delete(caseLinks)
      .where(or(eq(caseLinks.caseId, sourceId), eq(caseLinks.linkedCaseId, sourceId)));
    for (const l of links) {
      const other = l.caseId === sourceId ? l.linkedCaseId : l.caseId;
      if (other !== targetId) await linkRow(tx, actor, targetId, other);
    }
    const now = new Date();
    // Its clocks stop: running and paused ones are cancelled (a duplicate's unfinished promise is
    // not a missed one), a breach already there stays one (ended by the merge as a close ends it),
    // each with its timeline entry.
    const stopped = await onMerged(tx, actor, clockCase(source), now);
    const cancelled = stopped
      .filter((e) => e.type === 'case.promise_cancelled')
      .map((e) => ({ kind: String((e.data as { kind: string }).kind) }));
    // Clocks of a case without an agreement to plan with (none now): the same rule by hand.
    const rest = await rows<{ kind: string; cycle: number; state: string; breached_at: string | null }>(
      tx,
      sql`update case_promises p set state = 'breached', breached_at = p.due_at, updated_at = now()
        where p.case_id = ${sourceId} and p.met_at is null and p.state = 'active' and p.due_at < ${now.toISOString()}::timestamptz
        returning p.kind, p.cycle, p.state, p.breached_at`,
    );
    const dropped = await tx
      .delete(casePromises)
      .where(
        and(
          eq(casePromises.caseId, sourceId),
          isNull(casePromises.metAt),
          sql`${casePromises.state} in ('active', 'paused')`,
        ),
      )
      .returning({ kind: casePromises.kind, cycle: casePromises.cycle });
    const ended = await tx
      .update(casePromises)
      .set({ metAt: now, pausedAt: null, runningSince: null, warnAt: null, updatedAt: now })
      .where(
        and(
          eq(casePromises.caseId, sourceId),
          isNull(casePromises.metAt),
          eq(casePromises.state, 'breached'),
        ),
      )
      .returning({
        kind: casePromises.kind,
        cycle: casePromises.cycle,
        targetMinutes: casePromises.targetMinutes,
      });
    const on = { entityType: 'case' as const, entityId: sourceId };
    await recordDomainEvents(tx, actor, [
      ...rest.map((r) => ({
        ...on,
        type: 'case.promise_breached' as const,
        data: {
          kind: r.kind,
          cycle: r.cycle,
          breachedAt: r.breached_at && new Date(r.breached_at).toISOString(),
        },
      })),
      ...dropped.map((r) => ({
        ...on,
        type: 'case.promise_cancelled' as const,
        data: { kind: r.kind, cycle: r.cycle },
      })),
      ...ended.map((r) => ({
        ...on,
        type: 'case.promise_met' as const,
        data: {
          kind: r.kind,
          cycle: r.cycle,
          targetMinutes: r.targetMinutes,
          metAt: now.toISOString(),
          late: true,
        },
      })),
    ]);
    cancelled.push(...dropped);
    await tx
      .update(cases)
      .set({
        mergedIntoId: targetId,
        status: 'closed',
        closedAt: now,
        solvedAt: source.solvedAt ?? now,
        nextDueAt: null,
        nextWarnAt: null,
        followUpAt: null,
        updatedAt: nextVersion(now),
      })
      .where(eq(cases.id, sourceId));
    const lastCustomer =
      [source.lastCustomerMessageAt, target.lastCustomerMessageAt]
        .filter((d): d is Date => !!d)
        .sort((x, y) => +y - +x)[0] ?? null;
    await tx
      .update(cases)
      .set({ lastCustomerMessageAt: lastCustomer, updatedAt: nextVersion(now) })
      .where(eq(cases.id, targetId));
    await refreshNextDue(tx, [targetId]);
    await moveSignalsOfCase(tx, sourceId, targetId);
    const followersMoved = await moveFollowers(tx, sourceId, targetId);
    await recordDomainEvents(tx, actor, [
      {
        type: 'case.merged',
        entityType: 'case',
        entityId: sourceId,
        data: {
          intoId: targetId,
          intoNumber: target.number,
          cancelledPromises: cancelled.map((c) => c.kind),
        },
      },
      {
        type: 'case.merged_in',
        entityType: 'case',
        entityId: targetId,
        data: { fromId: sourceId, fromNumber: source.number, messagesMoved: moved.length, followersMoved },
      },
    ]);
  });
}

async function linkRow(tx: Database, actor: Actor, a: string, b: string) {
  const [x, y] = [a, b].sort() as [string, string];
  await tx
    .insert(caseLinks)
    .values({ caseId: x, linkedCaseId: y, createdBy: actor.userId })
    .onConflictDoNothing();
}

export async function linkCases(db: Database, actor: Actor, id: string, otherId: string) {
  policy.assertStaffOnCases(actor, 'link cases');
  if (id === otherId) throw unprocessable('invalid_link', 'a case cannot be linked to itself');
  await db.transaction(async (tx) => {
    if (!(await repo.findCase(tx, id)) || !(await repo.findCase(tx, otherId))) throw notFound('case');
    await linkRow(tx, actor, id, otherId);
    await recordDomainEvents(tx, actor, [
      { type: 'case.linked', entityType: 'case', entityId: id, data: { caseId: otherId } },
      { type: 'case.linked', entityType: 'case', entityId: otherId, data: { caseId: id } },
    ]);
  });
}

export async function unlinkCases(db: Database, actor: Actor, id: string, otherId: string) {
  policy.assertStaffOnCases(actor, 'link cases');
  const [x, y] = [id, otherId].sort() as [string, string];
  await db.transaction(async (tx) => {
    const removed = await tx
      .delete(caseLinks)
      .where(and(eq(caseLinks.caseId, x), eq(caseLinks.linkedCaseId, y)))
      .returning();
    if (removed.length === 0) throw notFound('link');
    await recordDomainEvent(tx, actor, {
      type: 'case.unlinked',
      entityType: 'case',
      entityId: id,
      data: { caseId: otherId },
    });
  });
}

export async function listLinkedCases(db: Database, actor: Actor, id: string) {
  const c = await repo.findCase(db, id);
  if (!c || !policy.canReadCase(actor, c)) throw notFound('case');
  const links = await db
    .select()
    .from(caseLinks)
    .where(or(eq(caseLinks.caseId, id), eq(caseLinks.linkedCaseId, id)));
  const ids = links.map((l) => (l.caseId === id ? l.linkedCaseId : l.caseId));
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: cases.id,
      number: cases.number,
      subject: cases.subject,
      status: cases.status,
      customerId: cases.customerId,
      organizationId: cases.organizationId,
      customerVisible: policy.customerVisible,
    })
    .from(cases)
    .where(and(inArray(cases.id, ids), isNull(cases.deletedAt)))
    .orderBy(asc(cases.number));
  return rows
    .filter((r) => policy.canReadCase(actor, r))
    .map(({ id: rid, number, subject, status }) => ({ id: rid, number, subject, status }));
}

/** Every change to the case, oldest first, with who made it. */
export async function caseTimeline(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'see the timeline');
  if (!(await repo.findCase(db, id))) throw notFound('case');
  const rows = await db
    .select({ e: domainEvents, actorName: users.name })
    .from(domainEvents)
    .leftJoin(users, eq(users.id, domainEvents.actorId))
    .where(and(eq(domainEvents.entityType, 'case'), eq(domainEvents.entityId, id)))
    .orderBy(asc(domainEvents.occurredAt), asc(domainEvents.id));
  return rows.map(({ e, actorName }) => ({
    id: e.id,
    type: e.type,
    actorId: e.actorId,
    actorName,
    actorKind: e.actorKind,
    data: e.data,
    occurredAt: e.occurredAt.toISOString(),
  }));
}

export const PRESENCE_SECONDS = 30;

/** Heartbeat of an agent with the case open (composing: typing a reply). */
export async function touchPresence(db: Database, actor: Actor, caseId: string, composing: boolean) {
  policy.assertStaffOnCases(actor, 'share presence');
  if (!(await repo.findCase(db, caseId))) throw notFound('case');
  await db
    .insert(casePresence)
    .values({ caseId, userId: actor.userId!, composing, seenAt: new Date() })
    .onConflictDoUpdate({
      target: [casePresence.caseId, casePresence.userId],
      set: { composing, seenAt: new Date() },
    });
  return listPresence(db, actor, caseId);
}

/** The other agents who had the case open in the last 30 seconds. */
export async function listPresence(db: Database, actor: Actor, caseId: string) {
  policy.assertStaffOnCases(actor, 'share presence');
  const rows = await db
    .select({
      userId: casePresence.userId,
      name: users.name,
      composing: casePresence.composing,
      seenAt: casePresence.seenAt,
    })
    .from(casePresence)
    .innerJoin(users, eq(users.id, casePresence.userId))
    .where(
      and(
        eq(casePresence.caseId, caseId),
        ne(casePresence.userId, actor.userId ?? '00000000-0000-0000-0000-000000000000'),
        gt(casePresence.seenAt, new Date(Date.now() - PRESENCE_SECONDS * 1000)),
      ),
    );
  return rows.map((r) => ({ ...r, seenAt: r.seenAt.toISOString() }));
}
