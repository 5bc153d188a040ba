import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  EVENT_LIMITS,
  Event,
  EventListQuery,
  EventSource,
  EventSourceCreate,
  EventSourceCredentials,
  EventSourceKeyParams,
  EventSourceWithActivity,
  SourceActivity,
  SourceActivityQuery,
  EventSourceUpdate,
  EventInput,
  EventsBody,
  IngestAnswer,
  IngestQuery,
  WebhookParams,
} from '../../../shared/schemas/events.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as sources from './event-sources.service.js';
import * as events from './events.service.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

/**
 * The events' body as the OpenAPI document shows it: the route takes any object (each event is
 * judged on its own, an invalid one answered as rejected), so without this the document would
 * show integrators no event fields at all. The shape of a valid event, alone or in a batch.
 */
const { $schema: _draft, ...EVENT_JSON_SCHEMA } = z.toJSONSchema(EventInput, {
  io: 'input',
  unrepresentable: 'any',
});
const DocumentedEventsBody = EventsBody.meta({
  anyOf: [
    EVENT_JSON_SCHEMA,
    {
      type: 'object',
      properties: {
        events: { type: 'array', minItems: 1, maxItems: EVENT_LIMITS.batch, items: EVENT_JSON_SCHEMA },
      },
      required: ['events'],
      additionalProperties: false,
    },
  ],
});

const bearerOf = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
const headerOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export const eventsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['events'];

    app.post(
      '/events',
      {
        // A source's own token is not a user token: the route checks it (see resolveSender).
        // Text is checked event by event (ingest.ts): one bad event does not reject the batch.
        config: { access: 'public', textGuard: false },
        bodyLimit: EVENT_LIMITS.bodyBytes,
        schema: {
          tags,
          summary: `Send operational events: one, or {"events": [...]} (up to ${EVENT_LIMITS.batch})`,
          description:
            'Authenticate with the source’s token (Bearer stw_src_…), or a staff token and ?source=<key>. ' +
            'Idempotent by event id per source. Each event is accepted, a duplicate, or rejected with a reason; the accepted ones are stored when the call answers.',
          querystring: IngestQuery,
          body: DocumentedEventsBody,
          response: { 200: IngestAnswer, ...errors(...AUTHED, 413, 415, 422) },
        },
      },
      async (request) => {
        const sender = await events.resolveSender(db, {
          actor: request.actor,
          bearer: bearerOf(request.headers.authorization),
          sourceKey: request.query.source,
        });
        return events.sendEvents(db, sender, request.body);
      },
    );

    // The webhook form reads the raw body (the signature covers its exact bytes), so in its own
    // scope JSON arrives as a string and nothing else is taken; elsewhere Fastify's parsers stay.
    await app.register(async (scope) => {
      const hooks = scope.withTypeProvider<ZodTypeProvider>();
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: EVENT_LIMITS.bodyBytes },
        (_request, body, done) => done(null, body),
      );
      hooks.post(
        '/webhooks/:sourceKey',
        {
          // The signature first, then text event by event, as for POST /events.
          config: { access: 'public', textGuard: false },
          bodyLimit: EVENT_LIMITS.bodyBytes,
          schema: {
            tags,
            summary: 'Send operational events as a signed webhook (same body and answer as POST /events)',
            description:
              'Headers: X-Steward-Timestamp: <unix seconds>, X-Steward-Signature: sha256=<hex HMAC-SHA256(webhook secret, "<timestamp>.<raw body>")>. ' +
              `Refused (401) when unsigned, wrongly signed, or more than ${EVENT_LIMITS.webhookToleranceSeconds} s from the server’s clock.`,
            params: WebhookParams,
            headers: z.looseObject({
              [TIMESTAMP_HEADER]: z.string().optional(),
              [SIGNATURE_HEADER]: z.string().optional(),
            }),
            body: z.string().describe('the events as JSON, exactly the bytes that were signed'),
            response: { 200: IngestAnswer, ...errors(400, 401, 403, 404, 413, 415) },
          },
        },
        async (request) =>
          events.receiveWebhook(db, {
            sourceKey: request.params.sourceKey,
            rawBody: request.body,
            timestamp: headerOf(request.headers[TIMESTAMP_HEADER]),
            signature: headerOf(request.headers[SIGNATURE_HEADER]),
          }),
      );
    });

    app.get(
      '/events',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'List operational events, newest first by default',
          querystring: EventListQuery,
          response: { 200: page(Event), ...errors(...AUTHED) },
        },
      },
      async (request) => events.listEvents(db, actorOf(request), request.query),
    );
    app.get(
      '/events/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Read an operational event',
          params: IdParams,
          response: { 200: Event, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => events.getEvent(db, actorOf(request), request.params.id),
    );

    // ---- sources (admin) ----------------------------------------------------------------------
    const sourceTags = ['event sources'];
    app.get(
      '/event-sources',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          summary: 'Systems that send events, with what they sent lately',
          response: { 200: z.object({ items: z.array(EventSourceWithActivity) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await sources.listEventSources(db, actorOf(request)) }),
    );
    app.post(
      '/event-sources',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          summary: 'Add a source; the answer holds its token and webhook secret, shown this once',
          body: EventSourceCreate,
          response: { 201: EventSourceCredentials, ...errors(...AUTHED, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await sources.createEventSource(db, actorOf(request), request.body)),
    );
    app.get(
      '/event-sources/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          params: EventSourceKeyParams,
          response: { 200: EventSourceWithActivity, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => sources.getEventSource(db, actorOf(request), request.params.key),
    );
    app.get(
      '/event-sources/:key/activity',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          summary:
            'What a source sent per hour over the last hours (default 48): every hour listed, so a silent feed shows as a gap',
          params: EventSourceKeyParams,
          querystring: SourceActivityQuery,
          response: { 200: SourceActivity, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => sources.getSourceActivity(db, actorOf(request), request.params.key, request.query),
    );
    app.patch(
      '/event-sources/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          params: EventSourceKeyParams,
          headers: IfMatchHeaders,
          body: EventSourceUpdate,
          response: { 200: EventSource, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        sources.updateEventSource(
          db,
          actorOf(request),
          request.params.key,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.post(
      '/event-sources/:key/rotate',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          summary: 'New token and webhook secret (shown once); the old ones stop working at once',
          params: EventSourceKeyParams,
          response: { 200: EventSourceCredentials, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => sources.rotateEventSourceCredentials(db, actorOf(request), request.params.key),
    );
    app.delete(
      '/event-sources/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags: sourceTags,
          summary: 'Delete (soft) a source: its token and webhook stop working; its events stay',
          params: EventSourceKeyParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await sources.deleteEventSource(db, actorOf(request), request.params.key);
        return reply.status(204).send(null);
      },
    );
  };
