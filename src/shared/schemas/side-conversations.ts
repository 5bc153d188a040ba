import { z } from 'zod';
import { Email, Id, IsoDateTime, LIMITS, OneLineText } from './common.js';
import { MessageBody } from './cases.js';

/** The most third parties one side conversation writes to. */
export const MAX_SIDE_PARTICIPANTS = 10;

/** Files uploaded to the case first (POST /cases/:id/attachments), sent with the message. */
const SideFiles = z.array(Id).max(20).optional().describe('files uploaded to the case, sent with the mail');

/** The statuses a case may be put on hold from while a third party is asked (not solved or closed). */
export const HOLDABLE_STATUSES: readonly string[] = ['new', 'open', 'pending'];

/** Waiting for the third party: the case goes on hold (its clocks pause) until they answer. */
const Hold = z
  .boolean()
  .optional()
  .describe(
    'put the case on hold until the third party answers (a new, open or pending case; their answer opens it again)',
  );

export const SIDE_STATES = ['open', 'closed'] as const;
export const SideState = z.enum(SIDE_STATES);

export const SideConversation = z.object({
  id: Id,
  caseId: Id,
  subject: z.string(),
  participants: z.array(z.string()).describe('the third parties written to, and any who answered'),
  state: SideState.describe('closed: done with; a new message (ours or theirs) opens it again'),
  messages: z.number().int(),
  createdBy: z.object({ id: Id, name: z.string() }).nullable(),
  lastMessageAt: IsoDateTime,
  createdAt: IsoDateTime,
});
export type SideConversation = z.infer<typeof SideConversation>;

export const SideConversationCreate = z.strictObject({
  to: z
    .array(Email)
    .min(1, 'name at least one address')
    .max(MAX_SIDE_PARTICIPANTS)
    .describe('the third parties: not the customer, colleagues or our own addresses'),
  subject: OneLineText()
    .min(1, 'is required')
    .max(LIMITS.subject)
    .optional()
    .describe('the mail subject after the case number; default: the case’s subject'),
  body: MessageBody,
  attachmentIds: SideFiles,
  hold: Hold,
});
export type SideConversationCreate = z.infer<typeof SideConversationCreate>;

export const SideMessageCreate = z.strictObject({ body: MessageBody, attachmentIds: SideFiles, hold: Hold });
export type SideMessageCreate = z.infer<typeof SideMessageCreate>;

export const SideConversationUpdate = z.strictObject({ state: SideState });
export type SideConversationUpdate = z.infer<typeof SideConversationUpdate>;
