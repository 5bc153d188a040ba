// Editing a record's custom fields (customers, organizations). The fields admins defined come
// first, each as its own typed input (Admin → Fields); values under other keys are a flat list of
// names and values, with rows to add and remove, edited as text. A value left as it was keeps its
// type (a number stays a number), and an emptied one becomes null.
import { useState } from 'react';
import { expectedValue, fitsDefinition } from '../../shared/field-values.js';
import type { CustomFields } from '../../shared/schemas/common.js';
import { LIMITS } from '../../shared/schemas/common.js';
import type { FieldEntity } from '../../shared/schemas/fields.js';
import type { CustomFieldDefinition, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { fieldText, fieldValue, TypedFieldInput } from './typed-field.js';

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

/** The defined fields a record is offered: the ones switched on, and others it has a value in. */
export const offeredFields = (defs: CustomFieldDefinition[], stored: Record<string, unknown>) =>
  defs.filter((d) => d.active || (stored[d.key] !== undefined && stored[d.key] !== null));

/**
 * The object to send: the typed fields' values (the stored one where the text is unchanged, null
 * where emptied) and the free-form rows; or why not (a value that does not fit, a name twice).
 */
export function customFieldsOf(
  defs: CustomFieldDefinition[],
  typed: Record<string, string>,
  rows: FieldRow[],
  stored: Record<string, unknown>,
): { fields: CustomFields } | { error: string } {
  const free = fieldsOf(rows);
  if ('error' in free) return free;
  const fields: CustomFields = {};
  for (const d of offeredFields(defs, stored)) {
    if (d.key in free.fields) return { error: `“${d.key}” is ${d.label}, above: fill it in there` };
    const text = typed[d.key] ?? fieldText(stored[d.key]);
    if (text === fieldText(stored[d.key])) {
      if (d.key in stored) fields[d.key] = stored[d.key] as CustomFields[string];
      continue;
    }
    const value = fieldValue(d, text);
    if (value !== null && !fitsDefinition(d, value))
      return { error: `${d.label} must be ${expectedValue(d)}` };
    fields[d.key] = value;
  }
  return { fields: { ...fields, ...free.fields } };
}

/**
 * The state of a record's custom fields in a form: the definitions of its kind (read here), the
 * typed inputs' texts and the free-form rows. `collect` gives what to send.
 */
export function useCustomFields(entity: FieldEntity, stored: Record<string, unknown>, enabled = true) {
  const defs = useApi<Items<CustomFieldDefinition>>(enabled ? `/${entity}-fields` : null);
  const definitions = offeredFields(defs.data?.items ?? [], stored);
  const defined = new Set(definitions.map((d) => d.key));
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [rows, setRows] = useState<FieldRow[] | null>(null);
  // Until the definitions are read, every stored value is a row; then the defined ones leave.
  const shownRows =
    rows ?? rowsOf(Object.fromEntries(Object.entries(stored).filter(([key]) => !defined.has(key))));
  return {
    editor: {
      definitions,
      typed: Object.fromEntries(definitions.map((d) => [d.key, typed[d.key] ?? fieldText(stored[d.key])])),
      onTyped: (key: string, text: string) => setTyped((all) => ({ ...all, [key]: text })),
      rows: shownRows,
      onChange: setRows,
    },
    collect: () => customFieldsOf(definitions, typed, shownRows, stored),
  };
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
  /** The fields admins defined for this kind of record, and their inputs' texts. */
  definitions?: CustomFieldDefinition[];
  typed?: Record<string, string>;
  onTyped?(key: string, text: string): void;
  /** Said of any change (to clear an error shown). */
  onEdit?(): void;
  error?: string;
}) {
  const { id, rows } = props;
  const definitions = props.definitions ?? [];
  const change = (next: FieldRow[]) => {
    props.onChange(next);
    props.onEdit?.();
  };
  const set = (i: number, edit: Partial<FieldRow>) =>
    change(rows.map((r, j) => (j === i ? { ...r, ...edit } : r)));
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
      {definitions.length > 0 && (
        <div className="custom-fields__typed" data-testid={`${id}-typed`}>
          {definitions.map((d) => (
            <div className="field field--compact" key={d.key}>
              <label htmlFor={`${id}-${d.key}`}>{d.label}</label>
              <TypedFieldInput
                def={d}
                id={`${id}-${d.key}`}
                value={props.typed?.[d.key] ?? ''}
                onChange={(text) => {
                  props.onTyped?.(d.key, text);
                  props.onEdit?.();
                }}
              />
            </div>
          ))}
        </div>
      )}
      {definitions.length > 0 && <span className="custom-fields__other">Other fields</span>}
      {rows.length === 0 && <p className="muted">None.</p>}
      <ul className="custom-fields" data-testid={id}>
        {rows.map((row, i) => (
          <li key={i} className="custom-fields__row">
            <input
              aria-label={`Custom field ${i + 1}`}
              placeholder="name, e.g. contractId"
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
              onClick={() => change(rows.filter((_, j) => j !== i))}
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
          onClick={() => change([...rows, { key: '', value: '' }])}
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
