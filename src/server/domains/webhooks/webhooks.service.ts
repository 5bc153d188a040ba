// Outgoing webhooks, administered: which outside systems get which domain events, the log of
// what was sent, and sending again. The queueing and sending are in webhook-delivery.ts.
import { randomBytes } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import { inOrder, type WebhookPayload } from '../../../core/webhook-outcome.js';
import {
  WEBHOOK_LIMITS,
  type DeliveryListQuery,
  type Webhook,
  type WebhookCreate,
  type WebhookDelivery,
  type WebhookUpdate,
  type WebhookWithSecret,
} from '../../../shared/schemas/webhooks.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { hasMaskedPassword, maskUrlPassword, unmaskUrlPassword } from '../../lib/url-password.js';
import { afterCursor, encodeCursor, orderBy } from '../../lib/pagination.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { typeFilter } from '../domain-events/domain-event-consumers.js';
import { isLocalHost } from '../../../core/local-address.js';
import { localNetworkAllowed } from './webhook-delivery.js';
import { webhookDeliveries, webhooks } from './webhooks.table.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';

function assertAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage webhooks');
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

interface WebhookRow {
  id: string;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabled_reason: string | null;
  resting_until: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  pending: number;
  failed: number;
  last_at: Date | string | null;
  last_state: WebhookDelivery['state'] | null;
  last_status: number | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();

const toWebhookDto = (r: WebhookRow): Webhook => ({
  id: r.id,
  name: r.name,
  url: maskUrlPassword(r.url) ?? r.url,
  events: r.events,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  restingUntil: r.resting_until && new Date(r.resting_until) > new Date() ? iso(r.resting_until) : null,
  pending: r.pending,
  failed: r.failed,
  lastDelivery:
    r.last_at && r.last_state
      ? { at: iso(r.last_at), state: r.last_state, responseStatus: r.last_status }
      : null,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** The webhooks (one, or all by name) with their waiting and failed counts and latest attempt. */
async function readWebhooks(db: Database, id?: string): Promise<Webhook[]> {
  const found = await rows<WebhookRow>(
    db,
    sql`select w.id, w.name, w.url, w.events, w.enabled, w.disabled_reason, w.resting_until, w.created_at, w.updated_at,
        (select count(*) from webhook_deliveries d
          where d.webhook_id = w.id and d.state = 'pending')::int as pending,
        (select count(*) from webhook_deliveries d
          where d.webhook_id = w.id and d.state = 'failed')::int as failed,
        l.last_attempt_at as last_at, l.state as last_state, l.response_status as last_status
      from webhooks w
      left join lateral (
        select last_attempt_at, state, response_status from webhook_deliveries d
        where d.webhook_id = w.id and d.last_attempt_at is not null
        order by d.last_attempt_at desc limit 1
      ) l on true
      ${id ? sql`where w.id = ${id}` : sql``}
      order by lower(w.name), w.id`,
  );
  return found.map(toWebhookDto);
}

export async function listWebhooks(db: Database, actor: Actor) {
  assertAdmin(actor);
  return readWebhooks(db);
}

export async function getWebhook(db: Database, actor: Actor, id: string): Promise<Webhook> {
  assertAdmin(actor);
  const [found] = await readWebhooks(db, id);
  if (!found) throw notFound('webhook');
  return found;
}

export async function createWebhook(
  db: Database,
  actor: Actor,
  input: WebhookCreate,
): Promise<WebhookWithSecret> {
  assertAdmin(actor);
  if (hasMaskedPassword(input.url)) {
    throw unprocessable('validation_error', 'body.url: give the password', [
      { path: 'body.url', message: 'give the password' },
    ]);
  }
  assertReachable(input.url);
  const id = newId();
  const secret = newSecret();
  await db.transaction(async (tx) => {
    // The count and the insert under one lock, so two admins cannot pass the limit together.
    await tx.execute(sql`lock table webhooks in share row exclusive mode`);
    const [{ n } = { n: 0 }] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from webhooks`);
    if (n >= WEBHOOK_LIMITS.webhooks) {
      throw conflict('too_many_webhooks', `at most ${WEBHOOK_LIMITS.webhooks} webhooks; delete one first`);
    }
    await tx
      .insert(webhooks)
      .values({ id, secret, name: input.name, url: input.url, events: input.events, enabled: input.enabled });
    await recordDomainEvent(tx, actor, {
      type: 'webhook.created',
      entityType: 'webhook',
      entityId: id,
      data: {
        name: input.name,
        url: maskUrlPassword(input.url),
        events: input.events,
        enabled: input.enabled,
      },
    });
  });
  return { ...(await getWebhook(db, actor, id)), secret };
}

/**
 * A URL naming this machine or a local network by address (or `localhost`) is refused unless the
 * operator allows local networks. A name is checked when sent to, on the address it resolves to
 * (webhook-delivery.ts), since that can change.
 */
function assertReachable(url: string) {
  if (localNetworkAllowed() || !isLocalHost(new URL(url).hostname)) return;
  const message =
    'a local address (this machine or a private network): not allowed unless the server is started with STEWARD_WEBHOOK_LOCAL_NETWORK=on';
  throw unprocessable('validation_error', `body.url: ${message}`, [{ path: 'body.url', message }]);
}

export async function updateWebhook(
  db: Database,
  actor: Actor,
  id: string,
  input: WebhookUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, webhooks, eq(webhooks.id, id), expected, 'webhook');
    const [before] = await tx.select().from(webhooks).where(eq(webhooks.id, id)).for('update');
    if (!before) throw notFound('webhook');
    const next = { ...input, ...(input.url ? { url: unmaskUrlPassword(input.url, before.url, 'url') } : {}) };
    if (next.url && next.url !== before.url) assertReachable(next.url);
    const changes = diff(before as unknown as Record<string, unknown>, next);
    if (Object.keys(changes).length === 0) return;
    if (changes.url)
      changes.url = { from: maskUrlPassword(before.url), to: maskUrlPassword(next.url ?? null) };
    const turnedOn = input.enabled === true && !before.enabled;
    await tx
      .update(webhooks)
      .set({
        ...next,
        updatedAt: nextVersion(),
        // Turned on again: from now on (what happened while it was off is not sent); off by an
        // admin: no reason of Steward's.
        ...(turnedOn ? { eventsFrom: sql`now()`, restingUntil: null } : {}),
        ...(input.enabled !== undefined ? { disabledReason: null } : {}),
      })
      .where(eq(webhooks.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'webhook.updated',
      entityType: 'webhook',
      entityId: id,
      data: { changes },
    });
  });
  return getWebhook(db, actor, id);
}

export async function deleteWebhook(db: Database, actor: Actor, id: string) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(webhooks)
      .where(eq(webhooks.id, id))
      .returning({ name: webhooks.name, url: webhooks.url });
    if (!gone) throw notFound('webhook');
    await recordDomainEvent(tx, actor, {
      type: 'webhook.deleted',
      entityType: 'webhook',
      entityId: id,
      data: { name: gone.name, url: maskUrlPassword(gone.url) },
    });
  });
}

/** A new signing secret, shown once; the old one stops signing at once. */
export async function rotateSecret(db: Database, actor: Actor, id: string): Promise<WebhookWithSecret> {
  assertAdmin(actor);
  const secret = newSecret();
  await db.transaction(async (tx) => {
    const [found] = await tx
      .update(webhooks)
      .set({ secret, updatedAt: sql`now()` })
      .where(eq(webhooks.id, id))
      .returning({ id: webhooks.id });
    if (!found) throw notFound('webhook');
    await recordDomainEvent(tx, actor, {
      type: 'webhook.secret_rotated',
      entityType: 'webhook',
      entityId: id,
    });
  });
  return { ...(await getWebhook(db, actor, id)), secret };
}

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const toDeliveryDto = (d: DeliveryRow): WebhookDelivery => ({
  id: d.id,
  webhookId: d.webhookId,
  eventId: d.eventId,
  eventType: d.eventType,
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.state === 'pending' ? isoOrNull(d.nextAttemptAt) : null,
  sending: d.sendingUntil !== null && d.sendingUntil.getTime() > Date.now(),
  sendAgain: d.sendAgain,
  lastAttemptAt: isoOrNull(d.lastAttemptAt),
  responseStatus: d.responseStatus,
  responseBody: d.responseBody,
  error: d.error,
  durationMs: d.durationMs,
  deliveredAt: isoOrNull(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
  // As sent: the fields in the body's order.
  payload: { ...inOrder(d.payload as unknown as WebhookPayload) },
});

/** A test delivery (`webhook.ping`), sent by the delivery job within a second or so. */
export async function pingWebhook(db: Database, actor: Actor, id: string): Promise<WebhookDelivery> {
  assertAdmin(actor);
  const hook = await getWebhook(db, actor, id);
  if (!hook.enabled) throw conflict('webhook_disabled', 'turn the webhook on before pinging it');
  const payload: WebhookPayload = {
    id: newId(),
    type: 'webhook.ping',
    occurredAt: new Date().toISOString(),
    entity: { type: 'webhook', id },
    actor: { kind: actor.kind, id: actor.userId },
    data: { name: hook.name, message: 'A test delivery from Steward: answer with a 2xx status.' },
  };
  const row = await db.transaction(async (tx) => {
    await endRest(tx, id);
    const [made] = await tx
      .insert(webhookDeliveries)
      .values({ webhookId: id, eventId: null, eventType: 'webhook.ping', payload: { ...payload } })
      .returning();
    return made!;
  });
  return toDeliveryDto(row);
}

async function assertWebhook(db: Database, id: string) {
  const [found] = await db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.id, id));
  if (!found) throw notFound('webhook');
}

/** An admin sends something by hand: the webhook's rest after a time-out ends (they want to see it now). */
const endRest = (db: Database, id: string) =>
  db.update(webhooks).set({ restingUntil: null }).where(eq(webhooks.id, id));

const DELIVERY_SORT = {
  column: webhookDeliveries.createdAt,
  idColumn: webhookDeliveries.id,
  desc: true,
};

/** A webhook's deliveries, newest first. */
export async function listDeliveries(db: Database, actor: Actor, id: string, q: DeliveryListQuery) {
  assertAdmin(actor);
  await assertWebhook(db, id);
  const found = await db
    .select({ row: webhookDeliveries, sortKey: sql<string>`${webhookDeliveries.createdAt}::text` })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, id),
        q.state ? eq(webhookDeliveries.state, q.state) : undefined,
        // The rule webhooks choose their events by: a type, `entity.*`, or `*`.
        q.eventType ? typeFilter([q.eventType], sql`${webhookDeliveries.eventType}`) : undefined,
        afterCursor(DELIVERY_SORT, q.cursor),
      ),
    )
    .orderBy(...orderBy(DELIVERY_SORT))
    .limit(q.limit + 1);
  const page = found.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((f) => toDeliveryDto(f.row)),
    nextCursor: found.length > q.limit && last ? encodeCursor(last.sortKey, last.row.id) : null,
  };
}

export async function getDelivery(db: Database, actor: Actor, id: string, deliveryId: string) {
  assertAdmin(actor);
  const [found] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, id)));
  if (!found) throw notFound('delivery');
  return toDeliveryDto(found);
}

/** A delivery sent again: due now, its attempts from zero, the last outcome gone. */
const AGAIN = {
  state: 'pending',
  attempts: 0,
  nextAttemptAt: sql`now()`,
  responseStatus: null,
  responseBody: null,
  error: null,
  durationMs: null,
  deliveredAt: null,
  sendingUntil: null,
  sendAgain: false,
} as const;

/** A sender is posting it right now (its lease has not run out). */
const IN_FLIGHT = sql`coalesce(${webhookDeliveries.sendingUntil} > now(), false)`;

/**
 * AGAIN, unless the delivery is in flight: then it stays as the sender will leave it and is marked
 * to go once more after (send_again). One statement, so a claim in between cannot be missed.
 */
function againUnlessInFlight(): PgUpdateSetSource<typeof webhookDeliveries> {
  const set: Record<string, SQL> = { sendAgain: IN_FLIGHT };
  for (const [key, value] of Object.entries(AGAIN)) {
    if (key === 'sendAgain') continue;
    const column = webhookDeliveries[key as keyof typeof AGAIN];
    set[key] = sql`case when ${IN_FLIGHT} then ${column} else ${value} end`;
  }
  return set;
}

/**
 * Sends a delivery again (any state): it is queued at once, its attempts counted from zero. A
 * delivery already waiting is just made due now; one being sent goes once more when that attempt
 * ends (never two sends of it at once).
 */
export async function retryDelivery(db: Database, actor: Actor, id: string, deliveryId: string) {
  assertAdmin(actor);
  const found = await db.transaction(async (tx) => {
    const [again] = await tx
      .update(webhookDeliveries)
      .set(againUnlessInFlight())
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, id)))
      .returning();
    if (!again) throw notFound('delivery');
    await endRest(tx, id);
    await recordRetry(tx, actor, id, [again.id]);
    return again;
  });
  return toDeliveryDto(found);
}

/** Queues every failed delivery of a webhook again (after the receiver's outage, say). */
export async function retryFailed(db: Database, actor: Actor, id: string) {
  assertAdmin(actor);
  return db.transaction(async (tx) => {
    await assertWebhook(tx, id);
    const again = await tx
      .update(webhookDeliveries)
      .set(AGAIN)
      .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.state, 'failed')))
      .returning({ id: webhookDeliveries.id });
    await endRest(tx, id);
    if (again.length > 0)
      await recordRetry(
        tx,
        actor,
        id,
        again.map((d) => d.id),
      );
    return { retried: again.length };
  });
}

/** The audit log's record of deliveries sent again by hand (ids up to 100, and how many). */
const recordRetry = (tx: Database, actor: Actor, id: string, deliveryIds: string[]) =>
  recordDomainEvent(tx, actor, {
    type: 'webhook.deliveries_retried',
    entityType: 'webhook',
    entityId: id,
    data: { count: deliveryIds.length, deliveryIds: deliveryIds.slice(0, 100) },
  });
