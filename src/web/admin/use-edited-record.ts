// The record an admin form page is about (`/admin/teams/:id`; none at `/new`), loaded from its
// API collection, and the page title that goes with it: "New team", "Edit team", "Edit Support".
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { useApi } from '../lib/use-api.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

export function useEditedRecord<T>(
  path: string,
  noun: string,
  nameOf: (record: T) => string,
  /** The address's parameter that names the record: its id, or its key (segments, event sources). */
  param = 'id',
  /** keepPrevious: a reload keeps the record on screen (a page that reads it again as it changes). */
  opts: { keepPrevious?: boolean } = {},
) {
  const id = useParams()[param];
  const record = useApi<T>(id ? `${path}/${id}` : null, undefined, opts);
  useDocumentTitle(id ? (record.data ? `Edit ${nameOf(record.data)}` : `Edit ${noun}`) : `New ${noun}`);
  // A form keyed by the record's updatedAt starts again when a newer record comes in. After a
  // change made outside the form (new credentials), the page reads the record again and shows the
  // form only once the answer is in: shown before, the answer would wipe what was typed meanwhile.
  const [readingAgain, setReadingAgain] = useState(false);
  if (readingAgain && !record.refreshing) setReadingAgain(false);
  const readAgain = () => {
    setReadingAgain(true);
    record.reload();
  };
  return { id, record, readAgain, readingAgain: readingAgain && record.refreshing };
}
