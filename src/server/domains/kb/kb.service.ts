// Knowledge-base use cases. Authoring: an article has one variant per language; each variant is
// a series of versions. Saving edits the newest version while it is a draft, or starts a new
// draft after a published/archived one; publishing makes the newest draft the one readers see and
// archives the one they saw; unpublishing archives it. Versions are never deleted (history).
// Every change writes its domain event in its transaction, and changes to one article take turns
// (the article row is locked), so version numbers never collide.
//
// Readers see published versions of live articles only (help center, votes, suggestions).
import { periodOf } from '../commitments/commitments.service.js';
import { createHash } from 'node:crypto';
import type { Database } from '../../../db/client.js';
import { pickLanguage } from '../../../core/kb/language.js';
import { markdownToText, renderMarkdown } from '../../../core/kb/markdown.js';
import { orPrefixQuery, queryWords, searchTerms, snippet } from '../../../core/kb/search-text.js';
import type {
  DeflectionChannel,
  DeflectionCreate,
  HelpArticle,
  HelpArticleSummary,
  HelpCategories,
  HelpListQuery,
  KbArticle,
  KbArticleCreate,
  KbArticleListQuery,
  KbArticleSummary,
  KbArticleUpdate,
  KbCategory,
  KbCategoryCreate,
  KbCategoryUpdate,
  KbDraft,
  KbLanguageVariant,
  KbReport,
  KbSuggestion,
  KbVersion,
  KbVoteCreate,
} from '../../../shared/schemas/kb.js';
import { KB_LIMITS } from '../../../shared/schemas/kb.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { translateDbError } from '../../lib/db-errors.js';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../lib/errors.js';
import { assertWithinRate } from '../../lib/rate-limit.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { assertCanAuthor, assertCanManageCategories, assertCanReadKbStaffViews } from './kb.policy.js';
import * as repo from './kb.repo.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { eq } from 'drizzle-orm';
import { kbArticles } from './kb.table.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

// ---- categories ---------------------------------------------------------------------------------

const categoryTaken = (key: string) =>
  conflict('category_exists', `a category with key "${key}" exists or existed; keys are never reused`);

export async function listCategories(db: Database, actor: Actor): Promise<KbCategory[]> {
  assertCanReadKbStaffViews(actor);
  return repo.listCategories(db);
}

export async function createCategory(
  db: Database,
  actor: Actor,
  input: KbCategoryCreate,
): Promise<KbCategory> {
  assertCanManageCategories(actor);
  try {
    const row = await db.transaction(async (tx) => {
      if (await repo.findCategoryByKeyAnyState(tx, input.key)) throw categoryTaken(input.key);
      const created = await repo.insertCategory(tx, { ...input, position: input.position ?? 0 });
      await recordDomainEvent(tx, actor, {
        type: 'kb_category.created',
        entityType: 'kb_category',
        entityId: created.id,
        data: { ...input },
      });
      return created;
    });
    return { id: row.id, key: row.key, name: row.name, position: row.position, articleCount: 0 };
  } catch (err) {
    throw translateDbError(err, { kb_categories_key_uq: categoryTaken(input.key) });
  }
}

export async function updateCategory(
  db: Database,
  actor: Actor,
  id: string,
  input: KbCategoryUpdate,
): Promise<KbCategory> {
  assertCanManageCategories(actor);
  const row = await db.transaction(async (tx) => {
    const before = await repo.findLiveCategory(tx, id);
    if (!before) throw notFound('category');
    const changes = diff(before as unknown as Record<string, unknown>, input);
    if (Object.keys(changes).length === 0) return before;
    const after = await repo.updateCategory(tx, id, input);
    await recordDomainEvent(tx, actor, {
      type: 'kb_category.updated',
      entityType: 'kb_category',
      entityId: id,
      data: { changes },
    });
    return after;
  });
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    position: row.position,
    articleCount: await repo.countLiveArticlesIn(db, id),
  };
}

