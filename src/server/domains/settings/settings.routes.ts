import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { Settings, SettingsUpdate } from '../../../shared/schemas/settings.js';
import { getSettings, updateSettings } from './settings.service.js';

export const settingsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/settings',
      {
        config: { access: STAFF },
        schema: { tags: ['settings'], response: { 200: Settings, ...errors(...AUTHED) } },
      },
      async (request) => getSettings(db, actorOf(request)),
    );
    app.patch(
      '/settings',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['settings'],
          body: SettingsUpdate,
          response: { 200: Settings, ...errors(...AUTHED) },
        },
      },
      async (request) => updateSettings(db, actorOf(request), request.body),
    );
  };
