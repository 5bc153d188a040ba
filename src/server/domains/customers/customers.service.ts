// Use cases on customer records. Every change writes its domain event in the same transaction.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type {
  Customer,
  CustomerCreate,
  CustomerListQuery,
  CustomerUpdate,
  CustomerUpsert,
} from '../../../shared/schemas/customers.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { AppError, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { mergedAway } from '../../lib/merging.js';
import { translateDbError } from '../../lib/db-errors.js';
import * as policy from '../../policies/customers.js';
import { users } from '../auth/auth.table.js';
import { appliedAgreement } from '../agreements/agreements.service.js';
import { assertCustomFields, customerVisibleFields, fieldFilterCondition } from '../fields/fields.service.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { organizationExists } from '../organizations/organizations.repo.js';
import { segmentExists } from '../segments/segments.repo.js';
import * as repo from './customers.repo.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { customers } from './customers.table.js';
import { nextVersion } from '../../../db/columns.js';
import { blockedPatternOf } from '../mail/blocked-senders.service.js';

const taken = (field: 'email' | 'externalId', code: string, what: string) =>
  new AppError(409, code, `body.${field}: a customer with this ${what} already exists`, [
    { path: `body.${field}`, message: `a customer with this ${what} already exists` },
  ]);
const uniqueErrors = {
  customers_email_live_uq: taken('email', 'email_taken', 'e-mail'),
  customers_external_id_live_uq: taken('externalId', 'external_id_taken', 'externalId'),
};

