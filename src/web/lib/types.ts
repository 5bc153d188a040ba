// Response shapes of the API, derived from the shared schemas (types only: nothing is bundled).
import type { z } from 'zod';
import type { page } from '../../shared/schemas/common.js';
import type { Segment } from '../../shared/schemas/segments.js';

export type Page<T> = Omit<z.infer<ReturnType<typeof page>>, 'items'> & { items: T[] };
export interface SegmentList {
  items: Segment[];
}
