// The knowledge base: categories, articles with language variants and versions (staff), the
// public help center (published only), "did this help?" votes, suggestions, deflection and the
// report. Shared by the API, the OpenAPI document and the web UI.
import { z } from 'zod';
import { Cursor, Id, IsoDateTime, Language, Limit, Name } from './common.js';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX = 100;

export const KB_LIMITS = {
  title: 200,
  bodyMd: 100_000,
  categoryKey: 50,
  query: 200,
  /** Free text a suggestion is made from (a request being written). */
  suggestText: 2_000,
  suggestions: 5,
  visitorKey: { min: 16, max: 128 },
  /** Public rate limits, per client IP. */
  votesPerWindow: 30,
  deflectionsPerWindow: 60,
  suggestRecordsPerWindow: 120,
  publicWindowSeconds: 600,
} as const;

/** Words to search articles for: 1 to KB_LIMITS.query characters, trimmed. */
const KbSearchText = z.string().trim().min(1).max(KB_LIMITS.query);

export const Slug = z
  .string()
  .trim()
  .max(SLUG_MAX)
  .regex(SLUG_PATTERN, `must be lower-case letters and digits joined by single hyphens (max ${SLUG_MAX})`)
  .describe('URL name, e.g. track-your-order: the same for every language, never reused');

export const CategoryKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,49}$/,
    `category keys are lower-case letters, digits and - (max ${KB_LIMITS.categoryKey})`,
  );

const Title = z.string().trim().min(1, 'is required').max(KB_LIMITS.title);
const BodyMd = z.string().max(KB_LIMITS.bodyMd).describe('Markdown; raw HTML is shown as text');

// ---- categories ---------------------------------------------------------------------------------

export const KbCategory = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  position: z.number().int(),
  articleCount: z.number().int().describe('live articles (staff) or published ones (help center)'),
});
export type KbCategory = z.infer<typeof KbCategory>;

export const KbCategoryCreate = z.strictObject({
  key: CategoryKey,
  name: Name,
  position: z.number().int().min(0).max(10_000).optional(),
});
export type KbCategoryCreate = z.infer<typeof KbCategoryCreate>;

export const KbCategoryUpdate = z
  .strictObject({ name: Name.optional(), position: z.number().int().min(0).max(10_000).optional() })
  .refine((u) => Object.keys(u).length > 0, { message: 'give name or position' });
export type KbCategoryUpdate = z.infer<typeof KbCategoryUpdate>;

export const KbCategoryRef = z.object({ id: Id, key: z.string(), name: z.string() });

// ---- articles (staff) ---------------------------------------------------------------------------

export const KB_VERSION_STATES = ['draft', 'published', 'archived'] as const;
export const KbVersionState = z.enum(KB_VERSION_STATES);
export type KbVersionState = z.infer<typeof KbVersionState>;

export const KbVersion = z.object({
  id: Id,
  language: z.string(),
  version: z.number().int(),
  state: KbVersionState,
  title: z.string(),
  bodyMd: z.string(),
  bodyHtml: z
    .string()
    .describe('bodyMd rendered: safe HTML (no raw HTML, only http(s)/mailto/tel/relative links)'),
  publishedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  createdBy: z.object({ id: Id, name: z.string() }).nullable(),
});
export type KbVersion = z.infer<typeof KbVersion>;

export const KbLanguageVariant = z.object({
  language: z.string(),
  published: KbVersion.nullable(),
  /** The newest version when it is a draft (unpublished changes, or never published). */
  draft: KbVersion.nullable(),
  versions: z.array(KbVersion).describe('every version of this language, newest first (the history)'),
});
export type KbLanguageVariant = z.infer<typeof KbLanguageVariant>;

export const KbArticle = z.object({
  id: Id,
  slug: z.string(),
  category: KbCategoryRef.nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  languages: z.array(KbLanguageVariant),
});
export type KbArticle = z.infer<typeof KbArticle>;

