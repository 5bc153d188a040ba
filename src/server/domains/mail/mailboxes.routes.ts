// Mailboxes (admin): the addresses customers write to, their team, and IMAP polling. Mounting
// these routes also sets the process's IMAP poll interval from the config (see imap-poller.ts).
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import { Mailbox, MailboxCreate, MailboxPollResult, MailboxUpdate } from '../../../shared/schemas/mail.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { configureImapPolling } from './imap-poller.js';
import * as service from './mailboxes.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

const tags = ['mailboxes'];

export const mailboxesRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    configureImapPolling({ pollSeconds: config.imapPollSeconds });
    app.get(
      '/mailboxes',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'The addresses customers write to (SMTP or IMAP), by address',
          response: { 200: z.object({ items: z.array(Mailbox) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await service.listMailboxes(db, actorOf(request)) }),
    );
    app.post(
      '/mailboxes',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Add a mailbox; with an IMAP URL it is polled',
          body: MailboxCreate,
          response: { 201: Mailbox, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createMailbox(db, actorOf(request), request.body)),
    );
    app.get(
      '/mailboxes/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 200: Mailbox, ...errors(...AUTHED, 404) } },
      },
      async (request) => service.getMailbox(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/mailboxes/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Change a mailbox; another IMAP account or folder starts polling over',
          params: IdParams,
          headers: IfMatchHeaders,
          body: MailboxUpdate,
          response: { 200: Mailbox, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        service.updateMailbox(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/mailboxes/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Delete (soft) a mailbox: mail to it is refused, its mail stays',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await service.deleteMailbox(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/mailboxes/:id/poll',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Poll the mailbox’s IMAP folder now; answers what came in',
          description:
            'A connection or login failure is not an HTTP error: it is in `error` and the mailbox’s lastError.',
          params: IdParams,
          response: { 200: MailboxPollResult, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => service.pollMailboxNowFor(db, actorOf(request), request.params.id),
    );
  };
