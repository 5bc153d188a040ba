// Reply templates (staff): saved replies, personal or shared, put into a reply with the case's
// names filled in.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import {
  RenderedReplyTemplate,
  ReplyTemplate,
  ReplyTemplateInput,
  ReplyTemplateQuery,
  ReplyTemplateRender,
  ReplyTemplateUpdate,
} from '../../../shared/schemas/reply-templates.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as service from './reply-templates.service.js';

const tags = ['reply templates'];

export const replyTemplatesRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/reply-templates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'The reply templates you may use (yours, shared, your teams’), most used first',
          querystring: ReplyTemplateQuery,
          response: { 200: z.object({ items: z.array(ReplyTemplate) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({
        items: await service.listReplyTemplates(db, actorOf(request), request.query.q),
      }),
    );
    app.post(
      '/reply-templates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Save a reply template: yours, or shared with every agent or a team (admins)',
          body: ReplyTemplateInput,
          response: { 201: ReplyTemplate, ...errors(...AUTHED, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createReplyTemplate(db, actorOf(request), request.body)),
    );
    app.get(
      '/reply-templates/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'One reply template (your own, or one shared with you)',
          params: IdParams,
          response: { 200: ReplyTemplate, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => service.getReplyTemplate(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/reply-templates/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Change a reply template (yours; shared ones: admins); If-Match refuses a stale copy',
          params: IdParams,
          headers: IfMatchHeaders,
          body: ReplyTemplateUpdate,
          response: { 200: ReplyTemplate, ...errors(...AUTHED, 404, 412, 422) },
        },
      },
      async (request) =>
        service.updateReplyTemplate(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/reply-templates/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Delete a reply template (yours; shared ones: admins)',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await service.deleteReplyTemplate(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/reply-templates/:id/render',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'The template’s text for a reply on a case, its placeholders filled from the case (counts a use)',
          params: IdParams,
          body: ReplyTemplateRender,
          response: { 200: RenderedReplyTemplate, ...errors(...AUTHED, 404) },
        },
      },
      async (request) =>
        service.renderReplyTemplate(db, actorOf(request), request.params.id, request.body.caseId),
    );
  };
