import { z } from 'zod';
import { Id, IsoDateTime, LIMITS } from './common.js';

/** The placeholders a reply template may use, filled from the case it is inserted into. */
export const REPLY_TEMPLATE_VARIABLES = [
  'customer.name',
  'customer.firstName',
  'customer.email',
  'organization.name',
  'case.number',
  'case.subject',
  'agent.name',
  'agent.firstName',
] as const;

/** The most templates one person sees: enough for a busy desk, few enough to read at once. */
export const MAX_REPLY_TEMPLATES = 500;

export const ReplyTemplateInput = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  body: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(LIMITS.messageBody)
    .describe(`the text; placeholders: ${REPLY_TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`),
  shared: z.boolean().optional().describe('admins: every agent may use it; otherwise only you'),
  teamId: Id.nullable()
    .optional()
    .describe('admins: a shared template for this team’s members only (implies shared); null: every agent'),
});
export type ReplyTemplateInput = z.infer<typeof ReplyTemplateInput>;

export const ReplyTemplateUpdate = ReplyTemplateInput.omit({ shared: true }).partial();
export type ReplyTemplateUpdate = z.infer<typeof ReplyTemplateUpdate>;

export const ReplyTemplate = z.object({
  id: Id,
  name: z.string(),
  body: z.string(),
  shared: z.boolean().describe('false: only its owner sees it'),
  teamId: Id.nullable().describe('a shared template for this team’s members only; null: every agent'),
  team: z.object({ id: Id, name: z.string() }).nullable(),
  uses: z.number().int().describe('how often it was inserted into a reply'),
  lastUsedAt: IsoDateTime.nullable(),
  updatedAt: IsoDateTime.describe('the version to send in If-Match when saving a change'),
});
export type ReplyTemplate = z.infer<typeof ReplyTemplate>;

export const ReplyTemplateQuery = z.strictObject({
  q: z.string().trim().max(100).optional().describe('words in the name or the text'),
});

export const ReplyTemplateRender = z.strictObject({
  caseId: Id.describe(
    'the case the reply is for: its customer, organization and number fill the placeholders',
  ),
});

export const RenderedReplyTemplate = z.object({
  body: z.string().describe('the text with its placeholders filled, ready for the reply box'),
  missing: z
    .array(z.string())
    .describe('placeholders that had no value on this case (left empty: write them in by hand)'),
});
