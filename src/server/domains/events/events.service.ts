// Use cases on operational events: sending them (as a source, or as staff on a source's behalf)
// and reading them. The ingest itself is in ingest.ts.
import type { Database } from '../../../db/client.js';
import type { Event, EventListQuery, IngestAnswer } from '../../../shared/schemas/events.js';
import type { Actor } from '../../lib/actor.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { EVENT_LIMITS } from '../../../shared/schemas/events.js';
import { AppError, badRequest, forbidden, notFound, unauthorized } from '../../lib/errors.js';
import {
  authenticateSource,
  sourceForStaff,
  sourceForWebhook,
  sourceInactive,
} from './event-sources.service.js';
import type { EventSourceRow } from './event-sources.repo.js';
import { assertCanReadEvents, assertCanSendEvents } from './events.policy.js';
import * as repo from './events.repo.js';
import { eventsOfBody, ingestEvents } from './ingest.js';
import { verifyWebhookSignature } from './webhook-signature.js';

export const toEventDto = (row: repo.EventRow): Event => ({
  id: row.id,
  eventId: row.eventId,
  source: row.source,
  type: row.type,
  occurredAt: row.occurredAt.toISOString(),
  receivedAt: row.receivedAt.toISOString(),
  customerId: row.customerId,
  organizationId: row.organizationId,
  refs: row.refs,
  data: row.data,
  warnings: row.warnings ?? [],
});

/**
 * Who sends: a signed-in staff user naming the source (`?source=`), or a source's own token
 * (`Bearer stw_src_…`, which the general auth hook does not know and leaves to us).
 */
export async function resolveSender(
  db: Database,
  opts: { actor: Actor | null; bearer: string | undefined; sourceKey: string | undefined },
): Promise<{ actor: Actor; source: EventSourceRow }> {
  if (opts.actor) {
    assertCanSendEvents(opts.actor);
    if (!opts.sourceKey) {
      throw badRequest(
        'validation_error',
        'query.source: required with a user token: the key of the source the events come from',
        [{ path: 'query.source', message: 'required with a user token' }],
      );
    }
    return { actor: opts.actor, source: await sourceForStaff(db, opts.sourceKey) };
  }
  if (!opts.bearer) throw unauthorized();
  const source = await authenticateSource(db, opts.bearer);
  if (opts.sourceKey && opts.sourceKey !== source.key) {
    throw forbidden(`this token belongs to source "${source.key}", not "${opts.sourceKey}"`);
  }
  return { actor: SYSTEM_ACTOR, source };
}

export async function sendEvents(
  db: Database,
  sender: { actor: Actor; source: EventSourceRow },
  body: unknown,
): Promise<IngestAnswer> {
  return ingestEvents(db, { ...sender, events: eventsOfBody(body) });
}

/** Parses JSON like Fastify's own parser: prototype-poisoning keys are refused. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('__proto__ key');
      return value;
    });
  } catch {
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
}

/**
 * The webhook form: the signature over the raw body is checked before anything in the body is
 * read, so an unsigned caller learns nothing but "unsigned".
 */
export async function receiveWebhook(
  db: Database,
  opts: { sourceKey: string; rawBody: string; timestamp?: string; signature?: string },
): Promise<IngestAnswer> {
  const source = await sourceForWebhook(db, opts.sourceKey);
  const check = verifyWebhookSignature({
    secret: source.webhookSecret,
    rawBody: opts.rawBody,
    timestamp: opts.timestamp,
    signature: opts.signature,
    toleranceSeconds: EVENT_LIMITS.webhookToleranceSeconds,
  });
  if (!check.ok) throw new AppError(401, check.code, check.message);
  if (!source.active) throw sourceInactive(source.key);
  return sendEvents(db, { actor: SYSTEM_ACTOR, source }, parseJson(opts.rawBody));
}

export async function listEvents(db: Database, actor: Actor, query: EventListQuery) {
  assertCanReadEvents(actor);
  const page = await repo.listEvents(db, query);
  return { items: page.items.map(toEventDto), nextCursor: page.nextCursor, total: page.total };
}

export async function getEvent(db: Database, actor: Actor, id: string): Promise<Event> {
  assertCanReadEvents(actor);
  const row = await repo.findEvent(db, id);
  if (!row) throw notFound('event');
  return toEventDto(row);
}
