import { z } from 'zod';
import { IsoDateTime, OneLineText, TimeZone, WholeNumber } from './common.js';
import { MAIL_LANGUAGES } from '../mail-languages.js';

const HOURS = `a whole number of hours from 1 to ${24 * 365}`;

/** The shortest and longest time operational events may be kept for (when not kept for ever). */
export const EVENT_RETENTION_DAYS = { min: 30, max: 3650 };
const DAYS = `a whole number of days from ${EVENT_RETENTION_DAYS.min} to ${EVENT_RETENTION_DAYS.max}, or none to keep them for ever`;

/**
 * The shortest and longest time the audit trail (domain events) may be kept for. At least 90
 * days: the audit log's widest period ("Last 90 days") stays whole.
 */
export const DOMAIN_EVENT_RETENTION_DAYS = { min: 90, max: 3650 };
const AUDIT_DAYS = `a whole number of days from ${DOMAIN_EVENT_RETENTION_DAYS.min} to ${DOMAIN_EVENT_RETENTION_DAYS.max}, or none to keep them for ever`;

/** Run-time settings an admin changes without a restart (the API and the settings page check the same). */
export const Settings = z.object({
  acknowledgeNewMail: z
    .boolean()
    .describe(
      'a mail that opens a case is answered at once with its number and, when its agreement promises one, the time of the first answer (at most 5 a sender an hour)',
    ),
  assignOnReply: z
    .boolean()
    .describe(
      'the first agent or admin to send a public reply or log a call on a case nobody is assigned takes it',
    ),
  companyName: OneLineText()
    .min(1, 'is required')
    .max(60, 'at most 60 characters')
    .nullable()
    .describe(
      'the name customers see on the portal, the help center and the sign-in page in place of Steward; null: Steward',
    ),
  customerLanguage: z
    .enum(MAIL_LANGUAGES, { error: `must be one of ${MAIL_LANGUAGES.join(', ')}` })
    .describe(
      "the language of Steward's own words (the acknowledgement of a request, the portal link under a reply, the portal's sign-in link) in mail to customers whose record names no language; a customer's own language wins (English when it is one Steward does not write)",
    ),
  requireTwoStepForStaff: z
    .boolean()
    .describe(
      'agents and admins sign in with a code from an authenticator app after their password; those without one set it up at their next sign-in before they get in',
    ),
  caseAutoCloseHours: WholeNumber(1, 24 * 365, HOURS).describe('solved cases close after this many hours'),
  eventRetentionDays: WholeNumber(EVENT_RETENTION_DAYS.min, EVENT_RETENTION_DAYS.max, DAYS)
    .nullable()
    .describe(
      'operational events received longer ago than this are removed, except the evidence of signals and the start of waits still running; null keeps them for ever',
    ),
  domainEventRetentionDays: WholeNumber(
    DOMAIN_EVENT_RETENTION_DAYS.min,
    DOMAIN_EVENT_RETENTION_DAYS.max,
    AUDIT_DAYS,
  )
    .nullable()
    .describe(
      'changes recorded longer ago than this (the audit log, case timelines, customer and organization histories) are removed, except those of cases not yet closed, the deletion of records still deleted, those a notification shows, those webhooks and notifications have not read yet, and the records of personal-data erasures and copies (`customer.erased`, `customer.personal_data_exported`); KPIs are not computed from them; null keeps them for ever',
    ),
  timeZone: TimeZone.nullable().describe(
    "the company's IANA time zone (e.g. Europe/Berlin): the zone of staff notification e-mails and digests for those who chose none, and of times in mails to customers whose zone and calendar are unknown; null: UTC",
  ),
});
export type Settings = z.infer<typeof Settings>;
export const SettingsUpdate = Settings.partial().strict();

/** The settings as read (GET, and the answer to PATCH): with the version to send in If-Match. */
export const SettingsRead = Settings.extend({
  updatedAt: IsoDateTime.describe(
    'when the settings were last saved (1970-01-01T00:00:00.000Z: never): the version to send in If-Match when saving a change',
  ),
});
export type SettingsRead = z.infer<typeof SettingsRead>;

/** The first steps of setting Steward up, in order (Admin's "Getting started"). */
export const SETUP_STEPS = [
  'calendar',
  'agreement',
  'team',
  'agent',
  'intake',
  'outgoing_mail',
  'signals',
] as const;
export const SetupStep = z.enum(SETUP_STEPS);
export type SetupStep = z.infer<typeof SetupStep>;
export const SetupChecklist = z.object({
  items: z.array(z.object({ step: SetupStep, done: z.boolean() })),
  done: z.boolean().describe('every step is done'),
});
export type SetupChecklist = z.infer<typeof SetupChecklist>;

/** What everyone may read, signed in or not, to show the pages in the company's name. */
export const Branding = z.object({
  companyName: z
    .string()
    .nullable()
    .describe('the company name set in Settings; null: none set (show Steward)'),
});
export type Branding = z.infer<typeof Branding>;
