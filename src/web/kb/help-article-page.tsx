// One published article in the help center: its text (HTML the server rendered from Markdown,
// safe by construction), the other languages it exists in, and "Did this help?". A vote is sent
// as the signed-in customer, or with this browser's visitor key; voting again changes it.
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { HelpArticle } from '../../shared/schemas/kb.js';
import { api, toApiError } from '../lib/api.js';
import { formatDate } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useAuth } from '../auth/auth-context.js';
import { helpArticlePath } from './help-center-page.js';
import { languageName, rememberVote, rememberedVote, visitorKey } from './kb-labels.js';

export function HelpArticlePage() {
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const language = params.get('language') ?? '';
  const article = useApi<HelpArticle>(`/help/articles/${encodeURIComponent(slug)}`, { language });
  const a = article.data;
  useDocumentTitle(a?.title ?? 'Help center', true);

  if (article.error) {
    if (article.error.status === 404 || article.error.status === 400) {
      return (
        <div className="empty-state" data-testid="not-found">
          <h1>Article not found</h1>
          <p className="muted">It may have been moved or taken off the help center.</p>
          <Link className="button" to="/help">
            Search the help center
          </Link>
        </div>
      );
    }
    return <ErrorNotice error={article.error} onRetry={article.reload} />;
  }
  if (!a) return <Loading label="Loading article…" />;

  return (
    <article className="help-article" lang={a.language} data-testid="help-article">
      <nav className="help-article__crumbs" aria-label="Breadcrumb">
        <Link to={a.language ? `/help?language=${encodeURIComponent(a.language)}` : '/help'}>
          Help center
        </Link>
        {a.category && (
          <>
            {' › '}
            <Link to={`/help?category=${a.category.key}&language=${encodeURIComponent(a.language)}`}>
              {a.category.name}
            </Link>
          </>
        )}
      </nav>
      <h1>{a.title}</h1>
      <p className="muted help-article__meta">Updated {formatDate(a.publishedAt)}</p>
      {a.fallback && language && (
        <p className="notice notice--info" role="status" lang="en">
          This article is not available in {languageName(language)}; here it is in {languageName(a.language)}.
        </p>
      )}
      {a.languages.length > 1 && (
        <nav className="help-article__languages" aria-label="Languages" lang="en">
          <span className="muted">Also in:</span>
          {a.languages
            .filter((l) => l !== a.language)
            .map((l) => (
              <Link key={l} to={helpArticlePath(a.slug, l)} lang={l} hrefLang={l}>
                {languageName(l)}
              </Link>
            ))}
        </nav>
      )}
      {/* Rendered by the server with raw HTML off and only safe link targets. */}
      <div
        className="kb-body"
        data-testid="help-article-body"
        dangerouslySetInnerHTML={{ __html: a.bodyHtml }}
      />
      <HelpfulVote key={`${a.slug}:${a.language}`} slug={a.slug} language={a.language} />
    </article>
  );
}

function HelpfulVote({ slug, language }: { slug: string; language: string }) {
  const { me } = useAuth();
  const [vote, setVote] = useState<boolean | undefined>(() => rememberedVote(slug));
  const [changing, setChanging] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function send(helpful: boolean) {
    setBusy(true);
    setError(null);
    try {
      const asCustomer = me?.role === 'customer';
      await api.post(`/help/articles/${encodeURIComponent(slug)}/vote`, {
        helpful,
        language,
        ...(asCustomer ? {} : { visitorKey: visitorKey() }),
      });
      rememberVote(slug, helpful);
      setVote(helpful);
      setChanging(false);
    } catch (err) {
      const e = toApiError(err);
      setError(
        e.status === 429
          ? 'Too many answers from here just now. Please try again in a few minutes.'
          : e.message,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="help-vote" aria-labelledby="help-vote-title" lang="en" data-testid="help-vote">
      {vote === undefined || changing ? (
        <>
          <h2 id="help-vote-title">Did this help?</h2>
          <div className="help-vote__buttons">
            <button type="button" className="button" disabled={busy} onClick={() => void send(true)}>
              Yes
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => void send(false)}>
              No
            </button>
          </div>
        </>
      ) : (
        <>
          <h2 id="help-vote-title" className="visually-hidden">
            Did this help?
          </h2>
          <p role="status" data-testid="help-vote-thanks">
            {vote
              ? 'Thank you for your feedback! We are glad it helped.'
              : 'Thank you for your feedback. We will work on this article.'}{' '}
            <button type="button" className="link-quiet" onClick={() => setChanging(true)}>
              Change my answer
            </button>
          </p>
          {!vote && (
            <p className="muted">
              Still need help? <Link to="/help">Search again</Link> or{' '}
              {me?.role === 'customer' ? (
                <Link to="/portal/new">write to us from your account</Link>
              ) : (
                <Link to="/form">write to us</Link>
              )}
              .
            </p>
          )}
        </>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
