// The mail log and the outbox, for staff: list, read (headers, text, sanitized HTML), the raw
// source, and sending a failed or held mail again. Mounting these routes also sets the
// process's mail settings from the config (see outbox.ts), so every built app has them.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import { MailListQuery, MailMessage, MailMessageDetail, MailSetup } from '../../../shared/schemas/mail.js';
import { AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as mail from './mail.service.js';
import { configureMail } from './outbox.js';

const tags = ['mail'];

export const mailRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    configureMail(config);
    app.get(
      '/mail',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Mail in and out (the mail log and the outbox), newest first',
          querystring: MailListQuery,
          response: { 200: page(MailMessage), ...errors(...AUTHED) },
        },
      },
      async (request) => mail.listMail(db, actorOf(request), request.query),
    );
    app.get(
      '/mail/setup',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'How this Steward sends and receives mail: the From, whether mail goes out or is held, the SMTP receiver',
          response: { 200: MailSetup, ...errors(...AUTHED) },
        },
      },
      async (request) => mail.mailSetup(actorOf(request), { smtpReceiver: config.smtpPort !== undefined }),
    );
    app.get(
      '/mail/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'One mail: its headers, text and sanitized HTML, status, attempts and last error',
          params: IdParams,
          response: { 200: MailMessageDetail, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => mail.getMail(db, actorOf(request), request.params.id),
    );
    app.get(
      '/mail/:id/raw',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'The RFC 822 source of a mail (message/rfc822), as received or as sent',
          params: IdParams,
          response: errors(...AUTHED, 404),
        },
      },
      async (request, reply) => {
        const { raw, filename } = await mail.getMailRaw(db, actorOf(request), request.params.id);
        return reply
          .header('content-type', 'message/rfc822')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, no-store')
          .send(raw as never);
      },
    );
    app.post(
      '/mail/:id/retry',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Send a failed or held outgoing mail again (back in the queue, attempts start over)',
          description:
            '409 no_smtp: no SMTP server is set (STEWARD_SMTP_URL), so it would only be held again. 409 not_retryable: the mail is not a failed or held outgoing one.',
          params: IdParams,
          response: { 200: MailMessageDetail, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => mail.retryMail(db, actorOf(request), request.params.id),
    );
  };
