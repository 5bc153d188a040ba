// Files on cases, stored in the database (every node can serve them). Uploaded to a case first,
// then attached to the message that sends them. Served only to those who may see the message.
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { isStaff } from '../../lib/actor.js';
import { AppError, notFound, tooManyRequests, unprocessable } from '../../lib/errors.js';
import { assertCustomerNotBlocked } from '../mail/blocked-senders.service.js';
import * as policy from '../../policies/cases.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import * as repo from './cases.repo.js';
import { attachmentBlobs, attachments, messages } from './cases.table.js';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/**
 * Uploads not on a message yet: a customer may have this many waiting (files and bytes), and
 * anyone's are removed once they have waited this long (a reply begun and never sent).
 */
export const PENDING_UPLOADS = { files: 20, bytes: 100 * 1024 * 1024, keepSeconds: 24 * 3600 } as const;
export const UNSENT_UPLOADS_PRUNE_BATCH = 500;
/** Types a mail client or browser would run: refused whatever they are called. */
const BLOCKED_EXTENSIONS =
  /\.(exe|com|bat|cmd|msi|scr|pif|cpl|ps1|vbs|vbe|js|jse|wsf|wsh|hta|jar|sh|app|dmg|lnk|reg)$/i;
const BLOCKED_TYPES = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-sh',
  'application/java-archive',
  'application/x-executable',
  'text/javascript',
  'application/javascript',
]);

export function attachmentProblem(filename: string, contentType: string, size: number): string | null {
  if (!filename || filename.length > 255 || /[\\/\0]/.test(filename))
    return 'filename must be 1-255 characters without slashes';
  if (size === 0) return 'the file is empty';
  if (size > MAX_ATTACHMENT_BYTES) return `files are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`;
  if (BLOCKED_EXTENSIONS.test(filename) || BLOCKED_TYPES.has(contentType.toLowerCase()))
    return 'executable files are not accepted';
  return null;
}

export interface StoredFile {
  filename: string;
  contentType: string;
  data: Buffer;
  /** Content-ID of an inline image (mail bodies refer to it as cid:…). */
  contentId?: string | null;
}

/**
 * Stores files on a message inside the caller's transaction (mail, web form, conversations):
 * files that fail `attachmentProblem` are skipped and reported, not fatal to the message.
 */
export async function storeAttachments(
  tx: Database,
  target: { caseId: string; messageId: string | null; uploadedBy?: string | null },
  files: StoredFile[],
): Promise<{
  stored: { id: string; filename: string; contentId: string | null }[];
  skipped: { filename: string; reason: string }[];
}> {
  const stored: { id: string; filename: string; contentId: string | null }[] = [];
  const skipped: { filename: string; reason: string }[] = [];
  for (const file of files) {
    const problem = attachmentProblem(file.filename, file.contentType, file.data.length);
    if (problem) {
      skipped.push({ filename: file.filename, reason: problem });
      continue;
    }
    const [a] = await tx
      .insert(attachments)
      .values({
        caseId: target.caseId,
        messageId: target.messageId,
        filename: file.filename,
        contentType: file.contentType,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        contentId: file.contentId ?? null,
        uploadedBy: target.uploadedBy ?? null,
      })
      .returning({ id: attachments.id });
    await tx.insert(attachmentBlobs).values({ attachmentId: a!.id, data: file.data });
    stored.push({ id: a!.id, filename: file.filename, contentId: file.contentId ?? null });
  }
  return { stored, skipped };
}

export async function uploadAttachment(
  db: Database,
  actor: Actor,
  caseId: string,
  file: { filename: string; contentType: string; data: Buffer },
) {
  const c = await repo.findCase(db, caseId);
  if (!c || !policy.canReadCase(actor, c)) throw notFound('case');
  const problem = attachmentProblem(file.filename, file.contentType, file.data.length);
  if (problem) throw new AppError(problem.includes('limited') ? 413 : 422, 'invalid_attachment', problem);
  // A blocked customer may not write into a case: nor leave files on it.
  await assertCustomerNotBlocked(db, actor);
  const row = await db.transaction(async (tx) => {
    if (!isStaff(actor) && actor.userId) await assertRoomForUpload(tx, actor.userId, file.data.length);
    const [a] = await tx
      .insert(attachments)
      .values({
        caseId,
        filename: file.filename,
        contentType: file.contentType,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        uploadedBy: actor.userId,
      })
      .returning();
    await tx.insert(attachmentBlobs).values({ attachmentId: a!.id, data: file.data });
    await recordDomainEvent(tx, actor, {
      type: 'case.attachment_uploaded',
      entityType: 'case',
      entityId: caseId,
      data: { attachmentId: a!.id, filename: file.filename, size: file.data.length },
    });
    return a!;
  });
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    url: `/api/v1/attachments/${row.id}`,
  };
}

