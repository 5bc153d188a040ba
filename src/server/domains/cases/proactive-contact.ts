// A customer who writes in about something a proactive case already covers lands in that case,
// not in a new one (see src/core/proactive-match.ts for which case). The message is added as the
// customer's reply (only unsolved cases are joined), the signal behind the case learns that the
// customer made contact (for the "contacts avoided" KPI), and the timeline says why it joined.
// Every channel that opens cases for customers goes through openOrJoinCase.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { chooseProactiveCase, type ProactiveCandidate } from '../../../core/proactive-match.js';
import {
  DEFAULT_CATEGORY,
  UNSOLVED_STATUSES,
  type Case,
  type CaseCreate,
  type MessageDelivery,
} from '../../../shared/schemas/cases.js';
import type { Actor } from '../../lib/actor.js';
import { isStaff } from '../../lib/actor.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { noteCustomerContact } from '../signals/open-signals.js';
import { assertOfferedCategory } from './catalog.service.js';
import { getCase, openCase } from './cases.service.js';
import { addMessage } from './messages.service.js';
import * as policy from '../../policies/cases.js';

export interface OpenedCase {
  case: Case;
  /** The contact joined an open proactive case instead of opening one. */
  joined: boolean;
  /** The message the contact became (the new case's first message, or the one added on joining). */
  messageId: string | null;
  /** What became of a new case's first message as mail (see NewCase); null on joining. */
  delivery: MessageDelivery | null;
}

/** A new case, with the id of its first message (channels attach files and HTML to it). */
async function opened(db: Database, actor: Actor, input: CaseCreate): Promise<OpenedCase> {
  const made = await openCase(db, actor, input);
  return { case: made.case, joined: false, messageId: made.firstMessageId, delivery: made.delivery };
}

export async function openOrJoinCase(
  db: Database,
  actor: Actor,
  input: CaseCreate,
  /** reference: a number the customer gave without saying what it is (matches a ref of any key). */
  opts: { reference?: string } = {},
): Promise<OpenedCase> {
  // Customers pick only among the categories offered to them (staff and channels file anywhere);
  // the default is what a case without a pick gets, so it needs no offer.
  if (actor.role === 'customer' && input.category !== undefined && input.category !== DEFAULT_CATEGORY)
    await assertOfferedCategory(db, input.category);
  // A customer's message is public, always: one sent as a note would still show (and join).
  if (actor.role === 'customer' && input.message?.public === false)
    throw forbidden('customers write public messages only');
  const fromCustomer =
    !!input.message && (!isStaff(actor) || (input.message.from ?? 'customer') === 'customer');
  if (!fromCustomer || input.channel === 'proactive' || input.createdAt || !input.customerId) {
    return opened(db, actor, input);
  }
  // Before looking for a case to join: a customer writes for themselves only (the join may land
  // in a proactive case not yet shown to anyone but staff).
  policy.assertCanCreateCase(actor, input.customerId);
  const candidates = await rows<ProactiveCandidate & { number: number }>(
    db,
    sql`select id, number, refs from cases
      where customer_id = ${input.customerId} and channel = 'proactive' and merged_into_id is null
        and deleted_at is null and status = any(${sql.param(UNSOLVED_STATUSES)}::text[])
      order by created_at desc, id desc limit 20`,
  );
  const choice = chooseProactiveCase(candidates, {
    refs: input.refs,
    ...(opts.reference ? { reference: opts.reference } : {}),
    text: `${input.subject ?? ''}\n${input.message!.body}`,
  });
  if (!choice) return opened(db, actor, input);
  let messageId: string;
  try {
    messageId = await db.transaction(async (tx) => {
      const message = await addMessage(tx, actor, choice.id, {
        body: input.subject ? `${input.subject}\n\n${input.message!.body}` : input.message!.body,
        public: true,
        joinsProactive: true,
        ...(isStaff(actor) ? { from: 'customer' as const, channel: input.channel ?? 'api' } : {}),
        ...(input.message!.call ? { call: input.message!.call } : {}),
      });
      await recordDomainEvent(tx, actor, {
        type: 'case.contact_joined',
        entityType: 'case',
        entityId: choice.id,
        data: {
          subject: input.subject,
          channel: input.channel ?? null,
          reason: choice.reason,
          ...(opts.reference ? { reference: opts.reference } : {}),
        },
      });
      await noteCustomerContact(tx, choice.id);
      return message.id;
    });
  } catch (err) {
    // Closed or merged meanwhile: the contact opens its own case after all.
    if (err instanceof AppError && err.statusCode === 409) return opened(db, actor, input);
    throw err;
  }
  return { case: await getCase(db, actor, choice.id), joined: true, messageId, delivery: null };
}
