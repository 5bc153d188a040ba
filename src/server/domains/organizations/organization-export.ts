// The organization list's CSV export: who the business customers are, with their domains,
// segment and number of customers, then cf.<key> per custom field in use.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import type { Organization } from '../../../shared/schemas/organizations.js';
import { customFieldColumns, type CsvColumn } from '../../lib/csv.js';
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

export function organizationColumns(fieldKeys: string[]): CsvColumn<Organization>[] {
  return [
    { header: 'name', value: (o) => o.name },
    { header: 'domains', value: (o) => o.domains.join(' ') },
    { header: 'segment', value: (o) => o.segment },
    { header: 'customers', value: (o) => o.customerCount },
    { header: 'notes', value: (o) => o.notes },
    { header: 'created', value: (o) => o.createdAt },
    { header: 'id', value: (o) => o.id },
    ...customFieldColumns<Organization>(fieldKeys, (o) => o.customFields),
  ];
}
