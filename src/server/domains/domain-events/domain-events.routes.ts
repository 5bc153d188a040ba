// The audit log: every change written to domain_events (who, when, what), for admins.
import { timeZoneOf } from '../settings/company-time-zone.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditEntry, AuditExportQuery, AuditQuery } from '../../../shared/schemas/audit.js';
import { LIMITS } from '../../../shared/schemas/common.js';
import { isAdmin } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { csvFilename, sendCsv } from '../../lib/csv.js';
import { ADMIN, AUTHED, actorOf, csvResponses, errors } from '../../lib/http.js';
import { allPages } from '../../lib/pagination.js';
import type { RouteDeps } from '../../routes.js';
import { auditColumns } from './audit-export.js';
import { listAuditLog, recordExport } from './domain-events.repo.js';

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
    app.get(
      '/audit-log/export.csv',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['audit'],
          summary: 'Export the audit log as CSV (admins)',
          description:
            'The filters and period of GET /audit-log, every matching change, newest first, in the words the Audit log page shows: the event as a phrase ("Case updated"), the record’s kind, the change as "Status: open → solved; Assignee: Ava Agent → Ben Lee" (records by the name they have now). Times, in the When column and in changes, are local to `timezone`, which the When header names. The event code and the ids follow in columns of their own.',
          querystring: AuditExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per change'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        if (!isAdmin(actor)) throw forbidden('only admins read the audit log');
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        return sendCsv(reply, {
          filename: csvFilename('audit-log', timezone),
          columns: auditColumns,
          batches: allPages((cursor) => listAuditLog(db, { ...q, limit: LIMITS.pageMax, cursor })),
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'audit-log', { ...request.query, timezone }),
        });
      },
    );
  };
