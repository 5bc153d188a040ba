// A record's custom fields on its page: the fields admins defined under their labels (yes/no for
// a yes/no field), by label, then other values under their keys. A customer gets (and reads the
// definitions of) only the fields shown to customers.
import type { FieldEntity } from '../../shared/schemas/fields.js';
import { humanize, orDash } from '../lib/format.js';
import type { CustomFieldDefinition, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { Fact } from './page-parts.js';

const shown = (value: unknown, def: CustomFieldDefinition | undefined) =>
  def?.type === 'boolean' && typeof value === 'boolean'
    ? value
      ? 'Yes'
      : 'No'
    : orDash(value === null || value === undefined ? null : String(value));

export function CustomFieldFacts(props: {
  entity: FieldEntity;
  values: Record<string, unknown>;
  /** The test id of a value: `${testIdPrefix}${key}`. */
  testIdPrefix?: string;
}) {
  const defs = useApi<Items<CustomFieldDefinition>>(`/${props.entity}-fields`);
  const byKey = new Map((defs.data?.items ?? []).map((d) => [d.key, d]));
  const entries = Object.entries(props.values)
    .map(([key, value]) => ({ key, value, def: byKey.get(key) }))
    .sort((a, b) =>
      !!a.def === !!b.def ? (a.def?.label ?? a.key).localeCompare(b.def?.label ?? b.key) : a.def ? -1 : 1,
    );
  return (
    <dl className="facts">
      {entries.map(({ key, value, def }) => (
        <Fact
          key={key}
          testId={props.testIdPrefix && `${props.testIdPrefix}${key}`}
          label={def?.label ?? humanize(key)}
        >
          {shown(value, def)}
        </Fact>
      ))}
    </dl>
  );
}
