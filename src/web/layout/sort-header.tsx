/** A column header that sorts the list by its field; a second click reverses the order. */
export function SortHeader(props: {
  label: string;
  field: string;
  sort: string;
  onSort(sort: string): void;
}) {
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
