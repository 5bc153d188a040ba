// The columns of the commitment list's CSV export: promises on operations, one row each.
import type { Commitment } from '../../../shared/schemas/signals.js';
import type { CsvColumn } from '../../lib/csv.js';

export const commitmentColumns: CsvColumn<Commitment>[] = [
  { header: 'Agreement', value: (c) => c.agreementName },
  { header: 'Commitment', value: (c) => c.name },
  { header: 'Key', value: (c) => c.key },
  { header: 'Mode', value: (c) => c.mode },
  { header: 'Customer', value: (c) => c.customerName },
  { header: 'Reference', value: (c) => `${c.refKey}=${c.refValue}` },
  { header: 'State', value: (c) => c.state },
  { header: 'Opened', value: (c, time) => time(c.openedAt) },
  { header: 'Due', value: (c, time) => time(c.dueAt) },
  { header: 'Closed', value: (c, time) => time(c.closedAt) },
  { header: 'Repromised', value: (c) => c.repromised },
  { header: 'Id', value: (c) => c.id },
];
