import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  DeliveryListQuery,
  DeliveryParams,
  RetryFailed,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookUpdate,
  WebhookWithSecret,
} from '../../../shared/schemas/webhooks.js';
import { ADMIN, AUTHED, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import { configureWebhooks } from './webhook-delivery.js';
import * as webhooks from './webhooks.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

const tags = ['webhooks'];
const access = { access: ADMIN };

export const webhooksRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // The process's webhook settings (as mail.routes.ts does for mail): the sending job reads them.
    configureWebhooks(config);
    app.get(
      '/outgoing-webhooks',
      {
        config: access,
        schema: {
          tags,
          summary: 'The webhooks: outside systems sent the domain events they chose',
          response: { 200: z.object({ items: z.array(Webhook) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await webhooks.listWebhooks(db, actorOf(request)) }),
    );
    app.post(
      '/outgoing-webhooks',
      {
        config: access,
        schema: {
          tags,
          summary: 'Add a webhook; the answer carries its signing secret, shown only this once',
          body: WebhookCreate,
          response: { 201: WebhookWithSecret, ...errors(...AUTHED, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await webhooks.createWebhook(db, actorOf(request), request.body)),
    );
    app.get(
      '/outgoing-webhooks/:id',
      {
        config: access,
        schema: { tags, params: IdParams, response: { 200: Webhook, ...errors(...AUTHED, 404) } },
      },
      async (request) => webhooks.getWebhook(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/outgoing-webhooks/:id',
      {
        config: access,
        schema: {
          tags,
          summary: 'Change a webhook: its name, address, event types, or turn it off and on',
          params: IdParams,
          headers: IfMatchHeaders,
          body: WebhookUpdate,
          response: { 200: Webhook, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        webhooks.updateWebhook(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.delete(
      '/outgoing-webhooks/:id',
      {
        config: access,
        schema: {
          tags,
          summary: 'Delete a webhook and its delivery log',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await webhooks.deleteWebhook(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/outgoing-webhooks/:id/secret',
      {
        config: access,
        schema: {
          tags,
          summary: 'A new signing secret, shown only this once; the old one stops signing at once',
          params: IdParams,
          response: { 200: WebhookWithSecret, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => webhooks.rotateSecret(db, actorOf(request), request.params.id),
    );
    app.post(
      '/outgoing-webhooks/:id/ping',
      {
        config: access,
        schema: {
          tags,
          summary: 'Queue a test delivery (webhook.ping), sent within a second or so',
          params: IdParams,
          response: { 202: WebhookDelivery, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await webhooks.pingWebhook(db, actorOf(request), request.params.id)),
    );
    app.get(
      '/outgoing-webhooks/:id/deliveries',
      {
        config: access,
        schema: {
          tags,
          summary: "A webhook's deliveries, newest first: what was sent, the receiver's answer, retries",
          params: IdParams,
          querystring: DeliveryListQuery,
          response: { 200: page(WebhookDelivery), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => webhooks.listDeliveries(db, actorOf(request), request.params.id, request.query),
    );
    app.get(
      '/outgoing-webhooks/:id/deliveries/:deliveryId',
      {
        config: access,
        schema: {
          tags,
          params: DeliveryParams,
          response: { 200: WebhookDelivery, ...errors(...AUTHED, 404) },
        },
      },
      async (request) =>
        webhooks.getDelivery(db, actorOf(request), request.params.id, request.params.deliveryId),
    );
    app.post(
      '/outgoing-webhooks/:id/deliveries/:deliveryId/retry',
      {
        config: access,
        schema: {
          tags,
          summary: 'Send a delivery again now (its attempts count from zero)',
          params: DeliveryParams,
          response: { 200: WebhookDelivery, ...errors(...AUTHED, 404) },
        },
      },
      async (request) =>
        webhooks.retryDelivery(db, actorOf(request), request.params.id, request.params.deliveryId),
    );
    app.post(
      '/outgoing-webhooks/:id/deliveries/retry-failed',
      {
        config: access,
        schema: {
          tags,
          summary: 'Send every failed delivery of the webhook again (after the receiver was down)',
          params: IdParams,
          response: { 200: RetryFailed, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => webhooks.retryFailed(db, actorOf(request), request.params.id),
    );
  };
