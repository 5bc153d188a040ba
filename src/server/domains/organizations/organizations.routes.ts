import { timeZoneOf } from '../settings/company-time-zone.js';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, LIMITS, page } from '../../../shared/schemas/common.js';
import {
  Organization,
  OrganizationCreate,
  OrganizationDuplicates,
  OrganizationExportQuery,
  OrganizationListQuery,
  OrganizationMerge,
  OrganizationMerged,
  OrganizationUpdate,
} from '../../../shared/schemas/organizations.js';
import { ADMIN, AUTHED, STAFF, actorOf, csvResponses, errors } from '../../lib/http.js';
import { csvFilename, sendCsv } from '../../lib/csv.js';
import { listFields } from '../fields/fields.service.js';
import { allPages } from '../../lib/pagination.js';
import type { RouteDeps } from '../../routes.js';
import { HistoryPage, HistoryQuery } from '../../../shared/schemas/audit.js';
import * as organizations from './organizations.service.js';
import { listDomainEventsFor, recordExport } from '../domain-events/domain-events.repo.js';
import { organizationColumns, organizationFieldKeys } from './organization-export.js';
import { mergeOrganizations } from './organization-merge.js';
import { findOrganizationDuplicates } from './organizations.repo.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

export const organizationsRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['organizations'];
    app.get(
      '/organizations',
      {
        schema: {
          tags,
          summary: 'List organizations (a customer sees only their own, when allowed)',
          querystring: OrganizationListQuery,
          response: { 200: page(Organization), ...errors(...AUTHED) },
        },
      },
      async (request) => organizations.listOrganizations(db, actorOf(request), request.query),
    );
    app.get(
      '/organizations/export.csv',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Export the organizations a list query selects, as CSV (admins)',
          description:
            'The filters and order of GET /organizations. Columns: Name, Domains (separated by spaces), Segment (its key), Customers (live ones), Notes, Created (in the caller’s time zone, which its header names: "Created (Europe/Berlin)"), Id, then one per custom field in use, headed by its label (`cf.<key>` for a field not defined, or whose label another column has).',
          querystring: OrganizationExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per organization'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const timeZone = await timeZoneOf(db, actor);
        return sendCsv(reply, {
          filename: csvFilename('organizations', timeZone),
          columns: organizationColumns(
            await organizationFieldKeys(db),
            new Map((await listFields(db, 'organization')).map((d) => [d.key, d.label])),
          ),
          timeZone,
          batches: allPages((cursor) =>
            organizations.listOrganizations(db, actor, { ...request.query, limit: LIMITS.pageMax, cursor }),
          ),
          audit: () => recordExport(db, actor, 'organizations', request.query),
        });
      },
    );
    app.post(
      '/organizations',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Create an organization',
          body: OrganizationCreate,
          response: { 201: Organization, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await organizations.createOrganization(db, actorOf(request), request.body)),
    );
    app.get(
      '/organizations/:id',
      { schema: { tags, params: IdParams, response: { 200: Organization, ...errors(...AUTHED, 404) } } },
      async (request) => organizations.getOrganization(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/organizations/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          params: IdParams,
          headers: IfMatchHeaders,
          body: OrganizationUpdate,
          response: { 200: Organization, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        organizations.updateOrganization(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.post(
      '/organizations/:id/merge',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Merge this (duplicate) organization into another',
          description:
            'Moves its customers, cases, agreements, signals and commitments to `intoId` in one transaction (operational events keep the organization they were received with); the survivor adds its e-mail domains and fills its empty fields from it. The merged organization is deleted; its id (events) and name (customer imports) lead to the survivor. An active agreement of its own stays behind when the survivor has one (`left`). There is no undo.',
          params: IdParams,
          body: OrganizationMerge,
          response: { 200: OrganizationMerged, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => mergeOrganizations(db, actorOf(request), request.params.id, request.body.intoId),
    );
    app.get(
      '/organizations/:id/duplicates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Organizations merged into this one, and others that may be the same',
          description:
            '`merged`: organizations merged into this one. `possible`: live organizations whose name is alike (trigram similarity of at least 0.5), most alike first, at most 10.',
          params: IdParams,
          response: { 200: OrganizationDuplicates, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => {
        await organizations.getOrganization(db, actorOf(request), request.params.id);
        return findOrganizationDuplicates(db, request.params.id);
      },
    );
    app.get(
      '/organizations/:id/history',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Every change to the organization record (who, when, what), merges included',
          description: 'The latest changes, oldest first; `olderCursor` leads to those before them.',
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: HistoryPage, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => {
        await organizations.getOrganization(db, actorOf(request), request.params.id);
        return listDomainEventsFor(db, 'organization', request.params.id, request.query);
      },
    );
    app.delete(
      '/organizations/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Delete (soft) an organization without customers',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await organizations.deleteOrganization(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
