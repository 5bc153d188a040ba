import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import {
  Role,
  SessionList,
  SessionsEnded,
  UserCreated,
  UserCreate,
  UserListItem,
  UserUpdate,
  PasswordLinkSent,
} from '../../../shared/schemas/users.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as users from './users.service.js';
import { endSessionsOfUser, listSessions } from '../auth/auth.service.js';
import { resetTwoStep } from '../auth/two-step.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

export const usersRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
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
          description:
            'Staff: give a `password`, or `invite: true` to e-mail them a link to choose one (7 days). Neither: they cannot sign in until an admin sends a link (POST /users/:id/password-link) or sets a password.',
          body: UserCreate,
          response: { 201: UserCreated, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await users.createUser(db, actorOf(request), request.body, { publicUrl: config.publicUrl })),
    );
    app.get(
      '/users/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 200: UserListItem, ...errors(...AUTHED, 404) } },
      },
      async (request) => users.getUser(db, actorOf(request), request.params.id),
    );
    app.get(
      '/users/:id/sessions',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Where a user is signed in: their sessions that still work',
          params: IdParams,
          response: { 200: SessionList, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await users.getUser(db, actor, request.params.id);
        return { items: await listSessions(db, request.params.id, actor.tokenId) };
      },
    );
    app.post(
      '/users/:id/sessions/end',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Sign a user out everywhere',
          description:
            'Ends every sign-in session of the user (a lost laptop) without disabling the login or changing the password; their API tokens keep working. An admin doing this to themselves stays signed in here.',
          params: IdParams,
          response: { 200: SessionsEnded, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => endSessionsOfUser(db, actorOf(request), request.params.id),
    );
    app.post(
      '/users/:id/two-step/reset',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: "Turn a colleague's two-step sign-in off (a lost phone)",
          description:
            'Removes their authenticator secret and recovery codes; they sign in with the password alone, or set two-step sign-in up again at their next sign-in when the company requires it. Every session and API token of the user ends, and their password links (whoever has the phone may be signed in on it), as with a new password; on your own account the session making the request stays. Recorded as user.two_step_reset with endedTokens. 409 two_step_off when it is not on.',
          params: IdParams,
          response: { 200: UserListItem, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await resetTwoStep(db, actor, request.params.id);
        return users.getUser(db, actor, request.params.id);
      },
    );
    app.patch(
      '/users/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Change a user (a new password or disabling ends their sessions)',
          params: IdParams,
          headers: IfMatchHeaders,
          body: UserUpdate,
          response: { 200: UserListItem, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        users.updateUser(db, actorOf(request), request.params.id, request.body, ifMatchOf(request.headers)),
    );
    app.post(
      '/users/:id/password-link',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'E-mail a staff member a link to choose their password',
          description:
            'An invitation (7 days) while the account has no password, a reset (1 hour) once it has one; their earlier link stops working. 422 not_staff for a portal login, 409 account_disabled.',
          params: IdParams,
          response: { 200: PasswordLinkSent, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) =>
        users.sendPasswordLink(db, actorOf(request), request.params.id, { publicUrl: config.publicUrl }),
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
