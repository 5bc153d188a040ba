// Messages on cases: public replies, internal notes, customer messages. A reply meets the
// response clocks; a customer message reopens a solved case and starts the next-response clock.
// Replying over someone else's newer reply is a collision (409) unless forced.
import { and, asc, desc, eq, gt, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { CaseUpdate, Message, MessageCreate, MessageWritten } from '../../../shared/schemas/cases.js';
import type { Channel, CaseStatus } from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import { users } from '../auth/auth.table.js';
import { customers } from '../customers/customers.table.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { applyCaseUpdate } from './cases.service.js';
import { readSettings } from '../settings/settings.service.js';
import * as repo from './cases.repo.js';
import { attachments, messages, type cases } from './cases.table.js';
import { onAgentReply, onCustomerMessage, type ClockCase } from './clocks.js';
import { mailCaseMessage } from '../mail/mail.service.js';
import { assertCustomerNotBlocked } from '../mail/blocked-senders.service.js';
import { noteCustomerContact } from '../signals/open-signals.js';
import { assertNotErased } from '../customers/customer-erasure-guard.js';
import { attachToMessage, checkUnattachedFiles } from './attachments.service.js';

type Row = typeof messages.$inferSelect;

const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

async function toMessageDtos(db: Database, rows: Row[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const files = await db.select().from(attachments).where(inArray(attachments.messageId, ids));
  const userIds = [...new Set(rows.map((r) => r.authorUserId).filter((x): x is string => !!x))];
  const customerIds = [...new Set(rows.map((r) => r.authorCustomerId).filter((x): x is string => !!x))];
  const names = new Map<string, string>();
  if (userIds.length)
    for (const u of await db
      .select({ id: users.id, name: users.name })
      .from(users)
      .where(inArray(users.id, userIds)))
      names.set(u.id, u.name);
  if (customerIds.length)
    for (const c of await db
      .select({ id: customers.id, name: customers.name })
      .from(customers)
      .where(inArray(customers.id, customerIds)))
      names.set(c.id, c.name);
  return rows.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    authorType: r.authorType,
    authorUserId: r.authorUserId,
    authorName:
      names.get(r.authorUserId ?? '') ?? names.get(r.authorCustomerId ?? '') ?? r.externalFrom ?? null,
    sideConversationId: r.sideConversationId,
    public: r.public,
    body: r.body,
    bodyHtml: r.bodyHtml ?? null,
    channel: r.channel,
    call: (r.call as Message['call']) ?? null,
    attachments: files
      .filter((f) => f.messageId === r.id)
      .map((f) => ({
        id: f.id,
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        url: attachmentUrl(f.id),
      })),
    notMailed: r.notMailed ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

export async function listMessages(db: Database, actor: Actor, caseId: string) {
  const c = await repo.findCase(db, caseId);
  if (!c || !policy.canReadCase(actor, c)) throw notFound('case');
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.caseId, caseId), isStaff(actor) ? undefined : eq(messages.public, true)))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const dtos = await toMessageDtos(db, rows);
  // Whether staff's replies reached the customer's mailbox is for staff to know.
  return isStaff(actor) ? dtos : dtos.map((m) => ({ ...m, notMailed: null }));
}

const clockCase = (c: typeof cases.$inferSelect): ClockCase => ({
  id: c.id,
  status: c.status,
  priority: c.priority,
  agreementId: c.agreementId,
  createdAt: c.createdAt,
  lastAgentReplyAt: c.lastAgentReplyAt,
});

/** A newer public message by someone else than the one the author had seen: a collision. */
async function findCollision(tx: Database, actor: Actor, caseId: string, lastSeenMessageId: string | null) {
  let seenAt: Date | null = null;
  if (lastSeenMessageId) {
    const [seen] = await tx
      .select({ createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.id, lastSeenMessageId), eq(messages.caseId, caseId)));
    if (!seen) throw unprocessable('invalid_reference', 'body.lastSeenMessageId: not a message of this case');
    seenAt = seen.createdAt;
  }
  const [newer] = await tx
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.caseId, caseId),
        eq(messages.public, true),
        seenAt ? gt(messages.createdAt, seenAt) : undefined,
        lastSeenMessageId ? ne(messages.id, lastSeenMessageId) : undefined,
        or(
          isNull(messages.authorUserId),
          ne(messages.authorUserId, actor.userId ?? '00000000-0000-0000-0000-000000000000'),
        ),
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return newer;
}

