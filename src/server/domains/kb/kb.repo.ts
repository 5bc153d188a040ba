// SQL of the knowledge base: categories, articles and their versions (staff), the published
// slice readers see (search, one article, categories), votes, suggestions, deflections and the
// report. Readers only ever see versions in state `published` of live articles.
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import type { KbVersionState } from '../../../shared/schemas/kb.js';
import { containsPattern, decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { users } from '../auth/auth.table.js';
import { cases, messages } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';
import { kbArticleVersions, kbArticles, kbCategories, kbDeflections, kbVotes } from './kb.table.js';
import { isoText, nextVersion } from '../../../db/columns.js';

// ---- categories ---------------------------------------------------------------------------------

export type KbCategoryRow = typeof kbCategories.$inferSelect;

export async function listCategories(db: Database) {
  return rows<{ id: string; key: string; name: string; position: number; articleCount: number }>(
    db,
    sql`select c.id, c.key, c.name, c.position,
          (select count(*)::int from ${kbArticles} a where a.category_id = c.id and a.deleted_at is null) as "articleCount"
        from ${kbCategories} c where c.deleted_at is null
        order by c.position, c.name, c.id`,
  );
}

export async function findLiveCategory(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(kbCategories)
    .where(and(eq(kbCategories.id, id), isNull(kbCategories.deletedAt)))
    .limit(1);
  return row;
}

/** Deleted ones too: keys are never reused. */
export async function findCategoryByKeyAnyState(db: Database, key: string) {
  const [row] = await db.select().from(kbCategories).where(eq(kbCategories.key, key)).limit(1);
  return row;
}

export async function insertCategory(db: Database, values: typeof kbCategories.$inferInsert) {
  const [row] = await db.insert(kbCategories).values(values).returning();
  return row!;
}

export async function updateCategory(db: Database, id: string, values: { name?: string; position?: number }) {
  const [row] = await db.update(kbCategories).set(values).where(eq(kbCategories.id, id)).returning();
  return row!;
}

export async function softDeleteCategory(db: Database, id: string) {
  await db
    .update(kbCategories)
    .set({ deletedAt: sql`now()` })
    .where(eq(kbCategories.id, id));
}

export async function countLiveArticlesIn(db: Database, categoryId: string) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(kbArticles)
    .where(and(eq(kbArticles.categoryId, categoryId), isNull(kbArticles.deletedAt)));
  return row?.n ?? 0;
}

// ---- articles and versions (staff) --------------------------------------------------------------

export type KbArticleRow = typeof kbArticles.$inferSelect;

export async function findLiveArticle(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.id, id), isNull(kbArticles.deletedAt)))
    .limit(1);
  return row;
}

/** Locks a live article for the rest of the transaction: its version numbers are handed out one at a time. */
export async function lockLiveArticle(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.id, id), isNull(kbArticles.deletedAt)))
    .for('update')
    .limit(1);
  return row;
}

/** Deleted ones too: slugs are never reused (old links must not lead to another article). */
export async function findArticleBySlugAnyState(db: Database, slug: string) {
  const [row] = await db.select().from(kbArticles).where(eq(kbArticles.slug, slug)).limit(1);
  return row;
}

export async function insertArticle(db: Database, values: typeof kbArticles.$inferInsert) {
  const [row] = await db.insert(kbArticles).values(values).returning();
  return row!;
}

export async function updateArticle(
  db: Database,
  id: string,
  values: { slug?: string; categoryId?: string | null },
) {
  await db
    .update(kbArticles)
    .set({ ...values, updatedAt: nextVersion() })
    .where(eq(kbArticles.id, id));
}

/** Marks the article changed (a new version of it); answers the row as it is now. */
export async function touchArticle(db: Database, id: string) {
  const [row] = await db
    .update(kbArticles)
    .set({ updatedAt: nextVersion() })
    .where(eq(kbArticles.id, id))
    .returning();
  return row!;
}

export async function softDeleteArticle(db: Database, id: string) {
  await db
    .update(kbArticles)
    .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(kbArticles.id, id));
}

