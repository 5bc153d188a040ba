// On the case page: published help-center articles matching the case's subject and the
// customer's newest message, in the customer's language when known. The agent copies an
// article's link, or puts it into the reply. Asked again when the subject or the customer's
// newest message changes (the case page reads new messages every few seconds). The agent may
// search for other articles with words of their own; an empty search goes back to the case's.
import { useEffect, useId, useRef, useState } from 'react';
import { KB_LIMITS, type KbSuggestion } from '../../shared/schemas/kb.js';
import { SearchBox } from '../layout/search-box.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { copyText } from '../lib/clipboard.js';
import './kb.css';

export function KbSuggestionsPanel(props: {
  caseId: string;
  /** What the suggestions are made from (subject, newest customer message): a change asks again. */
  basis?: string;
  /** Puts text into the reply composer; without it there is no "Insert into reply". */
  onInsert?(text: string): void;
}) {
  const uid = useId();
  const [q, setQ] = useState('');
  const searching = q.trim() !== '';
  const suggestions = useApi<Items<KbSuggestion>>(
    '/kb/suggest',
    searching ? { caseId: props.caseId, q: q.trim() } : { caseId: props.caseId },
    { keepPrevious: true },
  );
  const { reload } = suggestions;
  const asked = useRef(props.basis);
  useEffect(() => {
    if (asked.current === props.basis) return;
    asked.current = props.basis;
    reload();
  }, [props.basis, reload]);
  const [copied, setCopied] = useState<string | null>(null);
  const items = suggestions.data?.items ?? [];

  return (
    <section className="card panel" aria-labelledby="kb-suggestions-title" data-testid="kb-suggestions">
      <h2 id="kb-suggestions-title">Help articles</h2>
      <div className="kb-suggestions-search">
        <SearchBox
          id={`${uid}-q`}
          label="Search the help articles"
          placeholder="Search the help articles"
          value={q}
          maxLength={KB_LIMITS.query}
          onSearch={setQ}
        />
      </div>
      {suggestions.error && <p className="muted">{suggestions.error.message}</p>}
      {suggestions.data && items.length === 0 && (
        <p className="muted" data-testid="kb-suggestions-empty">
          {searching
            ? `No published article matches “${q.trim()}”.`
            : 'No published article matches this case.'}
        </p>
      )}
      {items.length > 0 && (
        <ul className="kb-suggestions" aria-busy={suggestions.loading}>
          {items.map((s) => (
            <li key={s.articleId} className="kb-suggestion" data-testid="kb-suggestion">
              <a
                href={s.url}
                target="_blank"
                rel="noopener noreferrer"
                className="kb-suggestion__title"
                lang={s.language}
              >
                {s.title}
              </a>
              {s.language !== 'en' && (
                <span className="tag tag--quiet kb-suggestion__lang">{s.language}</span>
              )}
              {s.snippet && (
                <p className="kb-suggestion__snippet muted" lang={s.language}>
                  {s.snippet}
                </p>
              )}
              <div className="kb-suggestion__actions">
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() =>
                    void copyText(s.url).then((ok) => {
                      setCopied(ok ? s.articleId : null);
                      if (ok) setTimeout(() => setCopied((c) => (c === s.articleId ? null : c)), 2000);
                    })
                  }
                >
                  {copied === s.articleId ? 'Copied' : 'Copy link'}
                </button>
                {props.onInsert && (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => props.onInsert?.(`${s.title}: ${s.url}`)}
                  >
                    Insert into reply
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
