import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CustomFieldDefinition,
  CustomFieldDefinitionInput,
  CustomFieldDefinitionUpdate,
  FIELD_ENTITIES,
} from '../../../shared/schemas/fields.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as fields from './fields.service.js';

const KeyParams = z.strictObject({ key: z.string().max(50) });
const PLURAL = { case: 'cases', customer: 'customers', organization: 'organizations' } as const;

/** `/case-fields`, `/customer-fields`, `/organization-fields`: one list of typed fields each. */
export const fieldsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['fields'];
    for (const entity of FIELD_ENTITIES) {
      const path = `/${entity}-fields`;
      // Customers read the customer and organization fields shown to them (their labels).
      const readers = entity === 'case' ? { config: { access: STAFF } } : {};
      app.get(
        path,
        {
          ...readers,
          schema: {
            tags,
            summary: `List the custom fields of ${PLURAL[entity]} (switched-off ones too; a customer: those shown to customers)`,
            response: { 200: z.object({ items: z.array(CustomFieldDefinition) }), ...errors(...AUTHED) },
          },
        },
        async (request) => ({
          items: (await fields.listFields(db, entity, actorOf(request))).map(fields.toFieldDto),
        }),
      );
      app.post(
        path,
        {
          config: { access: ADMIN },
          schema: {
            tags,
            summary: `Define a typed custom field for ${PLURAL[entity]}`,
            body: CustomFieldDefinitionInput,
            response: { 201: CustomFieldDefinition, ...errors(...AUTHED, 409, 422) },
          },
        },
        async (request, reply) =>
          reply.status(201).send(await fields.createField(db, actorOf(request), entity, request.body)),
      );
      app.get(
        `${path}/:key`,
        {
          ...readers,
          schema: {
            tags,
            summary: `Read one custom field of ${PLURAL[entity]}`,
            params: KeyParams,
            response: { 200: CustomFieldDefinition, ...errors(...AUTHED, 404) },
          },
        },
        async (request) => fields.getField(db, entity, request.params.key, actorOf(request)),
      );
      app.patch(
        `${path}/:key`,
        {
          config: { access: ADMIN },
          schema: {
            tags,
            summary: `Change a custom field of ${PLURAL[entity]} (its key and type stay)`,
            params: KeyParams,
            headers: IfMatchHeaders,
            body: CustomFieldDefinitionUpdate,
            response: { 200: CustomFieldDefinition, ...errors(...AUTHED, 404, 412, 422) },
          },
        },
        async (request) =>
          fields.updateField(
            db,
            actorOf(request),
            entity,
            request.params.key,
            request.body,
            ifMatchOf(request.headers),
          ),
      );
    }
  };
