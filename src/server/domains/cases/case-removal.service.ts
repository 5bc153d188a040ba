// Taking cases away: admins delete one (a test, a duplicate nobody needs); staff mark one as spam,
// which also blocks its sender's address (blocked-senders.service.ts) and deletes the customer
// when this was their only case. Deleting is soft: the row stays for the audit log, but every
// list, count, search and address answers as if it were gone.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { SpamManyResult, SpamResult } from '../../../shared/schemas/mail.js';
import type { DeletedCase } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { customers } from '../customers/customers.table.js';
import { blockedSenders } from '../mail/mail.table.js';
import { WAITING, clockCase } from './cases.service.js';
import { onRestored } from './clocks.js';
import type { CaseHistory } from '../../../core/clock-plans.js';
import * as policy from '../../policies/cases.js';
import { removeCustomer } from '../customers/customers.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { addBlockedSender } from '../mail/blocked-senders.service.js';
import * as repo from './cases.repo.js';
import { casePromises, cases } from './cases.table.js';

/** Deletes the case inside the caller's transaction: its running clocks end, `case.deleted` is written. */
async function removeCase(tx: Database, actor: Actor, id: string, reason: 'deleted' | 'spam') {
  const c = await repo.lockCase(tx, id);
  if (!c) throw notFound('case');
  const [live] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from signals where case_id = ${id} and state in ('open', 'acted')`,
  );
  if (live!.n > 0)
    throw unprocessable(
      'case_has_signals',
      `case #${c.number} is the answer to ${live!.n} live signal(s): solve it, or dismiss them first`,
    );
  // Running and paused clocks go (named on `case.deleted`); kept and missed ones stay with the
  // deleted case, which counts in no compliance figure (promise-outcomes.ts readers skip it).
  const cancelled = await tx
    .delete(casePromises)
    .where(
      and(
        eq(casePromises.caseId, id),
        isNull(casePromises.metAt),
        sql`${casePromises.state} in ('active', 'paused')`,
      ),
    )
    .returning({ kind: casePromises.kind });
  // Notifications are news about a case; there is none left to open.
  await tx.execute(sql`delete from notifications where case_id = ${id}`);
  const now = new Date();
  await tx
    .update(cases)
    // The follow-up stays on the row (the job skips deleted cases): a restore sets it going again.
    .set({ deletedAt: now, nextDueAt: null, nextWarnAt: null, updatedAt: nextVersion(now) })
    .where(eq(cases.id, id));
  await recordDomainEvent(tx, actor, {
    type: 'case.deleted',
    entityType: 'case',
    entityId: id,
    data: {
      number: c.number,
      subject: c.subject,
      reason,
      cancelledPromises: cancelled.map((k) => k.kind),
    },
  });
  return c;
}

/**
 * What the case's record says happened, for its clocks: who answered when, the customer's public
 * messages, and the status changes its timeline still holds (a deleted case's old changes go with
 * the audit trail's retention; its clocks are then worked out from the rest).
 */
async function historyOf(
  tx: Database,
  c: { id: string; firstRespondedAt: Date | null },
): Promise<CaseHistory> {
  const wrote = await rows<{ at: string | Date }>(
    tx,
    sql`select created_at as at from messages
      where case_id = ${c.id} and public and author_type = 'customer' order by created_at`,
  );
  const changes = await rows<{ at: string | Date; from: string; to: string }>(
    tx,
    sql`select occurred_at as at, data->'changes'->'status'->>'from' as "from",
        data->'changes'->'status'->>'to' as "to"
      from domain_events
      where entity_type = 'case' and entity_id = ${c.id} and type = 'case.updated'
        and data->'changes'->'status'->>'to' is not null
      order by occurred_at, id`,
  );
  return {
    firstRespondedAt: c.firstRespondedAt,
    customerMessagesAt: wrote.map((m) => new Date(m.at)),
    statusChanges: changes.map((x) => ({ at: new Date(x.at), from: x.from, to: x.to })),
  };
}

