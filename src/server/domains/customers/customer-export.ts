// The customer list's CSV export, in the columns the customer import reads (CUSTOMER_CSV_COLUMNS
// under their human names, CUSTOMER_CSV_HEADERS, then each custom field in use under its label):
// a file exported here imports as it is into another Steward, or back here after the records it
// names were removed. The import reads the names and the keys (`Time zone` and `timeZone`, a
// field's label and `cf.<key>`); a label another column or field has too is written `cf.<key>`.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import {
  CUSTOMER_CSV_COLUMNS,
  CUSTOMER_CSV_HEADERS,
  CUSTOMER_CSV_RESERVED,
} from '../../../shared/schemas/imports.js';
import { customFieldColumns, customFieldHeaders, type CsvCell, type CsvColumn } from '../../lib/csv.js';
import { customers } from './customers.table.js';

const VALUES: Record<(typeof CUSTOMER_CSV_COLUMNS)[number], (c: Customer) => CsvCell> = {
  name: (c) => c.name,
  email: (c) => c.email,
  phone: (c) => c.phone,
  organization: (c) => c.organizationName,
  segment: (c) => c.segment,
  language: (c) => c.language,
  timeZone: (c) => c.timeZone,
  externalId: (c) => c.externalId,
  organizationAccess: (c) => c.organizationAccess,
};

/** The custom field keys customers have, in name order: one set-based look over the table. */
export async function customerFieldKeys(db: Database): Promise<string[]> {
  const found = await rows<{ key: string }>(
    db,
    sql`select distinct jsonb_object_keys(${customers.customFields}) as key from ${customers}
        where ${customers.deletedAt} is null order by 1`,
  );
  return found.map((r) => r.key);
}

/**
 * The columns; `labels` are the labels of the customer fields switched on, by key (those the
 * import reads: a key in use with none, or a label not unique, is headed `cf.<key>`).
 */
export function customerColumns(
  fieldKeys: string[],
  labels: ReadonlyMap<string, string> = new Map(),
): CsvColumn<Customer>[] {
  // Over every field defined, as the import reads them: a label is unique among all of them.
  const headers = customFieldHeaders(
    [...new Set([...labels.keys(), ...fieldKeys])],
    labels,
    CUSTOMER_CSV_RESERVED,
  );
  return [
    ...CUSTOMER_CSV_COLUMNS.map((key) => ({ header: CUSTOMER_CSV_HEADERS[key], value: VALUES[key] })),
    ...customFieldColumns<Customer>(fieldKeys, (c) => c.customFields, headers),
  ];
}
