// The columns of the commitment list's CSV export (promises on operations, one row each) and of
// the on-time rates' (a row per group).
import type { Commitment, CommitmentRate } from '../../../shared/schemas/signals.js';
import { COMMITMENT_MODE_LABELS, COMMITMENT_STATE_LABELS, lookup } from '../../../shared/labels.js';
import type { CsvColumn } from '../../lib/csv.js';
import { periodColumns } from '../signals/signal-export.js';

const mode = lookup(COMMITMENT_MODE_LABELS);
const state = lookup(COMMITMENT_STATE_LABELS);

export const commitmentColumns: CsvColumn<Commitment>[] = [
  { header: 'Agreement', value: (c) => c.agreementName },
  { header: 'Commitment', value: (c) => c.name },
  { header: 'Key', value: (c) => c.key },
  { header: 'Kind of promise', value: (c) => mode(c.mode) },
  { header: 'Customer', value: (c) => c.customerName },
  { header: 'Reference', value: (c) => `${c.refKey}=${c.refValue}` },
  { header: 'State', value: (c) => state(c.state) },
  { header: 'Opened', value: (c, time) => time(c.openedAt), zoned: true },
  { header: 'Due', value: (c, time) => time(c.dueAt), zoned: true },
  { header: 'Closed', value: (c, time) => time(c.closedAt), zoned: true },
  { header: 'Repromised', value: (c) => c.repromised },
  { header: 'Case', value: (c) => c.caseNumber },
  { header: 'Assignee', value: (c) => c.caseAssignee?.name ?? '' },
  { header: 'Id', value: (c) => c.id },
];

/** The rates' grouping as the first column's header. */
export const RATE_GROUP_HEADERS = {
  agreement: 'Agreement',
  segment: 'Segment',
  organization: 'Organization',
  customer: 'Customer',
} as const;

/**
 * On-time rates per group, worst first as the page shows them; the rate as a percentage; the
 * period (commitments closed in it, and those overdue now) on every row.
 */
export const commitmentRateColumns = (
  by: keyof typeof RATE_GROUP_HEADERS,
  period: { from: string; to: string },
): CsvColumn<CommitmentRate>[] => [
  { header: RATE_GROUP_HEADERS[by], value: (r) => r.groupName },
  { header: 'Met', value: (r) => r.met },
  { header: 'Met late', value: (r) => r.late },
  { header: 'Broken', value: (r) => r.broken },
  { header: 'Overdue', value: (r) => r.overdue },
  { header: 'On time %', value: (r) => (r.onTimeRate === null ? '' : Math.round(r.onTimeRate * 1000) / 10) },
  ...periodColumns<CommitmentRate>(period),
  { header: `${RATE_GROUP_HEADERS[by]} id`, value: (r) => r.groupId },
];
