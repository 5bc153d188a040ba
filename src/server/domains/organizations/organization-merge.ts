// Merging a duplicate organization into the one that stays ("Contoso" and "Contoso Retail Ltd",
// one made by hand, one by an import). Its customers, cases, agreements, signals and commitments
// move over in one transaction, one set-based statement per kind of record. Operational events
// keep the organization they were received with (facts as sent; moving them would read the
// busiest table, which has no index by organization, on every merge and straggler run). The duplicate
// stays behind as a deleted record pointing at the survivor, so its id (events naming it) and its
// name (customer imports) keep leading there; its e-mail domains join the survivor's, so mail from
// them does too. Promises already made stand: moved cases keep their agreement and clocks.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { OrganizationMerged } from '../../../shared/schemas/organizations.js';
import type { Actor } from '../../lib/actor.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import {
  assertMergeable,
  countChanged as count,
  intoError,
  moveStragglers,
  retireDuplicate,
  takeMergeTurn,
  totalMoved,
} from '../../lib/merging.js';
import * as policy from '../../policies/organizations.js';
import { recordDomainEvent, recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { SIGNAL_LOCK_ORDER } from '../signals/signals.repo.js';
import { getOrganization } from './organizations.service.js';

/** Locks, in the order every writer of these rows takes them: signals, organizations, customers. */
async function lockForMerge(tx: Database, dup: string, into?: string) {
  await tx.execute(
    sql`select id from signals where organization_id = ${dup} order by ${SIGNAL_LOCK_ORDER} for update`,
  );
  const ids = into ? sql`(${dup}, ${into})` : sql`(${dup})`;
  const locked = await rows<{ id: string; deleted_at: Date | null }>(
    tx,
    sql`select id, deleted_at from organizations where id in ${ids} order by id for no key update`,
  );
  await tx.execute(
    sql`select id from customers where organization_id = ${dup} order by id for no key update`,
  );
  return locked;
}

export async function mergeOrganizations(
  db: Database,
  actor: Actor,
  duplicateId: string,
  intoId: string,
): Promise<OrganizationMerged> {
  policy.assertCanMergeOrganizations(actor);
  if (duplicateId === intoId) {
    throw intoError('same_organization', 'an organization cannot be merged into itself');
  }
  const result = await db.transaction(async (tx) => {
    await takeMergeTurn(tx);
    const locked = await lockForMerge(tx, duplicateId, intoId);
    assertMergeable('organizations', locked, duplicateId, intoId);
    const dup = duplicateId;
    const into = intoId;

    // The duplicate steps aside; the survivor takes its domains (so mail from them still finds
    // an organization) and fills its empty fields from it; its own values win.
    const redirected = await retireDuplicate(tx, 'organizations', dup, into);
    await tx.execute(sql`
      update organizations s set
        domains = array(
          select d from unnest(s.domains || o.domains) with ordinality as x(d, n)
          group by d order by min(n)),
        segment = coalesce(s.segment, o.segment),
        notes = coalesce(s.notes, o.notes),
        custom_fields = o.custom_fields || s.custom_fields,
        updated_at = ${nextVersion(undefined, sql`s.updated_at`)}
      from organizations o
      where s.id = ${into} and o.id = ${dup}`);
    const moved = await moveRecords(tx, actor, dup, into);
    const names = await rows<{ id: string; name: string }>(
      tx,
      sql`select id, name from organizations where id in (${dup}, ${into})`,
    );
    const nameOf = (id: string) => names.find((n) => n.id === id)!.name;
    const [left] = await rows<OrganizationMerged['left']>(
      tx,
      sql`select (select count(*)::int from agreements
        where scope_organization_id = ${dup} and active and deleted_at is null) as agreements`,
    );
    await recordDomainEvent(tx, actor, {
      type: 'organization.merged',
      entityType: 'organization',
      entityId: into,
      data: { mergedId: dup, mergedName: nameOf(dup), moved, left, redirected },
    });
    await recordDomainEvent(tx, actor, {
      type: 'organization.merged_into',
      entityType: 'organization',
      entityId: dup,
      data: { intoId: into, intoName: nameOf(into) },
    });
    return { moved, left: left! };
  });
  return { organization: await getOrganization(db, actor, intoId), ...result };
}

/**
 * Moves every record of organization `dup` to `into`; an active agreement of its own stays when
 * the survivor has one (one active agreement per scope). Run by the merge, and again by the
 * straggler job for what a concurrent writer added meanwhile.
 */
async function moveRecords(tx: Database, actor: Actor, dup: string, into: string) {
  // Merged (deleted) customers move too, uncounted and unrecorded: their keys lead to live ones.
  const customers = await rows<{ id: string; live: boolean }>(
    tx,
    sql`update customers set organization_id = ${into}, updated_at = ${nextVersion()}
        where organization_id = ${dup} returning id, deleted_at is null as live`,
  );
  const liveCustomers = customers.filter((c) => c.live);
  const movedCases = await rows<{ id: string }>(
    tx,
    sql`update cases set organization_id = ${into}, updated_at = ${nextVersion()}
        where organization_id = ${dup} returning id`,
  );
  const moved = {
    customers: liveCustomers.length,
    cases: movedCases.length,
    agreements: await count(
      tx,
      sql`update agreements a set scope_organization_id = ${into}
          where a.scope_organization_id = ${dup}
            and not (a.active and a.deleted_at is null and exists (
              select 1 from agreements o where o.scope_organization_id = ${into} and o.active and o.deleted_at is null))`,
    ),
    signals: await count(
      tx,
      sql`update signals set organization_id = ${into} where organization_id = ${dup}`,
    ),
    commitments: await count(
      tx,
      sql`update commitments set organization_id = ${into} where organization_id = ${dup}`,
    ),
  };
  await tx.execute(
    sql`update rule_expectations set organization_id = ${into} where organization_id = ${dup}`,
  );
  // Threshold rules counted per organization: the duplicate's hits count for the survivor.
  await tx.execute(sql`update rule_hits set subject_id = ${into} where subject_id = ${dup}`);
  // Each moved case's and customer's history says whose it is now.
  const change = { changes: { organizationId: { from: dup, to: into } }, reason: 'organization_merged' };
  await recordDomainEvents(tx, actor, [
    ...movedCases.map((c) => ({
      type: 'case.updated' as const,
      entityType: 'case' as const,
      entityId: c.id,
      data: change,
    })),
    ...liveCustomers.map((c) => ({
      type: 'customer.updated' as const,
      entityType: 'customer' as const,
      entityId: c.id,
      data: change,
    })),
  ]);
  return moved;
}

/** Moves what concurrent writers added to recently merged organizations (see `moveStragglers`). */
export const moveOrganizationMergeStragglers = (db: Database) =>
  moveStragglers(db, 'organizations', async (tx, m) => {
    await lockForMerge(tx, m.id);
    return totalMoved(await moveRecords(tx, SYSTEM_ACTOR, m.id, m.into));
  });
