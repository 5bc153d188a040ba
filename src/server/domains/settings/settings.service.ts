// Run-time settings an admin changes without a restart.
import { isPlaceholderFrom } from '../../config.js';
import { eq, sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { assertKnownTimeZone } from '../../lib/time-zones.js';
import { nextVersion } from '../../../db/columns.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import type {
  Branding,
  SettingsRead,
  SettingsUpdate,
  SetupChecklist,
  SetupStep,
} from '../../../shared/schemas/settings.js';
import { SETUP_STEPS } from '../../../shared/schemas/settings.js';
import { mailSettings } from '../mail/outbox.js';
import { parseMailFrom } from '../mail/compose.js';
import { Settings } from '../../../shared/schemas/settings.js';
import { settings } from './settings.table.js';
import { rescheduleCompanyZoneDigests } from '../notifications/notifications.service.js';

/** The entity id of the company's settings in the domain event log (there is one set of them). */
export const SETTINGS_ENTITY_ID = '00000000-0000-0000-0000-000000000000';

export const DEFAULT_SETTINGS: Settings = {
  acknowledgeNewMail: true,
  assignOnReply: true,
  caseAutoCloseHours: 96,
  companyName: null,
  customerLanguage: 'en',
  eventRetentionDays: null,
  domainEventRetentionDays: null,
  requireTwoStepForStaff: false,
  timeZone: null,
};

/**
 * The row that holds the settings' version (If-Match): every save moves its `updatedAt`, and
 * locks it first, so two saves of one copy take turns. Not a setting (reading strips it).
 */
const VERSION_KEY = '_version';
/** The version of settings never saved (no version row yet). */
const NEVER = new Date(0);

export async function readSettings(db: Database): Promise<Settings> {
  return (await readSettingsWithVersion(db)).settings;
}

async function readSettingsWithVersion(db: Database): Promise<{ settings: Settings; updatedAt: Date }> {
  const rows = await db.select().from(settings);
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  const version = rows.find((r) => r.key === VERSION_KEY)?.updatedAt ?? NEVER;
  return { settings: { ...DEFAULT_SETTINGS, ...Settings.partial().parse(stored) }, updatedAt: version };
}

/** The settings with their version, as GET and PATCH answer them. */
async function settingsRead(db: Database): Promise<SettingsRead> {
  const { settings: values, updatedAt } = await readSettingsWithVersion(db);
  return { ...values, updatedAt: updatedAt.toISOString() };
}

/** The company's name for pages anyone may see (public). */
export async function getBranding(db: Database): Promise<Branding> {
  const { companyName } = await readSettings(db);
  return { companyName };
}

export async function getSettings(db: Database, actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff see settings');
  return settingsRead(db);
}

export async function updateSettings(
  db: Database,
  actor: Actor,
  input: z.infer<typeof SettingsUpdate>,
  /** The `updatedAt` of the copy edited (If-Match): refused if the settings were saved since. */
  expected?: string,
) {
  if (!isAdmin(actor)) throw forbidden('only admins change settings');
  await db.transaction(async (tx) => {
    // The version row, made on the first save, locked before anything is read or written.
    await tx.insert(settings).values({ key: VERSION_KEY, value: {}, updatedAt: NEVER }).onConflictDoNothing();
    const [version] = await tx
      .select({ at: settings.updatedAt })
      .from(settings)
      .where(eq(settings.key, VERSION_KEY))
      .for('update');
    const at = version!.at.toISOString();
    if (expected !== undefined && at !== expected)
      throw new AppError(
        412,
        'edit_conflict',
        `the settings were changed by someone else at ${at}, after the copy you edited (${expected}): ` +
          'read them again and make your change there, or send it without If-Match to overwrite',
      );
    // The browser's zone list and the database's may differ: the database must know it.
    if (input.timeZone) await assertKnownTimeZone(tx, input.timeZone, 'body.timeZone');
    await tx.update(settings).set({ updatedAt: nextVersion() }).where(eq(settings.key, VERSION_KEY));
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      // null is the default of the settings that may be null ("for ever"): no row stands for it.
      if (value === null) {
        await tx.delete(settings).where(eq(settings.key, key));
        continue;
      }
      await tx
        .insert(settings)
        .values({ key, value })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
    }
    if (input.timeZone !== undefined) await rescheduleCompanyZoneDigests(tx);
    await recordDomainEvent(tx, actor, {
      type: 'settings.updated',
      entityType: 'settings',
      entityId: SETTINGS_ENTITY_ID,
      data: { ...input },
    });
  });
  return settingsRead(db);
}

/**
 * The first steps of setting Steward up and whether each is done, read from what exists (one
 * statement): a calendar, an active agreement, a team, an agent, a way in for customers (a
 * mailbox), outgoing mail set up (an SMTP server and a From of our own), and an event source with
 * an enabled signal rule. Admins only.
 */
export async function setupChecklist(db: Database, actor: Actor): Promise<SetupChecklist> {
  if (!isAdmin(actor)) throw forbidden('only admins set Steward up');
  const [found] = await rows<Record<Exclude<SetupStep, 'outgoing_mail'>, boolean>>(
    db,
    sql`select
      exists (select 1 from calendars where deleted_at is null) as calendar,
      exists (select 1 from agreements where deleted_at is null and active) as agreement,
      exists (select 1 from teams where deleted_at is null) as team,
      exists (select 1 from users where deleted_at is null and active and role = 'agent') as agent,
      exists (select 1 from mailboxes where deleted_at is null and active) as intake,
      (exists (select 1 from event_sources where deleted_at is null and active)
        and exists (select 1 from signal_rules where deleted_at is null and enabled)) as signals`,
  );
  const { smtpUrl, mailFrom } = mailSettings();
  const outgoingMail = !!smtpUrl && !isPlaceholderFrom(parseMailFrom(mailFrom).address);
  const items = SETUP_STEPS.map((step) => ({
    step,
    done: step === 'outgoing_mail' ? outgoingMail : !!found?.[step],
  }));
  return { items, done: items.every((i) => i.done) };
}
