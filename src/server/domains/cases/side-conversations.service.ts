// Side conversations: staff asking a third party (a carrier, a supplier, a warehouse) about a
// case by e-mail, apart from the customer. Each is a thread of its own: its mail carries the
// conversation's reply address (support+<token>@…, not the case's), threads only onto its own
// mail, and its messages are internal notes of the case (never public: a check in the table).
// An answer from the third party (inbound.ts) joins it as a `third_party` message and tells the
// case's assignee (notification `side_reply`). Staff only; customers never see any of it.
// Asked with `hold`, our message puts the case on hold (its clocks pause) while the third party
// is waited for; their answer opens an on-hold case again, as a customer's does a pending one.
// Each message, ours or theirs, moves the case's `updatedAt` on, as a reply does.
import { eq, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type {
  SideConversation,
  SideConversationCreate,
  SideConversationUpdate,
  SideMessageCreate,
} from '../../../shared/schemas/side-conversations.js';
import { HOLDABLE_STATUSES, MAX_SIDE_PARTICIPANTS } from '../../../shared/schemas/side-conversations.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { notFound, unprocessable } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import { assertNotErased } from '../customers/customer-erasure-guard.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { caseMailSubject, newReplyToken, withSignature } from '../mail/compose.js';
import { mailFilesOf } from '../mail/mail.service.js';
import { queueMail } from '../mail/outbox.js';
import { attachToMessage, checkUnattachedFiles } from './attachments.service.js';
import { caseMerged, lockCase, touchCase } from './cases.repo.js';
import { applyCaseUpdate } from './cases.service.js';
import { cases, messages, sideConversations } from './cases.table.js';
import { checkOtherRecipients } from './recipients.js';

interface SideRow {
  id: string;
  case_id: string;
  subject: string;
  participants: string[];
  state: 'open' | 'closed';
  messages: number;
  created_by: string | null;
  created_by_name: string | null;
  last_message_at: Date | string;
  created_at: Date | string;
}

const SELECT = sql`select s.id, s.case_id, s.subject, s.participants, s.state, s.created_by,
    u.name as created_by_name, s.last_message_at, s.created_at,
    (select count(*)::int from messages m where m.side_conversation_id = s.id) as messages
  from side_conversations s left join users u on u.id = s.created_by`;

const toDto = (r: SideRow): SideConversation => ({
  id: r.id,
  caseId: r.case_id,
  subject: r.subject,
  participants: r.participants,
  state: r.state,
  messages: r.messages,
  createdBy: r.created_by && r.created_by_name ? { id: r.created_by, name: r.created_by_name } : null,
  lastMessageAt: new Date(r.last_message_at).toISOString(),
  createdAt: new Date(r.created_at).toISOString(),
});

async function readSide(db: Database, id: string): Promise<SideConversation | undefined> {
  const [r] = await rows<SideRow>(db, sql`${SELECT} where s.id = ${id}`);
  return r && toDto(r);
}

/** A case's side conversations, newest first. Staff only; a deleted case has none to show (404). */
export async function listSideConversations(
  db: Database,
  actor: Actor,
  caseId: string,
): Promise<SideConversation[]> {
  policy.assertStaffOnCases(actor, 'see side conversations');
  const [c] = await rows<{ id: string }>(
    db,
    sql`select id from cases where id = ${caseId} and deleted_at is null`,
  );
  if (!c) throw notFound('case');
  const found = await rows<SideRow>(
    db,
    sql`${SELECT} where s.case_id = ${caseId} order by s.created_at desc, s.id desc`,
  );
  return found.map(toDto);
}

/**
 * Locks the case a side conversation's message is written on, its customer first (an erasure's
 * order: customer, then cases; customer-erasure-guard.ts): a message of an erased customer's case
 * is refused, 409 `customer_erased`, as addMessage refuses one, and one that comes while the
 * erasure runs waits for it. A side conversation is about the customer (its messages quote and
 * name them), and an erasure could not take back what is written or mailed after it.
 */
async function lockCaseOfUnerased(tx: Database, caseId: string) {
  const [found] = await tx.select({ customerId: cases.customerId }).from(cases).where(eq(cases.id, caseId));
  if (found) await assertNotErased(tx, [found.customerId]);
  const c = await lockCase(tx, caseId);
  if (c && found && c.customerId !== found.customerId) await assertNotErased(tx, [c.customerId]);
  return c;
}

/** The case, locked, for a new side conversation: 404 deleted, 409 merged or its customer erased. */
async function lockOpenCase(tx: Database, caseId: string) {
  const c = await lockCaseOfUnerased(tx, caseId);
  if (!c) throw notFound('case');
  if (c.mergedIntoId) throw caseMerged(c);
  return c;
}

/** The writing agent's name and signature, for the mail (as their replies to customers carry them). */
async function authorOf(tx: Database, actor: Actor) {
  if (!actor.userId) return { name: null, signature: null };
  const [u] = await rows<{ name: string; signature: string | null }>(
    tx,
    sql`select name, signature from users where id = ${actor.userId}`,
  );
  return { name: u?.name ?? null, signature: u?.signature ?? null };
}

/**
 * One message of ours in a side conversation: the internal note, its mail to the third parties
 * (the first in To, the others in Cc), threaded onto the conversation's earlier mail.
 */
async function writeSideMessage(
  tx: Database,
  actor: Actor,
  side: { id: string; caseId: string; caseNumber: number; subject: string; participants: string[] },
  input: { body: string; attachmentIds?: string[] },
  at: Date,
): Promise<string> {
  const files = input.attachmentIds ?? [];
  await checkUnattachedFiles(tx, actor, side.caseId, files);
  const body = input.body;
  const [msg] = await tx
    .insert(messages)
    .values({
      caseId: side.caseId,
      authorType: 'agent',
      authorUserId: actor.userId,
      public: false,
      body,
      channel: 'email',
      sideConversationId: side.id,
      createdAt: at,
    })
    .returning({ id: messages.id });
  await attachToMessage(tx, files, msg!.id);
  const [to, ...cc] = side.participants;
  const author = await authorOf(tx, actor);
  await queueMail(tx, {
    to: to!,
    cc,
    subject: caseMailSubject(side.caseNumber, side.subject, false),
    text: withSignature(body, author.signature),
    caseId: side.caseId,
    caseMessageId: msg!.id,
    sideConversationId: side.id,
    fromName: author.name,
    attachments: files.length ? ((await mailFilesOf(tx, [msg!.id])).get(msg!.id) ?? []) : [],
  });
  return msg!.id;
}

/** Before anything is written: a solved or closed case is not put on hold (422 `cannot_hold`). */
function checkHold(c: { number: number; status: string }, hold: boolean | undefined) {
  if (hold && c.status !== 'on_hold' && !HOLDABLE_STATUSES.includes(c.status))
    throw unprocessable(
      'cannot_hold',
      `case #${c.number} is ${c.status}; only an unsolved case goes on hold`,
      [{ path: 'body.hold', message: `the case is ${c.status}` }],
    );
}

/**
 * Once our message is written: with `hold` the case waits for the third party (on hold, clocks
 * paused); either way the case was written on, so its version steps on (the queue's "Updated"),
 * once: by the change of status, else by touchCase.
 */
async function holdCase(tx: Database, actor: Actor, c: { id: string; status: string }, hold?: boolean) {
  if (hold && c.status !== 'on_hold')
    await applyCaseUpdate(tx, actor, c.id, { status: 'on_hold' }, 'side_conversation');
  else await touchCase(tx, c.id);
}

/** Starts a side conversation: the conversation, our first message and its mail, in one transaction. */
export async function startSideConversation(
  db: Database,
  actor: Actor,
  caseId: string,
  input: SideConversationCreate,
): Promise<SideConversation> {
  policy.assertStaffOnCases(actor, 'start side conversations');
  const id = await db.transaction(async (tx) => {
    const c = await lockOpenCase(tx, caseId);
    checkHold(c, input.hold);
    const participants = await checkOtherRecipients(tx, input.to, {
      customerId: c.customerId,
      field: 'to',
      code: 'invalid_participant',
    });
    const at = new Date();
    const subject = input.subject ?? c.subject;
    const [side] = await tx
      .insert(sideConversations)
      .values({
        caseId,
        subject,
        participants,
        replyToken: newReplyToken(),
        createdBy: actor.userId,
        lastMessageAt: at,
      })
      .returning({ id: sideConversations.id });
    const messageId = await writeSideMessage(
      tx,
      actor,
      { id: side!.id, caseId, caseNumber: c.number, subject, participants },
      input,
      at,
    );
    await recordDomainEvent(tx, actor, {
      type: 'case.side_conversation_started',
      entityType: 'case',
      entityId: caseId,
      data: { sideConversationId: side!.id, messageId, subject, to: participants },
    });
    await holdCase(tx, actor, c, input.hold);
    return side!.id;
  });
  return (await readSide(db, id))!;
}

/**
 * The side conversation and its case, both locked, the case first (as a merge takes them, so the
 * two cannot deadlock). A merge moves side conversations: the one read is then on the merged
 * case, which is refused (409), or already on the case it went into. Null when either is gone.
 * `forMessage`: a message is written, refused (409 `customer_erased`) when the case's customer
 * was erased (lockCaseOfUnerased); closing or opening the conversation writes nothing of theirs.
 */
async function lockSideAndCase(tx: Database, id: string, forMessage: boolean) {
  const [found] = await tx
    .select({ caseId: sideConversations.caseId })
    .from(sideConversations)
    .where(eq(sideConversations.id, id));
  if (!found) return null;
  const c = forMessage ? await lockCaseOfUnerased(tx, found.caseId) : await lockCase(tx, found.caseId);
  if (!c) return null;
  const [side] = await tx.select().from(sideConversations).where(eq(sideConversations.id, id)).for('update');
  return side ? { side, c } : null;
}

/** lockSideAndCase for staff's changes: 404 when gone, 409 when the case was merged. */
async function lockSide(tx: Database, id: string, forMessage: boolean) {
  const found = await lockSideAndCase(tx, id, forMessage);
  if (!found) throw notFound('side conversation');
  if (found.c.mergedIntoId || found.side.caseId !== found.c.id) throw caseMerged(found.c);
  return found;
}

/** Our next message in a side conversation (a closed one opens again). */
export async function addSideMessage(
  db: Database,
  actor: Actor,
  id: string,
  input: SideMessageCreate,
): Promise<SideConversation> {
  policy.assertStaffOnCases(actor, 'write in side conversations');
  await db.transaction(async (tx) => {
    const { side, c } = await lockSide(tx, id, true);
    checkHold(c, input.hold);
    const at = new Date();
    const messageId = await writeSideMessage(
      tx,
      actor,
      { id, caseId: c.id, caseNumber: c.number, subject: side.subject, participants: side.participants },
      input,
      at,
    );
    await tx
      .update(sideConversations)
      .set({ lastMessageAt: at, state: 'open', updatedAt: new Date() })
      .where(eq(sideConversations.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'case.side_message_sent',
      entityType: 'case',
      entityId: c.id,
      data: { sideConversationId: id, messageId, reopened: side.state === 'closed' },
    });
    await holdCase(tx, actor, c, input.hold);
  });
  return (await readSide(db, id))!;
}

/**
 * Closes a side conversation (done with) or opens it again. Unchanged: nothing written. A change
 * is one of the case's (its version steps on, once, as with a side message).
 */
export async function updateSideConversation(
  db: Database,
  actor: Actor,
  id: string,
  input: SideConversationUpdate,
): Promise<SideConversation> {
  policy.assertStaffOnCases(actor, 'change side conversations');
  await db.transaction(async (tx) => {
    const { side, c } = await lockSide(tx, id, false);
    if (side.state === input.state) return;
    await tx
      .update(sideConversations)
      .set({ state: input.state, updatedAt: new Date() })
      .where(eq(sideConversations.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'case.side_conversation_updated',
      entityType: 'case',
      entityId: c.id,
      data: { sideConversationId: id, changes: { state: { from: side.state, to: input.state } } },
    });
    await touchCase(tx, c.id);
  });
  return (await readSide(db, id))!;
}

/** The side conversation whose reply token is among these, if any (inbound threading). */
export async function sideConversationByToken(tx: Database, tokens: string[]) {
  if (tokens.length === 0) return undefined;
  const [side] = await tx
    .select({ id: sideConversations.id, caseId: sideConversations.caseId })
    .from(sideConversations)
    .where(sql`${sideConversations.replyToken} = any(${sql.param(tokens)}::text[])`)
    .limit(1);
  return side;
}

/**
 * A third party's answer (inbound mail); 409 `customer_erased` when the case's customer was erased: their message in the conversation, which opens again;
 * a new sender joins its participants (a colleague of theirs answering); an on-hold case is open
 * again (its clocks run; a solved one stays solved, its assignee is told all the same). Returns the message id,
 * or null when its case is deleted (the mail is then kept as ignored by the caller; a merge moves
 * side conversations along with the messages).
 */
export async function receiveSideMessage(
  tx: Database,
  sideId: string,
  from: { address: string; name: string | null },
  body: string,
): Promise<{ caseId: string; messageId: string } | null> {
  const found = await lockSideAndCase(tx, sideId, true);
  if (!found || found.c.mergedIntoId || found.side.caseId !== found.c.id) return null;
  const { side, c } = found;
  const address = from.address.toLowerCase();
  const [msg] = await tx
    .insert(messages)
    .values({
      caseId: c.id,
      authorType: 'third_party',
      public: false,
      body,
      channel: 'email',
      sideConversationId: side.id,
      externalFrom: from.name ? `${from.name} <${address}>` : address,
    })
    .returning({ id: messages.id });
  const joins = !side.participants.includes(address) && side.participants.length < MAX_SIDE_PARTICIPANTS;
  await tx
    .update(sideConversations)
    .set({
      lastMessageAt: sql`now()`,
      state: 'open',
      updatedAt: new Date(),
      ...(joins ? { participants: [...side.participants, address] } : {}),
    })
    .where(eq(sideConversations.id, side.id));
  await recordDomainEvent(tx, SYSTEM_ACTOR, {
    type: 'case.side_reply',
    entityType: 'case',
    entityId: c.id,
    data: { sideConversationId: side.id, messageId: msg!.id, from: address },
  });
  // Their answer is news on the case (its version steps on, once): it opens an on-hold case.
  if (c.status === 'on_hold') await applyCaseUpdate(tx, SYSTEM_ACTOR, c.id, { status: 'open' }, 'side_reply');
  else await touchCase(tx, c.id);
  return { caseId: c.id, messageId: msg!.id };
}
