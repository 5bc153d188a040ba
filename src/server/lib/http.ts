// Route-level helpers: who may call a route, and the error responses it documents.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ErrorBody } from '../../shared/schemas/common.js';
import type { Role } from '../../shared/schemas/users.js';
import type { Actor } from './actor.js';
import { unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: no token needed. A list of roles: only those. Default: any signed-in user. */
    access?: 'public' | Role[];
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export const STAFF: Role[] = ['admin', 'agent'];
export const ADMIN: Role[] = ['admin'];

/** The signed-in actor; routes that are not public always have one (the auth hook saw to it). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}

/** Documented error responses, so the OpenAPI document lists them with their shape. */
export function errors(...codes: (400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503)[]) {
  return Object.fromEntries(codes.map((c) => [c, ErrorBody])) as Record<number, typeof ErrorBody>;
}

export const AUTHED = [400, 401, 403] as const;

/** The responses of a CSV export: the file (documented as text/csv), or the usual errors. */
export function csvResponses(description: string) {
  return {
    200: { description, content: { 'text/csv': { schema: z.string() } } },
    ...errors(...AUTHED, 404),
  };
}
