// Knowledge-base articles suggested while a customer writes (portal, web form), and deflection
// counting: a set shown after a pause in typing is recorded as suggested (record=1); opening one
// and then leaving without sending counts as deflected, sending anyway as submitted.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { DeflectionCreate, KbSuggestion } from '../../shared/schemas/kb.js';
import { API_BASE, api } from '../lib/api.js';

/** Typing pauses this long before suggestions are looked up. */
const DEBOUNCE_MS = 400;
const MIN_CHARS = 3;

type Channel = 'web' | 'portal';

export function useHelpSuggestions(text: string, channel: Channel, language?: string) {
  const [found, setFound] = useState<{ q: string; items: KbSuggestion[] } | null>(null);
  const q = text.trim().slice(0, 500);
  useEffect(() => {
    if (q.length < MIN_CHARS) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<{ items: KbSuggestion[] }>(
          '/help/suggest',
          { q, channel, language, record: '1' },
          controller.signal,
        )
        .then(
          (res) => setFound({ q, items: res.items }),
          () => {
            // Suggestions are a help, not a step: without them the form works as before.
          },
        );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, channel, language]);
  const items = q.length >= MIN_CHARS && found ? found.items : [];
  return { items, query: found?.q ?? q, shownAny: useShownAny(items.length > 0) };
}

/** Whether any suggestions were ever shown on this form (then its outcome is worth reporting). */
function useShownAny(showing: boolean) {
  const [shown, setShown] = useState(false);
  if (showing && !shown) setShown(true);
  return shown || showing;
}

/** The public report's body as its schema takes it (strict: no case, see `DeflectionCreate`). */
function report(body: z.input<typeof DeflectionCreate>) {
  // keepalive: the report survives the page being closed or navigated away from.
  void fetch(`${API_BASE}/help/deflections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    keepalive: true,
  }).catch(() => {});
}

/**
 * Tracks the outcome of a form with suggestions: `opened` when the customer opens an article,
 * `submitted` when they send anyway. Leaving (unmount, closing the tab) after opening an article
 * without sending reports a deflection, once.
 */
export function useDeflection(channel: Channel) {
  const state = useRef<{ opened: { articleId: string; query: string } | null; done: boolean }>({
    opened: null,
    done: false,
  });
  useEffect(() => {
    const leave = () => {
      const s = state.current;
      if (s.done || !s.opened) return;
      s.done = true;
      report({
        channel,
        outcome: 'deflected',
        articleId: s.opened.articleId,
        query: s.opened.query || undefined,
      });
    };
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [channel]);
  const opened = useCallback((articleId: string, query: string) => {
    state.current.opened = { articleId, query };
  }, []);
  const submitted = useCallback(
    (opts: { query: string; shown: boolean }) => {
      const s = state.current;
      if (s.done) return;
      s.done = true;
      if (!opts.shown) return;
      report({
        channel,
        outcome: 'submitted',
        articleId: s.opened?.articleId,
        query: opts.query || undefined,
      });
    },
    [channel],
  );
  /** The form starts over (another request): track afresh. */
  const reset = useCallback(() => {
    state.current = { opened: null, done: false };
  }, []);
  return { opened, submitted, reset };
}

export function HelpSuggestions(props: { items: KbSuggestion[]; onOpen(article: KbSuggestion): void }) {
  if (props.items.length === 0) return null;
  return (
    <section className="suggestions" aria-label="Articles that may help" data-testid="help-suggestions">
      <p className="suggestions__title">These articles may answer your question:</p>
      <ul className="suggestions__list">
        {props.items.map((s) => (
          <li key={s.articleId} className="suggestion" data-testid="help-suggestion">
            <a href={s.url} target="_blank" rel="noopener" onClick={() => props.onOpen(s)}>
              {s.title}
            </a>
            {s.snippet && <span className="suggestion__snippet">{s.snippet}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
