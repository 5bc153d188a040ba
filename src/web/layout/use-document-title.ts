import { useEffect } from 'react';

/** "Customers · Steward" in the browser tab; "Steward" while the page has no title yet. */
export function useDocumentTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Steward` : 'Steward';
  }, [title]);
}
