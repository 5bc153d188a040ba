// Builds the Fastify application: API, OpenAPI document, health checks and the web UI.
// No listening and no database opening here, so tests and the CLI compose it as they need.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import { registerSecurityHeaders } from './lib/security-headers.js';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from '../db/client.js';
import type { Config } from './config.js';
import { healthRoutes } from './domains/health/health.routes.js';
import { registerAuth } from './plugins/auth.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { registerTextGuard } from './plugins/text-guard.js';
import { registerApiRoutes } from './routes.js';
import { z } from 'zod';

/** The longest path segment (characters as sent, percent-encoded). */
const MAX_PATH_PARAM = 600;

/** The query of a route that takes no parameters: none. */
const NO_QUERY = z.strictObject({});

const blankKeysOf = new WeakMap<object, Set<string>>();
/**
 * The parameters of a query schema that an empty value (`?q=`, `?status=`) leaves out, as a form
 * sends an empty field: those that may be left out and do not take an empty value as a value of
 * their own. A required parameter sent empty is still "is required".
 */
function blankMeansAbsent(schema: unknown): Set<string> {
  if (!(schema instanceof z.ZodObject)) return new Set();
  let keys = blankKeysOf.get(schema);
  if (!keys) {
    keys = new Set(
      Object.entries(schema.shape as Record<string, z.ZodType>)
        .filter(([, field]) => field.safeParse(undefined).success && !field.safeParse('').success)
        .map(([key]) => key),
    );
    blankKeysOf.set(schema, keys);
  }
  return keys;
}
const isBlank = (v: unknown): boolean =>
  typeof v === 'string' ? v.trim() === '' : Array.isArray(v) && v.every((e) => isBlank(e));

/**
 * A request without a body, to a route whose body is an object, is read as `{}`: one whose fields
 * are all optional (`POST /signals/:id/resolve {"reason"?}`) takes `curl -X POST …/resolve` as
 * written, and another names the fields it needs (`body.reason: is required`) instead of
 * "body: must be an object". A record (the events' body) still needs a body.
 */
const objectBody = (schema: unknown): schema is z.ZodObject => schema instanceof z.ZodObject;
/** Whether the body may be left out altogether: `{}` is a valid one. */
const takesNoBody = (schema: unknown) => objectBody(schema) && schema.safeParse({}).success;

export const API_VERSION = '0.1.0';

export interface AppOptions {
  db: Database;
  databaseKind: 'pglite' | 'postgres';
  config: Config;
  logger?: FastifyServerOptions['logger'];
}

/**
 * `STEWARD_TRUST_PROXY`: how many reverse proxies stand in front (`1`, `2`, …) or which addresses
 * are trusted proxies (`10.0.0.0/8,127.0.0.1`). The client address is then the one the nearest
 * untrusted hop added to X-Forwarded-For, never a value the client wrote there itself (`true`
 * would take the leftmost, which the client controls).
 */
export function trustProxyOf(
  value: string | undefined,
): string | false | ((address: string, hop: number) => boolean) {
  const v = value?.trim();
  if (!v || v === '0' || v === 'false') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address, hop) => hop < hops;
  }
  for (const entry of v.split(',').map((e) => e.trim())) {
    const [address, bits] = entry.split('/');
    const named = ['loopback', 'linklocal', 'uniquelocal'].includes(entry);
    if (!named && (!isIP(address ?? '') || (bits !== undefined && !/^\d{1,3}$/.test(bits)))) {
      throw new Error(
        `STEWARD_TRUST_PROXY: "${entry}" is neither a count of proxies nor an address or CIDR range`,
      );
    }
  }
  return v;
}

/** Tokens in a logged URL (an e-mailed link opened with ?token=…) are not written to the log. */
export const redactUrlTokens = (url: string) =>
  url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');

function withRedactedUrls(logger: AppOptions['logger']): AppOptions['logger'] {
  if (!logger) return logger;
  const base = typeof logger === 'object' ? logger : {};
  const req = (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrlTokens(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  });
  return { ...base, serializers: { req, ...(base as { serializers?: object }).serializers } };
}

export async function buildApp({ db, databaseKind, config, logger = false }: AppOptions) {
  const app = Fastify({
    logger: withRedactedUrls(logger),
    bodyLimit: 1024 * 1024,
    // On close, idle keep-alive sockets are dropped at once; in-flight requests are let finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    trustProxy: trustProxyOf(process.env.STEWARD_TRUST_PROXY),
    requestIdHeader: 'x-request-id',
    // A customer's external id (up to 200 characters, percent-encoded up to three times as long)
    // is a path segment of PUT /customers/by-external-id/:externalId.
    routerOptions: { maxParamLength: MAX_PATH_PARAM },
    // The router's own refusals (a bad percent-encoding, a path segment over MAX_PATH_PARAM characters) in
    // our error shape too, without echoing the URL back.
    frameworkErrors: (error, _request, reply) => {
      const [status, code, message]: [number, string, string] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'uri_too_long', `a part of the path is too long (at most ${MAX_PATH_PARAM} characters)`]
          : error.code === 'FST_ERR_BAD_URL'
            ? [400, 'bad_url', 'the path is not a valid URL (a bad percent-encoding?)']
            : [400, 'bad_request', 'the request could not be routed'];
      void (reply as FastifyReply).status(status).send({ error: { code, message } });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerTextGuard(app);
  registerSecurityHeaders(app);

  /** The routes whose body may be left out (takesNoBody), as the OpenAPI document names them: `POST /api/v1/signals/{id}/resolve`. */
  const optionalBodies = new Set<string>();
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && objectBody(request.routeOptions.schema?.body)) request.body = {};
    // An optional query parameter sent empty is one not given (docs/api.md).
    const query = request.query as Record<string, unknown> | null;
    if (query && typeof query === 'object') {
      const blankable = blankMeansAbsent(request.routeOptions.schema?.querystring);
      for (const key of Object.keys(query)) if (blankable.has(key) && isBlank(query[key])) delete query[key];
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Steward API',
        version: API_VERSION,
        description:
          'Proactive customer service management. Errors are {"error": {"code", "message"}}; lists use cursor pagination (?limit=, ?cursor=).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // The document says which bodies may be left out (swagger marks every body required).
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const { openapiObject } = document;
      for (const [path, methods] of Object.entries(openapiObject.paths ?? {})) {
        for (const [method, operation] of Object.entries(methods ?? {})) {
          const body = (operation as { requestBody?: { required?: boolean } }).requestBody;
          if (body && optionalBodies.has(`${method.toUpperCase()} ${path}`)) body.required = false;
        }
      }
      return openapiObject;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  // Unknown query parameters are refused (docs/api.md): a route that takes none says so, and a
  // misspelt `?limt=` is a 400 naming it rather than a silent default.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    if (!route.schema?.querystring) route.schema = { ...route.schema, querystring: NO_QUERY };
    if (takesNoBody(route.schema.body)) {
      for (const method of [route.method].flat())
        optionalBodies.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    }
    // The OpenAPI document: a public route needs no bearer token.
    if ((route.config as { access?: unknown } | undefined)?.access === 'public')
      route.schema = { ...route.schema, security: [] };
  });
  registerAuth(app, db);
  await app.register(healthRoutes({ db, config, databaseKind }));
  await registerApiRoutes(app, { db, config, databaseKind });

  const webDir = config.webDir;
  const hasWeb = !!webDir && existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html' });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Client-side routes of the single-page app get its index.html.
    if (hasWeb && request.method === 'GET' && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } });
  });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
