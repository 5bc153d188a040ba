import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Segment, SegmentCreate, SegmentKeyParams, SegmentUpdate } from '../../../shared/schemas/segments.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as segments from './segments.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

export const segmentsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['segments'];
    app.get(
      '/segments',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'List segments with how many organizations and customers use each',
          response: { 200: z.object({ items: z.array(Segment) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await segments.listSegments(db, actorOf(request)) }),
    );
    app.post(
      '/segments',
      {
        config: { access: ADMIN },
        schema: { tags, body: SegmentCreate, response: { 201: Segment, ...errors(...AUTHED, 409) } },
      },
      async (request, reply) =>
        reply.status(201).send(await segments.createSegment(db, actorOf(request), request.body)),
    );
    app.get(
      '/segments/:key',
      {
        config: { access: STAFF },
        schema: { tags, params: SegmentKeyParams, response: { 200: Segment, ...errors(...AUTHED, 404) } },
      },
      async (request) => segments.getSegment(db, actorOf(request), request.params.key),
    );
    app.patch(
      '/segments/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          params: SegmentKeyParams,
          headers: IfMatchHeaders,
          body: SegmentUpdate,
          response: { 200: Segment, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        segments.updateSegment(
          db,
          actorOf(request),
          request.params.key,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/segments/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Delete (soft) an unused segment',
          params: SegmentKeyParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await segments.deleteSegment(db, actorOf(request), request.params.key);
        return reply.status(204).send(null);
      },
    );
  };
