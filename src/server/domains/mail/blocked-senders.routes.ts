// Blocked senders (admins): whose mail is kept as ignored. Staff add to it by marking a case as
// spam (POST /cases/:id/spam).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import { BlockedSender, BlockedSenderCreate } from '../../../shared/schemas/mail.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as service from './blocked-senders.service.js';

const tags = ['mailboxes'];

export const blockedSendersRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/blocked-senders',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Senders whose mail is ignored (addresses, @domains), newest first',
          response: { 200: z.object({ items: z.array(BlockedSender) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await service.listBlockedSenders(db, actorOf(request)) }),
    );
    app.post(
      '/blocked-senders',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Block an address, or @domain (that domain and its subdomains)',
          body: BlockedSenderCreate,
          response: { 201: BlockedSender, ...errors(...AUTHED, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.blockSender(db, actorOf(request), request.body)),
    );
    app.delete(
      '/blocked-senders/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Unblock: their next mail is handled as anyone’s',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await service.unblockSender(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
