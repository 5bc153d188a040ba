import { z } from 'zod';
import {
  BooleanQuery,
  Cursor,
  CustomFields,
  Id,
  IsoDateTime,
  LIMITS,
  Limit,
  Name,
  Search,
  SegmentKey,
} from './common.js';

export const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a domain such as example.com',
  );

const fields = {
  name: Name,
  domains: z
    .array(Domain)
    .max(LIMITS.domains)
    .refine((d) => new Set(d).size === d.length, 'domains must not repeat')
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
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Organization = z.infer<typeof Organization>;

export const ORGANIZATION_SORTS = ['name', '-name', 'createdAt', '-createdAt'] as const;

export const OrganizationListQuery = z.strictObject({
  q: Search.optional().describe('part of the name, or a domain'),
  segment: SegmentKey.optional(),
  domain: z.string().max(253).optional().describe('exact domain'),
  sort: z.enum(ORGANIZATION_SORTS).default('name'),
  limit: Limit,
  cursor: Cursor.optional(),
  includeTotal: BooleanQuery.optional(),
});
export type OrganizationListQuery = z.infer<typeof OrganizationListQuery>;
