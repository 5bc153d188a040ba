import { z } from 'zod';

const HOURS = `a whole number of hours from 1 to ${24 * 365}`;

/** Run-time settings an admin changes without a restart (the API and the settings page check the same). */
export const Settings = z.object({
  caseAutoCloseHours: z
    .number({ error: HOURS })
    .int(HOURS)
    .min(1, HOURS)
    .max(24 * 365, HOURS)
    .describe('solved cases close after this many hours'),
});
export type Settings = z.infer<typeof Settings>;
export const SettingsUpdate = Settings.partial().strict();
