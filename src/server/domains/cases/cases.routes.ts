import { timeZoneOf } from '../settings/company-time-zone.js';
import { z } from 'zod';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { Id, IdParams, page } from '../../../shared/schemas/common.js';
import {
  Attachment,
  BulkCaseUpdate,
  Case,
  CaseOpened,
  CaseCreate,
  CaseExportQuery,
  CaseListQuery,
  CaseRefParams,
  CaseStatus,
  CaseSummary,
  CaseUpdate,
  DeletedCase,
  FollowUpAt,
  FollowUpTimes,
  Category,
  CategoryInput,
  Message,
  MessageWritten,
  MessageCreate,
  TimelineEntry,
} from '../../../shared/schemas/cases.js';
import { CaseView, CaseViewInput } from '../../../shared/schemas/views.js';
import { csvFilename, sendCsv } from '../../lib/csv.js';
import { recordExport } from '../domain-events/domain-events.repo.js';
import { ADMIN, AUTHED, STAFF, actorOf, csvResponses, errors } from '../../lib/http.js';
import { unprocessable } from '../../lib/errors.js';
import type { RouteDeps } from '../../routes.js';
import { MAX_ATTACHMENT_BYTES, readAttachment, uploadAttachment } from './attachments.service.js';
import { caseColumns } from './case-export.js';
import * as relations from './case-relations.service.js';
import * as removal from './case-removal.service.js';
import { SpamMany, SpamManyResult, SpamResult } from '../../../shared/schemas/mail.js';
import * as cases from './cases.service.js';
import * as catalog from './catalog.service.js';
import { listFields } from '../fields/fields.service.js';
import { addMessage, listMessages } from './messages.service.js';
import * as views from './views.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';
import { openOrJoinCase } from './proactive-contact.js';

const LinkedCase = z.object({ id: Id, number: z.number().int(), subject: z.string(), status: z.string() });
const Presence = z.object({ userId: Id, name: z.string(), composing: z.boolean(), seenAt: z.string() });
const tags = ['cases'];

