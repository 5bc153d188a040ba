// The unit beside a duration's amount (minutes, hours, days): the rule editor's waits and an
// agreement's commitment "Due within".
import { DURATION_UNITS, type DurationUnit } from './duration.js';

export function DurationUnitSelect(props: {
  /** Its accessible name, e.g. "Unit: Fire when it has not come within". */
  label: string;
  value: DurationUnit;
  onChange(unit: DurationUnit): void;
}) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as DurationUnit)}
    >
      {DURATION_UNITS.map((u) => (
        <option key={u.key} value={u.key}>
          {u.label}
        </option>
      ))}
    </select>
  );
}
