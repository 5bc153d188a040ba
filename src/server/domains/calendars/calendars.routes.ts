import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../../shared/schemas/common.js';
import { CalendarInput } from '../../../shared/schemas/calendars.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { recomputeClocksForCalendar } from '../cases/clocks.js';
import * as calendars from './calendars.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { RecomputedAnswer } from '../../lib/recomputed-clocks.js';

const tags = ['agreements'];

export const calendarsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/calendars',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Business calendars',
          response: { 200: z.object({ items: z.array(calendars.Calendar) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await calendars.listCalendars(db, actorOf(request)) }),
    );
    app.post(
      '/calendars',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Create a calendar: open hours per ISO weekday (1 = Monday) in a time zone, and holidays',
          body: CalendarInput,
          response: { 201: calendars.Calendar, ...errors(...AUTHED, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await calendars.createCalendar(db, actorOf(request), request.body)),
    );
    app.get(
      '/calendars/:id',
      {
        config: { access: STAFF },
        schema: { tags, params: IdParams, response: { 200: calendars.Calendar, ...errors(...AUTHED, 404) } },
      },
      async (request) => calendars.getCalendar(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/calendars/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Change a calendar; the running promise clocks on it are recomputed at once',
          params: IdParams,
          headers: IfMatchHeaders,
          body: calendars.CalendarUpdate,
          response: {
            200: calendars.Calendar.extend(RecomputedAnswer.shape),
            ...errors(...AUTHED, 404, 412, 422),
          },
        },
      },
      async (request) =>
        calendars.updateCalendar(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          recomputeClocksForCalendar,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/calendars/:id',
      {
        config: { access: ADMIN },
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errors(...AUTHED, 404, 409) } },
      },
      async (request, reply) => {
        await calendars.deleteCalendar(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
