// Inputs of the rule editor. Each reads a path of the draft and writes it back through the
// editor; each shows the message the shared schema (or the server) has for that very path.
import { useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { useFocusLater } from '../lib/use-focus-later.js';
import { OPERATORS } from '../../shared/schemas/rules.js';
import { amountError, durationOfTyped, splitDuration, type DurationUnit } from './duration.js';
import { DurationUnitSelect } from './duration-unit-select.js';
import { placeholdersOf } from '../../core/rules/templates.js';
import type { CustomFieldDefinition, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { FormField, describedBy } from '../admin/form-parts.js';
import {
  LIST_OPS,
  convertValue,
  formatConditionValue,
  formatTypes,
  getAt,
  parseConditionValue,
  parseTypes,
  pathKey,
  sameJson,
  type Draft,
  type Path,
} from './rule-draft.js';

/** What an input needs from the editor. */
export interface EditorApi {
  draft: Draft;
  set(path: Path, value: unknown): void;
  /** The message for exactly this path. */
  error(path: Path): string | undefined;
  /** The first message at this path or below it (a list's items). */
  errorBelow(path: Path): string | undefined;
}

export const fieldId = (path: Path) => `rule-${pathKey(path).replace(/\./g, '-')}`;

/**
 * A text input for a typed value: keeps the text as typed ("1.", "a, ") while it still means
 * the value, and shows the value afresh when it changes elsewhere (the JSON view).
 */
export function BufferedInput<T>(
  props: {
    value: T;
    format(value: T): string;
    parse(text: string): T;
    onValue(value: T): void;
  } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>,
) {
  const { value, format, parse, onValue, ...rest } = props;
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState<T>(value);
  if (!sameJson(value, seen)) {
    setSeen(value);
    if (!sameJson(parse(text), value)) setText(format(value));
  }
  const onChange = (t: string) => {
    setText(t);
    const v = parse(t);
    setSeen(v);
    onValue(v);
  };
  return <input type="text" {...rest} value={text} onChange={(e) => onChange(e.target.value)} />;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** A plain text field of the draft; empty text removes an optional key. */
export function TextField(props: {
  ed: EditorApi;
  path: Path;
  label: ReactNode;
  hint?: ReactNode;
  optional?: boolean;
  placeholder?: string;
  multiline?: boolean;
  list?: string;
  className?: string;
  after?: ReactNode;
}) {
  const { ed, path } = props;
  const id = fieldId(path);
  const error = ed.errorBelow(path);
  const value = getAt(ed.draft, path);
  const set = (text: string) => ed.set(path, props.optional && text === '' ? undefined : text);
  return (
    <FormField id={id} label={props.label} hint={props.hint} error={error} className={props.className}>
      {props.multiline ? (
        <textarea
          id={id}
          rows={3}
          value={asText(value)}
          placeholder={props.placeholder}
          onChange={(e) => set(e.target.value)}
          {...describedBy(id, error, !!props.hint)}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={asText(value)}
          placeholder={props.placeholder}
          list={props.list}
          onChange={(e) => set(e.target.value)}
          {...describedBy(id, error, !!props.hint)}
        />
      )}
      {props.after}
    </FormField>
  );
}

const NOTHING_SET = Symbol('nothing set');

/**
 * A duration of the draft (ISO 8601 in the API and the JSON side) as an amount and a unit:
 * "48" "hours" is PT48H, "1.5" "days" PT36H. What the user types stays as typed (and refused with
 * a message) until it comes to whole minutes; a value from the JSON side that is not whole minutes ("PT30S") is shown as
 * written, in a text field.
 */
export function DurationField(props: {
  ed: EditorApi;
  path: Path;
  label: string;
  hint?: ReactNode;
  optional?: boolean;
}) {
  const { ed, path } = props;
  const id = fieldId(path);
  const value = getAt(ed.draft, path);
  // What this field last wrote: a different value came from elsewhere (the JSON side, a reset).
  const lastSet = useRef<unknown>(NOTHING_SET);
  const [typed, setTyped] = useState<string | null>(null);
  const [unitChoice, setUnitChoice] = useState<DurationUnit>('hours');
  const fromElsewhere = value !== lastSet.current;
  const split = splitDuration(value);
  const empty = value === undefined || value === '';
  if (fromElsewhere && !split && !empty) {
    return (
      <TextField
        ed={ed}
        path={path}
        label={props.label}
        optional={props.optional}
        hint="As written in the JSON (ISO 8601: PT30M is 30 minutes, P7D 7 days)."
      />
    );
  }
  const amountText = fromElsewhere || typed === null ? (split ? String(split.amount) : '') : typed;
  const unit = fromElsewhere && split ? split.unit : unitChoice;
  const put = (next: unknown) => {
    lastSet.current = next;
    ed.set(path, next);
  };
  const write = (text: string, to: DurationUnit) => {
    setTyped(text);
    setUnitChoice(to);
    // "1.5" days is sent as PT36H; what comes to no whole minutes is sent as typed, and refused.
    if (text.trim() === '') put(props.optional ? undefined : '');
    else put(durationOfTyped(text, to));
  };
  // The schema's message speaks ISO 8601; here the user typed an amount.
  const error = amountError(amountText, unit, ed.errorBelow(path));
  return (
    <FormField id={id} label={props.label} hint={props.hint} error={error}>
      <div className="duration-input">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          value={amountText}
          onChange={(e) => write(e.target.value, unit)}
          {...describedBy(id, error, !!props.hint)}
        />
        <DurationUnitSelect
          label={`Unit: ${props.label}`}
          value={unit}
          onChange={(to) => write(amountText, to)}
        />
      </div>
    </FormField>
  );
}

export const EVENT_TYPE_EXAMPLES = [
  'order.created',
  'order.promised',
  'shipment.dispatched',
  'shipment.scanned',
  'shipment.delivered',
  'shipment.exception',
  'invoice.issued',
  'invoice.corrected',
  'usage.dropped',
];

const FIELD_SUGGESTIONS = [
  'type',
  'occurredAt',
  'source',
  'segment',
  'data.',
  'refs.orderId',
  'refs.shipmentId',
  'refs.invoiceId',
  'customer.id',
  'customer.name',
  'customer.email',
  'customer.externalId',
  'customer.segment',
  'organization.id',
  'organization.name',
  'organization.domains',
];

export const OPERATOR_LABELS: Record<(typeof OPERATORS)[number], string> = {
  eq: 'equals',
  neq: 'does not equal',
  in: 'is one of',
  nin: 'is none of',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  exists: 'exists',
};

/** The lists the selectors' inputs offer (one copy per page). */
export function RuleDatalists() {
  const customerFields = useApi<Items<CustomFieldDefinition>>('/customer-fields');
  const organizationFields = useApi<Items<CustomFieldDefinition>>('/organization-fields');
  return (
    <>
      <datalist id="rule-event-types">
        {EVENT_TYPE_EXAMPLES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <datalist id="rule-field-paths">
        {FIELD_SUGGESTIONS.map((t) => (
          <option key={t} value={t} />
        ))}
        {/* The custom fields admins defined (Admin → Fields), by their labels. */}
        {(['customer', 'organization'] as const).flatMap((entity, i) =>
          ((i === 0 ? customerFields : organizationFields).data?.items ?? []).map((f) => (
            <option key={`${entity}.${f.key}`} value={`${entity}.fields.${f.key}`} label={f.label} />
          )),
        )}
      </datalist>
    </>
  );
}

interface ConditionDraft {
  field?: unknown;
  op?: unknown;
  value?: unknown;
}

/** Which events: their type(s) and the conditions that must all hold. */
export function SelectorFields({
  ed,
  path,
  legend,
  hint,
  example = 'shipment.scanned',
  typeLabel = 'Event type',
}: {
  ed: EditorApi;
  path: Path;
  legend: string;
  hint?: ReactNode;
  /** Its own name when the form has two selectors ("Starting event type", "Expected event type"). */
  typeLabel?: string;
  /** The event type shown in the empty field, as the hint's example. */
  example?: string;
}) {
  const typePath = [...path, 'type'];
  const typeId = fieldId(typePath);
  const typeError = ed.errorBelow(typePath);
  const wherePath = [...path, 'where'];
  const rawWhere = getAt(ed.draft, wherePath);
  const where: ConditionDraft[] = Array.isArray(rawWhere) ? (rawWhere as ConditionDraft[]) : [];
  const setWhere = (list: ConditionDraft[]) => ed.set(wherePath, list.length ? list : undefined);
  const selectorError = ed.error(path);
  const whereError = ed.error(wherePath);
  // A condition added: its field takes the focus. One removed: the next row's Remove button (or
  // the one before, or Add condition) does, not <body>.
  const box = useRef<HTMLDivElement>(null);
  const focusLater = useFocusLater();
  const within = (selector: string) => () => box.current?.querySelector<HTMLElement>(selector);
  const addButton = '[data-role="add-condition"]';

  return (
    <div className="selector" ref={box} data-testid={`selector-${pathKey(path)}`}>
      {/* Under the page's h1 (the fieldsets' legends are no headings): no level skipped. */}
      <h2 className="selector__title">{legend}</h2>
      {hint && <p className="field__hint selector__hint">{hint}</p>}
      {selectorError && <p className="field__error">{selectorError}</p>}
      <FormField
        id={typeId}
        label={typeLabel}
        error={typeError}
        hint="One type, or several separated by commas: shipment.scanned, shipment.delivered"
      >
        <BufferedInput
          id={typeId}
          list="rule-event-types"
          placeholder={example}
          value={getAt(ed.draft, typePath)}
          format={formatTypes}
          parse={parseTypes}
          onValue={(v) => ed.set(typePath, v)}
          {...describedBy(typeId, typeError, true)}
        />
      </FormField>
      <div className="conditions">
        <span className="field__label">
          Conditions {where.length === 0 && <span className="muted">(none: every event of the type)</span>}
        </span>
        {whereError && <p className="field__error">{whereError}</p>}
        {where.length > 0 && (
          <table className="conditions-table" data-testid="condition-rows">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Operator</th>
                <th scope="col">Value</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {where.map((c, i) => {
                const row = [...wherePath, i];
                const op = typeof c.op === 'string' ? c.op : 'eq';
                const fieldError = ed.errorBelow([...row, 'field']);
                const opError = ed.errorBelow([...row, 'op']);
                const valueError = ed.errorBelow([...row, 'value']) ?? ed.error(row);
                const n = i + 1;
                // Each input points at its message (the id FormField would give it).
                const fieldErrorId = `${fieldId([...row, 'field'])}-error`;
                const opErrorId = `${fieldId([...row, 'op'])}-error`;
                const valueErrorId = `${fieldId([...row, 'value'])}-error`;
                return (
                  <tr key={i} data-testid="condition-row">
                    <td>
                      <input
                        type="text"
                        list="rule-field-paths"
                        aria-label={`Condition ${n} field`}
                        placeholder="data.status"
                        value={asText(c.field)}
                        className={fieldError ? 'input--invalid' : undefined}
                        aria-invalid={fieldError ? true : undefined}
                        aria-describedby={fieldError ? fieldErrorId : undefined}
                        onChange={(e) => ed.set([...row, 'field'], e.target.value)}
                      />
                      {fieldError && (
                        <p
                          className="field__error"
                          id={fieldErrorId}
                          data-testid={`error-${fieldId([...row, 'field'])}`}
                        >
                          {fieldError}
                        </p>
                      )}
                    </td>
                    <td>
                      <select
                        aria-label={`Condition ${n} operator`}
                        aria-invalid={opError ? true : undefined}
                        aria-describedby={opError ? opErrorId : undefined}
                        value={op}
                        onChange={(e) => {
                          const to = e.target.value;
                          const value = convertValue(c.value, op, to);
                          const next: ConditionDraft = { ...c, op: to };
                          if (value === undefined) delete next.value;
                          else next.value = value;
                          ed.set(row, next);
                        }}
                      >
                        {OPERATORS.map((o) => (
                          <option key={o} value={o}>
                            {OPERATOR_LABELS[o]}
                          </option>
                        ))}
                      </select>
                      {opError && (
                        <p className="field__error" id={opErrorId}>
                          {opError}
                        </p>
                      )}
                    </td>
                    <td>
                      {op === 'exists' ? (
                        <select
                          aria-label={`Condition ${n} value`}
                          aria-invalid={valueError ? true : undefined}
                          aria-describedby={valueError ? valueErrorId : undefined}
                          value={c.value === undefined ? '' : String(c.value)}
                          onChange={(e) =>
                            ed.set(
                              [...row, 'value'],
                              e.target.value === '' ? undefined : e.target.value === 'true',
                            )
                          }
                        >
                          <option value="">is present</option>
                          <option value="true">is present (true)</option>
                          <option value="false">is missing (false)</option>
                        </select>
                      ) : (
                        <BufferedInput
                          aria-label={`Condition ${n} value`}
                          placeholder={LIST_OPS.includes(op) ? 'a, b, c' : 'value'}
                          className={valueError ? 'input--invalid' : undefined}
                          aria-invalid={valueError ? true : undefined}
                          aria-describedby={valueError ? valueErrorId : undefined}
                          value={c.value}
                          format={(v) => formatConditionValue(v, op)}
                          parse={(t) => parseConditionValue(t, op)}
                          onValue={(v) => ed.set([...row, 'value'], v)}
                        />
                      )}
                      {valueError && (
                        <p
                          className="field__error"
                          id={valueErrorId}
                          data-testid={`error-${fieldId([...row, 'value'])}`}
                        >
                          {valueError}
                        </p>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button button--ghost button--small"
                        aria-label={`Remove condition ${n}`}
                        onClick={() => {
                          setWhere(where.filter((_, j) => j !== i));
                          const stays = Math.min(i, where.length - 2) + 1;
                          focusLater(
                            within(stays > 0 ? `[aria-label="Remove condition ${stays}"]` : addButton),
                          );
                        }}
                      >
                        ×
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <button
          type="button"
          className="button button--small"
          data-role="add-condition"
          onClick={() => {
            setWhere([...where, { field: '', op: 'eq' }]);
            focusLater(within(`[aria-label="Condition ${where.length + 1} field"]`));
          }}
        >
          Add condition
        </button>
        {where.length > 0 && (
          <p className="field__hint">
            Numbers, true, false and null are read as such; put text in "quotes" to keep it text. “is one of”
            takes a comma-separated list.
          </p>
        )}
      </div>
    </div>
  );
}

const TEMPLATE_ROOTS = ['customer', 'organization', 'refs', 'data', 'rule', 'signal', 'event'];

/** The placeholders a template uses, and a warning for ones that will render empty. */
export function TemplateHint({ template }: { template: unknown }) {
  const used = typeof template === 'string' ? placeholdersOf(template) : [];
  const unknown = used.filter((p) => !TEMPLATE_ROOTS.includes(p.split('.')[0]!));
  return (
    <>
      {used.length > 0 && (
        <span className="template-hint">
          Uses{' '}
          {used.map((p) => (
            <code
              key={p}
              className={unknown.includes(p) ? 'placeholder placeholder--unknown' : 'placeholder'}
            >
              {`{{${p}}}`}
            </code>
          ))}
        </span>
      )}
      {unknown.length > 0 && (
        <span className="template-hint template-hint--warning" data-testid="template-unknown">
          {unknown.map((p) => `{{${p}}}`).join(', ')} will be empty: placeholders start with{' '}
          {TEMPLATE_ROOTS.join(', ')}.
        </span>
      )}
    </>
  );
}
