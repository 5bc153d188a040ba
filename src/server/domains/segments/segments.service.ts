// Segments group customers managed alike; agreements (PSAs) can target a segment by its key.
import type { Database } from '../../../db/client.js';
import type { Segment, SegmentCreate, SegmentUpdate } from '../../../shared/schemas/segments.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { conflict, forbidden, notFound } from '../../lib/errors.js';
import { translateDbError } from '../../lib/db-errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import * as repo from './segments.repo.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { segments } from './segments.table.js';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findSegmentAnyState>>>;

export const toSegmentDto = (row: Row): Segment => ({
  id: row.id,
  key: row.key,
  name: row.name,
  description: row.description,
  organizationCount: row.organizationCount,
  customerCount: row.customerCount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

function assertStaff(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('customers cannot see segments');
}
function assertAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage segments');
}

export async function listSegments(db: Database, actor: Actor) {
  assertStaff(actor);
  return (await repo.listSegments(db)).map(toSegmentDto);
}

export async function getSegment(db: Database, actor: Actor, key: string) {
  assertStaff(actor);
  const row = await repo.findSegmentAnyState(db, key);
  if (!row || row.deletedAt) throw notFound('segment');
  return toSegmentDto(row);
}

export async function createSegment(db: Database, actor: Actor, input: SegmentCreate) {
  assertAdmin(actor);
  const taken = conflict(
    'segment_exists',
    `a segment with key "${input.key}" exists or existed; keys are never reused`,
  );
  try {
    await db.transaction(async (tx) => {
      if (await repo.findSegmentAnyState(tx, input.key)) throw taken;
      const [row] = await repo.insertSegments(tx, [input]);
      await recordDomainEvent(tx, actor, {
        type: 'segment.created',
        entityType: 'segment',
        entityId: row!.id,
        data: { ...input },
      });
    });
  } catch (err) {
    throw translateDbError(err, { segments_key_uq: taken });
  }
  return getSegment(db, actor, input.key);
}

export async function updateSegment(
  db: Database,
  actor: Actor,
  key: string,
  input: SegmentUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, segments, repo.liveSegment(key), expected, 'segment');
    const before = await repo.findSegmentAnyState(tx, key);
    if (!before || before.deletedAt) throw notFound('segment');
    const changes = diff(before as unknown as Record<string, unknown>, input);
    if (Object.keys(changes).length === 0) return;
    await repo.updateSegmentRow(tx, key, input);
    await recordDomainEvent(tx, actor, {
      type: 'segment.updated',
      entityType: 'segment',
      entityId: before.id,
      data: { changes },
    });
  });
  return getSegment(db, actor, key);
}

export async function deleteSegment(db: Database, actor: Actor, key: string) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    const before = await repo.findSegmentAnyState(tx, key);
    if (!before || before.deletedAt) throw notFound('segment');
    if (before.organizationCount + before.customerCount > 0) {
      throw conflict(
        'segment_in_use',
        `segment "${key}" is used by ${before.organizationCount} organizations and ${before.customerCount} customers`,
      );
    }
    await repo.softDeleteSegment(tx, key);
    await recordDomainEvent(tx, actor, {
      type: 'segment.deleted',
      entityType: 'segment',
      entityId: before.id,
    });
  });
}
