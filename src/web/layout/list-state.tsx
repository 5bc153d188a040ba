// The states of a list around its rows: the error (with a retry), the loading line, what an empty
// list says, and the rows (children) once there are any. A list that keeps its previous result
// while the next loads keeps showing those rows.
import type { ReactNode } from 'react';
import type { ApiState } from '../lib/use-api.js';
import { ErrorNotice, Loading } from './page-parts.js';

export function ListState(props: {
  list: ApiState<unknown>;
  /** How many rows there are to show. */
  count: number;
  loadingLabel: string;
  /** The text of the empty state. */
  empty: ReactNode;
  emptyTestId?: string;
  children?: ReactNode;
}) {
  const { list, count } = props;
  return (
    <>
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {!list.data && !list.error && <Loading label={props.loadingLabel} />}
      {list.data !== undefined && count === 0 && (
        <div className="empty-state empty-state--inline" data-testid={props.emptyTestId}>
          <p>{props.empty}</p>
        </div>
      )}
      {count > 0 && props.children}
    </>
  );
}
