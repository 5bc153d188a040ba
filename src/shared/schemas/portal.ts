// The customer's side: sign-in links, their requests in plain words, ratings, the web form.
import { z } from 'zod';
import { CaseStatus, Channel, Key, MessageBody } from './cases.js';
import {
  Cursor,
  Email,
  Id,
  IsoDateTime,
  LIMITS,
  Language,
  Limit,
  Name,
  OneLineText,
  TimeZone,
} from './common.js';
import { EVENT_LIMITS } from './events.js';
import { MAIL_PREFERENCE_FIELDS } from './customers.js';

export const PORTAL_LIMITS = {
  /** Sign-in links work this long. */
  magicLinkMinutes: 15,
  /** Files on one web form or new portal request. */
  files: 5,
  /** Bytes of one file (the attachments' own limit). */
  fileBytes: 10 * 1024 * 1024,
  ratingComment: 2_000,
  /** Web form submissions per client IP in the window. */
  webFormPerIp: 5,
  webFormWindowSeconds: 600,
  /** Characters of the order or shipment number given with a new request (as a ref's value). */
  reference: EVENT_LIMITS.refValue,
} as const;

/** The ref key a new request keeps the customer's order or shipment number under. */
export const CUSTOMER_REFERENCE_KEY = 'customerReference';

// ---- sign-in by e-mailed link ----------------------------------------------------------------

export const MagicLinkRequest = z.strictObject({
  email: z.string().trim().min(1).max(LIMITS.email).describe('the address the customer is known by'),
});
export const MagicLinkRequested = z.object({
  message: z.string().describe('the same answer whether or not the address is known'),
});
export const MagicLinkVerify = z.strictObject({
  token: z.string().min(1).max(200).describe('the token from the link in the mail'),
});

// ---- the plain-words state and the customer's view of a case -----------------------------------

export const PLAIN_STATE_CODES = [
  'received',
  'working',
  'answered',
  'waiting_for_you',
  'on_hold',
  'solved',
  'closed',
] as const;
export type PlainStateCode = (typeof PLAIN_STATE_CODES)[number];

export const PlainState = z.object({
  code: z.enum(PLAIN_STATE_CODES),
  text: z
    .string()
    .describe('one sentence for the customer, e.g. "We are working on it — next update by Tue 14:00"'),
  waitingFor: z.enum(['us', 'you', 'others']).nullable(),
  nextUpdateBy: IsoDateTime.nullable().describe('when the customer hears from us next, if promised'),
  late: z.boolean().describe('a promised answer or update is past its time'),
});
export type PlainState = z.infer<typeof PlainState>;

export const RATING_MIN = 1;
export const RATING_MAX = 5;

export const RatingInput = z.strictObject({
  rating: z.number().int().min(RATING_MIN).max(RATING_MAX),
  comment: z.string().trim().max(PORTAL_LIMITS.ratingComment).nullable().optional(),
});
export type RatingInput = z.infer<typeof RatingInput>;

