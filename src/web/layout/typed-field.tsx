// One admin-defined custom field as an input: a list for options and yes/no, a number, date or text
// input otherwise. Its text is what the input holds; `fieldValue` turns it into the stored value.
import type { FieldShape } from '../../shared/field-values.js';

/** A stored value as an input's text ('' for none). */
export const fieldText = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** An input's text as the value the field holds: '' clears it (null). */
export function fieldValue(def: FieldShape, text: string): string | number | boolean | null {
  if (text === '') return null;
  if (def.type === 'number') return Number(text);
  if (def.type === 'boolean') return text === 'true';
  return text;
}

export function TypedFieldInput(props: {
  def: FieldShape;
  id: string;
  value: string;
  onChange(text: string): void;
  disabled?: boolean;
  /** The id of the message about this input, when there is one. */
  errorId?: string;
}) {
  const { def, id, value } = props;
  const aria = props.errorId ? { 'aria-invalid': true, 'aria-describedby': props.errorId } : {};
  if (def.type === 'select' || def.type === 'boolean') {
    const options = def.type === 'boolean' ? ['true', 'false'] : (def.options ?? []);
    return (
      <select
        id={id}
        value={value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
        {...aria}
      >
        <option value="">—</option>
        {/* A value from before the field had this list stays shown until it is changed. */}
        {value !== '' && !options.includes(value) && <option value={value}>{value}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {def.type === 'boolean' ? (o === 'true' ? 'Yes' : 'No') : o}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={id}
      type={def.type === 'number' ? 'number' : def.type === 'date' ? 'date' : 'text'}
      step={def.type === 'number' ? 'any' : undefined}
      value={value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.target.value)}
      {...aria}
    />
  );
}
