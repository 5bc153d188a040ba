import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BooleanQuery, IdParams } from '../../../shared/schemas/common.js';
import { Agreement, AgreementCreate, AgreementUpdate } from '../../../shared/schemas/agreements.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { recomputeClocksForAgreement } from '../cases/clocks.js';
import * as agreements from './agreements.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { RecomputedAnswer } from '../../lib/recomputed-clocks.js';

const tags = ['agreements'];

export const agreementsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/agreements',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Product and service agreements (reviewDue=true: those due for review)',
          querystring: z.strictObject({
            reviewDue: BooleanQuery.optional(),
            active: BooleanQuery.optional(),
          }),
          response: { 200: z.object({ items: z.array(Agreement) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await agreements.listAgreements(db, actorOf(request), request.query) }),
    );
    app.post(
      '/agreements',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary:
            'Create an agreement: targets in business minutes on a calendar, for a scope (none = default)',
          body: AgreementCreate,
          response: { 201: Agreement, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await agreements.createAgreement(db, actorOf(request), request.body)),
    );
    app.get(
      '/agreements/:id',
      {
        config: { access: STAFF },
        schema: { tags, params: IdParams, response: { 200: Agreement, ...errors(...AUTHED, 404) } },
      },
      async (request) => agreements.getAgreement(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/agreements/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Change an agreement; new targets or calendar recompute the running clocks that follow it',
          params: IdParams,
          headers: IfMatchHeaders,
          body: AgreementUpdate,
          response: {
            200: Agreement.extend(RecomputedAnswer.shape),
            ...errors(...AUTHED, 404, 409, 412, 422),
          },
        },
      },
      async (request) =>
        agreements.updateAgreement(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          recomputeClocksForAgreement,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/agreements/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errors(...AUTHED, 404) } },
      },
      async (request, reply) => {
        await agreements.deleteAgreement(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
