// A queue's unsaved filters in the page's address, under the names the API's case list takes
// (`status=new,open&assigneeId=me&field=carrier:Boxly`), so a filtered queue can be bookmarked
// and shared, and its query is the address's (pure).
import { PROMISE_CLOCK_FILTERS, SOLVED_FILTERS } from '../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import type { Query } from '../lib/api.js';

/** `?view=filtered`: the queue shows the filters in the address, not a saved view. */
export const FILTERED = 'filtered';

const LISTS = ['status', 'priority', 'category', 'channel'] as const;
// The promise clock and segment filters come with the KPI page's links (promise compliance), the
// solved period with the Workload page's (solved today), as does `awaitingReply=true` (longest wait).
const SINGLE = [
  'assigneeId',
  'teamId',
  'promise',
  'customerId',
  'organizationId',
  ...PROMISE_CLOCK_FILTERS,
  ...SOLVED_FILTERS,
] as const;

/** The filters as the case list's query (and the page's address): lists comma-separated. */
export function filterQuery(f: CaseViewFilters): Query {
  const query: Query = {};
  for (const key of LISTS) if (f[key]?.length) query[key] = f[key].join(',');
  for (const key of SINGLE) if (f[key]) query[key] = f[key];
  if (f.tags?.length) query.tag = f.tags.join(',');
  if (f.fields?.length) query.field = f.fields;
  if (f.awaitingReply) query.awaitingReply = 'true';
  return query;
}

const split = (v: string | null) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The filters an address holds (what the API cannot take, it refuses with its own message). */
export function filtersFromParams(params: URLSearchParams): CaseViewFilters {
  const f: Record<string, unknown> = {};
  for (const key of LISTS) {
    const values = split(params.get(key));
    if (values.length) f[key] = values;
  }
  for (const key of SINGLE) {
    const value = params.get(key);
    if (value) f[key] = value;
  }
  const tags = split(params.get('tag'));
  if (tags.length) f.tags = tags;
  const fields = params.getAll('field').filter((v) => v.includes(':'));
  if (fields.length) f.fields = fields;
  if (params.get('awaitingReply') === 'true') f.awaitingReply = true;
  return f as CaseViewFilters;
}

/** Whether any filter is set. */
export const hasFilters = (f: CaseViewFilters) => Object.values(f).some((v) => v !== undefined);
