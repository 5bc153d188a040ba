import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody, IdParams } from '../../../shared/schemas/common.js';
import { CaseRefParams } from '../../../shared/schemas/cases.js';
import {
  MagicLinkRequest,
  MagicLinkRequested,
  MagicLinkVerify,
  PORTAL_LIMITS,
  PortalAccount,
  PortalAccountUpdate,
  PortalCase,
  PortalCaseCreate,
  PortalCaseListQuery,
  PortalCaseSummary,
  PortalCategory,
  Rating,
  RatingInput,
  WebFormInput,
  WebFormResult,
} from '../../../shared/schemas/portal.js';
import { LoginResponse } from '../../../shared/schemas/users.js';
import { sessionAnswer } from '../auth/sign-in-answer.js';
import { AUTHED, actorOf, errors } from '../../lib/http.js';
import { assertWithinRate } from '../../lib/rate-limit.js';
import type { RouteDeps } from '../../routes.js';
import { MAGIC_LINK_ANSWER, requestMagicLink, verifyMagicLink } from './magic-links.js';
import { createPortalCase, getPortalCase, listPortalCases } from './portal.service.js';
import { getRating, rateCase } from './ratings.js';
import { assertWebFormRate, submitWebForm } from './web-form.js';
import { signInClient } from '../auth/devices.js';
import { listOfferedCategories } from '../cases/catalog.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { getPortalAccount, updatePortalAccount } from './account.js';

/** Room for the most files a form may carry, base64-encoded, and the text around them. */
const FILES_BODY_LIMIT = PORTAL_LIMITS.files * Math.ceil((PORTAL_LIMITS.fileBytes * 4) / 3) + 1024 * 1024;
const CUSTOMER = ['customer' as const];
const tags = ['portal'];

