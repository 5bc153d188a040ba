// A labelled choice in a list's toolbar: category, state, sort order and the like.
export function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  /** The choices as [value, label]. */
  options: readonly (readonly [value: string, label: string])[];
  /** The first choice, standing for no filter ("All categories"); none when every choice is a value. */
  all?: string;
  disabled?: boolean;
  onChange(value: string): void;
}) {
  return (
    <div className="toolbar__filter">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        disabled={props.disabled}
      >
        {props.all !== undefined && <option value="">{props.all}</option>}
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
