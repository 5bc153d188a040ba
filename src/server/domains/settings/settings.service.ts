// Run-time settings an admin changes without a restart.
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import type { SettingsUpdate } from '../../../shared/schemas/settings.js';
import { Settings } from '../../../shared/schemas/settings.js';
import { settings } from './settings.table.js';

export const DEFAULT_SETTINGS: Settings = {
  acknowledgeNewMail: true,
  caseAutoCloseHours: 96,
  eventRetentionDays: null,
};

export async function readSettings(db: Database): Promise<Settings> {
  const rows = await db.select().from(settings);
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
  return { ...DEFAULT_SETTINGS, ...Settings.partial().parse(stored) };
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
