// The columns of the case list's CSV export: what a team lead takes to a spreadsheet to look at
// volumes, owners and promises kept. One column per custom field the admins defined.
import type { CasePromise, PromiseKind } from '../../../shared/schemas/cases.js';
import {
  CHANNEL_LABELS,
  PRIORITY_LABELS,
  PROMISE_STATE_LABELS,
  STATUS_LABELS,
  lookup,
} from '../../../shared/labels.js';
import { customFieldColumns, customFieldHeaders, type CsvColumn } from '../../lib/csv.js';
import type { ExportedCase } from './cases.service.js';
import type { Definition } from '../fields/fields.service.js';

/** How a promise of the case ended or stands: met, met late, breached, running, paused. */
export function promiseOutcome(p: CasePromise | undefined): string {
  if (!p) return '';
  if (p.metAt) return p.breachedAt || (p.dueAt && p.metAt > p.dueAt) ? 'met late' : 'met';
  if (p.state === 'breached') return 'breached';
  return p.state === 'paused' ? 'paused' : 'running';
}

/** The latest cycle of a kind (a reopened case starts its resolution clock again). */
const latest = (c: ExportedCase, kind: PromiseKind) => c.promises.findLast((p) => p.kind === kind);

const joined = (values: string[]) => values.join('; ');

const status = lookup(STATUS_LABELS);
const priority = lookup(PRIORITY_LABELS);
const channel = lookup(CHANNEL_LABELS);
const promisesNow = lookup(PROMISE_STATE_LABELS);

/**
 * The columns, in words as the queue shows them (a category by its name: `categoryNames`, key
 * to name, read once for the file); times in the export's zone, which their headers name.
 */
export function caseColumns(
  definitions: Definition[],
  categoryNames: ReadonlyMap<string, string> = new Map(),
): CsvColumn<ExportedCase>[] {
  const builtIn: CsvColumn<ExportedCase>[] = [
    { header: 'Case', value: (c) => c.number },
    { header: 'Subject', value: (c) => c.subject },
    { header: 'Status', value: (c) => status(c.status) },
    { header: 'Priority', value: (c) => priority(c.priority) },
    { header: 'Category', value: (c) => (c.category ? (categoryNames.get(c.category) ?? c.category) : '') },
    { header: 'Channel', value: (c) => channel(c.channel) },
    { header: 'Customer', value: (c) => c.customer.name },
    { header: 'Customer email', value: (c) => c.customer.email },
    { header: 'CC', value: (c) => joined(c.cc) },
    { header: 'Organization', value: (c) => c.organization?.name },
    { header: 'Assignee', value: (c) => c.assignee?.name },
    { header: 'Team', value: (c) => c.team?.name },
    { header: 'Tags', value: (c) => joined(c.tags) },
    { header: 'References', value: (c) => joined(Object.entries(c.refs).map(([k, v]) => `${k}=${v}`)) },
    { header: 'Agreement', value: (c) => c.agreement?.name },
    { header: 'Promises now', value: (c) => promisesNow(c.promiseState) },
    {
      header: 'First response due',
      value: (c, time) => time(latest(c, 'first_response')?.dueAt),
      zoned: true,
    },
    { header: 'First response', value: (c) => promiseOutcome(latest(c, 'first_response')) },
    { header: 'First responded', value: (c, time) => time(c.firstRespondedAt), zoned: true },
    { header: 'Resolution due', value: (c, time) => time(latest(c, 'resolution')?.dueAt), zoned: true },
    { header: 'Resolution', value: (c) => promiseOutcome(latest(c, 'resolution')) },
    { header: 'Created', value: (c, time) => time(c.createdAt), zoned: true },
    { header: 'Updated', value: (c, time) => time(c.updatedAt), zoned: true },
    { header: 'Solved', value: (c, time) => time(c.solvedAt), zoned: true },
    { header: 'Closed', value: (c, time) => time(c.closedAt), zoned: true },
    { header: 'Reopened', value: (c) => c.reopenCount },
    { header: 'Follow up', value: (c, time) => time(c.followUpAt), zoned: true },
  ];
  // A field's label heads its column unless two fields (or a built-in column) share it: then
  // `cf.<key>`, as the customer and organization exports do.
  const keys = definitions.map((d) => d.key);
  const headers = customFieldHeaders(keys, new Map(definitions.map((d) => [d.key, d.label])), [
    ...builtIn.map((c) => c.header),
    'Id',
  ]);
  return [
    ...builtIn,
    ...customFieldColumns<ExportedCase>(keys, (c) => c.customFields, headers),
    { header: 'Id', value: (c) => c.id },
  ];
}
