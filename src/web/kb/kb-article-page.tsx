// Writing an article: one tab per language, a Markdown editor with a live preview (the very
// renderer readers get, loaded on demand), save draft, publish, unpublish, the version history;
// slug, category and deleting in the settings. A new article starts as a draft in one language.
import { useDeferredValue, useEffect, useState, type FormEvent } from 'react';
import { useUnsavedGuard } from '../lib/use-unsaved-guard.js';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { slugify } from '../../core/kb/language.js';
import { Language } from '../../shared/schemas/common.js';
import {
  KbArticleCreate,
  KbDraft,
  type KbArticle,
  type KbCategory,
  type KbLanguageVariant,
  type KbVersion,
} from '../../shared/schemas/kb.js';
import {
  errorAt,
  errorsFromApi,
  errorsFromIssues,
  FormField,
  describedBy,
  SelectField,
  type PathErrors,
} from '../admin/form-parts.js';
import { api, request, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { Flash, type FlashState } from '../layout/flash.js';
import { ErrorNotice, FormError, Loading, NotFound, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { TabPanel, Tabs } from '../layout/tabs.js';
import { languageName } from './kb-labels.js';
import './kb.css';
import { EditConflict, isEditConflict, reloadPage } from '../layout/edit-conflict.js';

/** The readers' Markdown renderer, loaded when an editor first needs it (markdown-it is not small). */
function useMarkdownRenderer(): ((md: string) => string) | null {
  const [render, setRender] = useState<((md: string) => string) | null>(null);
  useEffect(() => {
    let alive = true;
    void import('../../core/kb/markdown.js').then((m) => {
      if (alive) setRender(() => m.renderMarkdown);
    });
    return () => {
      alive = false;
    };
  }, []);
  return render;
}

function MarkdownEditor(props: { id: string; value: string; onChange(value: string): void; error?: string }) {
  const render = useMarkdownRenderer();
  const deferred = useDeferredValue(props.value);
  return (
    <div className="kb-editor">
      <FormField id={props.id} label="Text (Markdown)" error={props.error} className="kb-editor__source">
        <textarea
          id={props.id}
          value={props.value}
          rows={22}
          spellCheck
          onChange={(e) => props.onChange(e.target.value)}
          {...describedBy(props.id, props.error)}
        />
      </FormField>
      <div className="kb-editor__preview">
        <p className="field__label" id={`${props.id}-preview-label`}>
          Preview
        </p>
        {render ? (
          <div
            className="kb-body kb-editor__rendered"
            aria-labelledby={`${props.id}-preview-label`}
            data-testid="kb-preview"
            // The readers' renderer: raw HTML off, only safe link targets.
            dangerouslySetInnerHTML={{ __html: render(deferred) }}
          />
        ) : (
          <Loading label="Loading preview…" />
        )}
      </div>
    </div>
  );
}

export function KbArticlePageRoute() {
  const { id = '' } = useParams();
  if (id === 'new') return <NewArticle />;
  return <EditArticle key={id} id={id} />;
}

// ---- new article ------------------------------------------------------------------------------

function NewArticle() {
  useDocumentTitle('New article');
  const navigate = useNavigate();
  const categories = useApi<Items<KbCategory>>('/kb/categories');
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [categoryId, setCategoryId] = useState('');
  const [language, setLanguage] = useState('en');
  const [bodyMd, setBodyMd] = useState('');
  const [errors, setErrors] = useState<PathErrors>({});
  const [busy, setBusy] = useState(false);
  const shownSlug = slugEdited ? slug : slugify(title);

  async function save(e: FormEvent, thenPublish: boolean) {
    e.preventDefault();
    const parsed = KbArticleCreate.safeParse({
      slug: shownSlug,
      categoryId: categoryId || null,
      language: language.trim(),
      title,
      bodyMd,
    });
    if (!parsed.success) {
      setErrors(errorsFromIssues(parsed.error.issues));
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const created = await api.post<KbArticle>('/kb/articles', parsed.data);
      if (thenPublish) await api.post(`/kb/articles/${created.id}/languages/${parsed.data.language}/publish`);
      navigate(`/kb/${created.id}`, {
        state: { notice: thenPublish ? 'Article published.' : 'Draft saved.' } satisfies FlashState,
      });
    } catch (err) {
      const apiError = toApiError(err);
      const fieldErrors = errorsFromApi(apiError);
      setErrors(Object.keys(fieldErrors).length ? fieldErrors : { _form: apiError.message });
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader title="New article" back={{ to: '/kb', label: 'Knowledge base' }} />
      <form className="kb-form" onSubmit={(e) => void save(e, false)} noValidate>
        <FormError message={errors._form} />
        <div className="form__grid form__grid--3">
          <FormField id="kb-title" label="Title" error={errors.title}>
            <input
              type="text"
              id="kb-title"
              value={title}
              maxLength={200}
              onChange={(e) => setTitle(e.target.value)}
              {...describedBy('kb-title', errors.title)}
            />
          </FormField>
          <FormField id="kb-slug" label="Address" hint={`/help/${shownSlug || '…'}`} error={errors.slug}>
            <input
              type="text"
              id="kb-slug"
              value={shownSlug}
              maxLength={100}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value);
              }}
              {...describedBy('kb-slug', errors.slug, true)}
            />
          </FormField>
          <div className="form__grid">
            <CategoryField
              id="kb-category"
              categories={categories.data?.items}
              value={categoryId}
              error={errors.categoryId}
              onChange={setCategoryId}
            />
            <FormField
              id="kb-language"
              label="Language"
              hint={languageName(language)}
              error={errors.language}
            >
              <input
                type="text"
                id="kb-language"
                value={language}
                maxLength={35}
                onChange={(e) => setLanguage(e.target.value)}
                {...describedBy('kb-language', errors.language, true)}
              />
            </FormField>
          </div>
        </div>
        <MarkdownEditor id="kb-body" value={bodyMd} onChange={setBodyMd} error={errors.bodyMd} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy}>
            Save draft
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={busy}
            onClick={(e) => void save(e, true)}
          >
            Publish
          </button>
          <Link to="/kb" className="button button--ghost">
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}

