// Bulk import of customers from CSV, for the CLI and the API. All-or-nothing by default: every
// row is validated (fields, duplicates in the file and in the database, segments) before a single
// write; with skipInvalid the valid rows go in and the rest are reported. Writes are batched
// multi-row inserts in one transaction, so a 100k-row file is seconds, not minutes.
import { parse } from 'csv-parse/sync';
import { and, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { BAD_TEXT, Name, badTextPath } from '../../../shared/schemas/common.js';
import { CustomerCreate } from '../../../shared/schemas/customers.js';
import {
  CUSTOMER_CSV_ALIASES,
  CUSTOMER_CSV_COLUMNS,
  CUSTOMER_CSV_HEADERS,
  CUSTOMER_CSV_RESERVED,
  foldCsvHeader,
  type ImportReport,
  type ImportRowError,
} from '../../../shared/schemas/imports.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { customFieldHeaders, restoreCell } from '../../lib/csv.js';
import { forbidden, unprocessable } from '../../lib/errors.js';
import { parseFieldText, parseYesNo } from '../../../shared/field-values.js';
import { loadDefinitions } from '../fields/fields.service.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { customers } from '../customers/customers.table.js';
import { findMergedCustomerRefs } from '../customers/customers.repo.js';
import { insertCustomers } from '../customers/customers.repo.js';
import { organizations } from '../organizations/organizations.table.js';
import { findOrganizationIdsByName } from '../organizations/organizations.repo.js';
import { segments } from '../segments/segments.table.js';

export const IMPORT_BATCH = 1000;
export const IMPORT_MAX_ROWS = 200_000;

export type ImportPhase = 'validate' | 'write';
export interface ImportOptions {
  skipInvalid?: boolean;
  dryRun?: boolean;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

/** The columns by their folded names (foldCsvHeader): keys, the export's names, aliases. */
const KNOWN = new Map<string, string>([
  ...CUSTOMER_CSV_COLUMNS.map((c) => [foldCsvHeader(c), c] as const),
  ...Object.entries(CUSTOMER_CSV_HEADERS).map(([c, h]) => [foldCsvHeader(h), c] as const),
  ...Object.entries(CUSTOMER_CSV_ALIASES).map(([a, c]) => [foldCsvHeader(a), c] as const),
]);

/**
 * A header as a column key: `cf.<key>` (or `custom.<key>`), a column by key, export name or
 * alias in any case and spacing, or a custom field by the label the export heads it with
 * (`byLabel`, folded label to `cf.<key>`); else as written (an unknown column).
 */
function normalizeHeader(h: string, byLabel: ReadonlyMap<string, string>): string {
  const t = h.trim();
  if (/^(cf|custom)\./i.test(t)) return `cf.${t.slice(t.indexOf('.') + 1)}`;
  return KNOWN.get(foldCsvHeader(t)) ?? byLabel.get(foldCsvHeader(t)) ?? t;
}

interface Candidate {
  line: number;
  organization: string | undefined;
  input: CustomerCreate;
}

function parseCsv(text: string) {
  try {
    return parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (err) {
    throw unprocessable('invalid_csv', `the file is not valid CSV: ${(err as Error).message}`);
  }
}

export async function importCustomersCsv(
  db: Database,
  actor: Actor,
  text: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  if (!isAdmin(actor)) throw forbidden('only admins import customers');
  const records = parseCsv(text);
  if (records.length === 0) throw unprocessable('invalid_csv', 'the file is empty: expected a header line');
  // A column of a defined customer field is read as its type (a number, yes/no, an option...),
  // and found by its label as the export writes it (customFieldHeaders, from the same fields).
  const fieldDefs = new Map((await loadDefinitions(db, 'customer')).map((d) => [d.key, d]));
  const labelled = customFieldHeaders(
    [...fieldDefs.keys()],
    new Map([...fieldDefs].map(([key, d]) => [key, d.label])),
    CUSTOMER_CSV_RESERVED,
  );
  const byLabel = new Map(
    [...labelled].filter(([key, h]) => h !== `cf.${key}`).map(([key, h]) => [foldCsvHeader(h), `cf.${key}`]),
  );
  const header = records[0]!.record.map((h) => normalizeHeader(h, byLabel));
  const unknown = header.filter(
    (h) => !h.startsWith('cf.') && !(CUSTOMER_CSV_COLUMNS as readonly string[]).includes(h),
  );
  if (unknown.length > 0) {
    throw unprocessable(
      'invalid_csv',
      `unknown column(s) ${unknown.join(', ')}; known: ${CUSTOMER_CSV_COLUMNS.join(', ')} (or ${Object.values(CUSTOMER_CSV_HEADERS).join(', ')}), cf.<key> or a customer field's label`,
    );
  }
  if (!header.includes('name')) throw unprocessable('invalid_csv', 'the header needs a "name" column');
  const dataRows = records.slice(1);
  if (dataRows.length > IMPORT_MAX_ROWS) {
    throw unprocessable('invalid_csv', `at most ${IMPORT_MAX_ROWS} rows per import; split the file`);
  }

  const errors: ImportRowError[] = [];
  const candidates: Candidate[] = [];
  const progress = options.onProgress ?? (() => {});
  dataRows.forEach(({ record, info }, i) => {
    const line = info.lines;
    const raw: Record<string, unknown> = {};
    const customFields: Record<string, string | number | boolean> = {};
    let rowOk = true;
    header.forEach((h, col) => {
      const value = restoreCell(record[col]?.trim() ?? '');
      if (value === '') return;
      if (!h.startsWith('cf.')) {
        raw[h] = value;
        return;
      }
      const def = fieldDefs.get(h.slice(3));
      const typed = def ? parseFieldText(def, value) : { value };
      if ('error' in typed) {
        errors.push({ row: line, field: h, message: typed.error });
        rowOk = false;
      } else customFields[h.slice(3)] = typed.value;
    });
    if (raw.organizationAccess !== undefined) {
      const b = parseYesNo(String(raw.organizationAccess));
      if (b === undefined) {
        errors.push({ row: line, field: 'organizationAccess', message: 'must be true or false' });
        rowOk = false;
      }
      raw.organizationAccess = b;
    }
    const organization = raw.organization as string | undefined;
    delete raw.organization;
    // A new organization is made from the name: the same limits as POST /organizations.
    const orgName = organization === undefined ? undefined : Name.safeParse(organization);
    if (orgName && !orgName.success) {
      errors.push({ row: line, field: 'organization', message: orgName.error.issues[0]!.message });
      rowOk = false;
    }
    if (Object.keys(customFields).length > 0) raw.customFields = customFields;
    // Text PostgreSQL cannot store fails its row, not the file (the route leaves it to the rows).
    const badText = badTextPath({ ...raw, organization });
    if (badText) {
      const [first, ...rest] = badText;
      const field = first === 'customFields' ? `cf.${rest.join('.')}` : badText.join('.');
      errors.push({ row: line, field, message: BAD_TEXT });
      rowOk = false;
    }
    const parsed = CustomerCreate.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ row: line, field: issue.path.join('.') || 'row', message: issue.message });
      }
      rowOk = false;
    }
    if (rowOk && parsed.success) candidates.push({ line, organization, input: parsed.data });
    if (i % 1000 === 0) progress('validate', i, dataRows.length);
  });

  // Duplicates within the file, then against the database and the known segments: set-based.
  const invalidLines = new Set(errors.map((e) => e.row));
  const seen = { email: new Map<string, number>(), externalId: new Map<string, number>() };
  for (const c of candidates) {
    for (const field of ['email', 'externalId'] as const) {
      const value = c.input[field];
      if (!value) continue;
      const key = field === 'email' ? value.toLowerCase() : value;
      const first = seen[field].get(key);
      if (first !== undefined) {
        errors.push({ row: c.line, field, message: `repeats line ${first}` });
        invalidLines.add(c.line);
      } else seen[field].set(key, c.line);
    }
  }
  const emails = [...seen.email.keys()];
  const externalIds = [...seen.externalId.keys()];
  const [takenEmails, takenExternalIds, liveSegments] = await Promise.all([
    emails.length
      ? db
          .select({ v: sql<string>`lower(${customers.email})` })
          .from(customers)
          .where(
            and(
              isNull(customers.deletedAt),
              sql`lower(${customers.email}) = any(${sql.param(emails)}::text[])`,
            ),
          )
      : [],
    externalIds.length
      ? db
          .select({ v: sql<string>`${customers.externalId}` })
          .from(customers)
          .where(
            and(
              isNull(customers.deletedAt),
              sql`${customers.externalId} = any(${sql.param(externalIds)}::text[])`,
            ),
          )
      : [],
    db.select({ key: segments.key }).from(segments).where(isNull(segments.deletedAt)),
  ]);
  const takenEmail = new Set(takenEmails.map((r) => r.v));
  const takenExternal = new Set(takenExternalIds.map((r) => r.v));
  // A merged customer's address and external id belong to the customer it went into.
  for (const m of await findMergedCustomerRefs(db, { ids: [], externalIds, emails })) {
    if (m.email && seen.email.has(m.email)) takenEmail.add(m.email);
    if (m.externalId && seen.externalId.has(m.externalId)) takenExternal.add(m.externalId);
  }
  const segmentKeys = new Set(liveSegments.map((s) => s.key));
  for (const c of candidates) {
    const fail = (field: string, message: string) => {
      errors.push({ row: c.line, field, message });
      invalidLines.add(c.line);
    };
    if (c.input.email && takenEmail.has(c.input.email.toLowerCase()))
      fail('email', 'a customer with this e-mail already exists');
    if (c.input.externalId && takenExternal.has(c.input.externalId))
      fail('externalId', 'a customer with this externalId already exists');
    if (c.input.segment && !segmentKeys.has(c.input.segment))
      fail('segment', `no segment "${c.input.segment}"`);
  }
  const valid = candidates.filter((c) => !invalidLines.has(c.line));
  errors.sort((a, b) => a.row - b.row);
  progress('validate', dataRows.length, dataRows.length);

  const report: ImportReport = {
    total: dataRows.length,
    valid: valid.length,
    invalid: dataRows.length - valid.length,
    imported: 0,
    organizationsCreated: 0,
    committed: false,
    dryRun: !!options.dryRun,
    errors,
  };
  if (options.dryRun || (errors.length > 0 && !options.skipInvalid) || valid.length === 0) return report;

  await db.transaction(async (tx) => {
    const orgNames = [...new Set(valid.map((c) => c.organization).filter((o): o is string => !!o))];
    // A name leads to the live organization of that name, or the one it was merged into.
    const orgIds = await findOrganizationIdsByName(tx, orgNames);
    if (orgNames.length > 0) {
      const missing = orgNames.filter((n) => !orgIds.has(n.toLowerCase()));
      const unique = [...new Map(missing.map((n) => [n.toLowerCase(), n])).values()];
      if (unique.length > 0) {
        const created = await tx
          .insert(organizations)
          .values(unique.map((name) => ({ name })))
          .returning({ id: organizations.id, name: organizations.name });
        for (const o of created) orgIds.set(o.name.toLowerCase(), o.id);
        await recordDomainEvents(
          tx,
          actor,
          created.map((o) => ({
            type: 'organization.created',
            entityType: 'organization',
            entityId: o.id,
            data: { name: o.name, source: 'import' },
          })),
        );
        report.organizationsCreated = created.length;
      }
    }
    for (let i = 0; i < valid.length; i += IMPORT_BATCH) {
      const batch = valid.slice(i, i + IMPORT_BATCH);
      const inserted = await insertCustomers(
        tx,
        batch.map((c) => ({
          ...c.input,
          organizationId: c.organization ? orgIds.get(c.organization.toLowerCase()) : c.input.organizationId,
        })),
      );
      await recordDomainEvents(
        tx,
        actor,
        inserted.map((r) => ({
          type: 'customer.created',
          entityType: 'customer',
          entityId: r.id,
          data: { source: 'import' },
        })),
      );
      report.imported += inserted.length;
      progress('write', report.imported, valid.length);
    }
  });
  report.committed = true;
  return report;
}
