// Event sources: the systems allowed to send events, each with its own credentials. Every change
// writes its domain event in the same transaction; secrets never go into those events.
import type { Database } from '../../../db/client.js';
import type {
  EventSource,
  EventSourceCreate,
  EventSourceCredentials,
  EventSourceUpdate,
  EventSourceWithActivity,
  SourceActivity,
} from '../../../shared/schemas/events.js';
import type { Actor } from '../../lib/actor.js';
import { inTimeZone, translateDbError } from '../../lib/db-errors.js';
import { AppError, conflict, notFound, unauthorized } from '../../lib/errors.js';
import { hashToken } from '../auth/tokens.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import * as repo from './event-sources.repo.js';
import type { EventSourceRow } from './event-sources.repo.js';
import { assertCanManageSources } from './events.policy.js';
import { isSourceToken, newSourceCredentials } from './source-credentials.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { eventSources } from './events.table.js';

export const toEventSourceDto = (row: EventSourceRow): EventSource => ({
  id: row.id,
  key: row.key,
  name: row.name,
  createUnknownCustomers: row.createUnknownCustomers,
  active: row.active,
  lastEventAt: row.lastEventAt?.toISOString() ?? null,
  silenceAlertMinutes: row.silenceAlertMinutes,
  silentSince: row.silentSince?.toISOString() ?? null,
  resumedAt: row.resumedAt?.toISOString() ?? null,
  eventTypes: row.eventTypes,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const keyTaken = (key: string) =>
  conflict('source_exists', `an event source with key "${key}" exists or existed; keys are never reused`);

/** The sources with what they sent lately (one query for all of them). */
async function withActivity(db: Database, found: EventSourceRow[]): Promise<EventSourceWithActivity[]> {
  const activity = await repo.sourceActivity(
    db,
    found.map((s) => s.id),
  );
  return found.map((s) => ({
    ...toEventSourceDto(s),
    activity: activity.get(s.id) ?? { eventsLast24h: 0, warnedLast7d: 0 },
  }));
}

/** What a source sent per hour lately: its page's chart, where a silent feed shows as a gap. */
export async function getSourceActivity(
  db: Database,
  actor: Actor,
  key: string,
  q: { hours: number; timezone?: string },
): Promise<SourceActivity> {
  assertCanManageSources(actor);
  const row = await repo.findLiveEventSource(db, key);
  if (!row) throw notFound('event source');
  const to = new Date();
  const from = new Date(to.getTime() - q.hours * 3_600_000);
  const timezone = q.timezone ?? 'UTC';
  const hours = await inTimeZone(timezone, () =>
    repo.hourlyActivity(db, { sourceId: row.id, from, to, timezone }),
  );
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    timezone,
    hours: hours.map((h) => ({ start: new Date(h.start).toISOString(), events: h.events, warned: h.warned })),
  };
}

export async function listEventSources(db: Database, actor: Actor) {
  assertCanManageSources(actor);
  return withActivity(db, await repo.listEventSources(db));
}

export async function getEventSource(db: Database, actor: Actor, key: string) {
  assertCanManageSources(actor);
  const row = await repo.findLiveEventSource(db, key);
  if (!row) throw notFound('event source');
  return (await withActivity(db, [row]))[0]!;
}

/** When each source's last event was noted, by this process (see touchEventSource). */
const touchedAt = new Map<string, number>();

/**
 * Notes that the source sent accepted events, at most once a minute per process, and the event
 * types it sent for the first time (rare: at once). Best effort: the events are committed already,
 * and a failure here must not make the sender send them again (a new type is tried again with the
 * source's next batch).
 */
export async function noteSourceActive(
  db: Database,
  source: EventSourceRow,
  types: Iterable<string> = [],
  now = Date.now(),
) {
  const room = Math.max(0, repo.MAX_SOURCE_TYPES - source.eventTypes.length);
  const fresh = [...new Set(types)].filter((t) => !source.eventTypes.includes(t)).slice(0, room);
  if (fresh.length > 0) await repo.addEventSourceTypes(db, source.id, fresh).catch(() => undefined);
  if (now - (touchedAt.get(source.id) ?? 0) < 60_000) return;
  touchedAt.set(source.id, now);
  await repo.touchEventSource(db, source.id).catch(() => touchedAt.delete(source.id));
}

export async function createEventSource(
  db: Database,
  actor: Actor,
  input: EventSourceCreate,
): Promise<EventSourceCredentials> {
  assertCanManageSources(actor);
  const { token, tokenHash, webhookSecret } = newSourceCredentials();
  try {
    const row = await db.transaction(async (tx) => {
      if (await repo.findEventSourceAnyState(tx, input.key)) throw keyTaken(input.key);
      const created = await repo.insertEventSource(tx, { ...input, tokenHash, webhookSecret });
      await recordDomainEvent(tx, actor, {
        type: 'event_source.created',
        entityType: 'event_source',
        entityId: created.id,
        data: { ...input },
      });
      return created;
    });
    return { ...toEventSourceDto(row), token, webhookSecret };
  } catch (err) {
    throw translateDbError(err, { event_sources_key_uq: keyTaken(input.key) });
  }
}

export async function updateEventSource(
  db: Database,
  actor: Actor,
  key: string,
  input: EventSourceUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  assertCanManageSources(actor);
  const row = await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, eventSources, repo.liveEventSource(key), expected, 'event source');
    const before = await repo.findLiveEventSource(tx, key);
    if (!before) throw notFound('event source');
    const changes = diff(before as unknown as Record<string, unknown>, input);
    if (Object.keys(changes).length === 0) return before;
    const after = await repo.updateEventSourceRow(tx, before.id, input);
    await recordDomainEvent(tx, actor, {
      type: 'event_source.updated',
      entityType: 'event_source',
      entityId: before.id,
      data: { changes },
    });
    return after!;
  });
  return toEventSourceDto(row);
}

