// Text PostgreSQL cannot store (NUL; unpaired surrogates, which jsonb refuses) is refused at the
// door, in the body, the query or the path, with the field it was found in: 400 `invalid_text`.
// Without this, such a value would reach a statement and fail there (a 500), in whichever of the
// hundred string fields a schema did not think of. Routes that check it item by item (the events
// ingest: one bad event must not reject its batch) say `config: { textGuard: false }`.
import type { FastifyInstance } from 'fastify';
import { BAD_TEXT, badTextPath } from '../../shared/schemas/common.js';
import { AppError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: the route checks text item by item itself (see text-guard.ts). */
    textGuard?: boolean;
  }
}

export function registerTextGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.textGuard === false) return;
    for (const [where, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const path = badTextPath(value);
      if (path) {
        const field = [where, ...path].join('.');
        throw new AppError(400, 'invalid_text', `${field}: ${BAD_TEXT}`, [
          { path: field, message: BAD_TEXT },
        ]);
      }
    }
  });
}