export const Rating = z.object({
  caseId: Id,
  rating: z.number().int(),
  comment: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Rating = z.infer<typeof Rating>;

/** A case as its customer sees it: no notes, tags, fields, team or agreement internals. */
export const PortalCaseSummary = z.object({
  id: Id,
  number: z.number().int(),
  subject: z.string(),
  status: CaseStatus,
  channel: Channel,
  customer: z
    .object({ id: Id, name: z.string() })
    .describe('who asked (a colleague, for organization requests)'),
  mine: z.boolean().describe('asked by the signed-in customer'),
  plainState: PlainState,
  timeZone: z
    .string()
    .describe(
      "the zone the state's times are in (the customer's, else the agreement calendar's, else the company's, else UTC); the portal shows the request's other times in it too",
    ),
  rating: Rating.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  solvedAt: IsoDateTime.nullable(),
  closedAt: IsoDateTime.nullable(),
});
export type PortalCaseSummary = z.infer<typeof PortalCaseSummary>;

export const PortalCase = PortalCaseSummary.extend({
  canReply: z.boolean().describe('open for a reply (not closed, not merged)'),
  canRate: z.boolean().describe('solved or closed, and asked by the signed-in customer'),
  mergedIntoId: Id.nullable(),
});
export type PortalCase = z.infer<typeof PortalCase>;

export const PortalCaseListQuery = z.strictObject({
  scope: z
    .enum(['mine', 'organization'])
    .default('mine')
    .describe("mine: my requests; organization: my colleagues' (with organization access)"),
  state: z.enum(['open', 'solved', 'all']).default('all').describe('open: not yet solved'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type PortalCaseListQuery = z.infer<typeof PortalCaseListQuery>;

// ---- files sent as JSON (web form, new portal request) -----------------------------------------

/** Base64 of at most 10 MiB. */
const BASE64_MAX = Math.ceil(PORTAL_LIMITS.fileBytes / 3) * 4;

export const UploadedFile = z.strictObject({
  filename: z.string().trim().min(1).max(255),
  contentType: z
    .string()
    .trim()
    .max(200)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as image/png')
    .default('application/octet-stream'),
  data: z
    .string()
    .max(BASE64_MAX + 4, `files are limited to ${PORTAL_LIMITS.fileBytes / 1024 / 1024} MiB`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .describe('the file, base64-encoded (at most 10 MiB)'),
});
export type UploadedFile = z.input<typeof UploadedFile>;

export const UploadedFiles = z
  .array(UploadedFile)
  .max(PORTAL_LIMITS.files, `at most ${PORTAL_LIMITS.files} files`)
  .default([]);

/** A request opened in the portal, with files in the same step. */
export const PortalCaseCreate = z.strictObject({
  subject: OneLineText().min(1, 'is required').max(LIMITS.subject),
  message: MessageBody,
  category: Key.optional().describe(
    'one of the categories offered to customers (GET /portal/categories); left out: the default',
  ),
  reference: OneLineText()
    .max(PORTAL_LIMITS.reference)
    .optional()
    .describe(
      'an order or shipment number: the request joins an open proactive case of yours holding it (under any ref), else opens a case keeping it as its customerReference ref; empty: none',
    ),
  files: UploadedFiles,
});
export type PortalCaseCreate = z.input<typeof PortalCaseCreate>;

/** A category a customer may pick on a new request. */
export const PortalCategory = z.object({ key: z.string(), name: z.string() });
export type PortalCategory = z.infer<typeof PortalCategory>;

// ---- the customer's own account ------------------------------------------------------------

export const PortalAccount = z.object({
  name: z.string(),
  email: z.string().nullable().describe('the address they sign in with and get our mail at'),
  timeZone: TimeZone.nullable().describe(
    'the zone their times are written in (portal, mails); null: the agreement calendar’s, else the company’s, else UTC',
  ),
  language: Language.nullable().describe(
    'the language of our own words in mail to them (en, de, fr, es, nl; another: English); null: the company’s (customerLanguage)',
  ),
  shownTimeZone: z
    .string()
    .describe(
      'the zone the portal writes their account’s times in (where they are signed in): timeZone, else the calendar’s of the agreement that applies to them, else the company’s, else UTC',
    ),
  mailAcknowledgements: z
    .boolean()
    .describe('we confirm a new request of theirs by mail (its number, when we answer)'),
  mailProactiveNotices: z
    .boolean()
    .describe(
      'we may write to them on our own about their orders and deliveries (a signal rule’s `notify_customer`)',
    ),
  hasPassword: z
    .boolean()
    .describe('they sign in with a password (set by an admin) and may change it: POST /auth/password'),
  updatedAt: IsoDateTime.describe('the version of the customer record (send it as If-Match)'),
});
export type PortalAccount = z.infer<typeof PortalAccount>;

export const PortalAccountUpdate = z.strictObject({
  name: Name.optional(),
  timeZone: TimeZone.nullable()
    .optional()
    .describe('null: none (the agreement calendar’s, else the company’s, else UTC)'),
  language: Language.nullable().optional().describe('null: none (the company’s, customerLanguage)'),
  ...MAIL_PREFERENCE_FIELDS,
});
export type PortalAccountUpdate = z.infer<typeof PortalAccountUpdate>;

// ---- the embeddable web form ---------------------------------------------------------------

export const WebFormInput = z.strictObject({
  name: Name,
  email: Email,
  subject: OneLineText().min(1, 'is required').max(LIMITS.subject),
  message: MessageBody,
  team: Id.optional().describe('the team the form belongs to (data-team of the embed)'),
  category: Key.optional(),
  language: Language.optional().describe("the page's language: a new customer's language"),
  files: UploadedFiles,
  website: z
    .string()
    .max(500)
    .optional()
    .describe('leave empty: a field people do not see (a filled one marks a robot)'),
});
export type WebFormInput = z.input<typeof WebFormInput>;

export const WebFormResult = z.object({
  caseNumber: z.number().int(),
  message: z.string(),
});
export type WebFormResult = z.infer<typeof WebFormResult>;

/** Query options of the form page and the embed script. */
export const WebFormOptions = z.object({
  team: Id.optional(),
  category: Key.optional(),
  language: Language.optional(),
});
