// The company's name (Admin → Settings), shown to customers in place of Steward: on the portal,
// the help center, the web form, the sign-in pages and in their browser tabs (staff screens keep
// Steward: brand.tsx, use-document-title.ts). Read once per page load from the
// public GET /branding (without the session's token: it is the same for everyone); the settings
// page publishes a change it saved.
import { useEffect, useSyncExternalStore } from 'react';
import type { Branding } from '../../shared/schemas/settings.js';
import { API_BASE } from './api.js';

let current: Branding = { companyName: null };
let loading: Promise<void> | null = null;
const watchers = new Set<() => void>();

/** Shows a name saved in the settings at once, everywhere on the page. */
export function publishBranding(branding: Branding): void {
  if (branding.companyName === current.companyName) return;
  current = branding;
  for (const watcher of watchers) watcher();
}

function load(): void {
  loading ??= fetch(`${API_BASE}/branding`, { headers: { Accept: 'application/json' } })
    .then(async (res) => {
      if (res.ok) publishBranding((await res.json()) as Branding);
    })
    .catch(() => {
      loading = null; // offline for a moment: asked again by the next page that needs it
    });
}

/** The company's name, null while unknown or when none is set. */
export function useCompanyName(): string | null {
  useEffect(load, []);
  return useSyncExternalStore(
    (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    () => current.companyName,
  );
}
