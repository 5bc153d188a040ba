// The organization list's CSV export: who the business customers are, with their domains,
// segment and number of customers, then a column per custom field in use, headed by its label.
// No import reads this file, so its headers are all words.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { Organization } from '../../../shared/schemas/organizations.js';
import { customFieldColumns, customFieldHeaders, type CsvColumn } from '../../lib/csv.js';
import { organizations } from './organizations.table.js';

/** The custom field keys live organizations have, in name order. */
export async function organizationFieldKeys(db: Database): Promise<string[]> {
  const found = await rows<{ key: string }>(
    db,
    sql`select distinct jsonb_object_keys(${organizations.customFields}) as key from ${organizations}
        where ${organizations.deletedAt} is null order by 1`,
  );
  return found.map((r) => r.key);
}

const BUILT_IN: CsvColumn<Organization>[] = [
  { header: 'Name', value: (o) => o.name },
  { header: 'Domains', value: (o) => o.domains.join(' ') },
  { header: 'Segment', value: (o) => o.segment },
  { header: 'Customers', value: (o) => o.customerCount },
  { header: 'Notes', value: (o) => o.notes },
  { header: 'Created', value: (o, time) => time(o.createdAt), zoned: true },
  { header: 'Id', value: (o) => o.id },
];

/** The columns; `labels`: the organization fields' labels by key (`cf.<key>` without one). */
export function organizationColumns(
  fieldKeys: string[],
  labels: ReadonlyMap<string, string> = new Map(),
): CsvColumn<Organization>[] {
  const headers = customFieldHeaders(
    fieldKeys,
    labels,
    BUILT_IN.map((c) => c.header),
  );
  return [...BUILT_IN, ...customFieldColumns<Organization>(fieldKeys, (o) => o.customFields, headers)];
}
