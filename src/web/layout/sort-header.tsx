import { isValidElement, useId, type ReactElement, type ReactNode } from 'react';

export interface SortHeaderProps {
  label: string;
  field: string;
  sort: string;
  onSort(sort: string): void;
}

/** A column header that sorts the list by its field; a second click reverses the order. */
export function SortHeader(props: SortHeaderProps) {
  const { label, field, sort, onSort } = props;
  const direction = sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
  const nextSort = direction === 'ascending' ? `-${field}` : field;
  return (
    <th scope="col" aria-sort={direction}>
      <button type="button" className="sort-button" onClick={() => onSort(nextSort)}>
        {label}
        <span className={`sort-button__arrow sort-button__arrow--${direction}`} aria-hidden="true" />
      </button>
    </th>
  );
}

/**
 * The same choice as a list's sort headers, as one select: on a phone a stacked table hides its
 * header row, and with it the way to sort (styles.css shows this only there, and on a tablet for a
 * table stacked there too: `tablet`).
 */
export function PhoneSort(props: { columns: ReactNode[]; tablet?: boolean | undefined }) {
  const id = useId();
  const headers = props.columns
    .filter((c): c is ReactElement<SortHeaderProps> => isValidElement(c) && c.type === SortHeader)
    .map((c) => c.props);
  const first = headers[0];
  if (!first) return null;
  const options = headers.flatMap((h) => [
    [h.field, `${h.label}, ascending`],
    [`-${h.field}`, `${h.label}, descending`],
  ]);
  return (
    <div className={props.tablet ? 'phone-sort phone-sort--tablet' : 'phone-sort'}>
      <label htmlFor={id}>Sort by</label>
      <select
        id={id}
        className="input"
        value={first.sort}
        data-testid="phone-sort"
        onChange={(e) => first.onSort(e.target.value)}
      >
        {/* A sort the headers do not offer (a list's default) is shown as it is, unnamed. */}
        {!options.some(([value]) => value === first.sort) && (
          <option value={first.sort}>Default order</option>
        )}
        {options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
