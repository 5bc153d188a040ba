import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import { Role, User, UserCreate, UserListItem, UserUpdate } from '../../../shared/schemas/users.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as users from './users.service.js';

export const usersRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['users'];
    app.get(
      '/users',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'List staff and portal logins',
          querystring: z.strictObject({ role: Role.optional() }),
          response: { 200: z.object({ items: z.array(UserListItem) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await users.listUsers(db, actorOf(request), request.query) }),
    );
    app.post(
      '/users',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Create a user',
          body: UserCreate,
          response: { 201: User, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await users.createUser(db, actorOf(request), request.body)),
    );
    app.get(
      '/users/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 200: User, ...errors(...AUTHED, 404) } },
      },
      async (request) => users.getUser(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/users/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Change a user (a new password or disabling ends their sessions)',
          params: IdParams,
          body: UserUpdate,
          response: { 200: User, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => users.updateUser(db, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/users/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Delete (soft) a user',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await users.deleteUser(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