export async function deleteCategory(db: Database, actor: Actor, id: string): Promise<void> {
  assertCanManageCategories(actor);
  await db.transaction(async (tx) => {
    const before = await repo.findLiveCategory(tx, id);
    if (!before) throw notFound('category');
    const inUse = await repo.countLiveArticlesIn(tx, id);
    if (inUse > 0) {
      throw conflict(
        'category_in_use',
        `${inUse} article${inUse === 1 ? ' is' : 's are'} in this category: move or delete them first`,
      );
    }
    await repo.softDeleteCategory(tx, id);
    await recordDomainEvent(tx, actor, {
      type: 'kb_category.deleted',
      entityType: 'kb_category',
      entityId: id,
      data: { key: before.key },
    });
  });
}

async function assertLiveCategory(db: Database, categoryId: string | null | undefined) {
  if (!categoryId) return null;
  const category = await repo.findLiveCategory(db, categoryId);
  if (!category) throw unprocessable('unknown_category', 'body.categoryId: no such category');
  return category;
}

// ---- articles (staff) ---------------------------------------------------------------------------

const slugTaken = (slug: string) =>
  conflict('slug_taken', `an article with slug "${slug}" exists or existed; slugs are never reused`);

export function toVersionDto(row: repo.KbVersionRow): KbVersion {
  return {
    id: row.id,
    language: row.language,
    version: row.version,
    state: row.state,
    title: row.title,
    bodyMd: row.bodyMd,
    bodyHtml: renderMarkdown(row.bodyMd),
    publishedAt: iso(row.publishedAt),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy ? { id: row.createdBy, name: row.createdByName ?? '' } : null,
  };
}

/** The article with every language variant: what is published, the waiting draft, the history. */
export async function getArticle(db: Database, actor: Actor, id: string): Promise<KbArticle> {
  assertCanAuthor(actor);
  const article = await repo.findLiveArticle(db, id);
  if (!article) throw notFound('article');
  return articleDto(db, article);
}

async function articleDto(db: Database, article: repo.KbArticleRow): Promise<KbArticle> {
  const [versions, category] = await Promise.all([
    repo.listVersions(db, article.id),
    article.categoryId ? repo.findLiveCategory(db, article.categoryId) : Promise.resolve(undefined),
  ]);
  const byLanguage = new Map<string, KbVersion[]>();
  for (const v of versions) {
    const list = byLanguage.get(v.language) ?? [];
    list.push(toVersionDto(v));
    byLanguage.set(v.language, list);
  }
  const languages: KbLanguageVariant[] = [...byLanguage.entries()]
    .sort(([a], [b]) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)))
    .map(([language, list]) => ({
      language,
      published: list.find((v) => v.state === 'published') ?? null,
      draft: list[0]?.state === 'draft' ? list[0] : null,
      versions: list,
    }));
  return {
    id: article.id,
    slug: article.slug,
    category: category ? { id: category.id, key: category.key, name: category.name } : null,
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    languages,
  };
}

export async function listArticles(db: Database, actor: Actor, query: KbArticleListQuery) {
  assertCanAuthor(actor);
  const page = await repo.listArticles(db, query);
  const states = await repo.languageStates(
    db,
    page.items.map((a) => a.id),
  );
  const items: KbArticleSummary[] = page.items.map((a) => ({
    id: a.id,
    slug: a.slug,
    category:
      a.categoryId && a.categoryKey && a.categoryName
        ? { id: a.categoryId, key: a.categoryKey, name: a.categoryName }
        : null,
    updatedAt: a.updatedAt,
    languages: states
      .filter((s) => s.articleId === a.id)
      .map((s) => ({
        language: s.language,
        title: s.title,
        publishedVersion: s.publishedVersion,
        publishedAt: s.publishedAt,
        draftVersion: s.draftVersion,
      })),
  }));
  return { items, nextCursor: page.nextCursor };
}

