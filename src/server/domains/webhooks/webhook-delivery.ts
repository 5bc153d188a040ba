// Getting the domain events to the webhooks, on any number of nodes.
//
// Queueing (`webhooks` job): a consumer of the domain events (domain-event-consumers.ts) reads the
// events any enabled webhook wants, exactly once, and writes one delivery per event and webhook in
// the same transaction as its cursor's move. A webhook gets the events that happened from its
// creation (or its turning on again) on.
//
// Sending (`webhook-deliveries` job): one statement claims due deliveries with FOR UPDATE SKIP
// LOCKED and leases them (next_attempt_at moves past the longest send, attempts + 1), so each is
// handed to one sender. The POSTs happen outside any transaction, several at once; their outcomes
// are written back in one statement: delivered, tried again after a pause (outcomeOf), or given
// up. A node that dies mid-send leaves the lease to expire and the delivery is sent again: at
// least once, never twice while all is well. Receivers dedupe by the event id. "Send again" on a
// delivery in flight (sending_until) does not make it claimable: it is marked (send_again) and
// goes once more when that attempt's outcome is written.
import { lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import {
  bodyOf,
  failureText,
  outcomeOf,
  RETRY_DELAYS_S,
  type Outcome,
  type WebhookPayload,
} from '../../../core/webhook-outcome.js';
import { isLocalAddress, isLocalHost } from '../../../core/local-address.js';
import { matchesEventPattern, WEBHOOK_LIMITS } from '../../../shared/schemas/webhooks.js';
import type { Config } from '../../config.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import {
  consumeDomainEvents,
  skipPastDomainEvents,
  type DomainEventConsumer,
} from '../domain-events/domain-event-consumers.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { signWebhook } from '../events/webhook-signature.js';

export const QUEUE_BATCH = 500;
export const DELIVERY_BATCH = 50;
/** At most this many of one webhook's deliveries in a batch, so a busy one does not starve the others. */
export const PER_WEBHOOK = 25;
/** How long a webhook whose receiver let a POST time out is left alone. */
export const REST_AFTER_TIMEOUT_S = 60;
export const PRUNE_BATCH = 5_000;
/** Finished deliveries (delivered or given up) are kept this long for the log. */
export const DELIVERIES_KEPT_DAYS = 30;
export const TIMEOUT_MS = 10_000;
const CONSUMER: DomainEventConsumer = 'webhooks';

let localNetwork = false;
/**
 * Whether webhooks may go to this machine or a local network (Config.webhookLocalNetwork; off
 * unless configured). Mounting the webhook routes sets it, so every built app has it.
 */
export function configureWebhooks(config: Pick<Config, 'webhookLocalNetwork'>) {
  localNetwork = config.webhookLocalNetwork;
}
export const localNetworkAllowed = () => localNetwork;

/** Queues the deliveries of the next domain events (at most `limit`). Returns how many events were read. */
export async function queueWebhookDeliveries(db: Database, limit = QUEUE_BATCH): Promise<number> {
  const hooks = await rows<{ id: string; events: string[]; events_from: Date | string }>(
    db,
    sql`select id, events, events_from from webhooks where enabled`,
  );
  if (hooks.length === 0) {
    // Nobody listens: what happens now is nobody's news (a webhook made later starts from then).
    await skipPastDomainEvents(db, CONSUMER);
    return 0;
  }
  const types = [...new Set(hooks.flatMap((h) => h.events))];
  return consumeDomainEvents(db, CONSUMER, types, limit, async (tx, events) => {
    const rowsToQueue: {
      id: string;
      webhook_id: string;
      event_id: string;
      event_type: string;
      payload: WebhookPayload;
    }[] = [];
    for (const e of events) {
      const payload: WebhookPayload = {
        id: e.id,
        type: e.type,
        occurredAt: e.occurredAt.toISOString(),
        entity: { type: e.entityType, id: e.entityId },
        actor: { kind: e.actorKind, id: e.actorId },
        data: e.data,
      };
      for (const h of hooks) {
        if (!matchesEventPattern(h.events, e.type) || e.occurredAt < new Date(h.events_from)) continue;
        rowsToQueue.push({ id: newId(), webhook_id: h.id, event_id: e.id, event_type: e.type, payload });
      }
    }
    // The webhook may have been deleted or turned off since it was read: only live ones get rows.
    if (rowsToQueue.length > 0) {
      await tx.execute(sql`insert into webhook_deliveries (id, webhook_id, event_id, event_type, payload)
        select v.id, v.webhook_id, v.event_id, v.event_type, v.payload
        from jsonb_to_recordset(${JSON.stringify(rowsToQueue)}::jsonb)
          as v(id uuid, webhook_id uuid, event_id uuid, event_type text, payload jsonb)
        join webhooks w on w.id = v.webhook_id and w.enabled
        on conflict (webhook_id, event_id) do nothing`);
    }
  });
}

