import { NotFound } from './page-parts.js';
import { useDocumentTitle } from './use-document-title.js';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return <NotFound what="Page" back={{ to: '/', label: 'Go to the start page' }} />;
}
