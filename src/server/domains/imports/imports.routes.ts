import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../../../shared/schemas/common.js';
import {
  CaseImportReport,
  CaseImportRequest,
  ImportQuery,
  ImportReport,
} from '../../../shared/schemas/imports.js';
import { importCases } from './case-import.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { importCustomersCsv } from './customer-import.js';

export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

export const importsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    app.post(
      '/imports/customers',
      {
        // Text PostgreSQL cannot store fails its row (customer-import.ts), not the whole file.
        config: { access: ADMIN, textGuard: false },
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['customers'],
          summary:
            'Import customers from CSV (Content-Type: text/csv); all-or-nothing unless skipInvalid=true',
          description:
            'Columns: name, email, phone, organization (name; created when new), segment, language, timeZone, externalId, organizationAccess, cf.<key> for custom fields. ' +
            'Answers 200 with the report when rows were written (or on dryRun), 422 with the report when invalid rows stopped the import.',
          querystring: ImportQuery,
          body: z.string().describe('the CSV file'),
          response: {
            200: ImportReport,
            422: ErrorBody.extend({ report: ImportReport.optional() }),
            ...errors(...AUTHED, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const report = await importCustomersCsv(db, actorOf(request), request.body, request.query);
        if (!report.committed && !report.dryRun) {
          return reply.status(422).send({
            error: {
              code: 'import_invalid',
              message: `${report.invalid} of ${report.total} rows are invalid; nothing was imported (use skipInvalid=true to import the valid rows)`,
              details: report.errors
                .slice(0, 100)
                .map((e) => ({ path: `row ${e.row}.${e.field}`, message: e.message })),
            },
            report,
          });
        }
        return report;
      },
    );
    app.post(
      '/imports/cases',
      {
        config: { access: ADMIN },
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['cases'],
          summary: 'Import case history (up to 1,000 cases a call) with messages and historic times',
          description:
            'Promise clocks are computed by replaying each case’s history on the agreement that applies. All or nothing unless skipInvalid=true; dryRun=true only checks. 422 with the report when invalid cases stopped the import.',
          querystring: ImportQuery,
          body: CaseImportRequest,
          response: {
            200: CaseImportReport,
            422: ErrorBody.extend({ report: CaseImportReport.optional() }),
            ...errors(...AUTHED, 413),
          },
        },
      },
      async (request, reply) => {
        const report = await importCases(db, actorOf(request), request.body.cases, request.query);
        if (!report.committed && !report.dryRun) {
          return reply.status(422).send({
            error: {
              code: 'import_invalid',
              message: `${report.invalid} of ${report.total} cases are invalid; nothing was imported`,
              details: report.errors
                .slice(0, 100)
                .map((e) => ({ path: `cases.${e.index}.${e.field}`, message: e.message })),
            },
            report,
          });
        }
        return report;
      },
    );
  };
