// Reads `Authorization: Bearer <token>` and enforces the route's `config.access` before the body
// is even validated, so an anonymous caller learns nothing about a route's input.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/client.js';
import { authenticate } from '../domains/auth/auth.service.js';
import { signInClient } from '../domains/auth/devices.js';
import { AppError, forbidden, unauthorized } from '../lib/errors.js';

export function registerAuth(app: FastifyInstance, db: Database) {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    const header = request.headers.authorization;
    const isPublic = access === 'public' || !request.routeOptions.url?.startsWith('/api/v1');
    if (!header) {
      if (isPublic) return;
      throw unauthorized();
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('invalid_token', 'use Authorization: Bearer <token>');
    if (match[1]!.startsWith('stw_src_')) {
      // An event source's token: its own routes (public here) check it; nothing else takes it.
      if (isPublic) return;
      throw unauthorized('invalid_token', 'an event source token works only for sending events');
    }
    try {
      request.actor = await authenticate(db, match[1]!, signInClient(request));
    } catch (err) {
      if (isPublic) return; // a stale token on a public route is simply ignored
      throw err;
    }
    if (request.actor.readOnly && request.method !== 'GET' && request.method !== 'HEAD') {
      throw new AppError(
        403,
        'read_only_token',
        `this API token may only read (GET); ${request.method} needs a token with full access`,
      );
    }
    if (Array.isArray(access) && !access.includes(request.actor.role as never)) {
      throw forbidden(`this needs the role ${access.join(' or ')}`);
    }
  });
}