/**
 * A customer's uploads waiting for a message are capped (PENDING_UPLOADS): else anyone with a
 * login could fill the database with files never sent. 429 with the time the oldest is removed.
 */
async function assertRoomForUpload(tx: Database, userId: string, size: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('pending-uploads'), hashtext(${userId}))`);
  const [w] = await rows<{ files: number; bytes: number; retry: number | null }>(
    tx,
    sql`select count(*)::int as files, coalesce(sum(size), 0)::bigint::float8 as bytes,
          ceil(extract(epoch from (min(created_at) + make_interval(secs => ${PENDING_UPLOADS.keepSeconds}) - now())))::int as retry
        from ${attachments} where uploaded_by = ${userId} and message_id is null`,
  );
  if (w && (w.files >= PENDING_UPLOADS.files || w.bytes + size > PENDING_UPLOADS.bytes)) {
    throw tooManyRequests(
      `at most ${PENDING_UPLOADS.files} files (${PENDING_UPLOADS.bytes / 1024 / 1024} MiB) may wait to be sent: send them with a message first`,
      Math.max(1, w.retry ?? 1),
    );
  }
}

/** Removes uploads that never went on a message within PENDING_UPLOADS.keepSeconds (a job). */
export async function pruneUnsentUploads(db: Database, batch = UNSENT_UPLOADS_PRUNE_BATCH): Promise<number> {
  const gone = await rows<{ id: string }>(
    db,
    sql`with old as (
          select id from ${attachments}
          where message_id is null and created_at < now() - make_interval(secs => ${PENDING_UPLOADS.keepSeconds})
          order by created_at limit ${batch} for update skip locked),
        blobs as (delete from ${attachmentBlobs} where attachment_id in (select id from old))
        delete from ${attachments} where id in (select id from old) returning id`,
  );
  return gone.length;
}

export async function readAttachment(db: Database, actor: Actor, id: string) {
  const [row] = await db
    .select({ a: attachments, isPublic: messages.public })
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .where(eq(attachments.id, id));
  if (!row) throw notFound('attachment');
  const c = await repo.findCase(db, row.a.caseId);
  if (!c || !policy.canReadCase(actor, c)) throw notFound('attachment');
  if (!isStaff(actor)) {
    // Customers: files on public messages, and their own uploads not yet sent.
    const visible = row.a.messageId ? row.isPublic === true : row.a.uploadedBy === actor.userId;
    if (!visible) throw notFound('attachment');
  }
  const [blob] = await db
    .select()
    .from(attachmentBlobs)
    .where(and(eq(attachmentBlobs.attachmentId, id)));
  if (!blob) throw unprocessable('attachment_missing', 'the file’s content is missing');
  return { ...row.a, data: blob.data };
}

/**
 * Checks that files the actor uploaded to this case (staff: anyone's), not yet on a message, are
 * these: else 422 `invalid_reference`, nothing written. Then `attachToMessage` puts them on it.
 */
export async function checkUnattachedFiles(
  tx: Database,
  actor: Actor,
  caseId: string,
  ids: readonly string[],
) {
  if (ids.length === 0) return;
  const files = await tx
    .select()
    .from(attachments)
    .where(
      and(inArray(attachments.id, [...ids]), eq(attachments.caseId, caseId), isNull(attachments.messageId)),
    )
    // Held until the message is written: the job removing old unsent uploads passes them by.
    .for('update');
  const mine = files.filter((f) => isStaff(actor) || f.uploadedBy === actor.userId);
  if (mine.length !== new Set(ids).size) {
    throw unprocessable(
      'invalid_reference',
      'body.attachmentIds: upload the files to this case first; each file goes on one message',
    );
  }
}

/** Puts checked files (checkUnattachedFiles) on the message. */
export async function attachToMessage(tx: Database, ids: readonly string[], messageId: string) {
  if (ids.length === 0) return;
  await tx
    .update(attachments)
    .set({ messageId })
    .where(inArray(attachments.id, [...ids]));
}
