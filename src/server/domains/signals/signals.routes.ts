import { timeZoneOf } from '../settings/company-time-zone.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, LIMITS, page } from '../../../shared/schemas/common.js';
import {
  Board,
  BoardQuery,
  ProactiveKpiQuery,
  ProactiveKpis,
  ProactiveTrend,
  ProactiveTrendQuery,
  PromiseKpiExportQuery,
  PromiseKpiQuery,
  PromiseTrend,
  PromiseTrendQuery,
  PromiseKpis,
  RuleOutcomes,
  RuleOutcomesExportQuery,
  RuleOutcomesQuery,
  MAX_BULK_SIGNALS,
  MAX_BULK_SIGNALS_BY_FILTER,
  Signal,
  SignalActionParams,
  SignalBulkClose,
  SignalBulkCloseResult,
  SignalDetail,
  SignalDismiss,
  SignalExportQuery,
  SignalListQuery,
  SignalOpenCase,
  SignalResolve,
} from '../../../shared/schemas/signals.js';
import { csvFilename, csvPeriodFilename, sendCsv } from '../../lib/csv.js';
import { recordExport } from '../domain-events/domain-events.repo.js';
import { AUTHED, STAFF, actorOf, csvResponses, errors } from '../../lib/http.js';
import { allPages } from '../../lib/pagination.js';
import type { RouteDeps } from '../../routes.js';
import * as kpis from './kpis.service.js';
import {
  promiseComplianceColumns,
  ruleOutcomeColumns,
  signalColumns,
  trendColumns,
} from './signal-export.js';
import * as signals from './signals.service.js';

const tags = ['signals'];

