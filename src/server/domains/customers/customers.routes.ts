import { timeZoneOf } from '../settings/company-time-zone.js';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, LIMITS, page } from '../../../shared/schemas/common.js';
import {
  Customer,
  CustomerCreate,
  CustomerExportQuery,
  CustomerListQuery,
  CustomerDuplicates,
  CustomerErased,
  CustomerEraseRequest,
  CustomerErasure,
  CustomerMerge,
  CustomerMerged,
  CustomerUpdate,
  CustomerUpsert,
  DuplicateGroups,
  ExternalIdParams,
} from '../../../shared/schemas/customers.js';
import { csvFilename, sendCsv } from '../../lib/csv.js';
import { loadDefinitions } from '../fields/fields.service.js';
import { ADMIN, AUTHED, STAFF, actorOf, csvResponses, errors } from '../../lib/http.js';
import { allPages } from '../../lib/pagination.js';
import type { RouteDeps } from '../../routes.js';
import { HistoryPage, HistoryQuery } from '../../../shared/schemas/audit.js';
import { listDomainEventsFor, recordExport } from '../domain-events/domain-events.repo.js';
import { customerColumns, customerFieldKeys } from './customer-export.js';
import * as customers from './customers.service.js';
import { mergeCustomers } from './customer-merge.js';
import { eraseCustomer, erasurePreview } from './customer-erasure.js';
import { findDuplicateGroups, findDuplicates } from './customers.repo.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { PersonalData } from '../../../shared/schemas/personal-data.js';
import { exportPersonalData } from './personal-data.js';