export type KbVersionRow = typeof kbArticleVersions.$inferSelect & {
  createdByName: string | null;
};

/** Every version of an article (all languages), newest first within a language, with its author. */
export async function listVersions(db: Database, articleId: string): Promise<KbVersionRow[]> {
  const found = await db
    .select({ version: kbArticleVersions, createdByName: users.name })
    .from(kbArticleVersions)
    .leftJoin(users, eq(users.id, kbArticleVersions.createdBy))
    .where(eq(kbArticleVersions.articleId, articleId))
    .orderBy(asc(kbArticleVersions.language), desc(kbArticleVersions.version));
  return found.map((r) => ({ ...r.version, createdByName: r.createdByName }));
}

export async function latestVersion(db: Database, articleId: string, language: string) {
  const [row] = await db
    .select()
    .from(kbArticleVersions)
    .where(and(eq(kbArticleVersions.articleId, articleId), eq(kbArticleVersions.language, language)))
    .orderBy(desc(kbArticleVersions.version))
    .limit(1);
  return row;
}

export async function publishedVersion(db: Database, articleId: string, language: string) {
  const [row] = await db
    .select()
    .from(kbArticleVersions)
    .where(
      and(
        eq(kbArticleVersions.articleId, articleId),
        eq(kbArticleVersions.language, language),
        eq(kbArticleVersions.state, 'published'),
      ),
    )
    .limit(1);
  return row;
}

export async function insertVersion(db: Database, values: typeof kbArticleVersions.$inferInsert) {
  const [row] = await db.insert(kbArticleVersions).values(values).returning();
  return row!;
}

export async function updateDraft(db: Database, id: string, values: { title: string; bodyMd: string }) {
  await db.update(kbArticleVersions).set(values).where(eq(kbArticleVersions.id, id));
}

export async function setVersionState(db: Database, id: string, state: KbVersionState) {
  await db
    .update(kbArticleVersions)
    .set({ state, ...(state === 'published' ? { publishedAt: sql`now()` } : {}) })
    .where(eq(kbArticleVersions.id, id));
}

export interface ArticleListFilter {
  categoryId?: string;
  language?: string;
  state?: 'published' | 'draft' | 'unpublished';
  q?: string;
  limit: number;
  cursor?: string;
}

/** A page of live articles, most recently changed first (keyset on updated_at, id). */
export async function listArticles(db: Database, f: ArticleListFilter) {
  const lang = f.language ? sql`and v.language = ${f.language}` : sql``;
  const conditions: SQL[] = [sql`a.deleted_at is null`];
  if (f.categoryId) conditions.push(sql`a.category_id = ${f.categoryId}`);
  if (f.language)
    conditions.push(sql`exists (select 1 from ${kbArticleVersions} v where v.article_id = a.id ${lang})`);
  if (f.state === 'published' || f.state === 'draft') {
    conditions.push(
      sql`exists (select 1 from ${kbArticleVersions} v where v.article_id = a.id and v.state = ${f.state} ${lang})`,
    );
  } else if (f.state === 'unpublished') {
    conditions.push(
      sql`not exists (select 1 from ${kbArticleVersions} v where v.article_id = a.id and v.state = 'published' ${lang})`,
    );
  }
  if (f.q) {
    const pattern = containsPattern(f.q);
    conditions.push(sql`(a.slug like ${pattern} or exists (
      select 1 from ${kbArticleVersions} v where v.article_id = a.id ${lang}
        and (v.search_vector @@ websearch_to_tsquery('simple', ${f.q}) or lower(v.title) like ${pattern})))`);
  }
  if (f.cursor) {
    const { value, id } = decodeCursor(f.cursor);
    conditions.push(sql`(a.updated_at, a.id) < (${value}::timestamptz, ${id}::uuid)`);
  }
  const found = await rows<{
    id: string;
    slug: string;
    updatedAt: string;
    sortKey: string;
    categoryId: string | null;
    categoryKey: string | null;
    categoryName: string | null;
  }>(
    db,
    sql`select a.id, a.slug, ${isoText('a.updated_at')} as "updatedAt", a.updated_at::text as "sortKey",
          c.id as "categoryId", c.key as "categoryKey", c.name as "categoryName"
        from ${kbArticles} a
        left join ${kbCategories} c on c.id = a.category_id and c.deleted_at is null
        where ${sql.join(conditions, sql` and `)}
        order by a.updated_at desc, a.id desc
        limit ${f.limit + 1}`,
  );
  const items = found.slice(0, f.limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > f.limit && last ? encodeCursor(last.sortKey, last.id) : null };
}

