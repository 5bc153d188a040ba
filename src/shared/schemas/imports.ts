import { z } from 'zod';

export const ImportRowError = z.object({
  row: z.number().int().describe('line number in the file (the header is line 1)'),
  field: z.string(),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportReport = z.object({
  total: z.number().int().describe('data rows read'),
  valid: z.number().int(),
  invalid: z.number().int(),
  imported: z.number().int(),
  organizationsCreated: z.number().int(),
  committed: z.boolean().describe('were the rows written (false on dry run or when invalid rows stopped it)'),
  dryRun: z.boolean(),
  errors: z.array(ImportRowError),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportQuery = z.strictObject({
  skipInvalid: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('import the valid rows, report the others'),
  dryRun: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('validate only; write nothing'),
});

/** Columns of a customer CSV; `cf.<key>` columns fill custom fields. */
export const CUSTOMER_CSV_COLUMNS = [
  'name',
  'email',
  'phone',
  'organization',
  'segment',
  'language',
  'timeZone',
  'externalId',
  'organizationAccess',
] as const;
