import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Id, IdParams } from '../../../shared/schemas/common.js';
import {
  AgentProfile,
  AgentProfileUpdate,
  Team,
  TeamInput,
  TeamUpdate,
  Workload,
  WorkloadQuery,
} from '../../../shared/schemas/teams.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { reassignCasesOfAwayAgent } from '../cases/reassign.js';
import * as teams from './teams.service.js';
import { getWorkload } from './workload.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

export const teamsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['teams'];
    app.get(
      '/teams',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Teams with their members and load',
          response: { 200: z.object({ items: z.array(Team) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await teams.listTeams(db, actorOf(request)) }),
    );
    app.post(
      '/teams',
      {
        config: { access: ADMIN },
        schema: { tags, body: TeamInput, response: { 201: Team, ...errors(...AUTHED, 409, 422) } },
      },
      async (request, reply) =>
        reply.status(201).send(await teams.createTeam(db, actorOf(request), request.body)),
    );
    app.get(
      '/teams/:id',
      {
        config: { access: STAFF },
        schema: { tags, params: IdParams, response: { 200: Team, ...errors(...AUTHED, 404) } },
      },
      async (request) => teams.getTeam(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/teams/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          params: IdParams,
          headers: IfMatchHeaders,
          body: TeamUpdate,
          response: { 200: Team, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        teams.updateTeam(db, actorOf(request), request.params.id, request.body, ifMatchOf(request.headers)),
    );
    app.delete(
      '/teams/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errors(...AUTHED, 404, 409) } },
      },
      async (request, reply) => {
        await teams.deleteTeam(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/agents',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Agents with skills, capacity, availability and open cases',
          response: { 200: z.object({ items: z.array(AgentProfile) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await teams.listAgents(db, actorOf(request)) }),
    );
    app.get(
      '/workload',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Per team and agent: unsolved cases, waiting, promises at risk and breached, the oldest awaiting a reply, solved today',
          querystring: WorkloadQuery,
          response: { 200: Workload, ...errors(...AUTHED) },
        },
      },
      async (request) => getWorkload(db, actorOf(request), { timeZone: request.query.timezone }),
    );
    app.patch(
      '/agents/:userId',
      {
        schema: {
          tags,
          summary:
            'Admins: skills and capacity. Agents: their own availability (away hands their open cases on)',
          params: z.strictObject({ userId: Id }),
          body: AgentProfileUpdate,
          response: { 200: AgentProfile.extend({ reassigned: z.number().int() }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) =>
        teams.updateAgentProfile(db, actorOf(request), request.params.userId, request.body, (tx, userId) =>
          reassignCasesOfAwayAgent(tx, actorOf(request), userId),
        ),
    );
  };
