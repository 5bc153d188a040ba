import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConversationInput, ConversationResult } from '../../../shared/schemas/conversations.js';
import { AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { logConversation } from './conversations.service.js';

export const conversationsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/conversations',
      {
        config: { access: STAFF },
        bodyLimit: 4 * 1024 * 1024,
        schema: {
          tags: ['conversations'],
          summary: 'Log a phone call or chat from a telephony or chat system (idempotent by externalId)',
          description:
            'Opens a case (channel phone or chat; 201) or adds the messages to caseId (200). Customers are found by id, externalId or e-mail (created by e-mail when new, in the organization of its domain). Agent lines are public messages that count as responses but are not mailed. Posting the same externalId again changes nothing and answers the first result with duplicate: true (200). Use an agent session or an admin API token.',
          body: ConversationInput,
          response: { 200: ConversationResult, 201: ConversationResult, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const result = await logConversation(db, actorOf(request), request.body);
        return reply.status(result.created && !result.duplicate ? 201 : 200).send(result);
      },
    );
  };
