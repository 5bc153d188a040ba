// The audit log: every change written to domain_events (who, when, what), for admins.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditQuery } from '../../../shared/schemas/audit.js';
import { isAdmin } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { listAuditLog } from './domain-events.repo.js';

export const domainEventsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/audit-log',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['audit'],
          summary: 'Every change, newest first: who made it, when, and what changed',
          querystring: AuditQuery,
          response: {
            200: z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() }),
            ...errors(...AUTHED),
          },
        },
      },
      async (request) => {
        if (!isAdmin(actorOf(request))) throw forbidden('only admins read the audit log');
        const page = await listAuditLog(db, request.query);
        return {
          items: page.items.map(({ sortKey: _sortKey, ...e }) => ({
            ...e,
            occurredAt: e.occurredAt.toISOString(),
          })),
          nextCursor: page.nextCursor,
        };
      },
    );
  };