export interface LanguageStateRow {
  articleId: string;
  language: string;
  title: string;
  publishedVersion: number | null;
  publishedAt: string | null;
  draftVersion: number | null;
}

/** Per article and language: the newest title, what is published, whether a draft waits. */
export async function languageStates(db: Database, articleIds: string[]): Promise<LanguageStateRow[]> {
  if (articleIds.length === 0) return [];
  return rows<LanguageStateRow>(
    db,
    sql`select article_id as "articleId", language,
          (array_agg(title order by version desc))[1] as title,
          max(version) filter (where state = 'published') as "publishedVersion",
          ${isoText(sql`max(published_at) filter (where state = 'published')`)} as "publishedAt",
          max(version) filter (where state = 'draft') as "draftVersion"
        from ${kbArticleVersions}
        where article_id in (${sql.join(
          articleIds.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})
        group by article_id, language
        order by article_id, (language = 'en') desc, language`,
  );
}

// ---- the published slice (help center) ------------------------------------------------------------

export interface PublishedRow {
  articleId: string;
  slug: string;
  language: string;
  title: string;
  bodyMd: string;
  publishedAt: string;
  categoryId: string | null;
  categoryKey: string | null;
  categoryName: string | null;
}

const publishedColumns = sql`v.article_id as "articleId", a.slug, v.language, v.title, v.body_md as "bodyMd",
  ${isoText('v.published_at')} as "publishedAt",
  c.id as "categoryId", c.key as "categoryKey", c.name as "categoryName"`;

const publishedFrom = sql`${kbArticleVersions} v
  join ${kbArticles} a on a.id = v.article_id and a.deleted_at is null
  left join ${kbCategories} c on c.id = a.category_id and c.deleted_at is null`;

export interface PublishedSearch {
  q?: string;
  /** Instead of `q`: a to_tsquery('simple', …) text (e.g. an OR of prefixes). */
  tsquery?: string;
  language?: string;
  categoryKey?: string;
  limit: number;
  cursor?: string;
}

/**
 * Published articles, one variant each (the asked language, else English, else the first). With
 * `q`: those matching websearch_to_tsquery('simple', q) (or `tsquery`), best first by ts_rank (the
 * title weighs more: it is weight A in the vector, the body B), keyset on (rank, id); else by title.
 */
export async function searchPublished(db: Database, s: PublishedSearch) {
  const where: SQL[] = [sql`v.state = 'published'`];
  if (s.language) where.push(sql`v.language = ${s.language}`);
  if (s.categoryKey) where.push(sql`c.key = ${s.categoryKey}`);
  const query = s.tsquery
    ? sql`to_tsquery('simple', ${s.tsquery})`
    : s.q
      ? sql`websearch_to_tsquery('simple', ${s.q})`
      : null;
  if (query) where.push(sql`v.search_vector @@ ${query}`);
  const rank = query ? sql`ts_rank(v.search_vector, ${query})` : sql`0::real`;
  const cursor = s.cursor ? decodeCursor(s.cursor) : null;
  const after = !cursor
    ? sql`true`
    : query
      ? sql`(rank, "articleId") < (${cursor.value}::real, ${cursor.id}::uuid)`
      : sql`(title, "articleId") > (${cursor.value}::text, ${cursor.id}::uuid)`;
  const order = query ? sql`rank desc, "articleId" desc` : sql`title asc, "articleId" asc`;
  const found = await rows<PublishedRow & { rank: number; sortKey: string }>(
    db,
    sql`with hits as (
          select distinct on (v.article_id) ${publishedColumns}, ${rank} as rank
          from ${publishedFrom}
          where ${sql.join(where, sql` and `)}
          order by v.article_id, ${rank} desc, (v.language = 'en') desc, v.language
        )
        select *, ${query ? sql`rank::text` : sql`title`} as "sortKey" from hits
        where ${after}
        order by ${order}
        limit ${s.limit + 1}`,
  );
  const items = found.slice(0, s.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: found.length > s.limit && last ? encodeCursor(last.sortKey, last.articleId) : null,
  };
}

