// The segments (asked for staff only: customers are not shown them) and a segment's name by its
// key: the key itself until the list has come, or for a key not in it.
import { useCallback, useMemo } from 'react';
import type { SegmentList } from './types.js';
import { useApi } from './use-api.js';

export function useSegments(staff: boolean) {
  const segments = useApi<SegmentList>(staff ? '/segments' : null);
  const names = useMemo(
    () => new Map((segments.data?.items ?? []).map((s) => [s.key, s.name] as const)),
    [segments.data],
  );
  const segmentName = useCallback((key: string) => names.get(key) ?? key, [names]);
  return { segments, segmentName };
}
