import { z } from 'zod';
import { Id, IsoDateTime, LIMITS, Name, SegmentKey } from './common.js';

export const SegmentCreate = z.strictObject({
  // "new" is the web UI's address of the form for a new segment.
  key: SegmentKey.refine((k) => k !== 'new', 'the key "new" is reserved'),
  name: Name,
  description: z.string().max(LIMITS.notes).nullable().optional(),
});
export type SegmentCreate = z.infer<typeof SegmentCreate>;

export const SegmentUpdate = z.strictObject({
  name: Name.optional(),
  description: z.string().max(LIMITS.notes).nullable().optional(),
});
export type SegmentUpdate = z.infer<typeof SegmentUpdate>;

export const Segment = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  organizationCount: z.number().int(),
  customerCount: z.number().int(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Segment = z.infer<typeof Segment>;

export const SegmentKeyParams = z.strictObject({ key: SegmentKey });
