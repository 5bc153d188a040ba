// The knowledge base over HTTP: authoring under /kb (staff; categories: admins), the help center
// under /help (public: published articles only), votes, suggestions and deflection reports.
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page } from '../../../shared/schemas/common.js';
import {
  CaseSuggestQuery,
  DeflectionAnswer,
  DeflectionCreate,
  HelpArticle,
  HelpArticlePage,
  HelpArticleQuery,
  HelpCategories,
  HelpCategoriesQuery,
  HelpListQuery,
  HelpSuggestQuery,
  KbArticle,
  KbArticleCreate,
  KbArticleListQuery,
  KbArticleSummary,
  KbArticleUpdate,
  KbCategory,
  KbCategoryCreate,
  KbCategoryUpdate,
  KbDraft,
  KbLanguageParams,
  KbPreview,
  KbReport,
  KbReportQuery,
  KbSuggestions,
  KbVoteAnswer,
  KbVoteCreate,
  SlugParams,
} from '../../../shared/schemas/kb.js';
import { ADMIN, AUTHED, STAFF, actorOf, errors } from '../../lib/http.js';
import type { RouteDeps } from '../../routes.js';
import * as kb from './kb.service.js';
import { IfMatchHeaders, ifMatchOf } from '../../lib/edit-version.js';

/** Public routes need no token (the OpenAPI document says so). */
const anonymous = { security: [] as Record<string, string[]>[] };

