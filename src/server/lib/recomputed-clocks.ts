// What a change of an agreement's terms or of a calendar did to the promise clocks already
// running: the agreements and calendars domains answer it, the cases domain (which owns the
// clocks) computes it.
import { z } from 'zod';

export interface Recomputed {
  /** Running clocks whose target, due and warning times were recomputed. */
  clocks: number;
  /** Of those, the ones the new terms put past their due time. */
  pastDue: number;
}

export const NOTHING_RECOMPUTED: Recomputed = { clocks: 0, pastDue: 0 };

/** The fields a save's answer adds (`PATCH /agreements/:id`, `PATCH /calendars/:id`). */
export const RecomputedAnswer = z.object({
  recomputedClocks: z
    .number()
    .int()
    .describe('Running promise clocks of open cases recomputed on the new terms (0 when none moved).'),
  pastDueClocks: z
    .number()
    .int()
    .describe(
      'Of those, the clocks the new terms put past their due time: the scheduler records each as breached within a second (a timeline entry, a notification to the assignee, a webhook), as for any breach.',
    ),
});

export const recomputedAnswer = (r: Recomputed): z.infer<typeof RecomputedAnswer> => ({
  recomputedClocks: r.clocks,
  pastDueClocks: r.pastDue,
});
