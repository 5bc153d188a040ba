import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  DryRunAnswer,
  DryRunBody,
  Rule,
  RuleDefinition,
  RuleEnable,
  RuleListQuery,
  RuleVersion,
} from '../../../shared/schemas/rules.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as rules from './rules.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

const tags = ['signal rules'];

export const rulesRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/rules',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Signal rules, by name',
          querystring: RuleListQuery,
          response: { 200: page(Rule), ...errors(...AUTHED) },
        },
      },
      async (request) => rules.listRules(db, actorOf(request), request.query),
    );
    app.post(
      '/rules',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Create a rule (version 1): match, absence or threshold, with actions',
          description:
            '422 invalid_reference: a team, category, segment or agreement it names does not exist; ' +
            '422 action_unavailable: start_playbook, attach_to_incident; ' +
            '422 action_needs_case: notify_customer or escalate without an open_case before them.',
          body: RuleDefinition,
          response: { 201: Rule, ...errors(...AUTHED, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await rules.createRule(db, actorOf(request), request.body)),
    );
    // Before /rules/:id, so "dry-run" is never taken for an id (it would not parse as one anyway).
    app.post(
      '/rules/dry-run',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'What a rule would have done over past events (default: the last 30 days); writes nothing',
          body: DryRunBody.required({ definition: true }),
          response: { 200: DryRunAnswer, ...errors(...AUTHED, 422) },
        },
      },
      async (request) => rules.dryRunDefinition(db, actorOf(request), request.body),
    );
    app.get(
      '/rules/:id',
      {
        config: { access: STAFF },
        schema: { tags, params: IdParams, response: { 200: Rule, ...errors(...AUTHED, 404) } },
      },
      async (request) => rules.getRule(db, actorOf(request), request.params.id),
    );
    app.get(
      '/rules/:id/versions',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Every saved definition of a rule, newest first',
          params: IdParams,
          response: { 200: z.object({ items: z.array(RuleVersion) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => rules.listRuleVersions(db, actorOf(request), request.params.id),
    );
    app.put(
      '/rules/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Replace a rule’s definition: a change is a new version; the kind stays',
          description:
            'An identical definition changes nothing; one that differs only in `enabled` switches the rule without a new version. ' +
            'Waits an absence rule has started keep their times. 422 rule_kind_fixed: the kind differs.',
          params: IdParams,
          headers: IfMatchHeaders,
          body: RuleDefinition,
          response: { 200: Rule, ...errors(...AUTHED, 404, 412, 422) },
        },
      },
      async (request) =>
        rules.replaceRule(db, actorOf(request), request.params.id, request.body, ifMatchOf(request.headers)),
    );
    app.patch(
      '/rules/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Switch a rule on or off (not a new version); off ends its waiting absence timers',
          description: 'If-Match refuses a switch made on a stale copy (412 edit_conflict).',
          params: IdParams,
          headers: IfMatchHeaders,
          body: RuleEnable,
          response: { 200: Rule, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        rules.setRuleEnabled(
          db,
          actorOf(request),
          request.params.id,
          request.body.enabled,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/rules/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Delete (soft) a rule: it stops, its waiting timers end; its signals stay',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await rules.deleteRule(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/rules/:id/dry-run',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary:
            'Dry run of a stored rule (or of `definition`, e.g. an edit not saved yet); writes nothing',
          params: IdParams,
          body: DryRunBody,
          response: { 200: DryRunAnswer, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => rules.dryRunStoredRule(db, actorOf(request), request.params.id, request.body),
    );
  };