export const signalsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/signals',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Signals (detected risks to a promise), newest first',
          querystring: SignalListQuery,
          response: { 200: page(Signal), ...errors(...AUTHED) },
        },
      },
      async (request) => signals.listSignals(db, actorOf(request), request.query),
    );
    app.get(
      '/signals/export.csv',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Export the signals a list query selects, as CSV',
          description:
            'The filters of GET /signals, every matching signal, newest first. Severities and states in words ("Acted on"; "Acted on · nobody on it", "Open · nobody on it" when nobody owns a live signal’s case, as the web UI says it). Times are local to `timezone`, which each time column’s header names ("Detected (Europe/Berlin)").',
          querystring: SignalExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per signal'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        return sendCsv(reply, {
          filename: csvFilename('signals', timezone),
          columns: signalColumns,
          batches: allPages((cursor) =>
            signals.listSignals(db, actor, { ...q, limit: LIMITS.pageMax, cursor }),
          ),
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'signals', { ...request.query, timezone }),
        });
      },
    );
    app.get(
      '/signals/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: `A signal with its evidence events (oldest first, at most ${signals.SIGNAL_LIMITS.evidence}) and actions`,
          params: IdParams,
          response: { 200: SignalDetail, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => signals.getSignal(db, actorOf(request), request.params.id),
    );
    app.post(
      '/signals/:id/actions/:actionId/send-now',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Send a customer mail held back while a feed is silent, now (it is not held again)',
          description:
            '409 action_not_held: the action is not a customer mail held back now; 409 signal_closed: the signal is resolved or dismissed.',
          params: SignalActionParams,
          response: { 200: SignalDetail, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) =>
        signals.sendHeldMailNow(db, actorOf(request), request.params.id, request.params.actionId),
    );
    app.post(
      '/signals/:id/dismiss',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Dismiss an open or acted signal (not a risk after all); its pending actions are skipped',
          description: '409 signal_closed: the signal is resolved or dismissed already.',
          params: IdParams,
          body: SignalDismiss,
          response: { 200: Signal, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => signals.dismissSignal(db, actorOf(request), request.params.id, request.body.reason),
    );
    app.post(
      '/signals/:id/case',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Open a proactive case from a live signal without one (or join the customer’s live one about it)',
          description:
            'The case is opened by you (assigned to you unless `assignToMe` is false) on the proactive channel, with the signal’s refs; the subject defaults to the signal’s title and the priority to its severity’s. The signal becomes acted on. 409 signal_has_case, 409 signal_closed; 422 signal_without_customer.',
          params: IdParams,
          body: SignalOpenCase,
          response: { 200: SignalDetail, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => signals.openCaseForSignal(db, actorOf(request), request.params.id, request.body),
    );
    app.post(
      '/signals/bulk',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: `Dismiss or resolve up to ${MAX_BULK_SIGNALS} signals at once, or every live one matching a filter; their pending actions are skipped`,
          description: `The live ones (open or acted) end with the one reason given (a dismissal needs one; a resolution without one says who resolved it). By \`ids\`: signals that ended before are left as they are and listed in \`alreadyClosed\`; an unknown id: 404 and nothing changes. By \`filter\`: every live signal matching it when the request runs; 422 too_many_signals when more than ${MAX_BULK_SIGNALS_BY_FILTER} match, and nothing changes.`,
          body: SignalBulkClose,
          response: { 200: SignalBulkCloseResult, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => signals.closeSignalsInBulk(db, actorOf(request), request.body),
    );
    app.post(
      '/signals/:id/resolve',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Resolve an open or acted signal; its pending actions are skipped',
          description: '409 signal_closed: the signal is resolved or dismissed already.',
          params: IdParams,
          body: SignalResolve,
          response: { 200: Signal, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => signals.resolveSignal(db, actorOf(request), request.params.id, request.body.reason),
    );
    app.get(
      '/board',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: `What needs attention now: live signals, and commitments overdue or due within the horizon (default P2D); at most ${signals.SIGNAL_LIMITS.board} of each`,
          querystring: BoardQuery,
          response: { 200: Board, ...errors(...AUTHED) },
        },
      },
      async (request) => signals.getBoard(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/proactive',
      {
        config: { access: STAFF },
        schema: {
          tags: ['signals', 'kpis'],
          summary:
            'Proactive KPIs over signals detected in [from, to) (default: the last 30 days): caught before contact, contacts avoided, lead time, commitments on time',
          querystring: ProactiveKpiQuery,
          response: { 200: ProactiveKpis, ...errors(...AUTHED) },
        },
      },
      async (request) => kpis.getProactiveKpis(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/proactive/trend',
      {
        config: { access: STAFF },
        schema: {
          tags: ['signals', 'kpis'],
          summary:
            'The proactive KPIs per day, week or month of a period (default: the last 90 days, by week), in a time zone: for charts',
          querystring: ProactiveTrendQuery,
          response: { 200: ProactiveTrend, ...errors(...AUTHED) },
        },
      },
      async (request) => kpis.getProactiveTrend(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/proactive/rules',
      {
        config: { access: STAFF },
        schema: {
          tags: ['signals', 'kpis'],
          summary:
            'Per signal rule, the signals detected in [from, to) (default: the last 30 days) and what became of them: resolved by themselves, dismissed, cases opened, caught before contact',
          querystring: RuleOutcomesQuery,
          response: { 200: RuleOutcomes, ...errors(...AUTHED) },
        },
      },
      async (request) => kpis.getRuleOutcomes(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/proactive/trend.csv',
      {
        config: { access: STAFF },
        schema: {
          tags: ['signals', 'kpis'],
          summary: 'The proactive KPIs per day, week or month, as CSV (the trend, a row per bucket)',
          description:
            'The query of GET /kpis/proactive/trend. Shares are percentages, lead times hours. Named by its period (`proactive-kpis-by-week-2026-11-06-to-2026-12-05.csv`: its first and last day, `to` exclusive); each row’s From and To the part of the period it counts, in the zone its headers name.',
          querystring: ProactiveTrendQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per bucket, oldest first'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const trend = await kpis.getProactiveTrend(db, actor, request.query);
        return sendCsv(reply, {
          filename: csvPeriodFilename(
            `proactive-kpis-by-${trend.interval}`,
            trend.from,
            trend.to,
            trend.timezone,
          ),
          columns: trendColumns(trend),
          batches: [trend.buckets],
          timeZone: trend.timezone,
          audit: () =>
            recordExport(db, actor, 'proactive-trend', { ...request.query, timezone: trend.timezone }),
        });
      },
    );
    app.get(
      '/kpis/proactive/rules.csv',
      {
        config: { access: STAFF },
        schema: {
          tags: ['signals', 'kpis'],
          summary: "What became of each rule's signals in a period, as CSV",
          description:
            'The query of GET /kpis/proactive/rules, and a `timezone` for the times. Named by its period (`rule-outcomes-2026-11-06-to-2026-12-05.csv`: its first and last day, `to` exclusive), which every row gives too (From, To). Kinds and severities in words.',
          querystring: RuleOutcomesExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per rule'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        const outcomes = await kpis.getRuleOutcomes(db, actor, q);
        return sendCsv(reply, {
          filename: csvPeriodFilename('rule-outcomes', outcomes.from, outcomes.to, timezone),
          columns: ruleOutcomeColumns(outcomes),
          batches: [outcomes.items],
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'rule-outcomes', { ...request.query, timezone }),
        });
      },
    );
    app.get(
      '/kpis/promises',
      {
        config: { access: STAFF },
        schema: {
          tags: ['cases', 'kpis'],
          summary:
            'PSA target compliance: promise clocks of cases decided (met or breached) in [from, to) (default: the last 30 days), per kind, agreement, team, assignee, channel or segment, with totals',
          description:
            'A clock counts in the period of its decision: a breached one at `breachedAt` (also when fulfilled late since), a met one at `metAt`. `compliance` = metOnTime / decided. `overdueNow` counts clocks past due and not fulfilled now, whatever the period. Deleted cases count nowhere.',
          querystring: PromiseKpiQuery,
          response: { 200: PromiseKpis, ...errors(...AUTHED) },
        },
      },
      async (request) => kpis.getPromiseKpis(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/promises/trend',
      {
        config: { access: STAFF },
        schema: {
          tags: ['cases', 'kpis'],
          summary:
            'PSA target compliance per day, week or month of a period (default: the last 90 days, by week), in a time zone: for charts',
          description:
            'The definitions of GET /kpis/promises: a clock counts in the bucket of its decision (a breached one at `breachedAt`, a met one at `metAt`); `compliance` = metOnTime / decided. Deleted cases count nowhere.',
          querystring: PromiseTrendQuery,
          response: { 200: PromiseTrend, ...errors(...AUTHED) },
        },
      },
      async (request) => kpis.getPromiseTrend(db, actorOf(request), request.query),
    );
    app.get(
      '/kpis/promises.csv',
      {
        config: { access: STAFF },
        schema: {
          tags: ['cases', 'kpis'],
          summary: 'PSA target compliance per group, as CSV (a row per group, then the totals)',
          description:
            'The query of GET /kpis/promises, and a `timezone` for the period’s times. Compliance and target used are percentages; channels in words. Named by its period (`promise-compliance-by-team-2026-11-06-to-2026-12-05.csv`: its first and last day, `to` exclusive), which every row gives too (From, To).',
          querystring: PromiseKpiExportQuery,
          response: csvResponses(
            'CSV, UTF-8 with a byte-order mark, one row per group and a last row "Total"',
          ),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        const found = await kpis.getPromiseKpis(db, actor, q);
        return sendCsv(reply, {
          filename: csvPeriodFilename(
            `promise-compliance-by-${found.groupBy}`,
            found.from,
            found.to,
            timezone,
          ),
          columns: promiseComplianceColumns(found.groupBy, found),
          batches: [[...found.items, { groupId: null, groupName: 'Total', ...found.totals }]],
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'promise-compliance', { ...request.query, timezone }),
        });
      },
    );
  };
