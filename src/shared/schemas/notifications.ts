import { z } from 'zod';
import { BooleanQuery, Cursor, Id, IsoDateTime, Limit, TimeZone } from './common.js';
import { PromiseKind } from './cases.js';

export const NOTIFICATION_KINDS = [
  'case_assigned',
  'case_queued',
  'customer_replied',
  'note_added',
  'mentioned',
  'promise_warning',
  'promise_breached',
  'follow_up_due',
  'side_reply',
] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** Kinds that are also e-mailed unless the person turns them off. */
export const EMAIL_BY_DEFAULT: Record<NotificationKind, boolean> = {
  case_assigned: true,
  case_queued: false,
  customer_replied: true,
  note_added: false,
  mentioned: true,
  promise_warning: true,
  promise_breached: true,
  follow_up_due: true,
  side_reply: true,
};

export const Notification = z.object({
  id: Id,
  kind: NotificationKind,
  case: z.object({
    id: Id,
    number: z.number().int(),
    subject: z.string(),
    status: z.string(),
    customerName: z.string().nullable(),
  }),
  actor: z
    .object({ id: Id, name: z.string() })
    .nullable()
    .describe('the colleague who caused it; null: Steward itself, or the customer'),
  excerpt: z
    .string()
    .nullable()
    .describe(
      'customer_replied, note_added, mentioned, side_reply: the start of what was written, on one line (140 characters at most); null for the others',
    ),
  writerName: z
    .string()
    .nullable()
    .describe(
      'customer_replied: who wrote, when it was not the case’s customer (someone on its CC list, a colleague of theirs)',
    ),
  promise: PromiseKind.nullable().describe('promise_warning and promise_breached: which promise'),
  dueAt: IsoDateTime.nullable().describe('promise_warning and promise_breached: when it is (was) due'),
  createdAt: IsoDateTime,
  readAt: IsoDateTime.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = z.strictObject({
  unread: BooleanQuery.optional().describe('true: only unread ones'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const UnreadCount = z.object({ unread: z.number().int() });

export const MarkRead = z.union([
  z.strictObject({ ids: z.array(Id).min(1).max(500) }),
  z.strictObject({
    caseId: Id.describe('every notification about this case (opening it in the web UI does this)'),
  }),
  z.strictObject({ all: z.literal(true) }),
]);
export type MarkRead = z.infer<typeof MarkRead>;

/** How the e-mails of notifications go: each at once, or gathered in one mail an hour or a day. */
export const DIGESTS = ['none', 'hourly', 'daily'] as const;
export const Digest = z.enum(DIGESTS);
export type Digest = z.infer<typeof Digest>;
/** Until a person chooses: each e-mail at once; a daily digest at 8 o'clock (in the company's time zone). */
export const DIGEST_DEFAULTS = { digest: 'none', digestHour: 8 } as const;
const DigestHour = z
  .number()
  .int('a whole hour from 0 to 23')
  .min(0, 'a whole hour from 0 to 23')
  .max(23, 'a whole hour from 0 to 23');

export const NotificationPreferences = z.object({
  email: z.record(NotificationKind, z.boolean()).describe('per kind: also sent by e-mail'),
  digest: Digest.describe(
    'none: each e-mail at once; hourly: one mail at the top of the hour; daily: one mail a day at digestHour in timeZone. A digest lists what is still unread when it goes, of the kinds chosen then.',
  ),
  digestHour: DigestHour.describe('the hour of the daily digest (0-23), in timeZone'),
  timeZone: z
    .string()
    .describe(
      "the time zone of the daily digest and of the times in the mails (IANA): the person's own, else the company's (Settings), else UTC",
    ),
  ownTimeZone: z
    .boolean()
    .describe("whether timeZone is the person's own choice; false: it follows the company's time zone"),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

export const NotificationPreferencesUpdate = z
  .strictObject({
    email: z.partialRecord(NotificationKind, z.boolean()).optional(),
    digest: Digest.optional(),
    digestHour: DigestHour.optional(),
    timeZone: TimeZone.nullable()
      .optional()
      .describe("the person's own time zone; null: follow the company's (Settings)"),
  })
  .refine((o) => Object.keys(o).length > 0, 'name at least one setting to change');
export type NotificationPreferencesUpdate = z.infer<typeof NotificationPreferencesUpdate>;

export const CaseFollowers = z.object({
  items: z.array(z.object({ userId: Id, name: z.string() })).describe('by name'),
  following: z.boolean().describe('whether you follow the case'),
});
export type CaseFollowers = z.infer<typeof CaseFollowers>;
