// The bar above a list that acts on the rows selected in it (cases, signals): how many are
// selected, a way to let them go, the controls, and a spinner and the error while and after
// the change is applied.
import type { ReactNode } from 'react';
import { countOf } from '../lib/format.js';

export function BulkBarFrame(props: {
  /** Names the region for assistive technology. */
  label: string;
  testId: string;
  count: number;
  /** What is selected: "case", "signal". */
  noun: string;
  busy: boolean;
  busyLabel: string;
  error: string | null;
  onClear(): void;
  children: ReactNode;
}) {
  return (
    <div className="bulk-bar" role="region" aria-label={props.label} data-testid={props.testId}>
      <span className="bulk-bar__count" data-testid="bulk-count">
        {countOf(props.count, props.noun)} selected
      </span>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={props.onClear}
        aria-label="Clear selection"
      >
        Clear
      </button>
      {props.children}
      {props.busy && <span className="spinner" role="status" aria-label={props.busyLabel} />}
      {props.error && (
        <p className="bulk-bar__error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}
