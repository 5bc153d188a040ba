// Side conversations (staff): asking a third party about a case by e-mail, apart from the customer.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import {
  SideConversation,
  SideConversationCreate,
  SideConversationUpdate,
  SideMessageCreate,
} from '../../../shared/schemas/side-conversations.js';
import { AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as service from './side-conversations.service.js';

const tags = ['cases'];

export const sideConversationsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/cases/:id/side-conversations',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'A case’s side conversations with third parties, newest first (their messages are its notes)',
          params: IdParams,
          response: { 200: z.object({ items: z.array(SideConversation) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({
        items: await service.listSideConversations(db, actorOf(request), request.params.id),
      }),
    );
    app.post(
      '/cases/:id/side-conversations',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Write to a third party about the case (a carrier, a supplier): a thread apart from the customer',
          params: IdParams,
          body: SideConversationCreate,
          response: { 201: SideConversation, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.startSideConversation(db, actorOf(request), request.params.id, request.body)),
    );
    app.post(
      '/side-conversations/:id/messages',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Write again in a side conversation (a closed one opens again)',
          params: IdParams,
          body: SideMessageCreate,
          response: { 201: SideConversation, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await service.addSideMessage(db, actorOf(request), request.params.id, request.body)),
    );
    app.patch(
      '/side-conversations/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Close a side conversation (done with), or open it again',
          params: IdParams,
          body: SideConversationUpdate,
          response: { 200: SideConversation, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) =>
        service.updateSideConversation(db, actorOf(request), request.params.id, request.body),
    );
  };