/** New token and webhook secret; the old ones stop working when this commits. */
export async function rotateEventSourceCredentials(
  db: Database,
  actor: Actor,
  key: string,
): Promise<EventSourceCredentials> {
  assertCanManageSources(actor);
  const { token, tokenHash, webhookSecret } = newSourceCredentials();
  const row = await db.transaction(async (tx) => {
    const before = await repo.findLiveEventSource(tx, key);
    if (!before) throw notFound('event source');
    const after = await repo.updateEventSourceRow(tx, before.id, { tokenHash, webhookSecret });
    await recordDomainEvent(tx, actor, {
      type: 'event_source.credentials_rotated',
      entityType: 'event_source',
      entityId: before.id,
    });
    return after!;
  });
  return { ...toEventSourceDto(row), token, webhookSecret };
}

export async function deleteEventSource(db: Database, actor: Actor, key: string) {
  assertCanManageSources(actor);
  await db.transaction(async (tx) => {
    const before = await repo.findLiveEventSource(tx, key);
    if (!before) throw notFound('event source');
    await repo.softDeleteEventSource(tx, before.id);
    await recordDomainEvent(tx, actor, {
      type: 'event_source.deleted',
      entityType: 'event_source',
      entityId: before.id,
    });
  });
}

export const sourceInactive = (key: string) =>
  new AppError(403, 'source_inactive', `event source "${key}" is inactive; an admin can activate it`);

/** The live, active source a `stw_src_…` token belongs to, or a 401/403 saying why not. */
export async function authenticateSource(db: Database, token: string): Promise<EventSourceRow> {
  const source = isSourceToken(token)
    ? await repo.findEventSourceByTokenHash(db, hashToken(token))
    : undefined;
  if (!source) {
    throw unauthorized(
      'invalid_token',
      'the token is not valid, was rotated, or its source was deleted; send a source token (stw_src_…) or a staff token with ?source=',
    );
  }
  if (!source.active) throw sourceInactive(source.key);
  return source;
}

/** The source staff name with `?source=`: it must exist and be active. */
export async function sourceForStaff(db: Database, key: string): Promise<EventSourceRow> {
  const source = await repo.findLiveEventSource(db, key);
  if (!source) {
    throw new AppError(422, 'invalid_reference', `query.source: no event source "${key}"`, [
      { path: 'query.source', message: 'no such event source' },
    ]);
  }
  if (!source.active) throw sourceInactive(source.key);
  return source;
}

/** The live source of a webhook URL (its secret checks the signature), or 404. */
export async function sourceForWebhook(db: Database, key: string): Promise<EventSourceRow> {
  const source = await repo.findLiveEventSource(db, key);
  if (!source) throw notFound('event source');
  return source;
}