interface Claimed {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: WebhookPayload;
  attempts: number;
  url: string;
  secret: string;
}

interface Attempt {
  id: string;
  webhookId: string;
  /** The delivery's attempts as claimed: the claim's mark. */
  attempts: number;
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
  timedOut: boolean;
  outcome: Outcome;
}

export interface SendOptions {
  limit?: number;
  perWebhook?: number;
  timeoutMs?: number;
  retryDelaysS?: readonly number[];
  /** Send to local addresses too (default: as configured, configureWebhooks). */
  localNetwork?: boolean;
}

/** Sends the due deliveries (at most `limit`). Returns how many were attempted. */
export async function sendDueWebhooks(db: Database, opts: SendOptions = {}): Promise<number> {
  const limit = opts.limit ?? DELIVERY_BATCH;
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const leaseS = Math.ceil(timeoutMs / 1000) + 50;
  const claimed = await rows<Claimed>(
    db,
    sql`with due as (
        select d.id from webhooks w
        cross join lateral (
          select d.id, d.next_attempt_at from webhook_deliveries d
          where d.webhook_id = w.id and d.state = 'pending' and d.next_attempt_at <= now()
          order by d.next_attempt_at limit ${Math.min(limit, opts.perWebhook ?? PER_WEBHOOK)}
          for update skip locked
        ) d
        where w.enabled and (w.resting_until is null or w.resting_until <= now())
        order by d.next_attempt_at limit ${limit}
      )
      update webhook_deliveries d
      set attempts = d.attempts + 1, last_attempt_at = now(),
        next_attempt_at = now() + make_interval(secs => ${leaseS}),
        sending_until = now() + make_interval(secs => ${leaseS}), send_again = false
      from due, webhooks w
      where d.id = due.id and w.id = d.webhook_id
      returning d.id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url, w.secret`,
  );
  if (claimed.length === 0) return 0;
  const attempts = await Promise.all(
    claimed.map((d) =>
      attempt(d, timeoutMs, opts.retryDelaysS ?? RETRY_DELAYS_S, opts.localNetwork ?? localNetwork),
    ),
  );
  await db.transaction(async (tx) => {
    // Only a claim still held is written (its attempts unchanged: a sender whose lease ran out and
    // whose delivery another sender took writes nothing). One sent again by hand meanwhile keeps
    // this attempt's answer for the log and is due again at once, its attempts from zero.
    await tx.execute(sql`update webhook_deliveries d set
        state = case when d.send_again then 'pending' else o.state end,
        attempts = case when d.send_again then 0 else d.attempts end,
        response_status = o.status, response_body = o.body, error = o.error,
        duration_ms = o.duration_ms,
        delivered_at = case when o.state = 'delivered' and not d.send_again then now() end,
        next_attempt_at = case when d.send_again then now()
          when o.state = 'pending' then now() + make_interval(secs => o.retry_in) end,
        sending_until = null, send_again = false
      from jsonb_to_recordset(${JSON.stringify(
        attempts.map((a) => ({
          id: a.id,
          attempts: a.attempts,
          state: a.outcome.state,
          status: a.status,
          body: a.body,
          error: a.error,
          duration_ms: a.durationMs,
          retry_in: a.outcome.state === 'pending' ? a.outcome.retryInS : null,
        })),
      )}::jsonb) as o(id uuid, attempts int, state text, status int, body text, error text,
        duration_ms int, retry_in float8)
      where d.id = o.id and d.state = 'pending' and d.attempts = o.attempts`);
    // A receiver that let a POST time out is left alone for a while (see restingUntil).
    const slow = [...new Set(attempts.filter((a) => a.timedOut).map((a) => a.webhookId))];
    if (slow.length > 0) {
      await tx.execute(sql`update webhooks set resting_until = now() + make_interval(secs => ${REST_AFTER_TIMEOUT_S})
        where id = any(${sql.param(slow)}::uuid[])`);
    }
    // A receiver that answers 410 Gone is turned off, and the audit log says why.
    const gone = [
      ...new Set(
        attempts
          .filter((a) => a.outcome.state === 'failed' && a.outcome.disableWebhook)
          .map((a) => a.webhookId),
      ),
    ];
    if (gone.length > 0) {
      const off = await rows<{ id: string }>(
        tx,
        sql`update webhooks set enabled = false, updated_at = now(),
            disabled_reason = 'the receiver answered 410 Gone: it no longer wants these deliveries'
          where id = any(${sql.param(gone)}::uuid[]) and enabled returning id`,
      );
      await recordDomainEvents(
        tx,
        SYSTEM_ACTOR,
        off.map((w) => ({
          type: 'webhook.disabled',
          entityType: 'webhook',
          entityId: w.id,
          data: { reason: 'gone' },
        })),
      );
    }
  });
  return claimed.length;
}