export async function createArticle(db: Database, actor: Actor, input: KbArticleCreate): Promise<KbArticle> {
  assertCanAuthor(actor);
  try {
    const article = await db.transaction(async (tx) => {
      if (await repo.findArticleBySlugAnyState(tx, input.slug)) throw slugTaken(input.slug);
      await assertLiveCategory(tx, input.categoryId);
      const created = await repo.insertArticle(tx, {
        slug: input.slug,
        categoryId: input.categoryId ?? null,
        createdBy: actor.userId,
      });
      const version = await repo.insertVersion(tx, {
        articleId: created.id,
        language: input.language,
        version: 1,
        title: input.title,
        bodyMd: input.bodyMd,
        state: 'draft',
        createdBy: actor.userId,
      });
      await recordDomainEvent(tx, actor, {
        type: 'kb_article.created',
        entityType: 'kb_article',
        entityId: created.id,
        data: {
          slug: input.slug,
          categoryId: input.categoryId ?? null,
          language: input.language,
          versionId: version.id,
        },
      });
      return created;
    });
    return articleDto(db, article);
  } catch (err) {
    throw translateDbError(err, { kb_articles_slug_uq: slugTaken(input.slug) });
  }
}

export async function updateArticle(
  db: Database,
  actor: Actor,
  id: string,
  input: KbArticleUpdate,
): Promise<KbArticle> {
  assertCanAuthor(actor);
  try {
    const article = await db.transaction(async (tx) => {
      const before = await repo.lockLiveArticle(tx, id);
      if (!before) throw notFound('article');
      if (input.slug !== undefined && input.slug !== before.slug) {
        if (await repo.findArticleBySlugAnyState(tx, input.slug)) throw slugTaken(input.slug);
      }
      if (input.categoryId) await assertLiveCategory(tx, input.categoryId);
      const changes = diff(before as unknown as Record<string, unknown>, input);
      if (Object.keys(changes).length === 0) return before;
      await repo.updateArticle(tx, id, input);
      await recordDomainEvent(tx, actor, {
        type: 'kb_article.updated',
        entityType: 'kb_article',
        entityId: id,
        data: { changes },
      });
      return (await repo.findLiveArticle(tx, id))!;
    });
    return articleDto(db, article);
  } catch (err) {
    throw translateDbError(err, input.slug ? { kb_articles_slug_uq: slugTaken(input.slug) } : {});
  }
}

/** Saves the draft of one language: edits the newest version while it is a draft, else starts a new one. */
export async function saveDraft(
  db: Database,
  actor: Actor,
  /** expected: the article's `updatedAt` in the copy edited (If-Match): refused if it changed since. */
  opts: { articleId: string; language: string; draft: KbDraft; expected?: string },
): Promise<KbArticle> {
  assertCanAuthor(actor);
  const { articleId, language, draft } = opts;
  const article = await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, kbArticles, eq(kbArticles.id, articleId), opts.expected, 'article');
    const locked = await repo.lockLiveArticle(tx, articleId);
    if (!locked) throw notFound('article');
    const latest = await repo.latestVersion(tx, articleId, language);
    if (latest?.state === 'draft') {
      if (latest.title === draft.title && latest.bodyMd === draft.bodyMd) return locked;
      await repo.updateDraft(tx, latest.id, draft);
      await recordDomainEvent(tx, actor, {
        type: 'kb_article.draft_saved',
        entityType: 'kb_article',
        entityId: articleId,
        data: { language, version: latest.version, versionId: latest.id, newVersion: false },
      });
    } else {
      const created = await repo.insertVersion(tx, {
        articleId,
        language,
        version: (latest?.version ?? 0) + 1,
        title: draft.title,
        bodyMd: draft.bodyMd,
        state: 'draft',
        createdBy: actor.userId,
      });
      await recordDomainEvent(tx, actor, {
        type: 'kb_article.draft_saved',
        entityType: 'kb_article',
        entityId: articleId,
        data: { language, version: created.version, versionId: created.id, newVersion: true },
      });
    }
    return repo.touchArticle(tx, articleId);
  });
  return articleDto(db, article);
}