/** Every published variant of the live article with this slug. */
export async function publishedBySlug(db: Database, slug: string) {
  return rows<PublishedRow>(
    db,
    sql`select ${publishedColumns} from ${publishedFrom}
        where a.slug = ${slug} and v.state = 'published'
        order by v.language`,
  );
}

export async function publishedCategories(db: Database, language: string | undefined) {
  return rows<{ id: string; key: string; name: string; position: number; articleCount: number }>(
    db,
    sql`select c.id, c.key, c.name, c.position, count(distinct a.id)::int as "articleCount"
        from ${kbCategories} c
        join ${kbArticles} a on a.category_id = c.id and a.deleted_at is null
        join ${kbArticleVersions} v on v.article_id = a.id and v.state = 'published'
          ${language ? sql`and v.language = ${language}` : sql``}
        where c.deleted_at is null
        group by c.id, c.key, c.name, c.position
        order by c.position, c.name, c.id`,
  );
}

export async function publishedLanguages(db: Database) {
  const found = await rows<{ language: string }>(
    db,
    sql`select distinct v.language from ${kbArticleVersions} v
        join ${kbArticles} a on a.id = v.article_id and a.deleted_at is null
        where v.state = 'published' order by v.language`,
  );
  return found.map((r) => r.language);
}

/**
 * Published articles matching any of the terms (`tsquery`: an OR of prefixes), best first: an
 * article's score is its best-matching variant's ts_rank; it is shown in the preferred language
 * (or its family, else English, else the first), whichever variant matched.
 */
export async function suggestPublished(
  db: Database,
  opts: { tsquery: string; language: string | undefined; limit: number },
) {
  const lang = opts.language ?? '';
  return rows<PublishedRow & { rank: number }>(
    db,
    sql`with q as (select to_tsquery('simple', ${opts.tsquery}) as q),
        matched as (
          select v.article_id, max(ts_rank(v.search_vector, q.q)) as rank
          from ${kbArticleVersions} v
          join ${kbArticles} a on a.id = v.article_id and a.deleted_at is null
          cross join q
          where v.state = 'published' and v.search_vector @@ q.q
          group by v.article_id
        )
        select ${publishedColumns}, m.rank
        from matched m
        join lateral (
          select * from ${kbArticleVersions} pv
          where pv.article_id = m.article_id and pv.state = 'published'
          order by (pv.language = ${lang}) desc,
            (split_part(pv.language, '-', 1) = split_part(${lang}, '-', 1)) desc,
            (pv.language = 'en') desc, pv.language
          limit 1
        ) v on true
        join ${kbArticles} a on a.id = v.article_id
        left join ${kbCategories} c on c.id = a.category_id and c.deleted_at is null
        order by m.rank desc, v.title, v.article_id
        limit ${opts.limit}`,
  );
}

/** What an agent's suggestions are made from: the subject, the newest customer message, the customer's language. */
export async function caseContext(db: Database, caseId: string) {
  const [row] = await db
    .select({
      subject: cases.subject,
      language: customers.language,
      lastCustomerMessage: sql<string | null>`(
        select m.body from ${messages} m
        where m.case_id = ${cases.id} and m.author_type = 'customer' and m.public
        order by m.created_at desc, m.id desc limit 1)`,
    })
    .from(cases)
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .where(and(eq(cases.id, caseId), isNull(cases.deletedAt)))
    .limit(1);
  return row;
}

// ---- votes and deflections ----------------------------------------------------------------------

/**
 * One vote per reader and article (`kb_votes_voter_uq`): a second vote replaces the first.
 * Answers the previous value (null: first vote).
 */
