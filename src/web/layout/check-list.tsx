// A labelled set of checkboxes choosing several of a few values (rule scopes, view filters).
// Values chosen that are no longer offered stay listed, so they can be seen and unticked.
export function CheckList(props: {
  label: string;
  empty: string;
  error: string | undefined;
  options: { value: string; label: string }[];
  chosen: string[];
  onChange(list: string[]): void;
}) {
  const known = new Set(props.options.map((o) => o.value));
  const options = [
    ...props.options,
    ...props.chosen.filter((c) => !known.has(c)).map((c) => ({ value: c, label: c })),
  ];
  return (
    <div className={props.error ? 'field field--invalid' : 'field'}>
      <span className="field__label">{props.label}</span>
      {options.length === 0 && <p className="muted">None defined.</p>}
      <div className="check-list">
        {options.map((o) => (
          <label key={o.value} className="checkbox checkbox--inline">
            <input
              type="checkbox"
              checked={props.chosen.includes(o.value)}
              onChange={(e) =>
                props.onChange(
                  e.target.checked ? [...props.chosen, o.value] : props.chosen.filter((c) => c !== o.value),
                )
              }
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <p className="field__hint">
        {props.chosen.length === 0 ? props.empty : `${props.chosen.length} chosen`}
      </p>
      {props.error && <p className="field__error">{props.error}</p>}
    </div>
  );
}
