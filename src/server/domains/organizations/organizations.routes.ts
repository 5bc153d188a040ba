import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  Organization,
  OrganizationCreate,
  OrganizationListQuery,
  OrganizationUpdate,
} from '../../../shared/schemas/organizations.js';
import { AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as organizations from './organizations.service.js';

export const organizationsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['organizations'];
    app.get(
      '/organizations',
      {
        schema: {
          tags,
          summary: 'List organizations (a customer sees only their own, when allowed)',
          querystring: OrganizationListQuery,
          response: { 200: page(Organization), ...errors(...AUTHED) },
        },
      },
      async (request) => organizations.listOrganizations(db, actorOf(request), request.query),
    );
    app.post(
      '/organizations',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Create an organization',
          body: OrganizationCreate,
          response: { 201: Organization, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await organizations.createOrganization(db, actorOf(request), request.body)),
    );
    app.get(
      '/organizations/:id',
      { schema: { tags, params: IdParams, response: { 200: Organization, ...errors(...AUTHED, 404) } } },
      async (request) => organizations.getOrganization(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/organizations/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          params: IdParams,
          body: OrganizationUpdate,
          response: { 200: Organization, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) =>
        organizations.updateOrganization(db, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/organizations/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Delete (soft) an organization without customers',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await organizations.deleteOrganization(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