/** The newest draft of the language becomes what readers see; what they saw before is archived. */
export async function publish(
  db: Database,
  actor: Actor,
  opts: { articleId: string; language: string },
): Promise<KbArticle> {
  assertCanAuthor(actor);
  const { articleId, language } = opts;
  const article = await db.transaction(async (tx) => {
    const locked = await repo.lockLiveArticle(tx, articleId);
    if (!locked) throw notFound('article');
    const latest = await repo.latestVersion(tx, articleId, language);
    if (!latest) throw notFound(`language variant "${language}" of the article`);
    if (latest.state !== 'draft') {
      throw conflict(
        'nothing_to_publish',
        `there is no draft in "${language}" to publish: save a draft first`,
      );
    }
    const previous = await repo.publishedVersion(tx, articleId, language);
    // Archive first: at most one version per language may be published (a partial unique index).
    if (previous) await repo.setVersionState(tx, previous.id, 'archived');
    await repo.setVersionState(tx, latest.id, 'published');
    const touched = await repo.touchArticle(tx, articleId);
    await recordDomainEvent(tx, actor, {
      type: 'kb_article.published',
      entityType: 'kb_article',
      entityId: articleId,
      data: { language, version: latest.version, archivedVersion: previous?.version ?? null },
    });
    return touched;
  });
  return articleDto(db, article);
}

export async function unpublish(
  db: Database,
  actor: Actor,
  opts: { articleId: string; language: string },
): Promise<KbArticle> {
  assertCanAuthor(actor);
  const { articleId, language } = opts;
  const article = await db.transaction(async (tx) => {
    const locked = await repo.lockLiveArticle(tx, articleId);
    if (!locked) throw notFound('article');
    const current = await repo.publishedVersion(tx, articleId, language);
    if (!current) throw conflict('not_published', `nothing is published in "${language}"`);
    await repo.setVersionState(tx, current.id, 'archived');
    const touched = await repo.touchArticle(tx, articleId);
    await recordDomainEvent(tx, actor, {
      type: 'kb_article.unpublished',
      entityType: 'kb_article',
      entityId: articleId,
      data: { language, version: current.version },
    });
    return touched;
  });
  return articleDto(db, article);
}

/** Soft delete: readers no longer find it; versions, votes and the slug stay. */
export async function deleteArticle(db: Database, actor: Actor, id: string): Promise<void> {
  assertCanAuthor(actor);
  await db.transaction(async (tx) => {
    const locked = await repo.lockLiveArticle(tx, id);
    if (!locked) throw notFound('article');
    await repo.softDeleteArticle(tx, id);
    await recordDomainEvent(tx, actor, {
      type: 'kb_article.deleted',
      entityType: 'kb_article',
      entityId: id,
      data: { slug: locked.slug },
    });
  });
}

/** The editor's preview: the same renderer readers get. */
export function previewMarkdown(actor: Actor, bodyMd: string) {
  assertCanAuthor(actor);
  return { bodyHtml: renderMarkdown(bodyMd) };
}

// ---- help center (public) -----------------------------------------------------------------------

const categoryOf = (r: repo.PublishedRow) =>
  r.categoryId && r.categoryKey && r.categoryName
    ? { id: r.categoryId, key: r.categoryKey, name: r.categoryName }
    : null;

/**
 * The help center's list or search. A search wants every word (websearch syntax); when no
 * article has them all, it is broadened to articles with any of the words, as prefixes
 * ("damaged parcels" still finds "damaged goods"), and says so.
 */
export async function searchHelp(db: Database, query: HelpListQuery) {
  const search = {
    language: query.language,
    categoryKey: query.category,
    limit: query.limit,
    cursor: query.cursor,
  };
  let page = await repo.searchPublished(db, { ...search, q: query.q });
  const words = query.q ? queryWords(query.q) : [];
  let broadened = false;
  if (query.q && page.items.length === 0) {
    const anyOf = orPrefixQuery(words);
    if (anyOf) {
      page = await repo.searchPublished(db, { ...search, tsquery: anyOf });
      broadened = page.items.length > 0;
    }
  }
  const items: HelpArticleSummary[] = page.items.map((r) => ({
    articleId: r.articleId,
    slug: r.slug,
    language: r.language,
    title: r.title,
    snippet: snippet(markdownToText(r.bodyMd), words),
    category: categoryOf(r),
    publishedAt: r.publishedAt,
  }));
  return { items, nextCursor: page.nextCursor, broadened };
}

