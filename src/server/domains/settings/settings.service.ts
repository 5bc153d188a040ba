// Run-time settings an admin changes without a restart.
import { isPlaceholderFrom } from '../../config.js';
import { eq, sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import type {
  Branding,
  SettingsUpdate,
  SetupChecklist,
  SetupStep,
} from '../../../shared/schemas/settings.js';
import { SETUP_STEPS } from '../../../shared/schemas/settings.js';
import { mailSettings } from '../mail/outbox.js';
import { parseMailFrom } from '../mail/compose.js';
import { Settings } from '../../../shared/schemas/settings.js';
import { settings } from './settings.table.js';

export const DEFAULT_SETTINGS: Settings = {
  acknowledgeNewMail: true,
  assignOnReply: true,
  caseAutoCloseHours: 96,
  companyName: null,
  eventRetentionDays: null,
};

export async function readSettings(db: Database): Promise<Settings> {
  const rows = await db.select().from(settings);
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return { ...DEFAULT_SETTINGS, ...Settings.partial().parse(stored) };
}

/** The company's name for pages anyone may see (public). */
export async function getBranding(db: Database): Promise<Branding> {
  const { companyName } = await readSettings(db);
  return { companyName };
}

export async function getSettings(db: Database, actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff see settings');
  return readSettings(db);
}

export async function updateSettings(db: Database, actor: Actor, input: z.infer<typeof SettingsUpdate>) {
  if (!isAdmin(actor)) throw forbidden('only admins change settings');
  await db.transaction(async (tx) => {
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
    await recordDomainEvent(tx, actor, {
      type: 'settings.updated',
      entityType: 'settings',
      entityId: '00000000-0000-0000-0000-000000000000',
      data: { ...input },
    });
  });
  return readSettings(db);
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