async function attempt(
  d: Claimed,
  timeoutMs: number,
  delays: readonly number[],
  allowLocal: boolean,
): Promise<Attempt> {
  const body = bodyOf(d.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  let status: number | null = null;
  let text: string | null = null;
  let error: string | null = null;
  let retryAfter: string | null = null;
  let timedOut = false;
  try {
    const answer = await postJson(
      d.url,
      {
        'user-agent': 'Steward-Webhooks/1',
        'x-steward-event': d.event_type,
        'x-steward-event-id': d.payload.id,
        'x-steward-delivery': d.id,
        'x-steward-timestamp': String(timestamp),
        'x-steward-signature': signWebhook(d.secret, timestamp, body),
      },
      body,
      timeoutMs,
      allowLocal,
    );
    ({ status, retryAfter } = answer);
    text = answer.body;
  } catch (err) {
    timedOut = isTimeout(err);
    error = timedOut ? `no answer within ${timeoutMs / 1000} s` : errorText(err);
  }
  const result = { status, retryAfter, error };
  return {
    id: d.id,
    webhookId: d.webhook_id,
    attempts: d.attempts,
    status,
    body: text,
    error: failureText(result),
    durationMs: Math.round(performance.now() - started),
    timedOut,
    outcome: outcomeOf(d.attempts, result, delays),
  };
}

// Keep-alive connections per node: a receiver gets many deliveries in a row. node:http rather
// than fetch: about three times the requests per second here (docs/performance.md).
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 50 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
};
const publicAgents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 50 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
};

/** A webhook's address is local, and local addresses are not allowed. */
class LocalAddressError extends Error {
  readonly code = 'ELOCALADDRESS';
  constructor(readonly address: string) {
    super(`${address} is on a local network`);
  }
}

/**
 * The system's lookup, refusing names that resolve to a local address. Checked on the address
 * the socket connects to, so a name cannot pass the check and then resolve elsewhere.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, options, (err, address, family) => {
    if (err) return callback(err, address, family);
    const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
    const local = addresses.find(isLocalAddress);
    if (local) return callback(new LocalAddressError(local), address, family);
    callback(null, address, family);
  });
};

/**
 * POSTs a JSON body; resolves with the status, the Retry-After header and the first
 * WEBHOOK_LIMITS.responseBytes of the answer (the rest is not read). Redirects are not followed.
 * Without `allowLocal`, a local address (written or resolved) fails before anything is sent.
 */
function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  allowLocal: boolean,
): Promise<{ status: number; retryAfter: string | null; body: string | null }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // An address in the URL is never looked up: check it here.
  if (!allowLocal && isLocalHost(target.hostname))
    return Promise.reject(new LocalAddressError(target.hostname));
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        // A separate pool when local addresses are refused: a kept-alive socket to a local
        // receiver (opened while allowed) is never reused for a refused one.
        agent: (allowLocal ? agents : publicAgents)[target.protocol as 'http:' | 'https:'],
        ...(allowLocal ? {} : { lookup: publicOnlyLookup }),
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const text = Buffer.concat(chunks)
            .subarray(0, WEBHOOK_LIMITS.responseBytes)
            .toString('utf8')
            .replaceAll('\u0000', '');
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: retryAfter ?? null,
            body: text === '' ? null : text,
          });
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= WEBHOOK_LIMITS.responseBytes) return;
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size >= WEBHOOK_LIMITS.responseBytes) {
            // Enough for the log: stop reading (the connection is not reused).
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', () => finish());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const isTimeout = (err: unknown) =>
  err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

function errorText(err: unknown): string {
  if (err instanceof LocalAddressError)
    return `not sent: ${err.address} is on a local network (allowed only with STEWARD_WEBHOOK_LOCAL_NETWORK=on)`;
  const code = err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : null;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'the host name does not resolve';
  if (code === 'ECONNRESET') return 'the receiver closed the connection';
  const message = err instanceof Error ? err.message : String(err);
  return `could not send: ${message}`.slice(0, 500);
}

/** Removes finished deliveries older than DELIVERIES_KEPT_DAYS (at most `limit`). */
export async function pruneDeliveries(db: Database, limit = PRUNE_BATCH): Promise<number> {
  const done = await rows<{ n: number }>(
    db,
    sql`with old as (
        select id from webhook_deliveries
        where state <> 'pending' and created_at < now() - make_interval(days => ${DELIVERIES_KEPT_DAYS})
        order by created_at limit ${limit}
      ), gone as (delete from webhook_deliveries d using old where d.id = old.id returning 1)
      select count(*)::int as n from gone`,
  );
  return done[0]?.n ?? 0;
}