export const customersRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['customers'];
    app.get(
      '/customers',
      {
        schema: {
          tags,
          summary: 'List customers (a customer sees themselves, and their organization when allowed)',
          querystring: CustomerListQuery,
          response: { 200: page(Customer), ...errors(...AUTHED) },
        },
      },
      async (request) => customers.listCustomers(db, actorOf(request), request.query),
    );
    app.get(
      '/customers/export.csv',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Export the customers a list query selects, as CSV in the import format (admins)',
          description:
            'The filters and order of GET /customers. The columns are those POST /imports/customers reads, under the names it reads too: Name, E-mail, Phone, Organization, Segment (its key), Language, Time zone, External id, Organization access, then one per custom field in use headed by its label (`cf.<key>` when the field is switched off or its label is not unique). A file exported here imports as it is.',
          querystring: CustomerExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per customer'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        return sendCsv(reply, {
          filename: csvFilename('customers', await timeZoneOf(db, actor)),
          columns: customerColumns(
            await customerFieldKeys(db),
            new Map((await loadDefinitions(db, 'customer')).map((d) => [d.key, d.label])),
          ),
          batches: allPages((cursor) =>
            customers.listCustomers(db, actor, { ...request.query, limit: LIMITS.pageMax, cursor }),
          ),
          audit: () => recordExport(db, actor, 'customers', request.query),
        });
      },
    );
    app.get(
      '/customers/duplicates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Customers who may be the same person, in groups (a cleanup list)',
          description:
            'Live customers sharing a name (any case) or a phone number (its digits, six or more), grouped, the largest groups first, at most 50 groups; `total` counts them all. Each customer comes with their number of cases. Merge a group with `POST /customers/:id/merge`.',
          response: { 200: DuplicateGroups, ...errors(...AUTHED) },
        },
      },
      async () => findDuplicateGroups(db),
    );
    app.post(
      '/customers',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Create a customer',
          body: CustomerCreate,
          response: { 201: Customer, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await customers.createCustomer(db, actorOf(request), request.body)),
    );
    app.put(
      '/customers/by-external-id/:externalId',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Create or update the customer another system knows by this id (staff)',
          description:
            'For keeping customers in step with a CRM or ERP in one call: creates the customer with this `externalId` (201) when there is none, otherwise changes the fields sent (200; fields left out stay as they are, `null` clears one; nothing sent that differs changes nothing). The external id of a customer merged into another leads to that other. Calls for the same id at once make one customer.',
          params: ExternalIdParams,
          body: CustomerUpsert,
          response: { 200: Customer, 201: Customer, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) => {
        const { customer, created } = await customers.upsertCustomerByExternalId(
          db,
          actorOf(request),
          request.params.externalId,
          request.body,
        );
        return reply.status(created ? 201 : 200).send(customer);
      },
    );
    app.get(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Read a customer',
          params: IdParams,
          response: { 200: Customer, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => customers.getCustomer(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/customers/:id',
      {
        schema: {
          tags,
          summary: 'Change a customer (customers may change their own name, phone, language and time zone)',
          params: IdParams,
          headers: IfMatchHeaders,
          body: CustomerUpdate,
          response: { 200: Customer, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        customers.updateCustomer(
          db,
          actorOf(request),
          request.params.id,
          request.body,
          ifMatchOf(request.headers),
        ),
    );
    app.post(
      '/customers/:id/merge',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Merge this (duplicate) customer into another',
          description:
            "Moves everything this customer has (cases, the messages they wrote, portal logins, agreements made for them, signals, commitments, events, ratings) to the customer named by `intoId`, which keeps its own fields and fills its empty ones from this one. This customer is then deleted, but its e-mail address, external id and id keep leading to the other (incoming mail, events, links). Moved cases keep their agreement and promise clocks. There is no undo; both customers' audit logs record it.",
          params: IdParams,
          body: CustomerMerge,
          response: { 200: CustomerMerged, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => mergeCustomers(db, actorOf(request), request.params.id, request.body.intoId),
    );
    const ERASURE_DOC =
      'Irreversible. The customer and every customer merged into them lose their name (it becomes “Erased customer”), addresses, phone, external id and custom fields, and are deleted; their portal login is deleted with its sessions and links. Their cases (deleted ones too) lose their subject, custom fields and copies, and every message on them its text; attachments are deleted; mail to, from or about them loses its subject, bodies, source and their addresses; operational events about them lose their `data`; the audit trail and webhook deliveries about all of these keep only fields without free text. Their unsolved cases are closed (the live signals they handle resolved with them); their live signals no case handles are dismissed (“the customer was erased”), their pending actions skipped. What happened and when stays (statuses, channels, teams, dates, promise clocks, signals, commitments), so past KPIs do not change. Works on deleted customers; refused for one merged into another (erase that one).';
    app.get(
      '/customers/:id/erasure',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'What erasing this customer’s personal data would touch',
          description: `Counts, for the confirmation. ${ERASURE_DOC}`,
          params: IdParams,
          response: { 200: CustomerErasure, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) => erasurePreview(db, actorOf(request), request.params.id),
    );
    app.post(
      '/customers/:id/erase',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Erase a customer’s personal data (right to erasure)',
          description: `\`confirm\` must be the customer’s name as it is now (422 \`confirmation_mismatch\` otherwise); 409 \`already_erased\` or \`merged\`. ${ERASURE_DOC}`,
          params: IdParams,
          body: CustomerEraseRequest,
          response: { 200: CustomerErased, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => eraseCustomer(db, actorOf(request), request.params.id, request.body.confirm),
    );
    app.delete(
      '/customers/:id',
      {
        config: { access: ['admin'] },
        schema: {
          tags,
          summary: 'Delete (soft) a customer and their portal login',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await customers.deleteCustomer(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/customers/:id/duplicates',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Customers merged into this one, and others who may be the same person',
          description:
            '`merged`: customers merged into this one (their e-mail addresses and external ids lead here). `possible`: live customers with the same name (any case) or the same phone number (its digits, six or more), at most 10: candidates for a merge.',
          params: IdParams,
          response: { 200: CustomerDuplicates, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => {
        await customers.getCustomer(db, actorOf(request), request.params.id);
        return findDuplicates(db, request.params.id);
      },
    );
    app.get(
      '/customers/:id/personal-data',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary:
            'Everything Steward holds about one customer, as a JSON file (GDPR subject access; admins)',
          description:
            'A download (`content-disposition: attachment`): the customer record, records merged into it, the portal login (no password or token hashes), agreements made for them, their cases with the public messages (not internal notes or side conversations; attachment names, not files), messages they wrote on other cases, ratings, help center votes, operational events, signals, commitments, and the mail to and from their addresses (the envelope, not the source). `notes` says what is left out. A deleted customer is exported too; one merged into another answers 404 `customer_merged` naming the survivor. Each export is recorded on the customer (`customer.personal_data_exported`).',
          params: IdParams,
          response: { 200: PersonalData, ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        const document = await exportPersonalData(db, actorOf(request), request.params.id);
        return reply
          .header('content-disposition', `attachment; filename="personal-data-${request.params.id}.json"`)
          .header('cache-control', 'private, no-store')
          .send(document);
      },
    );
    app.get(
      '/customers/:id/history',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Every change to the customer record (who, when, what)',
          description: 'The latest changes, oldest first; `olderCursor` leads to those before them.',
          params: IdParams,
          querystring: HistoryQuery,
          response: { 200: HistoryPage, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => {
        await customers.getCustomer(db, actorOf(request), request.params.id);
        return listDomainEventsFor(db, 'customer', request.params.id, request.query);
      },
    );
  };
