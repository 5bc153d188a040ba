// A search box that finds customers by name or e-mail as one types, and offers them to pick.
import { useState } from 'react';
import type { Customer } from '../../shared/schemas/customers.js';
import { LIMITS } from '../../shared/schemas/common.js';
import { useCustomerSearch } from './use-customer-search.js';

export function CustomerSearch(props: {
  id: string;
  onPick(c: Customer): void;
  /** Not offered (the customer being merged away). */
  exclude?: string;
  /** Characters typed before it asks. */
  minLength?: number;
  placeholder?: string;
}) {
  const [text, setText] = useState('');
  const q = text.trim();
  const minLength = props.minLength ?? 1;
  const found = useCustomerSearch(q, minLength).filter((c) => c.id !== props.exclude);
  return (
    <div className="picker">
      <input
        id={props.id}
        type="search"
        placeholder={props.placeholder ?? 'Name or e-mail'}
        maxLength={LIMITS.search}
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
      />
      {q.length >= minLength && found.length > 0 && (
        <ul className="picker__results" aria-label="Customers found">
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" className="picker__option" onClick={() => props.onPick(c)}>
                <span className="picker__subject">{c.name}</span>
                <span className="muted">{c.email ?? c.organizationName ?? ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