export const portalRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/auth/magic-link',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'E-mail me a sign-in link (customers)',
          description:
            'Answers 202 the same way whether or not the address is known. A live customer with this address gets a mail with a link to /login/magic#token=… that works once, for 15 minutes; their portal login is made if they have none. Staff accounts do not sign in by link. Limited per client IP (10) and per address (3) in 15 minutes.',
          body: MagicLinkRequest,
          response: { 202: MagicLinkRequested, ...errors(400, 429) },
        },
      },
      async (request, reply) => {
        const { outcome } = await requestMagicLink(db, {
          email: request.body.email,
          ip: request.ip,
          publicUrl: config.publicUrl,
        });
        request.log.info({ outcome }, 'magic link requested');
        return reply.status(202).send({ message: MAGIC_LINK_ANSWER });
      },
    );

    app.post(
      '/auth/magic-link/verify',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with the token of an e-mailed link; returns a session token like /auth/login',
          description:
            'Single use: of two requests with the same token exactly one signs in. 400 link_invalid (unknown token), 410 link_used or link_expired, 403 account_disabled.',
          body: MagicLinkVerify,
          response: { 200: LoginResponse, 410: ErrorBody, ...errors(400, 403, 429) },
        },
      },
      async (request) => {
        await assertWithinRate(db, {
          action: 'magic_link_verify',
          clientKey: request.ip,
          max: 30,
          windowSeconds: 15 * 60,
        });
        const result = await verifyMagicLink(db, {
          token: request.body.token,
          ...signInClient(request),
          ttlSeconds: config.sessionTtlSeconds,
        });
        return sessionAnswer(result.step, result.user);
      },
    );

    app.get(
      '/portal/cases',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary: "My requests, or my organization's (with organization access), recently updated first",
          querystring: PortalCaseListQuery,
          response: {
            200: z.object({ items: z.array(PortalCaseSummary), nextCursor: z.string().nullable() }),
            ...errors(...AUTHED),
          },
        },
      },
      async (request) => listPortalCases(db, actorOf(request), request.query),
    );

    app.post(
      '/portal/cases',
      {
        config: { access: CUSTOMER },
        bodyLimit: FILES_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Open a request, with up to 5 files (base64) in the same step',
          description:
            'A request about what an open proactive case already covers joins that case (200): with `reference`, the case holding that order or shipment number; else a new case in channel portal (201). `category`: one of GET /portal/categories (422 invalid_reference for an unknown or switched-off one, 422 category_not_offered for one not offered to customers). A refused file (executable, empty, over 10 MiB) refuses the request: 422 or 413, with the reason per file.',
          body: PortalCaseCreate,
          response: { 200: PortalCase, 201: PortalCase, ...errors(...AUTHED, 413, 422) },
        },
      },
      async (request, reply) => {
        const opened = await createPortalCase(db, actorOf(request), request.body);
        if (opened.joined) reply.header('x-steward-joined', 'proactive');
        return reply.status(opened.joined ? 200 : 201).send(opened.case);
      },
    );

    app.get(
      '/portal/categories',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary:
            'The categories a customer may pick on a new request (switched on and offered to customers)',
          response: { 200: z.object({ items: z.array(PortalCategory) }), ...errors(...AUTHED) },
        },
      },
      async () => ({ items: await listOfferedCategories(db) }),
    );

    app.get(
      '/portal/account',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary:
            'My account: my name, address, language, time zone and mail preferences, and whether I have a password',
          response: { 200: PortalAccount, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => getPortalAccount(db, actorOf(request)),
    );

    app.patch(
      '/portal/account',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary: 'Change my name, language, time zone or mail preferences',
          description:
            'Only the signed-in customer’s own record (there is no id to name another). With If-Match: 412 edit_conflict when the record changed since. The name is also the one their portal login goes by. Mail preferences turn off what we mail on our own: `mailAcknowledgements` (the confirmation of a new request), `mailProactiveNotices` (a signal rule’s `notify_customer`: skipped for them); an answer to their request and sign-in links are always sent. Each change is a `customer.updated` event.',
          headers: IfMatchHeaders,
          body: PortalAccountUpdate,
          response: { 200: PortalAccount, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) => updatePortalAccount(db, actorOf(request), request.body, ifMatchOf(request.headers)),
    );

    app.get(
      '/portal/cases/:id',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary: 'A request as its customer sees it: state in plain words, rating, what they may do',
          description: 'By id, or by the request number (`/portal/cases/29`).',
          params: CaseRefParams,
          response: { 200: PortalCase, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => getPortalCase(db, actorOf(request), request.params.id),
    );

    app.put(
      '/portal/cases/:id/rating',
      {
        config: { access: CUSTOMER },
        schema: {
          tags,
          summary: 'Rate a solved request (1–5, optional comment); rating again changes it',
          description: 'Only the customer who asked; 409 not_solved before the case is solved.',
          params: IdParams,
          body: RatingInput,
          response: { 200: Rating, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => rateCase(db, actorOf(request), request.params.id, request.body),
    );

    app.get(
      '/cases/:id/rating',
      {
        schema: {
          tags: ['cases'],
          summary: "The customer's rating of a case, if any",
          params: IdParams,
          response: { 200: z.object({ rating: Rating.nullable() }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({ rating: await getRating(db, actorOf(request), request.params.id) }),
    );

    app.post(
      '/web-form',
      {
        config: { access: 'public' },
        bodyLimit: FILES_BODY_LIMIT,
        // Counted before the body is read: a client over its allowance sends no more megabytes.
        onRequest: async (request) => assertWebFormRate(db, request.ip),
        schema: {
          tags,
          summary: 'Submit the web form: opens a case for the sender (found or created by e-mail)',
          description:
            'JSON with up to 5 files as base64 (10 MiB each; executables refused: 422, too large: 413). 5 submissions per client IP in 10 minutes (429 with retry-after). The answer holds the case number and a thank-you, nothing else.',
          body: WebFormInput,
          response: { 201: WebFormResult, ...errors(400, 413, 422, 429) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await submitWebForm(db, request.body, { ip: request.ip, log: request.log })),
    );
  };
