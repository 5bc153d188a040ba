import { FieldFilters } from './fields.js';
import { z } from 'zod';
import { AppliedAgreement } from './agreements.js';
import {
  BooleanQuery,
  Cursor,
  CustomFields,
  Id,
  IsoDateTime,
  LIMITS,
  Limit,
  Name,
  PAGING,
  Search,
  SegmentKey,
} from './common.js';

export const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    // The message names the domain: in a list of several, the one to fix.
    { error: (issue) => `${shortened(issue.input)} is not a domain such as example.com` },
  );

/** A refused value as the message quotes it: at most 60 characters. */
function shortened(input: unknown) {
  const text = String(input);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

const fields = {
  name: Name,
  domains: z
    .array(Domain)
    .max(LIMITS.domains)
    .refine((d) => new Set(d).size === d.length, {
      error: (issue) => {
        const list = issue.input as string[];
        const twice = list.find((d, i) => list.indexOf(d) !== i);
        return `domains must not repeat: ${shortened(twice)} is given twice`;
      },
    })
    .optional(),
  segment: SegmentKey.nullable().optional(),
  customFields: CustomFields.optional(),
  notes: z.string().max(LIMITS.notes).nullable().optional(),
};

export const OrganizationCreate = z.strictObject(fields);
export type OrganizationCreate = z.infer<typeof OrganizationCreate>;
export const OrganizationUpdate = z.strictObject({ ...fields, name: Name.optional() });
export type OrganizationUpdate = z.infer<typeof OrganizationUpdate>;

export const Organization = z.object({
  id: Id,
  name: z.string(),
  domains: z.array(z.string()),
  segment: z.string().nullable(),
  customFields: z.record(z.string(), z.unknown()),
  notes: z.string().nullable(),
  customerCount: z.number().int(),
  agreement: AppliedAgreement.nullable()
    .optional()
    .describe(
      'staff reading one organization: the agreement that applies to it (its own, its segment’s or the default; null: none); a customer of it with an agreement or a segment of their own may get another',
    ),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Organization = z.infer<typeof Organization>;

export const ORGANIZATION_SORTS = ['name', '-name', 'createdAt', '-createdAt'] as const;

export const OrganizationListQuery = z.strictObject({
  q: Search.optional().describe('part of the name, or a domain'),
  segment: SegmentKey.optional(),
  domain: z.string().max(253).optional().describe('exact domain'),
  field: FieldFilters.optional(),
  sort: z.enum(ORGANIZATION_SORTS).default('name'),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type OrganizationListQuery = z.infer<typeof OrganizationListQuery>;

export const OrganizationExportQuery = OrganizationListQuery.omit(PAGING);

export const OrganizationMerge = z.strictObject({
  intoId: Id.describe(
    'the organization that stays: this one’s customers, cases, agreements, signals and commitments move there',
  ),
});
export type OrganizationMerge = z.infer<typeof OrganizationMerge>;

export const OrganizationMerged = z.object({
  organization: Organization.describe(
    'the organization that stayed, with the merged one’s domains added and its empty fields filled',
  ),
  moved: z
    .object({
      customers: z.number().int().describe('live customers (with their portal access to the organization)'),
      cases: z.number().int(),
      agreements: z.number().int().describe('agreements made for the merged organization'),
      signals: z.number().int(),
      commitments: z.number().int(),
    })
    .describe(
      'how many records now belong to the organization that stayed (operational events keep the organization they were received with)',
    ),
  left: z
    .object({
      agreements: z
        .number()
        .int()
        .describe(
          'an active agreement of the merged organization, when the survivor has one: it stays with it, unused',
        ),
    })
    .describe('what could not move'),
});
export type OrganizationMerged = z.infer<typeof OrganizationMerged>;

const OrganizationRef = z.object({
  id: Id,
  name: z.string(),
  domains: z.array(z.string()),
  customerCount: z.number().int(),
});

export const OrganizationDuplicates = z.object({
  merged: z
    .array(OrganizationRef.omit({ customerCount: true }).extend({ mergedAt: IsoDateTime }))
    .describe('organizations merged into this one: their ids and names lead here'),
  possible: z
    .array(OrganizationRef)
    .describe(
      'other live organizations with a similar name (trigram similarity ≥ 0.5), most alike first, at most 10',
    ),
});
export type OrganizationDuplicates = z.infer<typeof OrganizationDuplicates>;
