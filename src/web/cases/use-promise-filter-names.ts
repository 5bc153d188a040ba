// The names the promise clock and segment filters are shown with (promise-filter-labels.ts): the
// agreements and segments, read only when such a filter is set.
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { formatDate } from '../lib/format.js';
import type { Agreement, Items, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import type { PromiseFilterNames } from './promise-filter-labels.js';

export function usePromiseFilterNames(f: CaseViewFilters | undefined): PromiseFilterNames {
  const agreements = useApi<Items<Agreement>>(f?.promiseAgreementId ? '/agreements' : null);
  const segments = useApi<SegmentList>(f?.segment ? '/segments' : null);
  return {
    agreement: (id) => agreements.data?.items.find((a) => a.id === id)?.name,
    segment: (key) => segments.data?.items.find((s) => s.key === key)?.name,
    date: formatDate,
  };
}
