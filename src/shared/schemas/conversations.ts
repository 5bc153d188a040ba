// Conversations from telephony and chat systems: a call or a chat, posted once it happened.
import { z } from 'zod';
import { CallDetails, Key, MessageBody, Priority } from './cases.js';
import { Email, Id, IsoDateTime, LIMITS, Name, OneLineText } from './common.js';

export const CONVERSATION_LIMITS = { messages: 500, externalId: 200, futureSkewSeconds: 300 } as const;

/** A conversation is posted once it happened: its times may run ahead by clock skew only. */
const PastTime = IsoDateTime.refine(
  // Not a time at all is said once, by the format check: not also "in the future".
  (t) => !(Date.parse(t) > Date.now() + CONVERSATION_LIMITS.futureSkewSeconds * 1000),
  `must not be in the future (${CONVERSATION_LIMITS.futureSkewSeconds} s allowed for clock skew)`,
);

export const ConversationCustomer = z
  .strictObject({
    id: Id.optional(),
    email: Email.optional(),
    externalId: z.string().trim().min(1).max(LIMITS.externalId).optional(),
    name: Name.optional().describe('for a customer created from this conversation (by e-mail)'),
  })
  .refine((c) => !!(c.id || c.email || c.externalId), { message: 'give id, email or externalId' });

export const ConversationMessage = z.strictObject({
  from: z.enum(['customer', 'agent']),
  body: MessageBody,
  at: PastTime.describe('when it was said or written'),
});

export const ConversationInput = z
  .strictObject({
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(CONVERSATION_LIMITS.externalId)
      .describe("the conversation's id in the telephony or chat system: a repeated post changes nothing"),
    channel: z.enum(['phone', 'chat']),
    customer: ConversationCustomer.optional().describe('who it was with; may be left out with caseId'),
    caseId: Id.optional().describe('add the conversation to this case; else it opens one'),
    subject: OneLineText().min(1).max(LIMITS.subject).optional().describe('for a new case'),
    category: Key.optional(),
    priority: Priority.optional(),
    startedAt: PastTime,
    endedAt: PastTime.optional(),
    call: CallDetails.optional().describe('phone: direction, duration, outcome (on the first message)'),
    messages: z.array(ConversationMessage).min(1).max(CONVERSATION_LIMITS.messages),
  })
  .refine((c) => !!(c.customer || c.caseId), { message: 'give customer, caseId or both', path: ['customer'] })
  .refine((c) => !c.call || c.channel === 'phone', {
    message: 'only phone calls have call details',
    path: ['call'],
  })
  .refine((c) => !c.endedAt || Date.parse(c.endedAt) >= Date.parse(c.startedAt), {
    message: 'must not be before startedAt',
    path: ['endedAt'],
  });
export type ConversationInput = z.infer<typeof ConversationInput>;

export const ConversationResult = z.object({
  externalId: z.string(),
  caseId: Id,
  caseNumber: z.number().int(),
  created: z.boolean().describe('the conversation opened this case'),
  joined: z.boolean().describe('it joined an open proactive case about the same thing'),
  messageIds: z.array(Id),
  duplicate: z.boolean().describe('posted before: nothing changed, this is the first answer again'),
});
export type ConversationResult = z.infer<typeof ConversationResult>;