/**
 * Admins bring a deleted case back: listed again, and every promise clock its deletion removed
 * (running or paused then) starts again as it would stand had the case never been deleted,
 * recomputed from the case's own history rather than from the kinds `case.deleted` names: first
 * response and resolution from the creation (resolution from the reopening after a solve), next
 * response from the customer's message awaiting a reply, the periodic update from the last reply;
 * each paused and resumed by the status changes since (paused still in a pausing status), and due
 * or missed as time says. Clocks that were decided stay as they were. The follow-up the deleted
 * case kept goes again. A case marked as spam is
 * un-marked: its sender is unblocked, and its customer comes back if they went with it, with
 * their portal login.
 */
export async function restoreCase(db: Database, actor: Actor, id: string) {
  if (!isAdmin(actor)) throw forbidden('only admins restore cases');
  await db.transaction(async (tx) => {
    const [c] = await tx.select().from(cases).where(eq(cases.id, id)).for('update');
    if (!c) throw notFound('case');
    if (!c.deletedAt) throw conflict('not_deleted', `case #${c.number} is not deleted`);
    if (c.mergedIntoId) throw conflict('case_merged', `case #${c.number} was merged into another case`);
    const unblocked = await tx
      .delete(blockedSenders)
      .where(eq(blockedSenders.caseId, id))
      .returning({ id: blockedSenders.id, pattern: blockedSenders.pattern });
    for (const b of unblocked)
      await recordDomainEvent(tx, actor, {
        type: 'blocked_sender.deleted',
        entityType: 'blocked_sender',
        entityId: b.id,
        data: { pattern: b.pattern, reason: 'case restored' },
      });
    // The customer deleted with this case (spam) comes back with it, and so does their portal
    // login (with its password), unless a new one was made for their address meanwhile, or their
    // personal data was erased since (an erased customer stays deleted).
    const [gone] = await rows<{ id: string; logins: string[] | null }>(
      tx,
      sql`select cu.id, e.data->'logins' as logins from customers cu
        join domain_events e on e.entity_type = 'customer' and e.entity_id = cu.id
          and e.type = 'customer.deleted' and e.data->>'caseId' = ${id}
        where cu.id = ${c.customerId} and cu.deleted_at is not null and cu.merged_into_id is null
          and cu.erased_at is null
        order by e.id desc limit 1`,
    );
    if (gone) {
      await tx
        .update(customers)
        .set({ deletedAt: null, updatedAt: new Date() })
        .where(eq(customers.id, gone.id));
      const logins = await rows<{ id: string }>(
        tx,
        sql`update users u set deleted_at = null, active = true, updated_at = now()
          where u.id = any(${sql.param(gone.logins ?? [])}::uuid[]) and u.customer_id = ${gone.id}
            and u.deleted_at is not null
            and not exists (select 1 from users o where o.deleted_at is null and lower(o.email) = lower(u.email))
          returning u.id`,
      );
      await recordDomainEvent(tx, actor, {
        type: 'customer.restored',
        entityType: 'customer',
        entityId: gone.id,
        data: { caseId: id, logins: logins.map((l) => l.id) },
      });
    }
    // The follow-up the case kept while deleted goes again (only a waiting case has one): due
    // meanwhile, the follow-up job opens the case at its next run, as it would have then.
    const followUpAt = c.followUpAt && WAITING.has(c.status) ? c.followUpAt : null;
    const now = new Date();
    const [after] = await tx
      .update(cases)
      .set({ deletedAt: null, updatedAt: nextVersion(now) })
      .where(eq(cases.id, id))
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'case.restored',
      entityType: 'case',
      entityId: id,
      data: {
        number: c.number,
        unblocked: unblocked.map((b) => b.pattern),
        customerRestored: !!gone,
        ...(followUpAt ? { followUpAt: followUpAt.toISOString() } : {}),
      },
    });
    await onRestored(tx, actor, clockCase(after!), await historyOf(tx, c), now);
  });
}

