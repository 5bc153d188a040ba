import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

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

/**
 * The columns' names as the customer export writes them; the import reads these and the keys
 * above, whatever their case, spaces, `-` and `_` (`Time zone`, `time_zone`, `timeZone`).
 */
export const CUSTOMER_CSV_HEADERS: Record<(typeof CUSTOMER_CSV_COLUMNS)[number], string> = {
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone',
  organization: 'Organization',
  segment: 'Segment',
  language: 'Language',
  timeZone: 'Time zone',
  externalId: 'External id',
  organizationAccess: 'Organization access',
};

/** Other names the customer import reads for a column, as foldCsvHeader writes them. */
export const CUSTOMER_CSV_ALIASES: Record<string, (typeof CUSTOMER_CSV_COLUMNS)[number]> = {
  organisation: 'organization',
  company: 'organization',
};

/** A header as the customer import compares it: lower case, without spaces, `-` and `_`. */
export const foldCsvHeader = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

/** The headers a custom field's label may not take in a customer file (the columns', any spelling). */
export const CUSTOMER_CSV_RESERVED: readonly string[] = [
  ...CUSTOMER_CSV_COLUMNS,
  ...Object.values(CUSTOMER_CSV_HEADERS),
  ...Object.keys(CUSTOMER_CSV_ALIASES),
];

// ---- cases (migration from another help desk) -------------------------------------------------

const ImportedMessage = z.strictObject({
  body: z.string().trim().min(1).max(100_000),
  public: z.boolean().default(true),
  from: z.enum(['customer', 'agent']),
  createdAt: IsoDateTime,
  authorEmail: z.string().max(254).optional().describe('for agent messages: the agent’s login e-mail'),
});

export const ImportedCase = z.strictObject({
  subject: z.string().trim().min(1).max(300),
  customerId: Id.optional(),
  customerEmail: z.string().max(254).optional().describe('instead of customerId'),
  channel: z.enum(['email', 'web', 'portal', 'phone', 'chat', 'api', 'proactive']).default('email'),
  category: z.string().max(50).default('other'),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
  status: z.enum(['new', 'open', 'pending', 'on_hold', 'solved', 'closed']).default('closed'),
  createdAt: IsoDateTime,
  solvedAt: IsoDateTime.optional().describe('default: the last message (for solved and closed cases)'),
  assigneeEmail: z.string().max(254).optional(),
  teamId: Id.optional(),
  tags: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9_:.-]{0,49}$/),
    )
    .max(50)
    .optional(),
  messages: z.array(ImportedMessage).max(500).default([]),
});
export type ImportedCase = z.infer<typeof ImportedCase>;

export const CaseImportRequest = z.strictObject({
  cases: z.array(ImportedCase).min(1).max(1000),
});

export const CaseImportReport = z.object({
  total: z.number().int(),
  imported: z.number().int(),
  invalid: z.number().int(),
  committed: z.boolean(),
  dryRun: z.boolean(),
  caseIds: z.array(z.string()).describe('ids of the imported cases, in input order'),
  errors: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
});
export type CaseImportReport = z.infer<typeof CaseImportReport>;
