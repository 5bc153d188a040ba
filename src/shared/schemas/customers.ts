import { FieldFilters } from './fields.js';
import { z } from 'zod';
import { AppliedAgreement } from './agreements.js';
import {
  BooleanQuery,
  Cursor,
  CustomFields,
  Email,
  Id,
  IsoDateTime,
  LIMITS,
  Language,
  Limit,
  Name,
  PAGING,
  Phone,
  Search,
  SegmentKey,
  TimeZone,
} from './common.js';

/**
 * The customer's mail preferences: what we mail them on our own, which they may turn off (on My
 * account in the portal; staff when asked). An answer to their request and sign-in links are always
 * sent.
 */
export const MAIL_PREFERENCE_FIELDS = {
  mailAcknowledgements: z
    .boolean()
    .optional()
    .describe('we confirm a new request of theirs by mail (its number, when we answer); default true'),
  mailProactiveNotices: z
    .boolean()
    .optional()
    .describe(
      'signal rules may write to them on their own (`notify_customer`); off: such an action is skipped for them; default true',
    ),
};

const fields = {
  name: Name,
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  organizationId: Id.nullable().optional(),
  segment: SegmentKey.nullable().optional().describe('own segment; default: the organization’s'),
  language: Language.nullable().optional(),
  timeZone: TimeZone.nullable().optional(),
  externalId: z.string().trim().min(1).max(LIMITS.externalId).nullable().optional(),
  organizationAccess: z.boolean().optional().describe('may see the organization and its other customers'),
  customFields: CustomFields.optional(),
  ...MAIL_PREFERENCE_FIELDS,
};

/** Fields a customer may change on their own record (portal profile). */
export const SELF_EDITABLE_FIELDS = [
  'name',
  'phone',
  'language',
  'timeZone',
  'mailAcknowledgements',
  'mailProactiveNotices',
] as const;

/** The body of POST /customers; also the customer form in the web UI. */
export const CustomerCreate = z.strictObject(fields);
export type CustomerCreate = z.infer<typeof CustomerCreate>;

export const CustomerUpdate = z.strictObject({ ...fields, name: Name.optional() });
export type CustomerUpdate = z.infer<typeof CustomerUpdate>;

/** The body of PUT /customers/by-external-id/:externalId: the record as the other system has it. */
const { externalId: _externalId, ...upsertFields } = fields;
export const CustomerUpsert = z.strictObject(upsertFields);
export type CustomerUpsert = z.infer<typeof CustomerUpsert>;

export const ExternalIdParams = z.strictObject({
  externalId: z.string().trim().min(1).max(LIMITS.externalId).describe('the customer’s id in another system'),
});

export const Customer = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  organizationId: Id.nullable(),
  organizationName: z.string().nullable(),
  segment: z.string().nullable(),
  effectiveSegment: z.string().nullable().describe('own segment, else the organization’s'),
  language: z.string().nullable(),
  timeZone: z.string().nullable(),
  externalId: z.string().nullable(),
  organizationAccess: z.boolean(),
  mailAcknowledgements: z.boolean().describe('we confirm their new requests by mail'),
  mailProactiveNotices: z.boolean().describe('signal rules may write to them (`notify_customer`)'),
  customFields: z.record(z.string(), z.unknown()),
  blockedAs: z
    .string()
    .nullable()
    .optional()
    .describe('staff reading one customer: the blocked-sender pattern their mail is ignored by (null: none)'),
  agreement: AppliedAgreement.nullable()
    .optional()
    .describe(
      'staff reading one customer: the agreement their new cases get (most specific wins; null: none applies)',
    ),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Customer = z.infer<typeof Customer>;

export const CUSTOMER_SORTS = ['name', '-name', 'createdAt', '-createdAt'] as const;

