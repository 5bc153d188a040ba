// The time zone a staff member works in, for pages that count days (the KPIs, the commitments'
// periods) and for exports: their own (chosen in their notification settings), else the
// company's (Admin → Settings), else this browser's. Read once per signed-in person and page load
// (GET /notifications/preferences and GET /settings, both open to staff); the settings and
// notification pages publish a change they saved. The server, asked without a zone, goes the same
// way but ends at UTC (it cannot know the browser's). A page that counts days waits until they
// are read (`ready`): whole pages through WorkZoneGate (layout/work-zone-gate.tsx), so nothing is
// asked or shown in the browser's zone meanwhile.
import { useEffect, useSyncExternalStore } from 'react';
import type { NotificationPreferences } from '../../shared/schemas/notifications.js';
import type { SettingsRead } from '../../shared/schemas/settings.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { api } from './api.js';
import { browserTimeZone } from './time-zones.js';

interface Zones {
  /** Whose zones these are (a user id): another person signing in reads theirs. */
  userId: string;
  own: string | null;
  company: string | null;
}

let current: Zones | undefined;
let loading: { userId: string; done: Promise<void> } | undefined;
const watchers = new Set<() => void>();

function publish(next: Zones) {
  current = next;
  for (const watcher of watchers) watcher();
}

/** Shows a company zone saved in the settings at once, everywhere on the page. */
export function publishCompanyZone(company: string | null): void {
  if (current && current.company !== company) publish({ ...current, company });
}

/** Shows the signed-in person's own zone, as they saved it (null: they follow the company's). */
export function publishOwnZone(userId: string, own: string | null): void {
  if (current?.userId === userId && current.own !== own) publish({ ...current, own });
}

function load(userId: string): void {
  if (current?.userId === userId || loading?.userId === userId) return;
  const done = Promise.all([
    api.get<NotificationPreferences>('/notifications/preferences').then(
      (p) => (p.ownTimeZone ? p.timeZone : null),
      () => null,
    ),
    api.get<SettingsRead>('/settings').then(
      (s) => s.timeZone,
      () => null,
    ),
  ]).then(([own, company]) => {
    if (loading?.userId === userId) publish({ userId, own, company });
    loading = undefined;
  });
  loading = { userId, done };
}

export interface WorkZone {
  /** The IANA zone to count days and write times in. */
  zone: string;
  /** Where it comes from: the person's own choice, the company's setting, or this browser. */
  source: 'own' | 'company' | 'browser';
  /** The company's zone, null when none is set (or while unknown). */
  company: string | null;
  /** False while the zones are being read: a page that counts days waits for them. */
  ready: boolean;
}

/** What a page says while the zones are read (WorkZoneGate, the KPI page). */
export const READING_ZONE = 'Reading the zone you work in…';

/** How a page names the zone it uses: "Europe/Berlin (yours)". */
export const zoneNote = (z: WorkZone) =>
  `${z.zone} (${z.source === 'own' ? 'yours' : z.source === 'company' ? 'the company’s' : 'this browser’s'})`;

/** The zone the signed-in staff member works in (customers: always the browser's). */
export function useWorkZone(): WorkZone {
  const me = useMe();
  const staff = isStaff(me);
  useEffect(() => {
    if (staff) load(me.id);
  }, [staff, me.id]);
  const zones = useSyncExternalStore(
    (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    () => current,
  );
  const mine = staff && zones?.userId === me.id ? zones : undefined;
  const ready = !staff || mine !== undefined;
  if (mine?.own) return { zone: mine.own, source: 'own', company: mine.company, ready };
  if (mine?.company) return { zone: mine.company, source: 'company', company: mine.company, ready };
  return { zone: browserTimeZone(), source: 'browser', company: null, ready };
}