export async function addMessage(
  db: Database,
  actor: Actor,
  caseId: string,
  /**
   * Internal callers: `channel` records where the message came from (a chat transcript, an
   * e-mail); `joinsProactive` is a customer's contact that Steward put into a proactive case not
   * yet shown to them (their message shows it to them).
   */
  input: MessageCreate & {
    status?: CaseStatus;
    followUpAt?: string;
    channel?: Channel;
    joinsProactive?: boolean;
  },
): Promise<MessageWritten> {
  const found = await repo.findCase(db, caseId);
  if (
    !found ||
    !policy.canReadCase(actor, input.joinsProactive ? { ...found, customerVisible: true } : found)
  )
    throw notFound('case');
  policy.assertCanWriteMessage(actor, input);
  if (input.call && !isStaff(actor)) throw forbidden('only staff log phone calls');
  if (input.createdAt && !isAdmin(actor))
    throw forbidden('only admins import messages with their historic createdAt');
  const staff = isStaff(actor);
  if (!staff) await assertCustomerNotBlocked(db, actor);
  const from = staff ? (input.from ?? 'agent') : 'customer';
  const { id, delivery } = await db.transaction(async (tx) => {
    // The customers it attaches to before the case (an erasure's order), so it cannot slip past one.
    const writer = !staff ? actor.customerId : null;
    await assertNotErased(tx, [found.customerId, writer]);
    const c = await repo.lockCase(tx, caseId);
    if (!c) throw notFound('case');
    if (c.customerId !== found.customerId) await assertNotErased(tx, [c.customerId]);
    if (c.mergedIntoId) throw repo.caseMerged(c);
    if (c.status === 'closed' && input.public)
      throw conflict('case_closed', `case #${c.number} is closed; open a follow-up case instead`);
    if (staff && from === 'agent' && input.public && input.lastSeenMessageId !== undefined && !input.force) {
      const newer = await findCollision(tx, actor, caseId, input.lastSeenMessageId);
      if (newer) {
        const [dto] = await toMessageDtos(tx, [newer]);
        throw new AppError(
          409,
          'collision',
          `${dto!.authorName ?? 'someone'} replied while you were writing; read it, then send again (or force)`,
          [{ path: 'message', message: newer.id }],
        );
      }
    }
    const at = input.createdAt ? new Date(input.createdAt) : new Date();
    await checkUnattachedFiles(tx, actor, caseId, input.attachmentIds ?? []);
    const [msg] = await tx
      .insert(messages)
      .values({
        caseId,
        authorType: from,
        authorUserId: from === 'agent' || !staff ? actor.userId : null,
        // A colleague of the case's customer writing in the portal is the author, not the customer.
        authorCustomerId: from === 'customer' ? (!staff && actor.customerId) || c.customerId : null,
        public: input.public,
        body: input.body,
        channel:
          input.channel ??
          (input.call ? 'phone' : staff ? (from === 'customer' ? c.channel : 'web') : 'portal'),
        call: input.call ?? null,
        createdAt: at,
      })
      .returning();
    await attachToMessage(tx, input.attachmentIds ?? [], msg!.id);
    await recordDomainEvent(tx, actor, {
      type: input.public ? (from === 'agent' ? 'case.replied' : 'case.customer_message') : 'case.note_added',
      entityType: 'case',
      entityId: caseId,
      data: { messageId: msg!.id, public: input.public, from, attachments: input.attachmentIds?.length ?? 0 },
    });

    // The first staff member to answer an unassigned case takes it (the assignOnReply setting).
    const takes =
      staff &&
      from === 'agent' &&
      (input.public || !!input.call) &&
      !input.createdAt &&
      !c.assigneeId &&
      !!actor.userId &&
      (await readSettings(tx)).assignOnReply;
    const assigneeId = takes ? actor.userId! : undefined;
    // The customer called: a case waiting on them is no longer waiting (open again, its
    // follow-up gone), as when they write; a status sent with the call decides instead.
    const calledBack =
      from === 'agent' && input.call?.direction === 'inbound' && c.status === 'pending' && !input.status;
    const asked = calledBack ? ('open' as const) : input.status;
    // The case's version steps once for the message: by the change it makes to the case (its
    // status, follow-up, assignee), else by touchCase; the message's own columns go in either way.
    const withChange = async (update: CaseUpdate) => {
      const after = await applyCaseUpdate(tx, actor, caseId, update);
      // A change that changed nothing (a follow-up set again to its time) left the version.
      if (after.updatedAt.getTime() === c.updatedAt.getTime()) await repo.touchCase(tx, caseId);
    };
    if (input.public && from === 'agent') {
      const status = asked ?? (c.status === 'new' ? 'open' : undefined);
      const changes = (status && status !== c.status) || !!input.followUpAt || !!assigneeId;
      const times = { lastAgentReplyAt: at, firstRespondedAt: c.firstRespondedAt ?? at };
      const after = changes
        ? await repo.setMessageTimes(tx, caseId, times)
        : await repo.touchCase(tx, caseId, times);
      await onAgentReply(tx, actor, clockCase(after), at);
      if (changes) await withChange({ status, followUpAt: input.followUpAt, assigneeId });
    } else if (input.public && from === 'customer') {
      // The customer wrote back: a solved case reopens; a case waiting on them is open again.
      const reopens = c.status === 'solved' || c.status === 'pending';
      if (reopens) await withChange({ status: 'open' });
      const updated = reopens
        ? await repo.setMessageTimes(tx, caseId, { lastCustomerMessageAt: at })
        : await repo.touchCase(tx, caseId, { lastCustomerMessageAt: at });
      await onCustomerMessage(tx, actor, clockCase(updated), at);
      // The customer wrote about what a proactive case covers: its signals learn of the contact.
      if (c.channel === 'proactive') await noteCustomerContact(tx, caseId);
    } else if ((asked && asked !== c.status) || input.followUpAt || assigneeId) {
      await withChange({ status: asked, followUpAt: input.followUpAt, assigneeId });
    } else {
      // A note (or a call logged as one) alone: the case was worked on all the same.
      await repo.touchCase(tx, caseId);
    }
    // An agent's public reply goes to the customer by e-mail too (not imported history, and not
    // what already came as a mail); the answer says where it went, or that it went nowhere.
    const mailed =
      input.public && from === 'agent' && !input.createdAt && input.channel !== 'email'
        ? await mailCaseMessage(tx, { caseId, messageId: msg!.id })
        : null;
    return { id: msg!.id, delivery: mailed?.delivery ?? null };
  });
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return { ...(await toMessageDtos(db, [row!]))[0]!, delivery };
}