export const kbRoutes =
  ({ db, config }: RouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // ---- categories ------------------------------------------------------------------------------
    const catTags = ['knowledge base'];
    app.get(
      '/kb/categories',
      {
        config: { access: STAFF },
        schema: {
          tags: catTags,
          summary: 'Knowledge-base categories with their number of live articles',
          response: { 200: z.object({ items: z.array(KbCategory) }), ...errors(...AUTHED) },
        },
      },
      async (request) => ({ items: await kb.listCategories(db, actorOf(request)) }),
    );
    app.post(
      '/kb/categories',
      {
        config: { access: ADMIN },
        schema: {
          tags: catTags,
          summary: 'Add a category (keys are never reused)',
          body: KbCategoryCreate,
          response: { 201: KbCategory, ...errors(...AUTHED, 409) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await kb.createCategory(db, actorOf(request), request.body)),
    );
    app.patch(
      '/kb/categories/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags: catTags,
          summary: 'Rename or reorder a category',
          params: IdParams,
          body: KbCategoryUpdate,
          response: { 200: KbCategory, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => kb.updateCategory(db, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/kb/categories/:id',
      {
        config: { access: ADMIN },
        schema: {
          tags: catTags,
          summary: 'Delete (soft) an empty category; 409 category_in_use while articles are in it',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request, reply) => {
        await kb.deleteCategory(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );

    // ---- articles (staff) ------------------------------------------------------------------------
    const tags = ['knowledge base'];
    app.get(
      '/kb/articles',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'Articles with their languages and what is published or waiting as a draft, newest change first',
          querystring: KbArticleListQuery,
          response: { 200: page(KbArticleSummary), ...errors(...AUTHED) },
        },
      },
      async (request) => kb.listArticles(db, actorOf(request), request.query),
    );
    app.post(
      '/kb/articles',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Write a new article: it starts as a draft (version 1) in the given language',
          body: KbArticleCreate,
          response: { 201: KbArticle, ...errors(...AUTHED, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await kb.createArticle(db, actorOf(request), request.body)),
    );
    app.get(
      '/kb/articles/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary:
            'An article: every language variant with what is published, the waiting draft and all versions',
          params: IdParams,
          response: { 200: KbArticle, ...errors(...AUTHED, 404) },
        },
      },
      async (request) => kb.getArticle(db, actorOf(request), request.params.id),
    );
    app.patch(
      '/kb/articles/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Change the slug or the category',
          params: IdParams,
          body: KbArticleUpdate,
          response: { 200: KbArticle, ...errors(...AUTHED, 404, 409, 422) },
        },
      },
      async (request) => kb.updateArticle(db, actorOf(request), request.params.id, request.body),
    );
    app.delete(
      '/kb/articles/:id',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Delete (soft): readers no longer find it; its versions, votes and slug stay',
          params: IdParams,
          response: { 204: z.null(), ...errors(...AUTHED, 404) },
        },
      },
      async (request, reply) => {
        await kb.deleteArticle(db, actorOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
    app.put(
      '/kb/articles/:id/languages/:language/draft',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Save the draft of a language (a new language starts here)',
          description:
            'Edits the newest version while it is an unpublished draft; after a published or archived version, starts a new draft version.',
          params: KbLanguageParams,
          headers: IfMatchHeaders,
          body: KbDraft,
          response: { 200: KbArticle, ...errors(...AUTHED, 404, 412) },
        },
      },
      async (request) =>
        kb.saveDraft(db, actorOf(request), {
          articleId: request.params.id,
          language: request.params.language,
          draft: request.body,
          expected: ifMatchOf(request.headers),
        }),
    );
    app.post(
      '/kb/articles/:id/languages/:language/publish',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Publish the newest draft of a language; the version published before is archived',
          params: KbLanguageParams,
          response: { 200: KbArticle, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) =>
        kb.publish(db, actorOf(request), { articleId: request.params.id, language: request.params.language }),
    );
    app.post(
      '/kb/articles/:id/languages/:language/unpublish',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Take a language off the help center (its published version is archived)',
          params: KbLanguageParams,
          response: { 200: KbArticle, ...errors(...AUTHED, 404, 409) },
        },
      },
      async (request) =>
        kb.unpublish(db, actorOf(request), {
          articleId: request.params.id,
          language: request.params.language,
        }),
    );
    app.post(
      '/kb/preview',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Render Markdown as readers will see it',
          body: KbPreview,
          response: { 200: z.object({ bodyHtml: z.string() }), ...errors(...AUTHED) },
        },
      },
      async (request) => kb.previewMarkdown(actorOf(request), request.body.bodyMd),
    );
    app.get(
      '/kb/suggest',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Published articles for a case: matching its subject and newest customer message',
          description:
            'Or, with `q`, matching the words the agent searches for (a word’s beginning is enough). In the customer’s language when known. Up to 5, best first.',
          querystring: CaseSuggestQuery,
          response: { 200: KbSuggestions, ...errors(...AUTHED, 404) },
        },
      },
      async (request) =>
        kb.suggestForCase(db, actorOf(request), {
          caseId: request.query.caseId,
          q: request.query.q,
          publicUrl: config.publicUrl,
        }),
    );
    app.get(
      '/kb/report',
      {
        config: { access: STAFF },
        schema: {
          tags,
          summary: 'Helpfulness per article and deflection per channel in a period',
          querystring: KbReportQuery,
          response: { 200: KbReport, ...errors(...AUTHED) },
        },
      },
      async (request) => kb.report(db, actorOf(request), request.query),
    );

    // ---- help center (public) --------------------------------------------------------------------
    const helpTags = ['help center'];
    app.get(
      '/help/articles',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: 'Published articles: search (best first) or list (by title)',
          querystring: HelpListQuery,
          response: { 200: HelpArticlePage, ...errors(400) },
        },
      },
      async (request) => kb.searchHelp(db, request.query),
    );
    app.get(
      '/help/articles/:slug',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: 'A published article, in the language asked for or the closest one published',
          params: SlugParams,
          querystring: HelpArticleQuery,
          response: { 200: HelpArticle, ...errors(400, 404) },
        },
      },
      async (request) => kb.getHelpArticle(db, request.params.slug, request.query.language),
    );
    app.get(
      '/help/categories',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: 'Categories with published articles, and the languages articles are published in',
          querystring: HelpCategoriesQuery,
          response: { 200: HelpCategories, ...errors(400) },
        },
      },
      async (request) => kb.helpCategories(db, request.query.language),
    );
    app.post(
      '/help/articles/:slug/vote',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: '"Did this help?" One vote per reader and article; voting again changes it',
          description:
            'Signed-in customers vote as themselves; anyone else sends the random visitorKey their browser keeps. Rate-limited per IP (429 with Retry-After).',
          params: SlugParams,
          body: KbVoteCreate,
          response: { 200: KbVoteAnswer, ...errors(400, 404, 422, 429) },
        },
      },
      async (request) =>
        kb.vote(db, request.actor, { slug: request.params.slug, input: request.body, ip: request.ip }),
    );
    app.get(
      '/help/suggest',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: 'Articles for what a customer is writing (web form, portal): up to 5, best first',
          description:
            'Pass record=1 once per set of suggestions the form shows (after typing pauses), not per keystroke: a shown, non-empty set counts as `suggested` in the deflection report.',
          querystring: HelpSuggestQuery,
          response: { 200: KbSuggestions, ...errors(400) },
        },
      },
      async (request) =>
        kb.suggestForCustomer(db, {
          q: request.query.q,
          language: request.query.language,
          channel: request.query.channel,
          record: request.query.record,
          ip: request.ip,
          publicUrl: config.publicUrl,
        }),
    );
    app.post(
      '/help/deflections',
      {
        config: { access: 'public' },
        schema: {
          ...anonymous,
          tags: helpTags,
          summary: 'How a request with suggestions ended: deflected (an article answered) or submitted',
          description: 'Rate-limited per IP (429 with Retry-After).',
          body: DeflectionCreate,
          response: { 201: DeflectionAnswer, ...errors(400, 422, 429) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await kb.recordDeflection(db, { input: request.body, ip: request.ip })),
    );
  };
