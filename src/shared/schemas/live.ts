import { z } from 'zod';
import { Id } from './common.js';

/**
 * One message of the live stream (`GET /api/v1/live`, event `news`): what changed since the last
 * one, as hints and never as content. A screen that shows one of these reads it again through
 * the usual routes (which apply the usual access rules).
 */
export const LiveNews = z.object({
  /** Cases that changed (at most LIVE_CASES_MAX; more, and `allCases` says so instead). */
  cases: z.array(Id),
  /** So much changed that every screen should read again. */
  allCases: z.boolean(),
  /** Signals and commitments changed (staff). */
  signals: z.boolean(),
  commitments: z.boolean(),
  /** Event sources changed: edited, gone silent, sending again (staff). */
  sources: z.boolean(),
  /** You have new notifications (staff). */
  notifications: z.boolean(),
});
export type LiveNews = z.infer<typeof LiveNews>;

export const LIVE_CASES_MAX = 200;

/** What a reconnected screen assumes: everything may have changed while it was away. */
export const EVERYTHING: LiveNews = {
  cases: [],
  allCases: true,
  signals: true,
  commitments: true,
  sources: true,
  notifications: true,
};
