// The customer list's CSV export, in the columns the customer import reads (CUSTOMER_CSV_COLUMNS,
// then cf.<key> per custom field in use): a file exported here imports as it is into another
// Steward, or back here after the records it names were removed.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { Customer } from '../../../shared/schemas/customers.js';
import { CUSTOMER_CSV_COLUMNS } from '../../../shared/schemas/imports.js';
import { customFieldColumns, type CsvCell, type CsvColumn } from '../../lib/csv.js';
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

export function customerColumns(fieldKeys: string[]): CsvColumn<Customer>[] {
  return [
    ...CUSTOMER_CSV_COLUMNS.map((header) => ({ header, value: VALUES[header] })),
    ...customFieldColumns<Customer>(fieldKeys, (c) => c.customFields),
  ];
}
