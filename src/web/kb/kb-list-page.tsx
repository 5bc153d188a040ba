// The knowledge base for staff: every article with its languages and what is live or waiting as
// a draft (filters and search in the address), the report (helpfulness, deflection), and for
// admins the categories.
import { useCallback } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { HelpCategories, KbArticleSummary, KbCategory } from '../../shared/schemas/kb.js';
import { KB_LIMITS, KB_LIST_STATES } from '../../shared/schemas/kb.js';
import { useMe } from '../auth/auth-context.js';
import { formatDateTime } from '../lib/format.js';
import type { Items, Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { Flash } from '../layout/flash.js';
import { ListPager, PageHeader } from '../layout/page-parts.js';
import { SearchBox } from '../layout/search-box.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ListState } from '../layout/list-state.js';
import { TabPanel, Tabs } from '../layout/tabs.js';
import { DataTable } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { KbCategoriesPanel } from './kb-categories.js';
import { languageName, languageStateLabel } from './kb-labels.js';
import { KbReportView } from './kb-report.js';
import './kb.css';

const STATE_LABELS: Record<(typeof KB_LIST_STATES)[number], string> = {
  published: 'Published',
  draft: 'Draft waiting',
  unpublished: 'Not published',
};

type View = 'articles' | 'report' | 'categories';

export function KbListPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const view: View = (['report', 'categories'] as const).find((v) => v === params.get('view')) ?? 'articles';
  useDocumentTitle(view === 'report' ? 'Knowledge base report' : 'Knowledge base');
  const categories = useApi<Items<KbCategory>>('/kb/categories');

  const tabs: { key: View; label: string }[] = [
    { key: 'articles', label: 'Articles' },
    { key: 'report', label: 'Report' },
    ...(me.role === 'admin' ? [{ key: 'categories' as const, label: 'Categories' }] : []),
  ];

  return (
    <>
      <PageHeader
        title="Knowledge base"
        subtitle="Articles for the help center, the web form and the portal, in every language you publish."
        actions={
          <>
            <Link className="button" to="/help" target="_blank" rel="noopener">
              Open the help center
            </Link>
            <Link className="button button--primary" to="/kb/new">
              New article
            </Link>
          </>
        }
      />
      <Flash />
      <Tabs
        label="Knowledge base"
        idBase="kb"
        tabs={tabs}
        active={view}
        onSelect={(v) => setParams(v === 'articles' ? {} : { view: v })}
      />
      <TabPanel idBase="kb" tab={view}>
        {view === 'articles' && <ArticleList categories={categories.data?.items} />}
        {view === 'report' && <KbReportView />}
        {view === 'categories' && me.role === 'admin' && (
          <KbCategoriesPanel categories={categories.data?.items} onChanged={categories.reload} />
        )}
      </TabPanel>
    </>
  );
}

function ArticleList({ categories }: { categories: KbCategory[] | undefined }) {
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const q = params.get('q') ?? '';
  const categoryId = params.get('categoryId') ?? '';
  const language = params.get('language') ?? '';
  const state = params.get('state') ?? '';
  const articles = useApi<Page<KbArticleSummary>>(
    '/kb/articles',
    { q, categoryId, language, state, limit: PAGE_SIZE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  const published = useApi<HelpCategories>('/help/categories');
  const { setFilters } = pager;
  const onSearch = useCallback(
    (text: string) => setFilters({ q: text.trim() }, { replace: true }),
    [setFilters],
  );
  const items = articles.data?.items ?? [];
  const languages = [
    ...new Set([...(published.data?.languages ?? []), 'en', 'de', 'fr', ...(language ? [language] : [])]),
  ].sort();
  const filtered = !!(q || categoryId || language || state);

  return (
    <>
      <div className="toolbar toolbar--filters">
        <SearchBox
          id="kb-search"
          label="Search articles"
          placeholder="Search titles, text and slugs"
          value={q}
          maxLength={KB_LIMITS.query}
          onSearch={onSearch}
        />
        <FilterSelect
          id="kb-category"
          label="Category"
          value={categoryId}
          options={categories?.map((c) => [c.id, c.name] as const) ?? []}
          all="All categories"
          onChange={(v) => setFilters({ categoryId: v }, { replace: true })}
        />
        <FilterSelect
          id="kb-language"
          label="Language"
          value={language}
          options={languages.map((l) => [l, languageName(l)] as const)}
          all="All languages"
          onChange={(v) => setFilters({ language: v }, { replace: true })}
        />
        <FilterSelect
          id="kb-state"
          label="State"
          value={state}
          options={KB_LIST_STATES.map((s) => [s, STATE_LABELS[s]] as const)}
          all="Any state"
          onChange={(v) => setFilters({ state: v }, { replace: true })}
        />
      </div>
      <ListState
        list={articles}
        count={items.length}
        loadingLabel="Loading articles…"
        empty={
          filtered ? (
            'No article matches these filters.'
          ) : (
            <>
              No articles yet. <Link to="/kb/new">Write the first one</Link>: the questions customers ask most
              often are the best start.
            </>
          )
        }
        emptyTestId="kb-empty"
      >
        <DataTable
          testId="kb-table"
          busy={articles.loading}
          columns={['Article', 'Category', 'Languages', 'Changed']}
        >
          {items.map((a) => {
            const main = a.languages.find((l) => l.language === 'en') ?? a.languages[0];
            return (
              <tr key={a.id} data-testid="kb-row">
                <td className="cell-primary">
                  <Link to={`/kb/${a.id}`}>{main?.title ?? a.slug}</Link>
                  <div className="muted cell-sub">/help/{a.slug}</div>
                </td>
                <td>{a.category?.name ?? <span className="muted">—</span>}</td>
                <td>
                  <ul className="kb-lang-states">
                    {a.languages.map((l) => (
                      <li
                        key={l.language}
                        className={
                          l.publishedVersion !== null ? 'kb-lang-state kb-lang-state--live' : 'kb-lang-state'
                        }
                        title={languageName(l.language)}
                      >
                        <strong>{l.language.toUpperCase()}</strong> {languageStateLabel(l)}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="cell-nowrap muted">{formatDateTime(a.updatedAt)}</td>
              </tr>
            );
          })}
        </DataTable>
        <ListPager pager={pager} list={articles} />
      </ListState>
    </>
  );
}
