// A search box that finds records (customers, organizations) by name as one types, and offers
// them to pick. It asks a moment after the typing stops (an earlier question is dropped), up to
// 8; a query shorter than minLength asks nothing and keeps the last answer. From the keyboard:
// Enter takes the first result, the arrow keys walk the results (up from the first: the box).
import { useEffect, useRef, useState } from 'react';
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
  const shown = q.length >= minLength ? found : [];
  const list = useRef<HTMLUListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  /** Moves the focus to the nth result (-1: back to the box). */
  const focusResult = (n: number) => {
    const options = list.current?.querySelectorAll<HTMLButtonElement>('.picker__option') ?? [];
    if (n < 0) input.current?.focus();
    else options[Math.min(n, options.length - 1)]?.focus();
  };
  return (
    <div className="picker">
      <input
        ref={input}
        id={props.id}
        type="search"
        placeholder={props.placeholder}
        maxLength={LIMITS.search}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Enter takes the first result; it never sends the form the box sits in.
          if (e.key === 'Enter') {
            e.preventDefault();
            if (shown[0]) props.onPick(shown[0]);
          } else if (e.key === 'ArrowDown' && shown.length > 0) {
            e.preventDefault();
            focusResult(0);
          }
        }}
        autoComplete="off"
      />
      {shown.length > 0 && (
        <ul
          ref={list}
          className="picker__results"
          aria-label={props.resultsLabel}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
            e.preventDefault();
            const options = [...(list.current?.querySelectorAll('.picker__option') ?? [])];
            const at = options.indexOf(document.activeElement as Element);
            focusResult(e.key === 'ArrowDown' ? at + 1 : at - 1);
          }}
        >
          {shown.map((r) => (
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
