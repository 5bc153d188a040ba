import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../../db/client.js';
import type { RouteDeps } from '../../routes.js';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.string().optional() });

export const healthRoutes =
  ({ db, databaseKind }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        config: { access: 'public' },
        schema: { tags: ['health'], summary: 'The database answers', response: { 200: Health, 503: Health } },
      },
      async (_request, reply) => {
        const ok = await pingDatabase(db);
        return reply
          .status(ok ? 200 : 503)
          .send({ status: ok ? 'ok' : 'unavailable', database: databaseKind });
      },
    );
  };
