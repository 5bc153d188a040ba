// Blocked senders: addresses (or whole domains, `@spam.example`) whose mail is kept as ignored
// and opens no case. Staff block one by marking a case as spam (case-removal.service.ts); admins
// list, add and remove them. Each change writes its domain event in the same transaction.
import { eq, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { blockPatternsFor, normalizeBlockPattern } from '../../../core/mail/addresses.js';
import type { BlockedSender, BlockedSenderCreate } from '../../../shared/schemas/mail.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { blockedSenders } from './mail.table.js';

const assertAdmin = (actor: Actor) => {
  if (!isAdmin(actor)) throw forbidden('only admins manage blocked senders');
};

interface Row {
  id: string;
  pattern: string;
  reason: string | null;
  case_id: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date | string;
}

const toDto = (r: Row): BlockedSender => ({
  id: r.id,
  pattern: r.pattern,
  reason: r.reason,
  caseId: r.case_id,
  createdBy: r.created_by && r.created_by_name ? { id: r.created_by, name: r.created_by_name } : null,
  createdAt: new Date(r.created_at).toISOString(),
});

const SELECT = sql`select b.id, b.pattern, b.reason, b.case_id, b.created_by, u.name as created_by_name, b.created_at
  from blocked_senders b left join users u on u.id = b.created_by`;

/** Every blocked sender, newest first. */
export async function listBlockedSenders(db: Database, actor: Actor): Promise<BlockedSender[]> {
  assertAdmin(actor);
  return (await rows<Row>(db, sql`${SELECT} order by b.created_at desc, b.id`)).map(toDto);
}

/**
 * Blocks a pattern inside the caller's transaction. Returns the new row, or null when the
 * pattern was blocked already (`ifNew`: no error then).
 */
export async function addBlockedSender(
  tx: Database,
  actor: Actor,
  input: { pattern: string; reason?: string | null; caseId?: string | null },
  opts: { ifNew?: boolean } = {},
): Promise<BlockedSender | null> {
  const pattern = normalizeBlockPattern(input.pattern);
  if (!pattern)
    throw badRequest('invalid_pattern', 'body.pattern: an e-mail address, or @domain for a whole domain', [
      { path: 'body.pattern', message: 'an e-mail address, or @domain' },
    ]);
  const [made] = await tx
    .insert(blockedSenders)
    .values({
      pattern,
      reason: input.reason ?? null,
      caseId: input.caseId ?? null,
      createdBy: actor.userId,
    })
    .onConflictDoNothing()
    .returning({ id: blockedSenders.id });
  if (!made) {
    if (opts.ifNew) return null;
    throw conflict('already_blocked', `${pattern} is blocked already`);
  }
  await recordDomainEvent(tx, actor, {
    type: 'blocked_sender.created',
    entityType: 'blocked_sender',
    entityId: made.id,
    data: { pattern, reason: input.reason ?? null, caseId: input.caseId ?? null },
  });
  const [row] = await rows<Row>(tx, sql`${SELECT} where b.id = ${made.id}`);
  return toDto(row!);
}

export async function blockSender(db: Database, actor: Actor, input: BlockedSenderCreate) {
  assertAdmin(actor);
  return db.transaction(async (tx) => (await addBlockedSender(tx, actor, input))!);
}

/** Unblocks: the sender's next mail is handled as anyone's. */
export async function unblockSender(db: Database, actor: Actor, id: string) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    const [gone] = await tx.delete(blockedSenders).where(eq(blockedSenders.id, id)).returning();
    if (!gone) throw notFound('blocked sender');
    await recordDomainEvent(tx, actor, {
      type: 'blocked_sender.deleted',
      entityType: 'blocked_sender',
      entityId: id,
      data: { pattern: gone.pattern },
    });
  });
}

/** The pattern that blocks this address (itself, its domain or a domain above), or null. */
export async function blockedPatternOf(db: Database, address: string): Promise<string | null> {
  const [hit] = await rows<{ pattern: string }>(
    db,
    sql`select pattern from blocked_senders where pattern = any(${sql.param(blockPatternsFor(address))}::text[])
      order by length(pattern) desc limit 1`,
  );
  return hit?.pattern ?? null;
}

/**
 * A signed-in customer whose address is blocked (their case was marked as spam, or an admin
 * blocked them or their domain) may not open a case or write into one: 403 `sender_blocked`,
 * as their mail and web form submissions are ignored. Staff and Steward itself pass.
 */
export async function assertCustomerNotBlocked(db: Database, actor: Actor): Promise<void> {
  if (actor.role !== 'customer' || !actor.customerId) return;
  const [customer] = await rows<{ email: string | null }>(
    db,
    sql`select email from customers where id = ${actor.customerId}`,
  );
  if (!customer?.email || !(await blockedPatternOf(db, customer.email.toLowerCase()))) return;
  throw new AppError(
    403,
    'sender_blocked',
    'your address may not open or write requests here; if this is a mistake, call or write to us from another address',
  );
}
