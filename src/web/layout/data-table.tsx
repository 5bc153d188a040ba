// The table every list screen draws: scrolls sideways on its own when narrow, names its columns
// in a header row, is named by its section's heading, and says when its rows are being replaced
// (aria-busy). On a phone each row is a block, each cell under its column's name, so that no
// column (a name, a date, a button) sits beyond the screen's right edge; `stackOnPhone={false}`
// keeps the table scrolling sideways instead (a table read across, such as a grid of numbers).
// `stackOnTablet` makes the blocks begin below 1024 px, for a table too wide for a tablet (the
// agreements with their lists of targets, the commitments with their dates, the signals, the
// signal rules).
import { Fragment, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useNameFromHeading } from '../a11y/table-name.js';
import { PhoneSort } from './sort-header.js';

export function DataTable(props: {
  testId: string;
  /** Header cells: a string is a plain column header; anything else (a SortHeader, a <th> with a class) is used as it is. */
  columns: ReactNode[];
  /** Modifiers after `table`, e.g. "table--board". */
  className?: string;
  /** Rows on their way; left out, the table says nothing about it. */
  busy?: boolean;
  /** On a phone, rows as blocks rather than a table scrolling sideways (styles.css `.table--stack`); default true. */
  stackOnPhone?: boolean;
  /** Rows as blocks below 1024 px too (styles.css `.table--stack-tablet`), where its columns do not fit a tablet. */
  stackOnTablet?: boolean;
  children: ReactNode;
}) {
  const ref = useRef<HTMLTableElement>(null);
  const stack = props.stackOnPhone ?? true;
  useNameFromHeading(ref);
  // Each cell names its column, for the stacked layout (CSS shows attr(data-label) before it).
  useLayoutEffect(() => {
    const table = ref.current;
    if (!stack || !table) return;
    const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
    for (const row of table.querySelectorAll('tbody tr'))
      [...row.children].forEach((cell, i) => cell.setAttribute('data-label', names[i] ?? ''));
  });
  const classes = [
    'table',
    props.className,
    stack ? 'table--stack' : undefined,
    stack && props.stackOnTablet ? 'table--stack-tablet' : undefined,
  ];
  return (
    <>
      {stack && <PhoneSort columns={props.columns} tablet={props.stackOnTablet} />}
      <div className="table-wrap">
        <table
          ref={ref}
          className={classes.filter(Boolean).join(' ')}
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
    </>
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
