// What a screen about one record shows until it can show the record: "not found" for an unknown
// id, the error (with a retry) when the record or anything the screen needs failed to load, and
// the loading line while any of them is on its way.
import type { ReactNode } from 'react';
import type { ApiState } from '../lib/use-api.js';
import { ErrorNotice, Loading, NotFound } from './page-parts.js';

/** Still to come: a skipped request has nothing to wait for, a list keeps showing what it had. */
const waiting = (s: ApiState<unknown>) => s.loading && s.data === undefined;

export function RecordGate<T>(props: {
  /** The record's request; a skipped one (no id: a new record) has nothing to wait for. */
  record: ApiState<T>;
  /** "Team" gives "Team not found". */
  what: string;
  /** Where "not found" leads back to. */
  back: { to: string; label: string };
  /** Other requests the screen cannot do without; a skipped one counts as done. */
  needs?: ApiState<unknown>[];
  /** Keeps the loading line up for a request whose failure the screen tolerates. */
  pending?: boolean;
  loadingLabel: string;
  /** The screen, rendered once everything has loaded; no record when the request was skipped. */
  children(record: T | undefined): ReactNode;
}) {
  const { record, needs = [] } = props;
  if (record.error) {
    if (record.error.status === 404 || record.error.status === 400)
      return <NotFound what={props.what} back={props.back} />;
    return <ErrorNotice error={record.error} onRetry={record.reload} />;
  }
  const failed = needs.find((n) => n.error);
  if (failed?.error) return <ErrorNotice error={failed.error} onRetry={failed.reload} />;
  if (waiting(record) || props.pending || needs.some(waiting)) return <Loading label={props.loadingLabel} />;
  return <>{props.children(record.data)}</>;
}

/**
 * A record's form, held back while the screen reads the record again after a change of its own
 * (useEditedRecord's readingAgain): the form then starts from the record as it is now, and an
 * answer arriving after the admin began editing cannot start it over.
 */
export function AfterReadingAgain(props: { readingAgain: boolean; label: string; children: ReactNode }) {
  return props.readingAgain ? <p className="muted">{props.label}</p> : <>{props.children}</>;
}
