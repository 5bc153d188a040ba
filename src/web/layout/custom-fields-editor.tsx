// Editing a record's custom fields (customers, organizations): a flat list of names and values,
// with rows to add and remove. Values are edited as text; one left as it was keeps its type (a
// number stays a number), and an emptied one becomes null.
import type { CustomFields } from '../../shared/schemas/common.js';
import { LIMITS } from '../../shared/schemas/common.js';

export interface FieldRow {
  key: string;
  value: string;
  /** The stored value the row started from, kept when its text is unchanged. */
  original?: unknown;
}

const asText = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function rowsOf(fields: Record<string, unknown>): FieldRow[] {
  return Object.entries(fields).map(([key, value]) => ({ key, value: asText(value), original: value }));
}

/** The object the API takes, or why not (a row without a name, a name twice). */
export function fieldsOf(rows: FieldRow[]): { fields: CustomFields } | { error: string } {
  const fields: CustomFields = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.value === '') continue;
    if (key === '') return { error: 'every field needs a name' };
    if (key in fields) return { error: `“${key}” is there twice` };
    fields[key] =
      row.original !== undefined && row.value === asText(row.original)
        ? (row.original as CustomFields[string])
        : row.value === ''
          ? null
          : row.value;
  }
  return { fields };
}

/** Same fields and values, in any order. */
export function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && a[k] === b[k]);
}

export function CustomFieldsEditor(props: {
  id: string;
  rows: FieldRow[];
  onChange(rows: FieldRow[]): void;
  error?: string;
}) {
  const { id, rows } = props;
  const set = (i: number, change: Partial<FieldRow>) =>
    props.onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <div
      id={id}
      className={props.error ? 'field field--invalid' : 'field'}
      role="group"
      aria-labelledby={`${id}-label`}
    >
      <span className="field__label" id={`${id}-label`}>
        Custom fields
      </span>
      {rows.length === 0 && <p className="muted">None.</p>}
      <ul className="custom-fields" data-testid={id}>
        {rows.map((row, i) => (
          <li key={i} className="custom-fields__row">
            <input
              aria-label={`Custom field ${i + 1}`}
              placeholder="name, e.g. accountManager"
              maxLength={63}
              value={row.key}
              onChange={(e) => set(i, { key: e.target.value })}
            />
            <input
              aria-label={`Value of custom field ${i + 1}`}
              placeholder="value"
              maxLength={LIMITS.customFieldValue}
              value={row.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            <button
              type="button"
              className="button button--ghost button--small"
              aria-label={`Remove field ${row.key || i + 1}`}
              onClick={() => props.onChange(rows.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {rows.length < LIMITS.customFieldKeys && (
        <button
          type="button"
          className="button button--small"
          onClick={() => props.onChange([...rows, { key: '', value: '' }])}
        >
          Add field
        </button>
      )}
      {props.error && (
        <p className="field__error" id={`${id}-error`} data-testid={`error-${id}`}>
          {props.error}
        </p>
      )}
    </div>
  );
}
