import { timeZoneOf } from '../settings/company-time-zone.js';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, IsoDateTime, LIMITS, page } from '../../../shared/schemas/common.js';
import {
  Commitment,
  CommitmentExportQuery,
  CommitmentListQuery,
  CommitmentOpenCase,
  CommitmentRate,
  CommitmentRateExportQuery,
  CommitmentRateQuery,
} from '../../../shared/schemas/signals.js';
import { csvFilename, csvPeriodFilename, sendCsv } from '../../lib/csv.js';
import { recordExport } from '../domain-events/domain-events.repo.js';
import { AUTHED, STAFF, actorOf, csvResponses, errors } from '../../lib/http.js';
import { allPages } from '../../lib/pagination.js';
import type { RouteDeps } from '../../routes.js';
import { commitmentColumns, commitmentRateColumns } from './commitment-export.js';
import * as commitments from './commitments.service.js';

const tags = ['commitments'];

export const commitmentsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/commitments',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Commitments (promises on operations), soonest due first',
          querystring: CommitmentListQuery,
          response: { 200: page(Commitment), ...errors(...AUTHED) },
        },
      },
      async (request) => commitments.listCommitments(db, actorOf(request), request.query),
    );
    app.get(
      '/commitments/export.csv',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Export the commitments a list query selects, as CSV',
          description:
            'The filters and order of GET /commitments, every matching commitment. States and kinds of promise in words ("Met late", "Fulfil"). Times are local to `timezone`, which each time column’s header names ("Due (Europe/Berlin)").',
          querystring: CommitmentExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per commitment'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        return sendCsv(reply, {
          filename: csvFilename('commitments', timezone),
          columns: commitmentColumns,
          batches: allPages((cursor) =>
            commitments.listCommitments(db, actor, { ...q, limit: LIMITS.pageMax, cursor }),
          ),
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'commitments', { ...request.query, timezone }),
        });
      },
    );
    // Before /commitments/:id; "rates" would not parse as an id anyway.
    app.get(
      '/commitments/rates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'On-time rates per customer, organization, segment or agreement (default: closed in the last 90 days, plus overdue now), worst first',
          description:
            'Without `from`, the period is "the last 90 days" as the web pages count them: from midnight of the Monday starting the week that holds the day 90 days before `to`, in the zone the person works in (their own, else the company’s, else UTC). The answer’s `from` and `to` name the period counted.',
          querystring: CommitmentRateQuery,
          response: {
            200: z.object({
              from: IsoDateTime.describe('the period counted: commitments closed at or after…'),
              to: IsoDateTime.describe('…and before (those overdue now count whatever the period)'),
              items: z.array(CommitmentRate),
            }),
            ...errors(...AUTHED),
          },
        },
      },
      async (request) => commitments.commitmentRates(db, actorOf(request), request.query),
    );
    app.get(
      '/commitments/rates.csv',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'On-time rates per group, as CSV (every group, worst first)',
          description:
            'The query of GET /commitments/rates without `limit`, and a `timezone` for the period’s times. The on-time rate is a percentage. Named by its period (`commitment-rates-by-agreement-2026-11-06-to-2026-12-05.csv`: its first and last day, `to` exclusive), which every row gives too (From, To).',
          querystring: CommitmentRateExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per group'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        const found = await commitments.commitmentRates(db, actor, { ...q, timezone, limit: null });
        return sendCsv(reply, {
          filename: csvPeriodFilename(`commitment-rates-by-${q.by}`, found.from, found.to, timezone),
          columns: commitmentRateColumns(q.by, found),
          batches: [found.items],
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'commitment-rates', { ...request.query, timezone }),
        });
      },
    );
    app.get(
      '/commitments/:id',
      {
        config: { access: STAFF },
        schema: { tags, params: IdParams, response: { 200: Commitment, ...errors(...AUTHED, 404) } },
      },
      async (request) => commitments.getCommitment(db, actorOf(request), request.params.id),
    );
    app.post(
      '/commitments/:id/case',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Open a proactive case for a commitment without one (an overdue callback, a late delivery)',
          description:
            'The case is opened by you (assigned to you unless `assignToMe` is false) for the commitment’s customer on the proactive channel, with its ref (`{"callbackId": "CB-4004"}`), so the commitment shows it as its case; the first internal note states the commitment’s facts (agreement, ref, state, opened, due). Subject, category and priority default from the commitment. Answers the commitment with its case. 409 commitment_has_case: the customer has a case about its ref already (the commitment shows it); 422 commitment_without_customer.',
          params: IdParams,
          body: CommitmentOpenCase,
          response: { 200: Commitment, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) =>
        commitments.openCaseForCommitment(db, actorOf(request), request.params.id, request.body),
    );
  };