export async function getHelpArticle(
  db: Database,
  slug: string,
  language: string | undefined,
): Promise<HelpArticle> {
  const variants = await repo.publishedBySlug(db, slug);
  const picked = pickLanguage(
    language,
    variants.map((v) => v.language),
  );
  const chosen = picked && variants.find((v) => v.language === picked.language);
  if (!picked || !chosen) throw notFound('article');
  return {
    articleId: chosen.articleId,
    slug: chosen.slug,
    language: chosen.language,
    fallback: picked.fallback,
    languages: variants.map((v) => v.language),
    title: chosen.title,
    bodyHtml: renderMarkdown(chosen.bodyMd),
    category: categoryOf(chosen),
    publishedAt: chosen.publishedAt,
  };
}

export async function helpCategories(db: Database, language: string | undefined): Promise<HelpCategories> {
  const [items, languages] = await Promise.all([
    repo.publishedCategories(db, language),
    repo.publishedLanguages(db),
  ]);
  return { items, languages };
}

const hashVisitorKey = (key: string) => createHash('sha256').update(`kb-visitor:${key}`).digest('hex');

/**
 * "Did this help?" One vote per reader and article: a signed-in customer votes as themselves,
 * anyone else by the random key their browser keeps (stored only as a SHA-256). Voting again
 * replaces the vote. Rate-limited per client IP.
 */
export async function vote(
  db: Database,
  actor: Actor | null,
  opts: { slug: string; input: KbVoteCreate; ip: string },
) {
  const { slug, input } = opts;
  const customerId = actor?.role === 'customer' ? actor.customerId : null;
  if (!customerId && !input.visitorKey) {
    throw badRequest('visitor_key_required', 'body.visitorKey: required unless signed in as a customer');
  }
  const variants = await repo.publishedBySlug(db, slug);
  if (variants.length === 0) throw notFound('article');
  if (!variants.some((v) => v.language === input.language)) {
    throw unprocessable(
      'unknown_language',
      `body.language: the article is not published in "${input.language}"`,
    );
  }
  const articleId = variants[0]!.articleId;
  await assertWithinRate(db, {
    action: 'kb_vote',
    clientKey: opts.ip,
    max: KB_LIMITS.votesPerWindow,
    windowSeconds: KB_LIMITS.publicWindowSeconds,
  });
  return db.transaction(async (tx) => {
    const row = await repo.upsertVote(tx, {
      articleId,
      language: input.language,
      helpful: input.helpful,
      customerId,
      visitorHash: customerId ? null : hashVisitorKey(input.visitorKey!),
    });
    // An anonymous reader has no user: the trail shows the system acting for them.
    await recordDomainEvent(tx, actor ?? SYSTEM_ACTOR, {
      type: 'kb_article.voted',
      entityType: 'kb_article',
      entityId: articleId,
      data: { voteId: row.id, language: input.language, helpful: input.helpful, previous: row.previous },
    });
    return { helpful: input.helpful, changed: row.previous !== null };
  });
}

// ---- suggestions and deflection ------------------------------------------------------------------

export function articleUrl(publicUrl: string, slug: string, language: string) {
  const base = `${publicUrl}/help/${encodeURIComponent(slug)}`;
  return language === 'en' ? base : `${base}?language=${encodeURIComponent(language)}`;
}

async function suggestFromText(
  db: Database,
  opts: { text: string; language: string | undefined; publicUrl: string; limit?: number },
): Promise<KbSuggestion[]> {
  const terms = searchTerms(opts.text);
  const tsquery = orPrefixQuery(terms);
  if (!tsquery) return [];
  const found = await repo.suggestPublished(db, {
    tsquery,
    language: opts.language,
    limit: opts.limit ?? KB_LIMITS.suggestions,
  });
  return found.map((r) => ({
    articleId: r.articleId,
    slug: r.slug,
    language: r.language,
    title: r.title,
    snippet: snippet(markdownToText(r.bodyMd), terms, 160),
    url: articleUrl(opts.publicUrl, r.slug, r.language),
  }));
}