export async function upsertVote(
  db: Database,
  v: {
    articleId: string;
    language: string;
    helpful: boolean;
    customerId: string | null;
    visitorHash: string | null;
  },
) {
  const voter = v.customerId ?? v.visitorHash;
  const [row] = await rows<{ id: string; previous: boolean | null }>(
    db,
    sql`with prev as (
          select helpful from ${kbVotes}
          where article_id = ${v.articleId} and coalesce(customer_id::text, visitor_hash) = ${voter}
        )
        insert into ${kbVotes} (id, article_id, language, helpful, customer_id, visitor_hash)
        values (${newId()}, ${v.articleId}, ${v.language}, ${v.helpful}, ${v.customerId}, ${v.visitorHash})
        on conflict (article_id, (coalesce(customer_id::text, visitor_hash)))
          do update set helpful = excluded.helpful, language = excluded.language
        returning id, (select helpful from prev) as previous`,
  );
  return row!;
}

export async function insertDeflection(db: Database, values: typeof kbDeflections.$inferInsert) {
  const [row] = await db.insert(kbDeflections).values(values).returning();
  return row!;
}

// ---- report ------------------------------------------------------------------------------------------

export interface ArticleReportRow {
  articleId: string;
  slug: string;
  title: string;
  helpful: number;
  unhelpful: number;
  helpfulShare: number | null;
  deflected: number;
}

/** Votes cast (first cast) and deflections in [from, to) per article: live articles and any with activity. */
export async function articleReport(db: Database, from: Date, to: Date) {
  return rows<ArticleReportRow>(
    db,
    sql`with votes as (
          select article_id,
            count(*) filter (where helpful)::int as helpful,
            count(*) filter (where not helpful)::int as unhelpful
          from ${kbVotes}
          where created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
          group by article_id
        ), deflected as (
          select article_id, count(*)::int as n
          from ${kbDeflections}
          where outcome = 'deflected' and article_id is not null
            and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
          group by article_id
        )
        select a.id as "articleId", a.slug, coalesce(t.title, a.slug) as title,
          coalesce(vo.helpful, 0) as helpful, coalesce(vo.unhelpful, 0) as unhelpful,
          case when coalesce(vo.helpful, 0) + coalesce(vo.unhelpful, 0) > 0
            then vo.helpful::float8 / (vo.helpful + vo.unhelpful) end as "helpfulShare",
          coalesce(d.n, 0) as deflected
        from ${kbArticles} a
        left join votes vo on vo.article_id = a.id
        left join deflected d on d.article_id = a.id
        left join lateral (
          select title from ${kbArticleVersions} x where x.article_id = a.id
          order by (x.state = 'published') desc, (x.language = 'en') desc, x.version desc limit 1
        ) t on true
        where a.deleted_at is null or vo.article_id is not null or d.article_id is not null
        order by coalesce(vo.helpful, 0) + coalesce(vo.unhelpful, 0) desc, coalesce(d.n, 0) desc, title, a.id`,
  );
}

export interface ChannelReportRow {
  channel: 'web' | 'portal';
  suggested: number;
  deflected: number;
  submitted: number;
  deflectionRate: number | null;
}

export async function channelReport(db: Database, from: Date, to: Date) {
  return rows<ChannelReportRow>(
    db,
    sql`with counts as (
          select ch.channel, ch.pos,
            count(d.id) filter (where d.outcome = 'suggested')::int as suggested,
            count(d.id) filter (where d.outcome = 'deflected')::int as deflected,
            count(d.id) filter (where d.outcome = 'submitted')::int as submitted
          from unnest(array['web', 'portal']) with ordinality as ch(channel, pos)
          left join ${kbDeflections} d on d.channel = ch.channel
            and d.created_at >= ${from.toISOString()}::timestamptz and d.created_at < ${to.toISOString()}::timestamptz
          group by ch.channel, ch.pos
        )
        select channel, suggested, deflected, submitted,
          case when deflected + submitted > 0 then deflected::float8 / (deflected + submitted) end as "deflectionRate"
        from counts order by pos`,
  );
}
