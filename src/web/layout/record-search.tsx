// A search box that finds records (customers, organizations) by name as one types, and offers
// them to pick. It asks a moment after the typing stops (an earlier question is dropped), up to
// 8; a query shorter than minLength asks nothing and keeps the last answer.
import { useEffect, useState } from 'react';
import { LIMITS } from '../../shared/schemas/common.js';
import { api } from '../lib/api.js';
import type { Page } from '../lib/types.js';

export function useRecordSearch<T>(path: string, q: string, minLength = 1): T[] {
  const [found, setFound] = useState<T[]>([]);
  useEffect(() => {
    if (q.length < minLength) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.get<Page<T>>(path, { q, limit: 8 }, controller.signal).then(
        (page) => setFound(page.items),
        () => {},
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [path, q, minLength]);
  return found;
}

export function RecordSearch<T extends { id: string; name: string }>(props: {
  id: string;
  /** The API list to search (`?q=`). */
  path: string;
  onPick(record: T): void;
  /** The grey text beside a name (an e-mail, the domains). */
  detail(record: T): string;
  /** Names the list of results for screen readers: "Customers found". */
  resultsLabel: string;
  placeholder: string;
  /** Not offered (the record being merged away). */
  exclude?: string;
  /** Characters typed before it asks. */
  minLength?: number;
}) {
  const [text, setText] = useState('');
  const q = text.trim();
  const minLength = props.minLength ?? 1;
  const found = useRecordSearch<T>(props.path, q, minLength).filter((r) => r.id !== props.exclude);
  return (
    <div className="picker">
      <input
        id={props.id}
        type="search"
        placeholder={props.placeholder}
        maxLength={LIMITS.search}
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
      />
      {q.length >= minLength && found.length > 0 && (
        <ul className="picker__results" aria-label={props.resultsLabel}>
          {found.map((r) => (
            <li key={r.id}>
              <button type="button" className="picker__option" onClick={() => props.onPick(r)}>
                <span className="picker__subject">{r.name}</span>
                <span className="muted">{props.detail(r)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