/**
 * Articles for what a customer is writing (web form, portal). With `record`, a shown set is
 * counted (a `suggested` deflection row) when there is something to show; recording is
 * rate-limited per IP and silently skipped beyond the limit (the suggestions still answer).
 */
export async function suggestForCustomer(
  db: Database,
  opts: {
    q: string;
    language: string | undefined;
    channel: DeflectionChannel;
    record: boolean;
    ip: string;
    publicUrl: string;
  },
) {
  const items = await suggestFromText(db, {
    text: opts.q,
    language: opts.language,
    publicUrl: opts.publicUrl,
  });
  if (opts.record && items.length > 0) {
    try {
      await assertWithinRate(db, {
        action: 'kb_suggest_record',
        clientKey: opts.ip,
        max: KB_LIMITS.suggestRecordsPerWindow,
        windowSeconds: KB_LIMITS.publicWindowSeconds,
      });
      await repo.insertDeflection(db, {
        channel: opts.channel,
        outcome: 'suggested',
        query: opts.q.slice(0, KB_LIMITS.suggestText),
      });
    } catch (err) {
      if (!(err instanceof AppError && err.statusCode === 429)) throw err;
    }
  }
  return { items };
}

/**
 * The form's report of how a request ended: `deflected` (an article answered; give it) or
 * `submitted` (sent anyway; give the case when known). The rows are themselves the record
 * (no domain event). Public, rate-limited per IP; server code may call it without `ip`.
 */
export async function recordDeflection(db: Database, opts: { input: DeflectionCreate; ip?: string }) {
  const { input } = opts;
  if (opts.ip) {
    await assertWithinRate(db, {
      action: 'kb_deflection',
      clientKey: opts.ip,
      max: KB_LIMITS.deflectionsPerWindow,
      windowSeconds: KB_LIMITS.publicWindowSeconds,
    });
  }
  if (input.articleId && !(await repo.findLiveArticle(db, input.articleId))) {
    throw unprocessable('unknown_article', 'body.articleId: no such article');
  }
  try {
    const row = await repo.insertDeflection(db, {
      channel: input.channel,
      outcome: input.outcome,
      articleId: input.articleId ?? null,
      query: input.query ?? null,
      caseId: input.caseId ?? null,
    });
    return { id: row.id, outcome: input.outcome };
  } catch (err) {
    throw translateDbError(err, {
      kb_deflections_case_id_cases_id_fk: unprocessable('unknown_case', 'body.caseId: no such case'),
    });
  }
}

/** For the agent on a case: published articles matching its subject and newest customer message. */
export async function suggestForCase(
  db: Database,
  actor: Actor,
  opts: { caseId: string; q?: string; publicUrl: string },
): Promise<{ items: KbSuggestion[] }> {
  assertCanReadKbStaffViews(actor);
  const context = await repo.caseContext(db, opts.caseId);
  if (!context) throw notFound('case');
  const text = opts.q ?? `${context.subject}\n${context.lastCustomerMessage ?? ''}`;
  const items = await suggestFromText(db, {
    text,
    language: context.language ?? undefined,
    publicUrl: opts.publicUrl,
  });
  return { items };
}

// ---- report -------------------------------------------------------------------------------------

const DAY_MS = 24 * 3600 * 1000;

export async function report(
  db: Database,
  actor: Actor,
  query: { from?: string; to?: string },
): Promise<KbReport> {
  assertCanReadKbStaffViews(actor);
  const { from, to } = periodOf(query, 30 * DAY_MS);
  const [articles, channels] = await Promise.all([
    repo.articleReport(db, from, to),
    repo.channelReport(db, from, to),
  ]);
  return { from: from.toISOString(), to: to.toISOString(), articles, channels };
}
