// The public help center's start: search published articles, browse by category, in the reader's
// language (chosen from what is published, the browser's languages first). Search, category and
// language live in the address, so a result list can be shared and Back works.
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { pickLanguage } from '../../core/kb/language.js';
import type { HelpArticlePage, HelpCategories } from '../../shared/schemas/kb.js';
import { KB_LIMITS } from '../../shared/schemas/kb.js';
import { useApi } from '../lib/use-api.js';
import { useCursorPager } from '../lib/use-cursor-pager.js';
import { ErrorNotice, ListPager, Loading } from '../layout/page-parts.js';
import { SearchBox } from '../layout/search-box.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { FilterSelect } from '../layout/filter-select.js';
import { languageName } from './kb-labels.js';

const HELP_PAGE_SIZE = 20;

/** The language to read in: the one chosen, else the browser's best match among those published. */
export function useHelpLanguage(available: string[] | undefined): string {
  const [params] = useSearchParams();
  const chosen = params.get('language');
  if (chosen) return chosen;
  if (!available || available.length === 0) return '';
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const picked = pickLanguage(wanted, available);
    if (picked && !picked.fallback) return picked.language;
  }
  return pickLanguage(undefined, available)?.language ?? '';
}

export const helpArticlePath = (slug: string, language: string) =>
  `/help/${slug}${language ? `?language=${encodeURIComponent(language)}` : ''}`;

export function HelpCenterPage() {
  useDocumentTitle('Help center', true);
  const [params] = useSearchParams();
  const pager = useCursorPager(HELP_PAGE_SIZE);
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const all = useApi<HelpCategories>('/help/categories');
  const language = useHelpLanguage(all.data?.languages);
  const categories = useApi<HelpCategories>(all.data ? '/help/categories' : null, { language });
  const articles = useApi<HelpArticlePage>(
    all.data ? '/help/articles' : null,
    { q, category, language, limit: HELP_PAGE_SIZE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  const { setFilters } = pager;
  const onSearch = useCallback(
    (text: string) => setFilters({ q: text.trim() }, { replace: true }),
    [setFilters],
  );
  const languages = all.data?.languages ?? [];
  const items = articles.data?.items ?? [];
  const currentCategory = categories.data?.items.find((c) => c.key === category);

  return (
    <div className="help-center" data-testid="help-center">
      <section className="help-hero">
        <h1>How can we help?</h1>
        <div className="help-hero__search">
          <SearchBox
            id="help-search"
            label="Search the help center"
            placeholder="Search, e.g. “damaged parcel” or “invoice copy”"
            value={q}
            maxLength={KB_LIMITS.query}
            onSearch={onSearch}
          />
          {languages.length > 1 && (
            <FilterSelect
              id="help-language"
              label="Language"
              value={language}
              options={languages.map((l) => [l, languageName(l)] as const)}
              onChange={(v) => setFilters({ language: v, category: '' })}
            />
          )}
        </div>
      </section>

      {all.error && <ErrorNotice error={all.error} onRetry={all.reload} />}
      <div className="help-layout">
        <nav className="help-categories" aria-label="Categories">
          <h2>Categories</h2>
          <ul>
            <li>
              <button
                type="button"
                className={category ? 'help-category' : 'help-category help-category--active'}
                aria-current={category ? undefined : 'true'}
                onClick={() => setFilters({ category: '' })}
              >
                All articles
              </button>
            </li>
            {categories.data?.items.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={c.key === category ? 'help-category help-category--active' : 'help-category'}
                  aria-current={c.key === category ? 'true' : undefined}
                  onClick={() => setFilters({ category: c.key })}
                >
                  {c.name} <span className="muted">{c.articleCount}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>

        <section className="help-results" aria-labelledby="help-results-title">
          <h2 id="help-results-title">
            {q ? `Results for “${q}”` : currentCategory ? currentCategory.name : 'All articles'}
          </h2>
          {articles.error && <ErrorNotice error={articles.error} onRetry={articles.reload} />}
          {!articles.data && !articles.error && <Loading label="Loading articles…" />}
          {articles.data && items.length === 0 && (
            <div className="empty-state empty-state--inline" data-testid="help-empty">
              <p>
                {q
                  ? `No article matches “${q}”. Try other or fewer words.`
                  : 'There are no articles here yet.'}
              </p>
            </div>
          )}
          {articles.data?.broadened && (
            <p className="muted" data-testid="help-broadened">
              No article has all of these words; these have some of them.
            </p>
          )}
          {items.length > 0 && (
            <ul className="help-list" aria-busy={articles.loading} data-testid="help-results">
              {items.map((a) => (
                <li key={a.articleId} className="help-list__item">
                  <Link to={helpArticlePath(a.slug, a.language)} className="help-list__title">
                    {a.title}
                  </Link>
                  {a.snippet && <p className="help-list__snippet">{a.snippet}</p>}
                  <p className="help-list__meta muted">
                    {a.category?.name}
                    {a.category && ' · '}
                    {languageName(a.language)}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <ListPager pager={pager} list={articles} />
        </section>
      </div>
    </div>
  );
}
