// The table every list screen draws: scrolls sideways on its own when narrow, names its columns
// in a header row, is named by its section's heading, and says when its rows are being replaced
// (aria-busy).
import { Fragment, useRef, type ReactNode } from 'react';
import { useNameFromHeading } from '../a11y/table-name.js';

export function DataTable(props: {
  testId: string;
  /** Header cells: a string is a plain column header; anything else (a SortHeader, a <th> with a class) is used as it is. */
  columns: ReactNode[];
  /** Modifiers after `table`, e.g. "table--board". */
  className?: string;
  /** Rows on their way; left out, the table says nothing about it. */
  busy?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLTableElement>(null);
  useNameFromHeading(ref);
  return (
    <div className="table-wrap">
      <table
        ref={ref}
        className={props.className ? `table ${props.className}` : 'table'}
        data-testid={props.testId}
        aria-busy={props.busy}
      >
        <thead>
          <tr>
            {props.columns.map((c, i) =>
              typeof c === 'string' ? (
                <th key={i} scope="col">
                  {c}
                </th>
              ) : (
                <Fragment key={i}>{c}</Fragment>
              ),
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** The header of a column of numbers: aligned right like its cells. */
export function numberColumn(label: string) {
  return (
    <th scope="col" className="cell-number">
      {label}
    </th>
  );
}