// ---- an article -----------------------------------------------------------------------------------

function EditArticle({ id }: { id: string }) {
  const loaded = useApi<KbArticle>(`/kb/articles/${id}`);
  const [latest, setLatest] = useState<KbArticle | null>(null);
  const article =
    latest && loaded.data && latest.updatedAt >= loaded.data.updatedAt ? latest : (loaded.data ?? latest);
  const [params, setParams] = useSearchParams();
  const [added, setAdded] = useState<string[]>([]);
  const main = article?.languages.find((l) => l.language === 'en') ?? article?.languages[0];
  useDocumentTitle(main ? (main.draft ?? main.published ?? main.versions[0])?.title : 'Article');

  if (loaded.error && !article) {
    if (loaded.error.status === 404 || loaded.error.status === 400) {
      return <NotFound what="Article" back={{ to: '/kb', label: 'Back to the knowledge base' }} />;
    }
    return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  }
  if (!article) return <Loading label="Loading article…" />;

  const existing = article.languages.map((l) => l.language);
  const tabs = [...existing, ...added.filter((l) => !existing.includes(l))];
  const language =
    params.get('language') && tabs.includes(params.get('language')!) ? params.get('language')! : tabs[0]!;
  const variant = article.languages.find((l) => l.language === language);
  const current = variant ? (variant.draft ?? variant.published ?? variant.versions[0]) : undefined;

  return (
    <>
      <PageHeader
        title={current?.title ?? main?.versions[0]?.title ?? article.slug}
        subtitle={
          <>
            /help/{article.slug}
            {article.category && ` · ${article.category.name}`}
          </>
        }
        back={{ to: '/kb', label: 'Knowledge base' }}
      />
      <Flash />
      <Tabs
        label="Languages"
        idBase="kb-language"
        tabs={tabs.map((l) => {
          const v = article.languages.find((x) => x.language === l);
          return {
            key: l,
            label: (
              <>
                {languageName(l)}{' '}
                <span className="tab__count">{v?.published ? 'live' : v ? 'draft' : 'new'}</span>
              </>
            ),
          };
        })}
        active={language}
        onSelect={(l) => setParams({ language: l }, { replace: true })}
        after={
          <AddLanguage
            existing={tabs}
            onAdd={(l) => {
              setAdded((a) => [...a, l]);
              setParams({ language: l }, { replace: true });
            }}
          />
        }
      />
      <TabPanel idBase="kb-language" tab={language}>
        <LanguageEditor
          key={language}
          article={article}
          language={language}
          variant={variant}
          onSaved={setLatest}
        />
      </TabPanel>
      <ArticleSettings article={article} onSaved={setLatest} />
    </>
  );
}

