import { useEffect } from 'react';
import { useCompanyName } from '../lib/branding.js';

/** "Customers · Steward" in the browser tab (the company's name once one is set); the name alone while the page has no title yet. */
export function useDocumentTitle(title: string | undefined) {
  const name = useCompanyName() ?? 'Steward';
  useEffect(() => {
    document.title = title ? `${title} · ${name}` : name;
  }, [title, name]);
}
