import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { Branding, SettingsRead, SettingsUpdate, SetupChecklist } from '../../../shared/schemas/settings.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { getBranding, getSettings, setupChecklist, updateSettings } from './settings.service.js';

export const settingsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/settings',
      {
        config: { access: STAFF },
        schema: { tags: ['settings'], response: { 200: SettingsRead, ...errors(...AUTHED) } },
      },
      async (request) => getSettings(db, actorOf(request)),
    );
    app.get(
      '/branding',
      {
        config: { access: 'public' },
        schema: {
          tags: ['settings'],
          summary: "The company's name, for the pages anyone may see (the sign-in page, the help center)",
          response: { 200: Branding },
        },
      },
      async () => getBranding(db),
    );
    app.get(
      '/settings/checklist',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['settings'],
          summary: 'The first steps of setting Steward up, and which are done ("Getting started")',
          response: { 200: SetupChecklist, ...errors(...AUTHED) },
        },
      },
      async (request) => setupChecklist(db, actorOf(request)),
    );
    app.patch(
      '/settings',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['settings'],
          summary: 'Change settings (only the ones sent); If-Match refuses a stale copy',
          headers: IfMatchHeaders,
          body: SettingsUpdate,
          response: { 200: SettingsRead, ...errors(...AUTHED, 412) },
        },
      },
      async (request) => updateSettings(db, actorOf(request), request.body, ifMatchOf(request.headers)),
    );
  };