function AddLanguage(props: { existing: string[]; onAdd(language: string): void }) {
  const [open, setOpen] = useState(false);
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!open) {
    return (
      <button type="button" className="tab" onClick={() => setOpen(true)}>
        + Add language
      </button>
    );
  }
  function add(e: FormEvent) {
    e.preventDefault();
    const parsed = Language.safeParse(tag.trim());
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'not a language tag');
    if (props.existing.includes(parsed.data)) return setError('this language is there already');
    props.onAdd(parsed.data);
    setOpen(false);
    setTag('');
    setError(null);
  }
  return (
    <form className="kb-add-language" onSubmit={add}>
      <label htmlFor="kb-new-language" className="visually-hidden">
        Language tag
      </label>
      <input
        type="text"
        id="kb-new-language"
        placeholder="de, fr, de-CH"
        value={tag}
        maxLength={35}
        autoFocus
        onChange={(e) => setTag(e.target.value)}
        aria-invalid={error ? true : undefined}
      />
      <button type="submit" className="button button--small">
        Add
      </button>
      <button type="button" className="button button--ghost button--small" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

function LanguageEditor(props: {
  article: KbArticle;
  language: string;
  variant: KbLanguageVariant | undefined;
  onSaved(article: KbArticle): void;
}) {
  const { article, language, variant } = props;
  const base = variant ? (variant.draft ?? variant.published ?? variant.versions[0]) : undefined;
  const [title, setTitle] = useState(base?.title ?? '');
  const [bodyMd, setBodyMd] = useState(base?.bodyMd ?? '');
  const [errors, setErrors] = useState<PathErrors>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A draft save refused: another author saved the article since this copy was read.
  const [conflict, setConflict] = useState(false);
  const dirty = !base || title !== base.title || bodyMd !== base.bodyMd;
  // Typed and not saved (a new language's empty form is nothing to lose).
  useUnsavedGuard(title !== (base?.title ?? '') || bodyMd !== (base?.bodyMd ?? ''));
  const path = `/kb/articles/${article.id}/languages/${encodeURIComponent(language)}`;

  async function run(label: string, action: () => Promise<KbArticle>, done: string) {
    setBusy(label);
    setErrors({});
    setNotice(null);
    setConflict(false);
    try {
      props.onSaved(await action());
      setNotice(done);
    } catch (err) {
      if (isEditConflict(err)) {
        setConflict(true);
        return;
      }
      const apiError = toApiError(err);
      const fieldErrors = errorsFromApi(apiError);
      setErrors(Object.keys(fieldErrors).length ? fieldErrors : { _form: apiError.message });
    } finally {
      setBusy(null);
    }
  }

  function validDraft() {
    const parsed = KbDraft.safeParse({ title, bodyMd });
    if (!parsed.success) {
      setErrors(errorsFromIssues(parsed.error.issues));
      return null;
    }
    return parsed.data;
  }

  // Saved only onto the article as read here (If-Match), unless the author chose to overwrite.
  const putDraft = (draft: KbDraft, overwrite = false) =>
    request<KbArticle>('PUT', `${path}/draft`, {
      body: draft,
      ifMatch: overwrite ? undefined : article.updatedAt,
    });
  const saveDraft = (overwrite = false) => {
    const draft = validDraft();
    if (draft) void run('save', () => putDraft(draft, overwrite), 'Draft saved.');
  };
  const publish = () => {
    const draft = validDraft();
    if (!draft) return;
    void run(
      'publish',
      async () => {
        if (dirty || !variant?.draft) await putDraft(draft);
        return api.post<KbArticle>(`${path}/publish`);
      },
      'Published: readers see this version now.',
    );
  };
  const unpublish = () => {
    if (!window.confirm(`Take the ${languageName(language)} version off the help center?`)) return;
    void run('unpublish', () => api.post<KbArticle>(`${path}/unpublish`), 'Taken off the help center.');
  };
  // Publishing needs something new: unsaved edits, or a saved draft.
  const canPublish = dirty || !!variant?.draft;

  return (
    <section
      className="kb-language"
      aria-label={`${languageName(language)} version`}
      data-testid="kb-language-editor"
    >
      <p className="kb-language__state" data-testid="kb-language-state">
        {variant?.published ? (
          <span className="badge kb-badge--live">
            Published v{variant.published.version}
            {variant.published.publishedAt && ` · ${formatDateTime(variant.published.publishedAt)}`}
          </span>
        ) : (
          <span className="badge kb-badge--draft">Not published</span>
        )}
        {variant?.draft && (
          <span className="badge kb-badge--draft">Draft v{variant.draft.version} not published</span>
        )}
        {dirty && <span className="muted">Unsaved changes</span>}
        {variant?.published && (
          <Link
            to={`/help/${article.slug}?language=${encodeURIComponent(language)}`}
            target="_blank"
            rel="noopener"
          >
            View in the help center
          </Link>
        )}
      </p>
      <FormError message={errors._form} />
      {conflict && (
        <EditConflict
          noun="article"
          onLoad={reloadPage}
          onOverwrite={() => saveDraft(true)}
          saving={!!busy}
        />
      )}
      {notice && (
        <p className="notice notice--success" role="status" data-testid="kb-notice">
          {notice}
        </p>
      )}
      <FormField id="kb-title" label="Title" error={errors.title}>
        <input
          type="text"
          id="kb-title"
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
          lang={language}
          {...describedBy('kb-title', errors.title)}
        />
      </FormField>
      <MarkdownEditor id="kb-body" value={bodyMd} onChange={setBodyMd} error={errors.bodyMd} />
      <div className="form__actions">
        <button type="button" className="button" disabled={!!busy || !dirty} onClick={() => saveDraft()}>
          {busy === 'save' ? 'Saving…' : 'Save draft'}
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={!!busy || !canPublish}
          onClick={publish}
        >
          {busy === 'publish' ? 'Publishing…' : 'Publish'}
        </button>
        {variant?.published && (
          <button type="button" className="button button--ghost" disabled={!!busy} onClick={unpublish}>
            Unpublish
          </button>
        )}
      </div>
      {variant && (
        <VersionHistory
          versions={variant.versions}
          onLoad={(v) => {
            setTitle(v.title);
            setBodyMd(v.bodyMd);
            setNotice(`Version ${v.version} is in the editor: save it as a draft to bring it back.`);
          }}
        />
      )}
    </section>
  );
}

const VERSION_STATE_LABELS: Record<KbVersion['state'], string> = {
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
};

function VersionHistory(props: { versions: KbVersion[]; onLoad(version: KbVersion): void }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="section" aria-labelledby="kb-history-title">
      <h2 id="kb-history-title">Version history</h2>
      <ol className="kb-history" data-testid="kb-history">
        {props.versions.map((v) => (
          <li key={v.id} className="kb-history__item">
            <div className="kb-history__head">
              <strong>v{v.version}</strong>
              <span className={`badge kb-badge--${v.state === 'published' ? 'live' : v.state}`}>
                {VERSION_STATE_LABELS[v.state]}
              </span>
              <span>{v.title}</span>
              <span className="muted">
                {formatDateTime(v.createdAt)}
                {v.createdBy && ` · ${v.createdBy.name}`}
              </span>
              <span className="kb-history__actions">
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-expanded={open === v.id}
                  onClick={() => setOpen(open === v.id ? null : v.id)}
                >
                  {open === v.id ? 'Hide' : 'Show'}
                </button>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => props.onLoad(v)}
                >
                  Copy into editor
                </button>
              </span>
            </div>
            {open === v.id && (
              <div className="kb-body kb-history__body" dangerouslySetInnerHTML={{ __html: v.bodyHtml }} />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ArticleSettings(props: { article: KbArticle; onSaved(article: KbArticle): void }) {
  const { article } = props;
  const navigate = useNavigate();
  const categories = useApi<Items<KbCategory>>('/kb/categories');
  const [slug, setSlug] = useState(article.slug);
  const [categoryId, setCategoryId] = useState(article.category?.id ?? '');
  const [errors, setErrors] = useState<PathErrors>({});
  const [busy, setBusy] = useState(false);
  const changed = slug !== article.slug || categoryId !== (article.category?.id ?? '');

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      props.onSaved(
        await api.patch<KbArticle>(`/kb/articles/${article.id}`, {
          ...(slug !== article.slug ? { slug } : {}),
          categoryId: categoryId || null,
        }),
      );
    } catch (err) {
      const apiError = toApiError(err);
      const fieldErrors = errorsFromApi(apiError);
      setErrors(Object.keys(fieldErrors).length ? fieldErrors : { _form: apiError.message });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!window.confirm('Delete this article? Readers will no longer find it; its address is not reused.'))
      return;
    try {
      await api.delete(`/kb/articles/${article.id}`);
      navigate('/kb', { state: { notice: 'Article deleted.' } satisfies FlashState });
    } catch (err) {
      setErrors({ _form: toApiError(err).message });
    }
  }

  return (
    <section className="section card" aria-labelledby="kb-settings-title">
      <h2 id="kb-settings-title">Settings</h2>
      <form className="form__grid" onSubmit={(e) => void save(e)}>
        <FormField
          id="kb-settings-slug"
          label="Address"
          hint={`/help/${slug}`}
          error={errorAt(errors, 'slug')}
        >
          <input
            type="text"
            id="kb-settings-slug"
            value={slug}
            maxLength={100}
            onChange={(e) => setSlug(e.target.value)}
          />
        </FormField>
        <CategoryField
          id="kb-settings-category"
          categories={categories.data?.items}
          value={categoryId}
          error={errorAt(errors, 'categoryId')}
          onChange={setCategoryId}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={busy || !changed}>
            Save settings
          </button>
          <button
            type="button"
            className="button button--danger form__actions-end"
            onClick={() => void remove()}
          >
            Delete article
          </button>
        </div>
      </form>
      {errors._form && (
        <p className="field__error" role="alert">
          {errors._form}
        </p>
      )}
    </section>
  );
}

/** The article's category: one of the knowledge base's, or none. */
function CategoryField(props: {
  id: string;
  categories: KbCategory[] | undefined;
  value: string;
  error: string | undefined;
  onChange(categoryId: string): void;
}) {
  return (
    <SelectField
      id={props.id}
      label="Category"
      value={props.value}
      onChange={props.onChange}
      empty="None"
      options={(props.categories ?? []).map((c) => ({ value: c.id, label: c.name }))}
      error={props.error}
    />
  );
}
