import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../lib/errors.js';
import { AUTHED, actorOf, errors } from '../../lib/http.js';
import { LIVE_STREAMS_PER_TOKEN, type LiveHub } from './live-hub.js';

/** The live stream of `hub` (one per server: see routes.ts). */
export const liveRoutes =
  (hub: LiveHub): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/live',
      {
        schema: {
          tags: ['live'],
          summary: 'What changes, as it changes: a stream of server-sent events (text/event-stream)',
          description:
            'Events: `ready` once connected; `news` (a LiveNews: the ids of cases that changed, whether signals, ' +
            'commitments, event sources or your notifications did) within about a second of each change, only of what you may see; ' +
            '`end` (with a reason: signed_out, rights_changed, behind, server_stopping) before the server closes the stream; ' +
            'after rights_changed, connect again. ' +
            'A comment line every 20 s keeps it open. News are hints: read the records through their routes. ' +
            `At most ${LIVE_STREAMS_PER_TOKEN} streams per token.`,
          response: {
            200: {
              description: 'The stream (never ends by itself)',
              content: { 'text/event-stream': { schema: z.string() } },
            },
            ...errors(...AUTHED, 429),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        reply.hijack();
        const out = reply.raw;
        const stream = await hub.open(actor, out, () =>
          out.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            // nginx and friends pass it through at once instead of buffering it.
            'x-accel-buffering': 'no',
          }),
        );
        if (!stream) {
          const refused = new AppError(
            429,
            'too_many_streams',
            `this token already has ${LIVE_STREAMS_PER_TOKEN} live streams open: close one`,
          );
          out.writeHead(429, { 'content-type': 'application/json; charset=utf-8' });
          out.end(JSON.stringify({ error: { code: refused.code, message: refused.message } }));
          return reply;
        }
        return reply;
      },
    );
  };
