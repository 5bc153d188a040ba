// On the case page: published help-center articles matching the case's subject and the
// customer's newest message, in the customer's language when known. The agent copies an
// article's link, or puts it into the reply. Asked again when the subject or the customer's
// newest message changes (the case page reads new messages every few seconds).
import { useEffect, useRef, useState } from 'react';
import type { KbSuggestion } from '../../shared/schemas/kb.js';
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
  const suggestions = useApi<Items<KbSuggestion>>(
    '/kb/suggest',
    { caseId: props.caseId },
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
      {suggestions.error && <p className="muted">{suggestions.error.message}</p>}
      {suggestions.data && items.length === 0 && (
        <p className="muted">No published article matches this case.</p>
      )}
      {items.length > 0 && (
        <ul className="kb-suggestions">
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