export const casesRoutes =
  ({ db }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/cases',
      {
        schema: {
          tags,
          summary: 'List cases: queue filters, saved views, full-text search; urgency order by default',
          querystring: CaseListQuery,
          response: { 200: page(CaseSummary), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => cases.listCases(db, actorOf(request), request.query),
    );
    app.get(
      '/cases/export.csv',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Export the cases a list query selects, as CSV (staff)',
          description:
            'The filters, saved view and order of GET /cases, every matching case (no paging). Values in words as the web shows them (status "On hold", category by its name, channel "Web form"). Times are local to `timezone`, which each time column’s header names ("Created (Europe/Berlin)"). One column per custom field, headed by its label.',
          querystring: CaseExportQuery,
          response: csvResponses('CSV, UTF-8 with a byte-order mark, one row per case'),
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { timezone = await timeZoneOf(db, actor), ...q } = request.query;
        return sendCsv(reply, {
          filename: csvFilename('cases', timezone),
          columns: caseColumns(
            await listFields(db, 'case'),
            new Map((await catalog.listCategories(db)).map((c) => [c.key, c.name])),
          ),
          batches: cases.exportCases(db, actor, q),
          timeZone: timezone,
          audit: () => recordExport(db, actor, 'cases', { ...request.query, timezone }),
        });
      },
    );
    app.post(
      '/cases',
      {
        schema: {
          tags,
          summary: 'Open a case (customers: for themselves; admins may give a historic createdAt)',
          description:
            'A message from the customer about something an open proactive case already covers (a ref it shares, a ref value it mentions, or none mentioned at all) joins that case: the answer is then 200 with that case and the header x-steward-joined: proactive.',
          body: CaseCreate,
          response: { 200: CaseOpened, 201: CaseOpened, ...errors(...AUTHED, 422) },
        },
      },
      async (request, reply) => {
        const opened = await openOrJoinCase(db, actorOf(request), request.body);
        if (opened.joined) reply.header('x-steward-joined', 'proactive');
        return reply.status(opened.joined ? 200 : 201).send({ ...opened.case, delivery: opened.delivery });
      },
    );
    app.get(
      '/cases/:id',
      {
        schema: {
          tags,
          summary: 'A case with its promise clocks',
          description:
            'By id, or by the case number people quote (`/cases/29`); the same access rules either way.',
          params: CaseRefParams,
          response: { 200: Case, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => cases.getCase(db, actorOf(request), request.params.id),
    );
    app.get(
      '/cases/:id/follow-up-times',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'When a waiting case could open again, on its business calendar (staff)',
          description:
            'The presets agents pick a follow-up from (next business day, in 3 business days, in a week, in two weeks), on the calendar of the case’s agreement: open days only, at 09:00 local time or the day’s first opening after it. A case without an agreement gets none (`calendar: null`). Set one with `PATCH /cases/{id}` `followUpAt`.',
          params: IdParams,
          response: { 200: FollowUpTimes, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => cases.caseFollowUpTimes(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/cases/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Change a case; If-Match refuses a change made on a stale copy',
          description:
            'Any change to the case moves its updatedAt (a message too). Without If-Match, the fields sent apply on top. ' +
            'Tags: `tags` replaces the whole list (send If-Match, so a tag a colleague added meanwhile is not dropped unasked); ' +
            '`addTags`/`removeTags` change the list as it is when saved, and so need no If-Match. `tags` with either is a 400.',
          params: IdParams,
          headers: IfMatchHeaders,
          body: CaseUpdate,
          response: { 200: Case, ...errors(...AUTHED, 404, 409, 412, 422) },
        },
      },
      async (request) =>
        cases.updateCase(db, actorOf(request), request.params.id, request.body, ifMatchOf(request.headers)),
    );
    app.post(
      '/cases/bulk',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Change many cases at once (all or none)',
          body: BulkCaseUpdate,
          response: { 200: z.object({ updated: z.number().int() }), ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => cases.bulkUpdateCases(db, actorOf(request), request.body),
    );
    app.get(
      '/cases/:id/messages',
      {
        schema: {
          tags,
          summary: 'The conversation (customers see public messages only)',
          params: IdParams,
          response: { 200: z.object({ items: z.array(Message) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({ items: await listMessages(db, actorOf(request), request.params.id) }),
    );
    app.post(
      '/cases/:id/messages',
      {
        schema: {
          tags,
          summary: 'Reply (public) or add an internal note; optionally set the status in the same step',
          params: IdParams,
          body: MessageCreate.extend({
            status: CaseStatus.optional().describe('staff: the case status after this message'),
            followUpAt: FollowUpAt.optional().describe(
              'staff: with status pending or on hold, when the case opens again',
            ),
          }),
          response: { 201: MessageWritten, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await addMessage(db, actorOf(request), request.params.id, request.body)),
    );
    app.get(
      '/cases/:id/timeline',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Every change: who, when, what (fields, status, assignment, messages, promises)',
          params: IdParams,
          response: { 200: z.object({ items: z.array(TimelineEntry) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({ items: await relations.caseTimeline(db, actorOf(request), request.params.id) }),
    );
    app.post(
      '/cases/:id/merge',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Merge this case into another: messages and links move, this one closes and points there',
          params: IdParams,
          body: z.strictObject({ intoId: Id }),
          response: { 200: Case, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => {
        await relations.mergeCases(db, actorOf(request), request.params.id, request.body.intoId);
        return cases.getCase(db, actorOf(request), request.body.intoId);
      },
    );
    app.get(
      '/cases/:id/links',
      {
        schema: {
          tags,
          summary: 'Related cases',
          params: IdParams,
          response: { 200: z.object({ items: z.array(LinkedCase) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({
        items: await relations.listLinkedCases(db, actorOf(request), request.params.id),
      }),
    );
    app.post(
      '/cases/:id/links',
      {
        config: { access: STAFF },
        schema: {
          tags,
          params: IdParams,
          body: z.strictObject({ caseId: Id }),
          response: { 204: z.null(), ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request, reply) => {
        await relations.linkCases(db, actorOf(request), request.params.id, request.body.caseId);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/cases/deleted',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary: 'Deleted cases (admins), newest first, at most 200: deleted, or marked as spam',
          response: { 200: z.object({ items: z.array(DeletedCase) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await removal.listDeletedCases(db, actorOf(request)) }),
    );
    app.post(
      '/cases/:id/restore',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary:
            'Restore a deleted case (admins): listed again, clocks started again; a spam mark is undone (sender unblocked, customer back)',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await removal.restoreCase(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/cases/spam',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Mark several cases as spam at once (all or none; at most 100)',
          body: SpamMany,
          response: { 200: SpamManyResult, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => removal.markSpamMany(db, actorOf(request), request.body.ids),
    );
    app.post(
      '/cases/:id/spam',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Mark as spam: the case is deleted, its customer’s address blocked (their mail is ignored), and the customer deleted when it was their only case',
          params: IdParams,
          response: { 200: SpamResult, ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request) => removal.markSpam(db, actorOf(request), request.params.id),
    );
    app.delete(
      '/cases/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags,
          summary:
            'Delete a case (admins): gone from every list; its running clocks end; the audit log keeps it',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 422) },
        },
      },
      async (request, reply) => {
        await removal.deleteCase(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.delete(
      '/cases/:id/links/:otherId',
      {
        config: { access: STAFF },
        schema: {
          tags,
          params: z.strictObject({ id: Id, otherId: Id }),
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await relations.unlinkCases(db, actorOf(request), request.params.id, request.params.otherId);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/cases/:id/presence',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Other agents with this case open',
          params: IdParams,
          response: { 200: z.object({ items: z.array(Presence) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({ items: await relations.listPresence(db, actorOf(request), request.params.id) }),
    );
    app.post(
      '/cases/:id/presence',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Heartbeat: I have this case open (composing: I am writing a reply); answers who else has',
          params: IdParams,
          body: z.strictObject({ composing: z.boolean().default(false) }),
          response: { 200: z.object({ items: z.array(Presence) }), ...errors(...AUTHED, 404) },
        },
      },
      async (request) => ({
        items: await relations.touchPresence(db, actorOf(request), request.params.id, request.body.composing),
      }),
    );

    // Saved views
    app.get(
      '/views',
      {
        config: { access: STAFF },
        schema: {
          tags: ['views'],
          summary: 'Queue views with their counts',
          response: { 200: z.object({ items: z.array(CaseView) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await views.listViews(db, actorOf(request)) }),
    );
    app.post(
      '/views',
      {
        config: { access: STAFF },
        schema: {
          tags: ['views'],
          summary: 'Save a view: personal, or shared with every agent (admins)',
          body: CaseViewInput,
          response: { 201: CaseView, ...errors(...AUTHED) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await views.createView(db, actorOf(request), request.body)),
    );
    app.get(
      '/views/:id',
      {
        config: { access: STAFF },
        schema: {
          tags: ['views'],
          summary: 'One view (a shared one, or your own) with its count',
          params: IdParams,
          response: { 200: CaseView, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => views.getView(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/views/:id',
      {
        config: { access: STAFF },
        schema: {
          tags: ['views'],
          summary: 'Change a view (personal: its owner; shared: admins); If-Match refuses a stale copy',
          params: IdParams,
          headers: IfMatchHeaders,
          body: CaseViewInput.partial(),
          response: { 200: CaseView, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        views.updateView(db, actorOf(request), request.params.id, request.body, ifMatchOf(request.headers)),
    );
    app.delete(
      '/views/:id',
      {
        config: { access: STAFF },
        schema: { tags: ['views'], params: IdParams, response: { 204: z.null(), ...errors(...AUTHED, 404) } },
      },
      async (request, reply) => {
        await views.deleteView(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    // Catalog: categories and custom fields
    app.get(
      '/categories',
      {
        // Staff only: the list holds internal categories too. Customers have GET /portal/categories
        // (the active ones offered to them).
        config: { access: STAFF },
        schema: {
          tags: ['catalog'],
          summary:
            'Every case category, internal ones included (staff; customers use GET /portal/categories)',
          response: { 200: z.object({ items: z.array(Category) }), ...errors(...AUTHED) },
        },
      },
      async () => ({ items: await catalog.listCategories(db) }),
    );
    app.post(
      '/categories',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['catalog'],
          body: CategoryInput,
          response: { 201: Category, ...errors(...AUTHED, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await catalog.createCategory(db, actorOf(request), request.body)),
    );
    app.patch(
      '/categories/:key',
      {
        config: { access: ADMIN },
        schema: {
          tags: ['catalog'],
          params: z.strictObject({ key: z.string().max(50) }),
          body: CategoryInput.omit({ key: true }).partial(),
          response: { 200: Category, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => catalog.updateCategory(db, actorOf(request), request.params.key, request.body),
    );
    // Attachments: raw upload in its own scope, so only this route accepts any content type.
    await app.register(async (scope) => {
      const files = scope.withTypeProvider<ZodTypeProvider>();
      // Every type arrives as raw bytes here (the built-in JSON and text parsers would not).
      files.removeAllContentTypeParsers();
      files.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: MAX_ATTACHMENT_BYTES + 1 },
        (_req, body, done) => done(null, body),
      );
      files.post(
        '/cases/:id/attachments',
        {
          bodyLimit: MAX_ATTACHMENT_BYTES + 1,
          schema: {
            tags,
            summary:
              'Upload a file (raw body, its Content-Type; ?filename=); then send it with a message (attachmentIds)',
            params: IdParams,
            querystring: z.strictObject({ filename: z.string().min(1).max(255) }),
            response: { 201: Attachment, ...errors(...AUTHED, 404, 413, 422) },
          },
        },
        async (request, reply) => {
          const data = request.body as unknown;
          if (!Buffer.isBuffer(data))
            throw unprocessable('invalid_attachment', 'send the file as the raw request body');
          const contentType = (request.headers['content-type'] ?? 'application/octet-stream')
            .split(';')[0]!
            .trim();
          const created = await uploadAttachment(db, actorOf(request), request.params.id, {
            filename: request.query.filename,
            contentType,
            data,
          });
          return reply.status(201).send(created);
        },
      );
    });
    app.get(
      '/attachments/:id',
      {
        schema: {
          tags,
          summary: 'Download a file (only if you may see its message)',
          params: IdParams,
          response: errors(...AUTHED, 404),
        },
      },
      async (request, reply) => {
        const file = await readAttachment(db, actorOf(request), request.params.id);
        const inline = /^image\/(png|jpeg|gif|webp)$/.test(file.contentType);
        const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
        return reply
          .header('content-type', file.contentType)
          .header(
            'content-disposition',
            `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
          )
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, max-age=3600')
          .send(file.data as never);
      },
    );
  };
