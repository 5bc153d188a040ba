// Finds another case by its number or words from its subject or messages (the API's search), for
// linking and merging.
import { useEffect, useId, useState } from 'react';
import { LIMITS } from '../../shared/schemas/common.js';
import { api, toApiError } from '../lib/api.js';
import type { CaseSummary, Page } from '../lib/types.js';
import { StatusBadge } from './case-badges.js';

export function CasePicker(props: {
  label: string;
  /** Cases that cannot be picked (this case, cases already linked). */
  exclude: string[];
  /** Offered before anything is typed (e.g. the customer's other cases). */
  suggestions?: CaseSummary[];
  /** Only this customer's cases are found (merging: a duplicate is the same customer's). */
  customerId?: string;
  /** Said under the label (what may be picked). */
  hint?: string;
  actionLabel: string;
  onPick(c: CaseSummary): void;
  onCancel(): void;
}) {
  const uid = useId();
  const [text, setText] = useState('');
  const [found, setFound] = useState<{ for: string; items: CaseSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = text.trim();
  const { customerId } = props;

  useEffect(() => {
    if (!q) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const query = { q, limit: 8, sort: '-updatedAt', ...(customerId ? { customerId } : {}) };
      api.get<Page<CaseSummary>>('/cases', query, controller.signal).then(
        (page) => {
          setFound({ for: q, items: page.items });
          setError(null);
        },
        (err: unknown) => {
          if (!controller.signal.aborted) setError(toApiError(err).message);
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, customerId]);

  const source = q ? (found?.for === q ? found.items : undefined) : props.suggestions;
  const options = source?.filter((c) => !props.exclude.includes(c.id));
  return (
    <div className="picker" data-testid="case-picker">
      <label htmlFor={`${uid}-q`} className="picker__label">
        {props.label}
      </label>
      {props.hint && (
        <p className="muted picker__hint" id={`${uid}-hint`}>
          {props.hint}
        </p>
      )}
      <div className="picker__row">
        <input
          id={`${uid}-q`}
          type="search"
          autoFocus
          placeholder="Case number, or words from its subject or messages"
          aria-describedby={props.hint ? `${uid}-hint` : undefined}
          maxLength={LIMITS.search}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onCancel();
          }}
        />
        <button type="button" className="button button--ghost button--small" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {options && options.length === 0 && (
        <p className="muted picker__empty">{q ? 'No matching cases.' : ''}</p>
      )}
      {options && options.length > 0 && (
        <ul className="picker__results">
          {options.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="picker__option"
                title={c.subject}
                onClick={() => props.onPick(c)}
              >
                <span className="muted">#{c.number}</span>
                <span className="picker__subject">{c.subject}</span>
                <StatusBadge status={c.status} />
                <span className="picker__action">{props.actionLabel}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
