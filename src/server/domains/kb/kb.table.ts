import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import { users } from '../auth/auth.table.js';
import { cases } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const kbCategories = pgTable(
  'kb_categories',
  {
    id: idColumn(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    deletedAt: deletedAt(),
  },
  (t) => [uniqueIndex('kb_categories_key_uq').on(t.key)],
);

/** A knowledge-base article: its variants per language and their versions hang off it. */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: idColumn(),
    /** URL name, e.g. `track-your-order`: the same for every language. */
    slug: text('slug').notNull(),
    categoryId: uuid('category_id').references(() => kbCategories.id),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [uniqueIndex('kb_articles_slug_uq').on(t.slug), index('kb_articles_category').on(t.categoryId)],
);

/**
 * One version of an article in one language, in Markdown. Editing makes a draft; publishing makes
 * it the one version readers see (at most one published per article and language).
 */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    id: idColumn(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    bodyMd: text('body_md').notNull(),
    state: text('state').$type<'draft' | 'published' | 'archived'>().notNull().default('draft'),
    publishedAt: timestamptz('published_at'),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: createdAt(),
    /** Title weighs more than the body. 'simple' config: languages vary, stemming would mislead. */
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(body_md, '')), 'B')`,
    ),
  },
  (t) => [
    uniqueIndex('kb_article_versions_uq').on(t.articleId, t.language, t.version),
    uniqueIndex('kb_article_versions_published_uq')
      .on(t.articleId, t.language)
      .where(sql`${t.state} = 'published'`),
    index('kb_article_versions_search').using('gin', t.searchVector),
    check('kb_article_versions_state_ck', sql`${t.state} in ('draft', 'published', 'archived')`),
  ],
);

/** "Did this help?" One vote per reader (customer, or an anonymous visitor's hashed key) and article. */
export const kbVotes = pgTable(
  'kb_votes',
  {
    id: idColumn(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id),
    language: text('language').notNull(),
    helpful: boolean('helpful').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    /** SHA-256 of an anonymous visitor's key (cookie); null for signed-in customers. */
    visitorHash: text('visitor_hash'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('kb_votes_voter_uq').on(t.articleId, sql`coalesce(${t.customerId}::text, ${t.visitorHash})`),
    index('kb_votes_created').on(t.createdAt),
  ],
);

/**
 * Self-service before contact: articles suggested while someone writes in (web form, portal),
 * and whether they then gave up writing because an article answered them (deflected) or sent
 * their request anyway (submitted). Counts deflection per channel and article.
 */
export const kbDeflections = pgTable(
  'kb_deflections',
  {
    id: idColumn(),
    channel: text('channel').$type<'web' | 'portal'>().notNull(),
    outcome: text('outcome').$type<'suggested' | 'deflected' | 'submitted'>().notNull(),
    articleId: uuid('article_id').references(() => kbArticles.id),
    query: text('query'),
    caseId: uuid('case_id').references(() => cases.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('kb_deflections_created').on(t.createdAt),
    check('kb_deflections_outcome_ck', sql`${t.outcome} in ('suggested', 'deflected', 'submitted')`),
  ],
);
