// Conversations from telephony and chat systems. A system posts a call or a chat once it took
// place: it opens a case (channel phone or chat, through openOrJoinCase like every channel that
// opens cases for customers) or lands as messages on the given case. Each message keeps the time
// it was said; the call details (direction, duration, outcome) go on the first one. Agents'
// lines are public messages that meet the response clocks but are never mailed (they were said
// on the phone or in the chat already).
//
// Idempotent by the system's `externalId`: the first post records a `conversation.logged`
// domain event keyed by a UUID derived from the externalId (so the lookup is an index scan);
// a repeated post — even two at once, serialized by an advisory lock on the same key — finds
// it and answers the same case, changing nothing.
import { resolveCustomer as findLiveCustomer } from '../customers/customers.repo.js';
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { LIMITS } from '../../../shared/schemas/common.js';
import type { ConversationInput, ConversationResult } from '../../../shared/schemas/conversations.js';
import type { Actor } from '../../lib/actor.js';
import { notFound, unprocessable } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import * as casesRepo from '../cases/cases.repo.js';
import { addMessage } from '../cases/messages.service.js';
import { openOrJoinCase } from '../cases/proactive-contact.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { findOrCreateCustomerByEmail } from '../portal/contacts.js';

/** A stable UUID for an externalId: the domain event's entity id, found by index. */
export function conversationKey(externalId: string): string {
  const h = createHash('sha256').update(`conversation\u0000${externalId}`).digest('hex');
  // Shaped as a version-8 (custom) UUID with the RFC 4122 variant.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const invalid = (path: string, message: string) =>
  unprocessable('invalid_reference', `${path}: ${message}`, [{ path, message }]);

async function resolveCustomer(tx: Database, actor: Actor, ref: NonNullable<ConversationInput['customer']>) {
  if (ref.id) {
    const c = await findLiveCustomer(tx, { id: ref.id });
    if (!c) throw invalid('body.customer.id', 'no such customer');
    return c.id;
  }
  if (ref.externalId) {
    const c = await findLiveCustomer(tx, { externalId: ref.externalId });
    if (c) return c.id;
    if (!ref.email)
      throw invalid('body.customer.externalId', 'no customer has it (give an email to create one)');
  }
  const contact = await findOrCreateCustomerByEmail(tx, actor, {
    email: ref.email!,
    name: ref.name ?? ref.email!,
    externalId: ref.externalId ?? null,
    source: 'conversation',
  });
  return contact.id;
}

const firstLine = (body: string) => {
  const line = body.trim().split('\n')[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
};

export async function logConversation(
  db: Database,
  actor: Actor,
  input: ConversationInput,
): Promise<ConversationResult> {
  policy.assertStaffOnCases(actor, 'log conversations');
  const key = conversationKey(input.externalId);
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext('conversation'), hashtext(${input.externalId}))`,
    );
    const [earlier] = await rows<{ data: ConversationResult }>(
      tx,
      sql`select data from domain_events
        where entity_type = 'conversation' and entity_id = ${key} and type = 'conversation.logged'
        order by occurred_at limit 1`,
    );
    if (earlier) return { ...earlier.data, duplicate: true };

    const customerId = input.customer ? await resolveCustomer(tx, actor, input.customer) : null;
    const now = Date.now();
    // In the order they happened; no time after now.
    const lines = [...input.messages]
      .map((m, i) => ({ ...m, i, when: new Date(Math.min(Date.parse(m.at), now)) }))
      .sort((a, b) => a.when.getTime() - b.when.getTime() || a.i - b.i);
    const messageIds: string[] = [];
    let caseId: string;
    let created = false;
    let joined = false;
    let rest = lines;
    if (input.caseId) {
      const c = await casesRepo.findCase(tx, input.caseId);
      if (!c) throw notFound('case');
      if (customerId && c.customerId !== customerId)
        throw invalid('body.customer', 'the case belongs to another customer');
      caseId = c.id;
    } else {
      const first = lines[0]!;
      const customerName = await rows<{ name: string }>(
        tx,
        sql`select name from customers where id = ${customerId}`,
      );
      const opened = await openOrJoinCase(tx, actor, {
        subject:
          input.subject ??
          (
            firstLine(lines.find((l) => l.from === 'customer')?.body ?? '') ||
            `${input.channel === 'phone' ? 'Phone call' : 'Chat'} with ${customerName[0]?.name ?? 'a customer'}`
          ).slice(0, LIMITS.subject),
        customerId: customerId!,
        channel: input.channel,
        ...(input.category ? { category: input.category } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        message: { body: first.body, from: first.from, ...(input.call ? { call: input.call } : {}) },
      });
      if (!opened.messageId) throw new Error('the first message of the conversation is missing');
      caseId = opened.case.id;
      created = !opened.joined;
      joined = opened.joined;
      // Joining a proactive case added it as a plain message: it is this channel's, with the call.
      await tx.execute(sql`update messages set channel = ${input.channel},
          call = ${input.call ? JSON.stringify(input.call) : null}::jsonb, created_at = ${first.when}
        where id = ${opened.messageId}`);
      messageIds.push(opened.messageId);
      rest = lines.slice(1);
    }
    for (const line of rest) {
      const message = await addMessage(tx, actor, caseId, {
        body: line.body,
        public: true,
        from: line.from,
        channel: input.channel,
        ...(messageIds.length === 0 && input.call ? { call: input.call } : {}),
      });
      await tx.execute(sql`update messages set created_at = ${line.when} where id = ${message.id}`);
      messageIds.push(message.id);
    }
    const [c] = await rows<{ number: number }>(tx, sql`select number from cases where id = ${caseId}`);
    const result: ConversationResult = {
      externalId: input.externalId,
      caseId,
      caseNumber: Number(c!.number),
      created,
      joined,
      messageIds,
      duplicate: false,
    };
    await recordDomainEvent(tx, actor, {
      type: 'conversation.logged',
      entityType: 'conversation',
      entityId: key,
      data: { ...result, channel: input.channel, startedAt: input.startedAt, endedAt: input.endedAt ?? null },
    });
    await recordDomainEvent(tx, actor, {
      type: 'case.conversation_logged',
      entityType: 'case',
      entityId: caseId,
      data: {
        externalId: input.externalId,
        channel: input.channel,
        messages: messageIds.length,
        call: input.call ?? null,
        startedAt: input.startedAt,
        endedAt: input.endedAt ?? null,
      },
    });
    return result;
  });
}
