// Every error leaves as {"error": {"code", "message", "details"?}}. Validation errors name the
// field (body.email, query.limit, params.id); nothing a client sends can produce a 500.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { CalendarError } from '../../core/business-time.js';
import { AppError, type ErrorDetail } from '../lib/errors.js';
import { translateDbError } from '../lib/db-errors.js';
import { issueMessage } from '../../shared/issue-message.js';

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    'send JSON with Content-Type: application/json',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'the request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'the body is empty but Content-Type says JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'the body is not valid JSON'],
};

function locationOf(context: string | undefined) {
  return context === 'querystring' ? 'query' : (context ?? 'body');
}

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = locationOf(error.validationContext);
      const details: ErrorDetail[] = error.validation.map((v) => {
        const path = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
        const issue = { code: v.keyword, message: v.message ?? 'invalid', ...(v.params as object) };
        return { path, message: issueMessage(issue) };
      });
      const first = details[0]!;
      return reply.status(400).send({
        error: { code: 'validation_error', message: `${first.path}: ${first.message}`, details },
      });
    }
    if (error instanceof CalendarError) {
      // The clock arithmetic refused (services check first; this is the last guard).
      return reply.status(422).send({ error: { code: error.code, message: error.message } });
    }
    const translated = translateDbError(error);
    if (translated instanceof AppError) {
      // Ours, but the server's fault (a misconfiguration it can name): said, and logged.
      if (translated.statusCode >= 500)
        request.log.error(
          { err: translated.cause ?? translated },
          `${translated.code}: ${translated.message}`,
        );
      if (translated.headers) reply.headers(translated.headers);
      return reply.status(translated.statusCode).send({
        error: {
          code: translated.code,
          message: translated.message,
          ...(translated.details ? { details: translated.details } : {}),
        },
      });
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) {
      return reply.status(known[0]).send({ error: { code: known[1], message: known[2] } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      if (error instanceof SyntaxError) {
        return reply
          .status(400)
          .send({ error: { code: 'invalid_json', message: 'the body is not valid JSON' } });
      }
      return reply
        .status(error.statusCode)
        .send({ error: { code: error.code?.toLowerCase() ?? 'bad_request', message: error.message } });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return reply
      .status(500)
      .send({ error: { code: 'internal_error', message: 'something went wrong on our side' } });
  });
}