/** The deleted cases, newest first (at most 200), with who deleted them and why. */
export async function listDeletedCases(db: Database, actor: Actor): Promise<DeletedCase[]> {
  if (!isAdmin(actor)) throw forbidden('only admins see deleted cases');
  const found = await rows<{
    id: string;
    number: number;
    subject: string;
    customer_name: string;
    deleted_at: string | Date;
    reason: string | null;
    deleted_by: string | null;
  }>(
    db,
    sql`select c.id, c.number, c.subject, cu.name as customer_name, c.deleted_at,
        e.data->>'reason' as reason, u.name as deleted_by
      from cases c join customers cu on cu.id = c.customer_id
      left join lateral (select d.data, d.actor_id from domain_events d
        where d.entity_type = 'case' and d.entity_id = c.id and d.type = 'case.deleted'
        order by d.occurred_at desc limit 1) e on true
      left join users u on u.id = e.actor_id
      where c.deleted_at is not null and c.merged_into_id is null
      order by c.deleted_at desc, c.id limit 200`,
  );
  return found.map((r) => ({
    id: r.id,
    number: Number(r.number),
    subject: r.subject,
    customerName: r.customer_name,
    deletedAt: new Date(r.deleted_at).toISOString(),
    reason: r.reason === 'spam' ? 'spam' : 'deleted',
    deletedBy: r.deleted_by,
  }));
}

/** Admins delete a case. */
export async function deleteCase(db: Database, actor: Actor, id: string) {
  if (!isAdmin(actor)) throw forbidden('only admins delete cases');
  await db.transaction((tx) => removeCase(tx, actor, id, 'deleted'));
}

/**
 * Staff mark a case as spam: it is deleted, its customer's address is blocked (their next mail
 * is kept as ignored), and the customer is deleted when this was their only case.
 */
export async function markSpam(db: Database, actor: Actor, id: string): Promise<SpamResult> {
  policy.assertStaffOnCases(actor, 'mark cases as spam');
  return db.transaction((tx) => spamOne(tx, actor, id));
}

/** Spam, many at once (a burst of junk): all or none, in one transaction. */
export async function markSpamMany(db: Database, actor: Actor, ids: string[]): Promise<SpamManyResult> {
  policy.assertStaffOnCases(actor, 'mark cases as spam');
  return db.transaction(async (tx) => {
    const blocked = new Set<string>();
    let customersDeleted = 0;
    for (const id of [...new Set(ids)].sort()) {
      try {
        const one = await spamOne(tx, actor, id);
        if (one.blocked) blocked.add(one.blocked);
        if (one.customerDeleted) customersDeleted++;
      } catch (err) {
        if (err instanceof AppError) err.message = `case ${id}: ${err.message}`;
        throw err;
      }
    }
    return { cases: new Set(ids).size, blocked: [...blocked].sort(), customersDeleted };
  });
}

/** One case marked as spam, inside the caller's transaction. */
async function spamOne(tx: Database, actor: Actor, id: string): Promise<SpamResult> {
  const found = await repo.findCase(tx, id);
  if (!found) throw notFound('case');
  if (found.channel === 'proactive')
    throw unprocessable('not_spam', 'a proactive case was opened by Steward, not sent by a spammer');
  const c = await removeCase(tx, actor, id, 'spam');
  const email = found.customerEmail?.toLowerCase() ?? null;
  if (email)
    await addBlockedSender(
      tx,
      actor,
      { pattern: email, reason: `case #${c.number} marked as spam`, caseId: id },
      { ifNew: true },
    );
  const [others] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from cases where customer_id = ${c.customerId} and deleted_at is null`,
  );
  const customerDeleted = others!.n === 0;
  if (customerDeleted) await removeCustomer(tx, actor, c.customerId, { reason: 'spam', caseId: id });
  return { blocked: email, customerDeleted };
}