export const CustomerListQuery = z.strictObject({
  q: Search.optional().describe('part of the name or e-mail'),
  organizationId: Id.optional(),
  segment: SegmentKey.optional().describe('effective segment'),
  email: z.string().max(LIMITS.email).optional().describe('exact e-mail, case-insensitive'),
  externalId: z.string().max(LIMITS.externalId).optional(),
  field: FieldFilters.optional(),
  sort: z.enum(CUSTOMER_SORTS).default('name'),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;
export const CustomerExportQuery = CustomerListQuery.omit(PAGING);

export const CustomerMerge = z.strictObject({
  intoId: Id.describe('the customer that stays: this one’s cases, logins, signals and events move there'),
});
export type CustomerMerge = z.infer<typeof CustomerMerge>;

export const CustomerMerged = z.object({
  customer: Customer.describe('the customer that stayed, with the gaps filled from the merged one'),
  moved: z
    .object({
      cases: z.number().int(),
      messages: z.number().int().describe('messages the merged customer wrote'),
      logins: z.number().int().describe('portal logins'),
      agreements: z.number().int().describe('agreements made for the merged customer alone'),
      signals: z.number().int(),
      commitments: z.number().int(),
      events: z.number().int(),
      ratings: z.number().int(),
    })
    .describe('how many records now belong to the customer that stayed'),
  left: z
    .object({
      agreements: z
        .number()
        .int()
        .describe(
          'an active agreement of the merged customer alone, when the survivor has one: it stays with it, unused',
        ),
      commitments: z
        .number()
        .int()
        .describe(
          'live commitments both customers had for the same reference: the merged one’s stay with it (still measured)',
        ),
    })
    .describe('what could not move'),
});
export type CustomerMerged = z.infer<typeof CustomerMerged>;

const ErasureCounts = {
  cases: z
    .number()
    .int()
    .describe('their cases (deleted ones too): subject, fields and every message erased'),
  messages: z.number().int().describe('messages erased: on their cases, and theirs on other cases'),
  attachments: z.number().int().describe('attachments whose files are deleted'),
  mails: z
    .number()
    .int()
    .describe('mails to, from or about them: subject, bodies, source and their addresses erased'),
  events: z
    .number()
    .int()
    .describe('operational events about them whose data is erased (type, time and refs stay)'),
  mergedCustomers: z.number().int().describe('customers merged into this one, erased with it'),
  portalLogin: z.boolean().describe('they have a portal login (it is deleted, with its sessions)'),
};

/** What erasing a customer's personal data would touch: shown before an admin confirms. */
export const CustomerErasure = z.object({
  name: z.string().describe('the customer’s name: what `confirm` must be'),
  emails: z.array(z.string()).describe('their addresses (and those of customers merged into them)'),
  openCases: z.number().int().describe('of their cases, those not solved or closed yet'),
  ...ErasureCounts,
});
export type CustomerErasure = z.infer<typeof CustomerErasure>;

export const CustomerEraseRequest = z.object({
  confirm: z.string().max(LIMITS.name).describe('the customer’s name exactly as it is shown, to confirm'),
});

/** What an erasure did. */
export const CustomerErased = z.object({
  ...ErasureCounts,
  closedCases: z
    .number()
    .int()
    .describe(
      'their unsolved cases, closed: clocks not decided yet cancelled, live signals resolved (reason `customer_erased`)',
    ),
});
export type CustomerErased = z.infer<typeof CustomerErased>;

const DuplicateOf = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  externalId: z.string().nullable(),
  organizationName: z.string().nullable(),
});

export const CustomerDuplicates = z.object({
  merged: z
    .array(DuplicateOf.extend({ mergedAt: IsoDateTime }))
    .describe('customers merged into this one: their addresses and external ids lead here'),
  possible: z
    .array(
      DuplicateOf.extend({
        reasons: z
          .array(z.enum(['name', 'phone']))
          .describe('what they share: the same name (any case), the same phone number (its digits)'),
      }),
    )
    .describe('other live customers who may be the same person, at most 10'),
});
export type CustomerDuplicates = z.infer<typeof CustomerDuplicates>;

export const DuplicateGroups = z.object({
  items: z.array(
    z.object({
      reason: z.enum(['name', 'phone']),
      key: z.string().describe('the shared name (lower case) or phone digits'),
      customers: z
        .array(DuplicateOf.extend({ createdAt: IsoDateTime, cases: z.number().int() }))
        .describe('oldest first'),
    }),
  ),
  total: z.number().int().describe('groups in all'),
});
export type DuplicateGroups = z.infer<typeof DuplicateGroups>;
