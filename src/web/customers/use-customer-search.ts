// Customers found by name or e-mail while someone types: asked a moment after the typing stops
// (an earlier question is dropped), up to 8. A query shorter than minLength asks nothing and
// keeps the last answer.
import { useEffect, useState } from 'react';
import type { Customer } from '../../shared/schemas/customers.js';
import { api } from '../lib/api.js';
import type { Page } from '../lib/types.js';

export function useCustomerSearch(q: string, minLength = 1): Customer[] {
  const [found, setFound] = useState<Customer[]>([]);
  useEffect(() => {
    if (q.length < minLength) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.get<Page<Customer>>('/customers', { q, limit: 8 }, controller.signal).then(
        (page) => setFound(page.items),
        () => {},
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, minLength]);
  return found;
}
