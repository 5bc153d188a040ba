// Typed custom fields that admins define for cases, customers and organizations.
import { z } from 'zod';
import { IsoDateTime } from './common.js';

/** The records that have admin-defined fields; each has its own list (`/case-fields`, ...). */
export const FIELD_ENTITIES = ['case', 'customer', 'organization'] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;
export const CustomFieldType = z.enum(CUSTOM_FIELD_TYPES);
export type CustomFieldType = z.infer<typeof CustomFieldType>;

export const FieldKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, 'lower-case letters, digits and _ (max 50), starting with a letter');

export const CustomFieldDefinitionInput = z.strictObject({
  key: FieldKey,
  label: z.string().trim().min(1).max(100),
  type: CustomFieldType,
  options: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  required: z
    .boolean()
    .optional()
    .describe('cases only: the field must have a value before the case is solved'),
  customerVisible: z
    .boolean()
    .optional()
    .describe(
      'customers and organizations only: the customer sees it on their own record and their organization (other custom fields are for staff)',
    ),
  active: z.boolean().optional(),
});
export const CustomFieldDefinitionUpdate = CustomFieldDefinitionInput.omit({
  key: true,
  type: true,
}).partial();

export const CustomFieldDefinition = z.object({
  key: z.string(),
  label: z.string(),
  type: CustomFieldType,
  options: z.array(z.string()).nullable(),
  required: z.boolean(),
  customerVisible: z.boolean(),
  active: z.boolean(),
  updatedAt: IsoDateTime.describe('the version to send in If-Match when saving a change'),
});
export type CustomFieldDefinition = z.infer<typeof CustomFieldDefinition>;

/** A list filter on one custom field: `key:value` (an empty value: records without one). */
export const FieldFilter = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}:[^]{0,200}$/, 'a field filter is key:value, e.g. tier:Gold');

/** Up to 5 field filters (the `field` parameter, repeated), all of which must hold. */
export const FieldFilters = z
  .union([FieldFilter, z.array(FieldFilter).max(5)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .describe(
    'key:value, repeatable (up to 5, all must hold): records whose custom field has this value; a defined field reads the value as its type (tier:gold finds Gold), an empty value finds records without one',
  );
