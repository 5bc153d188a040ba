// Merging a duplicate customer into the one that stays: the same person written in from a second
// address, or an order system's customer (external id, no e-mail) who also mails in. Everything the
// duplicate had moves over in one transaction, one set-based statement per kind of record; the
// duplicate stays behind as a deleted record pointing at the survivor, so its address, external id
// and id keep leading there (mail, events, old links). Promises already made stand: moved cases
// keep their agreement and clocks; new cases get the survivor's.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { CustomerMerged } from '../../../shared/schemas/customers.js';
import type { Actor } from '../../lib/actor.js';
import { SYSTEM_ACTOR, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import {
  assertMergeable,
  countChanged as count,
  intoError,
  moveStragglers,
  retireDuplicate,
  takeMergeTurn,
  totalMoved,
} from '../../lib/merging.js';
import { recordDomainEvent, recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { SIGNAL_LOCK_ORDER } from '../signals/signals.repo.js';
import { getCustomer } from './customers.service.js';

interface Locked {
  id: string;
  deleted_at: Date | null;
}

export async function mergeCustomers(
  db: Database,
  actor: Actor,
  duplicateId: string,
  intoId: string,
): Promise<CustomerMerged> {
  if (!isStaff(actor)) throw forbidden('only staff merge customers');
  if (duplicateId === intoId) throw intoError('same_customer', 'a customer cannot be merged into itself');
  const result = await db.transaction(async (tx) => {
    await takeMergeTurn(tx);
    // The duplicate's signals first, in the engine's order (signals before cases, as the action
    // runner takes them), then both customer rows in id order: two merges of the same pair in
    // opposite directions queue. NO KEY UPDATE: inserts naming the customers (foreign-key
    // checks) go on meanwhile.
    await tx.execute(
      sql`select id from signals where customer_id = ${duplicateId} order by ${SIGNAL_LOCK_ORDER} for update`,
    );
    const locked = await rows<Locked>(
      tx,
      sql`select id, deleted_at from customers where id in (${duplicateId}, ${intoId}) order by id for no key update`,
    );
    assertMergeable('customers', locked, duplicateId, intoId);
    const dup = duplicateId;
    const into = intoId;

    // The duplicate steps aside first (its address and external id leave the live ones' unique
    // indexes), then the survivor fills its empty fields from it; its own values win.
    const redirected = await retireDuplicate(tx, 'customers', dup, into);
    await tx.execute(sql`
      update customers s set
        email = coalesce(s.email, d.email),
        phone = coalesce(s.phone, d.phone),
        external_id = coalesce(s.external_id, d.external_id),
        organization_id = coalesce(s.organization_id, d.organization_id),
        segment = coalesce(s.segment, d.segment),
        language = coalesce(s.language, d.language),
        time_zone = coalesce(s.time_zone, d.time_zone),
        custom_fields = d.custom_fields || s.custom_fields,
        updated_at = ${nextVersion(undefined, sql`s.updated_at`)}
      from customers d
      where s.id = ${into} and d.id = ${dup}`);
    const moved = await moveRecords(tx, actor, dup, into);
    const [left] = await rows<CustomerMerged['left']>(
      tx,
      sql`select
        (select count(*)::int from commitments where customer_id = ${dup} and state in ('open', 'overdue')) as commitments,
        (select count(*)::int from agreements where scope_customer_id = ${dup} and active and deleted_at is null) as agreements`,
    );

    await recordDomainEvent(tx, actor, {
      type: 'customer.merged',
      entityType: 'customer',
      entityId: into,
      data: { mergedId: dup, moved, left, redirected },
    });
    await recordDomainEvent(tx, actor, {
      type: 'customer.merged_into',
      entityType: 'customer',
      entityId: dup,
      data: { intoId: into },
    });
    return { moved, left: left! };
  });
  return { customer: await getCustomer(db, actor, intoId), ...result };
}

/**
 * Moves every record of customer `dup` to `into`, one set-based statement per kind; what would
 * break a one-live-per-key rule stays (see `left`). Run by the merge, and again by the
 * straggler job for what a concurrent writer added meanwhile.
 */
async function moveRecords(tx: Database, actor: Actor, dup: string, into: string) {
  const [survivor] = await rows<{ organization_id: string | null }>(
    tx,
    sql`select organization_id from customers where id = ${into}`,
  );
  const org = survivor!.organization_id;

  const movedSignals = await count(
    tx,
    sql`update signals set customer_id = ${into} where customer_id = ${dup}`,
  );
  const movedCases = await rows<{ id: string }>(
    tx,
    sql`update cases set customer_id = ${into}, organization_id = ${org}, updated_at = ${nextVersion()}
        where customer_id = ${dup} returning id`,
  );
  const moved = {
    cases: movedCases.length,
    signals: movedSignals,
    messages: await count(
      tx,
      sql`update messages set author_customer_id = ${into} where author_customer_id = ${dup}`,
    ),
    logins: await count(
      tx,
      sql`update users set customer_id = ${into}, updated_at = now() where customer_id = ${dup}`,
    ),
    // One active agreement per customer: the survivor's own stands; the duplicate's stays put.
    agreements: await count(
      tx,
      sql`update agreements a set scope_customer_id = ${into}
          where a.scope_customer_id = ${dup}
            and not (a.active and a.deleted_at is null and exists (
              select 1 from agreements o where o.scope_customer_id = ${into} and o.active and o.deleted_at is null))`,
    ),
    // A live commitment of the survivor for the same reference wins; the duplicate's stays put.
    commitments: await count(
      tx,
      sql`update commitments c set customer_id = ${into}
          where c.customer_id = ${dup}
            and not (c.state in ('open', 'overdue') and exists (
              select 1 from commitments o where o.customer_id = ${into} and o.key = c.key
                and o.ref_value = c.ref_value and o.state in ('open', 'overdue')))`,
    ),
    events: await count(tx, sql`update events set customer_id = ${into} where customer_id = ${dup}`),
    ratings: await count(tx, sql`update case_ratings set customer_id = ${into} where customer_id = ${dup}`),
  };
  await tx.execute(sql`update rule_expectations set customer_id = ${into} where customer_id = ${dup}`);
  await tx.execute(sql`update rule_hits set subject_id = ${into} where subject_id = ${dup}`);
  // One vote per article and voter: the survivor's own vote stands.
  await tx.execute(sql`
      update kb_votes v set customer_id = ${into}
      where v.customer_id = ${dup}
        and not exists (select 1 from kb_votes o where o.customer_id = ${into} and o.article_id = v.article_id)`);
  // Each moved case's history says whose it is now.
  await recordDomainEvents(
    tx,
    actor,
    movedCases.map((c) => ({
      type: 'case.updated',
      entityType: 'case',
      entityId: c.id,
      data: { changes: { customerId: { from: dup, to: into } }, reason: 'customer_merged' },
    })),
  );
  return moved;
}

/** Moves what concurrent writers added to recently merged customers (see `moveStragglers`). */
export const moveMergeStragglers = (db: Database) =>
  moveStragglers(db, 'customers', async (tx, m) => {
    await tx.execute(
      sql`select id from signals where customer_id = ${m.id} order by ${SIGNAL_LOCK_ORDER} for update`,
    );
    return totalMoved(await moveRecords(tx, SYSTEM_ACTOR, m.id, m.into));
  });