export function toCustomerDto(row: NonNullable<Awaited<ReturnType<typeof repo.findCustomer>>>): Customer {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    segment: row.segment,
    effectiveSegment: row.effectiveSegment,
    language: row.language,
    timeZone: row.timeZone,
    externalId: row.externalId,
    organizationAccess: row.organizationAccess,
    mailAcknowledgements: row.mailAcknowledgements,
    mailProactiveNotices: row.mailProactiveNotices,
    customFields: row.customFields,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Checks references and uniqueness so the client gets a message naming the field. */
async function checkCustomerFields(db: Database, input: CustomerUpdate, exceptId?: string) {
  if (input.organizationId && !(await organizationExists(db, input.organizationId))) {
    throw unprocessable('invalid_reference', 'body.organizationId: no such organization', [
      { path: 'body.organizationId', message: 'no such organization' },
    ]);
  }
  if (input.segment && !(await segmentExists(db, input.segment))) {
    throw unprocessable('invalid_reference', `body.segment: no segment "${input.segment}"`, [
      { path: 'body.segment', message: 'no such segment' },
    ]);
  }
  // Taken by another live customer, or by one merged into another (its keys lead there).
  for (const field of ['email', 'externalId'] as const) {
    const value = input[field];
    if (!value) continue;
    const holder = await repo.resolveCustomer(
      db,
      field === 'email' ? { email: value } : { externalId: value },
    );
    if (!holder || holder.id === exceptId) continue;
    const taken =
      field === 'email' ? uniqueErrors.customers_email_live_uq : uniqueErrors.customers_external_id_live_uq;
    if (!holder.merged) throw taken;
    const message = `belongs to ${holder.name}: a customer merged into them had it`;
    throw new AppError(409, taken.code, `body.${field}: ${message}`, [{ path: `body.${field}`, message }]);
  }
}

export async function getCustomer(db: Database, actor: Actor, id: string): Promise<Customer> {
  const row = await repo.findCustomer(db, id);
  if (!row && isStaff(actor)) {
    // An old link to a merged customer: staff are told where it went.
    const into = await repo.resolveCustomer(db, { id });
    if (into) throw mergedAway('customers', into);
  }
  // A customer asking for someone else's record learns nothing, not even that it exists.
  if (!row || !policy.canReadCustomer(actor, row)) throw notFound('customer');
  const dto = (await forActor(db, actor))(toCustomerDto(row));
  if (isStaff(actor)) {
    // Staff learn why a customer's mail never arrives, and what was promised to them (agreements
    // are ours: a customer reading their record does not get it).
    dto.blockedAs = row.email ? await blockedPatternOf(db, row.email) : null;
    dto.agreement = await appliedAgreement(db, {
      customerId: row.id,
      organizationId: row.organizationId,
      segment: row.effectiveSegment,
    });
  }
  return dto;
}

/**
 * The customer record as this actor may see it: staff see every custom field; a customer (their
 * own record, a colleague's) only the fields defined as shown to customers, and not the segment
 * we put them in (how we group customers is ours) nor the id of our own systems (`externalId`).
 */
async function forActor(db: Database, actor: Actor): Promise<(c: Customer) => Customer> {
  if (isStaff(actor)) return (c) => c;
  const shown = await customerVisibleFields(db, 'customer');
  const hidden = Object.fromEntries(HIDDEN_FROM_CUSTOMERS.map((k) => [k, null]));
  return (c) => ({ ...c, ...hidden, customFields: shown(c.customFields) });
}

/** What a customer reads as null of a customer record: ours (how we group them, our systems' id). */
const HIDDEN_FROM_CUSTOMERS = ['segment', 'effectiveSegment', 'externalId'] as const;

/**
 * A customer's update as it changes anything: a field hidden from them, sent back as they read
 * it (null), is no change of theirs (a client may send the whole record back).
 */
function asCustomerSent<T extends Record<string, unknown>>(input: T): T {
  const sent: Record<string, unknown> = { ...input };
  for (const k of HIDDEN_FROM_CUSTOMERS) if (sent[k] === null) delete sent[k];
  return sent as T;
}

export async function listCustomers(db: Database, actor: Actor, query: CustomerListQuery) {
  // Filtering by segment would tell a customer which segment their colleagues are in.
  if (query.segment && !isStaff(actor)) throw forbidden('only staff filter customers by segment');
  if (query.externalId && !isStaff(actor)) throw forbidden('only staff look customers up by external id');
  const byFields = await fieldFilterCondition(db, 'customer', customers.customFields, query.field, {
    customerView: !isStaff(actor),
  });
  const page = await repo.listCustomers(db, query, and(policy.customerListScope(actor), byFields));
  const shown = await forActor(db, actor);
  return {
    items: page.items.map((row) => shown(toCustomerDto(row))),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}

export async function createCustomer(db: Database, actor: Actor, input: CustomerCreate): Promise<Customer> {
  policy.assertCanCreateCustomer(actor);
  try {
    const id = await db.transaction((tx) => insertCustomer(tx, actor, input));
    return getCustomer(db, actor, id);
  } catch (err) {
    throw translateDbError(err, uniqueErrors);
  }
}

/** A new customer record, checked, with its domain event; its id. */
async function insertCustomer(tx: Database, actor: Actor, input: CustomerCreate): Promise<string> {
  await checkCustomerFields(tx, input);
  await assertCustomFields(tx, 'customer', input.customFields);
  const [row] = await repo.insertCustomers(tx, [input]);
  await recordDomainEvent(tx, actor, {
    type: 'customer.created',
    entityType: 'customer',
    entityId: row!.id,
    data: { ...input },
  });
  return row!.id;
}

/**
 * Writes what `asked` changes on `before` (nothing when it changes nothing: a client may send
 * the whole record back), checked, with its domain event.
 */
async function applyCustomerUpdate(
  tx: Database,
  actor: Actor,
  before: NonNullable<Awaited<ReturnType<typeof repo.findCustomer>>>,
  asked: CustomerUpdate,
) {
  const changes = diff(before as unknown as Record<string, unknown>, asked);
  policy.assertCanUpdateCustomer(actor, before, Object.keys(changes));
  if (Object.keys(changes).length === 0) return;
  await checkCustomerFields(tx, asked, before.id);
  await assertCustomFields(tx, 'customer', asked.customFields, before.customFields);
  await repo.updateCustomerRow(tx, before.id, asked);
  // Their portal login goes by the customer's name (the portal's header, the sessions list).
  if ('name' in changes && asked.name)
    await tx
      .update(users)
      .set({ name: asked.name, updatedAt: nextVersion() })
      .where(and(eq(users.customerId, before.id), isNull(users.deletedAt)));
  await recordDomainEvent(tx, actor, {
    type: 'customer.updated',
    entityType: 'customer',
    entityId: before.id,
    data: { changes },
  });
}

export async function updateCustomer(
  db: Database,
  actor: Actor,
  id: string,
  input: CustomerUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  try {
    await db.transaction(async (tx) => {
      const before = await repo.findCustomer(tx, id);
      if (!before || !policy.canReadCustomer(actor, before)) throw notFound('customer');
      // Checked once the actor may see the customer: a conflict would tell that it exists.
      await assertUnchangedSince(tx, customers, repo.liveCustomer(id), expected, 'customer');
      await applyCustomerUpdate(tx, actor, before, isStaff(actor) ? input : asCustomerSent(input));
    });
  } catch (err) {
    throw translateDbError(err, uniqueErrors);
  }
  return getCustomer(db, actor, id);
}

/**
 * The customer our systems know by `externalId` (staff): created when there is none, otherwise
 * given the fields sent (those left out stay as they are; null clears one). The external id of
 * a customer merged into another leads to that other. Calls for one external id take turns
 * (a transaction advisory lock), so two at once make one customer, not two or an error.
 */
export async function upsertCustomerByExternalId(
  db: Database,
  actor: Actor,
  externalId: string,
  input: CustomerUpsert,
): Promise<{ customer: Customer; created: boolean }> {
  policy.assertCanCreateCustomer(actor);
  try {
    const { id, created } = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`customer-external-id:${externalId}`}))`);
      const found = await repo.resolveCustomer(tx, { externalId });
      if (!found) return { id: await insertCustomer(tx, actor, { ...input, externalId }), created: true };
      const before = await repo.findCustomer(tx, found.id);
      if (!before) throw notFound('customer');
      await applyCustomerUpdate(tx, actor, before, input);
      return { id: found.id, created: false };
    });
    return { customer: await getCustomer(db, actor, id), created };
  } catch (err) {
    throw translateDbError(err, uniqueErrors);
  }
}

export async function deleteCustomer(db: Database, actor: Actor, id: string) {
  policy.assertCanDeleteCustomer(actor);
  await db.transaction(async (tx) => {
    const before = await repo.findCustomer(tx, id);
    if (!before) throw notFound('customer');
    await removeCustomer(tx, actor, id);
  });
}

/** Deletes a customer (soft) with their portal login, inside the caller's transaction; `data` goes on the event. */
export async function removeCustomer(tx: Database, actor: Actor, id: string, data?: Record<string, unknown>) {
  await repo.softDeleteCustomer(tx, id);
  // Their portal login goes with them (named on the event: restoring a spam case brings it back).
  const logins = await tx
    .update(users)
    .set({ deletedAt: sql`now()`, active: false, updatedAt: sql`now()` })
    .where(and(eq(users.customerId, id), isNull(users.deletedAt)))
    .returning({ id: users.id });
  const named = logins.length ? { logins: logins.map((u) => u.id) } : {};
  await recordDomainEvent(tx, actor, {
    type: 'customer.deleted',
    entityType: 'customer',
    entityId: id,
    ...(data || logins.length ? { data: { ...data, ...named } } : {}),
  });
}