export const KbLanguageState = z.object({
  language: z.string(),
  title: z.string().describe('of the newest version'),
  publishedVersion: z.number().int().nullable(),
  publishedAt: IsoDateTime.nullable(),
  draftVersion: z.number().int().nullable().describe('an unpublished draft newer than what is published'),
});
export type KbLanguageState = z.infer<typeof KbLanguageState>;

export const KbArticleSummary = z.object({
  id: Id,
  slug: z.string(),
  category: KbCategoryRef.nullable(),
  updatedAt: IsoDateTime,
  languages: z.array(KbLanguageState),
});
export type KbArticleSummary = z.infer<typeof KbArticleSummary>;

export const KB_LIST_STATES = ['published', 'draft', 'unpublished'] as const;

export const KbArticleListQuery = z.strictObject({
  categoryId: Id.optional(),
  language: Language.optional().describe('only articles with a variant in this language'),
  state: z
    .enum(KB_LIST_STATES)
    .optional()
    .describe(
      'published: something is published; draft: an unpublished draft waits; unpublished: nothing is published',
    ),
  q: KbSearchText.optional().describe('words in a title, body (any version) or the slug'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type KbArticleListQuery = z.infer<typeof KbArticleListQuery>;

export const KbArticleCreate = z.strictObject({
  slug: Slug,
  categoryId: Id.nullable().optional(),
  language: Language,
  title: Title,
  bodyMd: BodyMd,
});
export type KbArticleCreate = z.infer<typeof KbArticleCreate>;

export const KbArticleUpdate = z
  .strictObject({ slug: Slug.optional(), categoryId: Id.nullable().optional() })
  .refine((u) => u.slug !== undefined || u.categoryId !== undefined, { message: 'give slug or categoryId' });
export type KbArticleUpdate = z.infer<typeof KbArticleUpdate>;

export const KbDraft = z.strictObject({ title: Title, bodyMd: BodyMd });
export type KbDraft = z.infer<typeof KbDraft>;

export const KbLanguageParams = z.strictObject({ id: Id, language: Language });

export const KbPreview = z.strictObject({ bodyMd: BodyMd });

// ---- help center (public) -----------------------------------------------------------------------

export const HelpListQuery = z.strictObject({
  q: KbSearchText.optional().describe('search: words, "a phrase", -excluded, or'),
  language: Language.optional().describe('only variants in this language'),
  category: CategoryKey.optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type HelpListQuery = z.infer<typeof HelpListQuery>;

export const HelpArticleSummary = z.object({
  articleId: Id,
  slug: z.string(),
  language: z.string(),
  title: z.string(),
  snippet: z.string().describe('plain text around the first match (or the beginning)'),
  category: KbCategoryRef.nullable(),
  publishedAt: IsoDateTime,
});
export type HelpArticleSummary = z.infer<typeof HelpArticleSummary>;

export const HelpArticlePage = z.object({
  items: z.array(HelpArticleSummary),
  nextCursor: z.string().nullable(),
  broadened: z
    .boolean()
    .describe('no article has every word searched for: these have some of them (as word starts)'),
});
export type HelpArticlePage = z.infer<typeof HelpArticlePage>;

export const HelpArticleQuery = z.strictObject({ language: Language.optional() });

export const HelpArticle = z.object({
  articleId: Id,
  slug: z.string(),
  language: z.string().describe('the variant served'),
  fallback: z.boolean().describe('the language asked for has no published variant: another was served'),
  languages: z.array(z.string()).describe('every published language of the article'),
  title: z.string(),
  bodyHtml: z.string(),
  category: KbCategoryRef.nullable(),
  publishedAt: IsoDateTime,
});
export type HelpArticle = z.infer<typeof HelpArticle>;

export const HelpCategoriesQuery = z.strictObject({ language: Language.optional() });
export const HelpCategories = z.object({
  items: z.array(KbCategory).describe('categories with something published (in the language, if given)'),
  languages: z.array(z.string()).describe('languages anything is published in'),
});
export type HelpCategories = z.infer<typeof HelpCategories>;

export const SlugParams = z.strictObject({ slug: Slug });

export const VisitorKey = z
  .string()
  .min(KB_LIMITS.visitorKey.min)
  .max(KB_LIMITS.visitorKey.max)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -')
  .describe(
    'a random key the browser keeps (localStorage) to vote once as an anonymous reader; stored hashed',
  );

export const KbVoteCreate = z.strictObject({
  helpful: z.boolean(),
  language: Language,
  visitorKey: VisitorKey.optional().describe('required unless signed in as a customer'),
});
export type KbVoteCreate = z.infer<typeof KbVoteCreate>;

export const KbVoteAnswer = z.object({
  helpful: z.boolean(),
  changed: z.boolean().describe('an earlier vote of this reader was replaced'),
});

// ---- suggestions and deflection ------------------------------------------------------------------

export const DEFLECTION_CHANNELS = ['web', 'portal'] as const;
export const DeflectionChannel = z.enum(DEFLECTION_CHANNELS);
export type DeflectionChannel = z.infer<typeof DeflectionChannel>;

export const HelpSuggestQuery = z.strictObject({
  q: z.string().trim().min(1).max(KB_LIMITS.suggestText).describe('what the customer has written so far'),
  language: Language.optional().describe('preferred language of the suggestions'),
  channel: DeflectionChannel.default('web'),
  record: z
    .enum(['0', '1'])
    .default('0')
    .transform((v) => v === '1')
    .describe('1: count this set of suggestions as shown (once per shown set, not per keystroke)'),
});

export const KbSuggestion = z.object({
  articleId: Id,
  slug: z.string(),
  language: z.string(),
  title: z.string(),
  snippet: z.string(),
  url: z.string().describe('the article in the help center (absolute)'),
});
export type KbSuggestion = z.infer<typeof KbSuggestion>;

export const KbSuggestions = z.object({ items: z.array(KbSuggestion) });

export const DeflectionCreate = z.strictObject({
  channel: DeflectionChannel,
  outcome: z.enum(['deflected', 'submitted']),
  articleId: Id.optional().describe('deflected: the article that answered'),
  query: z.string().trim().max(KB_LIMITS.suggestText).optional(),
});
/**
 * The public report takes no case: anyone may send one, and naming a case would let them tie
 * rows to cases they cannot see (and learn which ids exist). Server code may give the case.
 */
export type DeflectionCreate = z.infer<typeof DeflectionCreate> & { caseId?: string };

export const DeflectionAnswer = z.object({ id: Id, outcome: z.enum(['deflected', 'submitted']) });

export const CaseSuggestQuery = z.strictObject({
  caseId: Id,
  q: KbSearchText.optional().describe(
    'words the agent searches for, instead of the case’s subject and newest customer message',
  ),
});

// ---- report (staff) -----------------------------------------------------------------------------

export const KbReportQuery = z.strictObject({
  from: IsoDateTime.optional().describe('default: 30 days before `to`'),
  to: IsoDateTime.optional().describe('default: now'),
});

export const KbArticleReport = z.object({
  articleId: Id,
  slug: z.string(),
  title: z.string(),
  helpful: z.number().int(),
  unhelpful: z.number().int(),
  helpfulShare: z.number().nullable().describe('helpful / (helpful + unhelpful); null without votes'),
  deflected: z.number().int().describe('times this article answered a request before it was sent'),
});
export type KbArticleReport = z.infer<typeof KbArticleReport>;

export const KbChannelReport = z.object({
  channel: DeflectionChannel,
  suggested: z.number().int().describe('sets of suggestions shown'),
  deflected: z.number().int(),
  submitted: z.number().int(),
  deflectionRate: z.number().nullable().describe('deflected / (deflected + submitted); null when both are 0'),
});
export type KbChannelReport = z.infer<typeof KbChannelReport>;

export const KbReport = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  articles: z.array(KbArticleReport),
  channels: z.array(KbChannelReport),
});
export type KbReport = z.infer<typeof KbReport>;
