import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import {
  CASE_SORTS,
  CaseStatus,
  Channel,
  Key,
  Priority,
  PromiseClockFilters,
  SolvedFilters,
  Tag,
} from './cases.js';
import { FieldFilter } from './fields.js';

export const CaseViewFilters = z.strictObject({
  status: z.array(CaseStatus).max(6).optional(),
  priority: z.array(Priority).max(4).optional(),
  category: z.array(Key).max(50).optional(),
  channel: z.array(Channel).max(7).optional(),
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  teamId: z.union([Id, z.literal('none')]).optional(),
  tags: z.array(Tag).max(20).optional(),
  customerId: Id.optional(),
  organizationId: Id.optional(),
  promise: z.enum(['at_risk', 'breached']).optional(),
  awaitingReply: z
    .literal(true)
    .optional()
    .describe('new or open cases whose customer’s last message has no reply of ours after it'),
  ...PromiseClockFilters.shape,
  ...SolvedFilters.shape,
  fields: z
    .array(FieldFilter)
    .max(5)
    .optional()
    .describe('case fields, key:value (all must hold; an empty value: cases without one)'),
});
export type CaseViewFilters = z.infer<typeof CaseViewFilters>;

export const CaseViewInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  filters: CaseViewFilters,
  sort: z.enum(CASE_SORTS).optional(),
  shared: z.boolean().optional().describe('admins: visible to every agent; otherwise only to you'),
  teamId: Id.nullable()
    .optional()
    .describe('admins: a shared view for this team’s members only (implies shared); null: every agent'),
  position: z.number().int().min(0).max(1000).optional(),
});

export const CaseView = z.object({
  id: Id,
  name: z.string(),
  filters: CaseViewFilters,
  sort: z.enum(CASE_SORTS),
  shared: z.boolean(),
  teamId: Id.nullable().describe('a shared view for this team’s members only; null: every agent'),
  team: z.object({ id: Id, name: z.string() }).nullable(),
  position: z.number().int(),
  updatedAt: IsoDateTime.describe('the version to send in If-Match when saving a change'),
  count: z.number().int().optional().describe('matching cases, exact up to 10,000'),
  countCapped: z.boolean().optional().describe('true: there are more than `count` (show "10,000+")'),
});
