// The commitments of an agreement (promises on operations, measured by events), as rows of the
// agreement form. Each row is text as typed; `definitionsOf` turns the rows into the
// CommitmentDefinition list the agreement schema checks, so its messages ("commitments.0.within")
// land next to the inputs here. "Due within" is a whole amount and a unit (2 hours), as in the
// rule editor; the API's ISO 8601 ("PT2H") is what is sent.
import { isoDurationMs } from '../../shared/schemas/rules.js';
import type { CommitmentDefinition } from '../../shared/schemas/signals.js';
import { formatWallClock } from '../lib/format.js';
import { FormField, describedBy, errorAt, type PathErrors } from '../admin/form-parts.js';
import { amountError, durationOfTyped, splitDuration, type DurationUnit } from '../rules/duration.js';
import { DurationUnitSelect } from '../rules/duration-unit-select.js';
import { keyFrom } from '../admin/fields-page.js';

export interface CommitmentRow {
  key: string;
  name: string;
  mode: 'fulfil' | 'avoid';
  opens: string;
  ref: string;
  due: 'dueFrom' | 'within';
  dueFrom: string;
  /** The ISO duration sent (`PT2H`), from the amount and unit below. */
  within: string;
  withinAmount: string;
  withinUnit: DurationUnit;
  /** A stored `within` that is not whole minutes (`PT90S`): shown and edited as written. */
  withinAsWritten: boolean;
  fulfilledBy: string;
  brokenBy: string;
  /** Optional in either mode: empty sends none. */
  cancelledBy: string;
  /** Conditions on the opening event: kept as they are (the form does not edit them). */
  where?: CommitmentDefinition['where'];
}

export function rowsOf(definitions: CommitmentDefinition[] | undefined): CommitmentRow[] {
  return (definitions ?? []).map((c) => ({
    ...withinRow(c.within ?? ''),
    key: c.key,
    name: c.name,
    mode: c.mode,
    opens: c.opens,
    ref: c.ref,
    due: c.within && !c.dueFrom ? 'within' : 'dueFrom',
    dueFrom: c.dueFrom ?? '',
    fulfilledBy: c.fulfilledBy ?? '',
    brokenBy: c.brokenBy ?? '',
    cancelledBy: c.cancelledBy ?? '',
    where: c.where,
  }));
}

/** The definitions to send: the fields the row's mode and due choice use, and cancelledBy when given. */
export function definitionsOf(rows: CommitmentRow[]) {
  return rows.map((r) => ({
    key: r.key.trim() || keyFrom(r.name),
    name: r.name,
    mode: r.mode,
    opens: r.opens.trim(),
    ref: r.ref.trim(),
    ...(r.due === 'dueFrom' ? { dueFrom: r.dueFrom.trim() } : { within: r.within.trim() }),
    ...(r.mode === 'fulfil' ? { fulfilledBy: r.fulfilledBy.trim() } : { brokenBy: r.brokenBy.trim() }),
    ...(r.cancelledBy.trim() ? { cancelledBy: r.cancelledBy.trim() } : {}),
    ...(r.where && r.where.length ? { where: r.where } : {}),
  }));
}

/** The `within` fields of a row from a stored ISO duration. */
function withinRow(within: string) {
  const split = splitDuration(within);
  return {
    within,
    withinAmount: split ? String(split.amount) : '',
    withinUnit: split?.unit ?? ('hours' as DurationUnit),
    withinAsWritten: within !== '' && !split,
  };
}

const NEW_ROW: CommitmentRow = {
  key: '',
  name: '',
  mode: 'fulfil',
  opens: 'order.promised',
  ref: 'orderId',
  due: 'dueFrom',
  dueFrom: 'data.promisedAt',
  ...withinRow(''),
  fulfilledBy: 'shipment.delivered',
  brokenBy: '',
  cancelledBy: '',
};

const EVENT_TYPES = [
  'order.created',
  'order.promised',
  'order.cancelled',
  'shipment.dispatched',
  'shipment.scanned',
  'shipment.delivered',
  'invoice.issued',
  'invoice.corrected',
  'callback.requested',
  'callback.made',
];

export function CommitmentsEditor(props: {
  rows: CommitmentRow[];
  errors: PathErrors;
  onChange(rows: CommitmentRow[]): void;
}) {
  const { rows, errors } = props;
  const set = (i: number, changes: Partial<CommitmentRow>) =>
    props.onChange(rows.map((r, j) => (j === i ? { ...r, ...changes } : r)));
  const listError = errors.commitments;

  return (
    <div className="commitments" data-testid="commitments-editor">
      <datalist id="commitment-event-types">
        {EVENT_TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {listError && <p className="field__error">{listError}</p>}
      {rows.length === 0 && (
        <p className="muted commitments__empty" data-testid="no-commitments">
          No commitments. Add one for each promise on operations you measure: delivery by the promised date, a
          correct invoice, a callback within 2 hours.
        </p>
      )}
      {rows.map((r, i) => {
        const id = (field: string) => `commitment-${i}-${field}`;
        const err = (field: string) => errorAt(errors, `commitments.${i}.${field}`);
        const text = (
          field: keyof CommitmentRow,
          label: string,
          opts: { hint?: string; placeholder?: string; list?: string } = {},
        ) => (
          <FormField id={id(field)} label={label} error={err(field)} hint={opts.hint}>
            <input
              id={id(field)}
              type="text"
              value={String(r[field] ?? '')}
              placeholder={opts.placeholder}
              list={opts.list}
              onChange={(e) => set(i, { [field]: e.target.value })}
              {...describedBy(id(field), err(field), !!opts.hint)}
            />
          </FormField>
        );
        const withinMs = isoDurationMs(r.within.trim());
        const rowError = errors[`commitments.${i}`];
        return (
          <div key={i} className="commitment-editor" data-testid="commitment-row">
            <div className="commitment-editor__head">
              <span>
                Commitment {i + 1}
                {r.name.trim() && <span className="muted">: {r.name}</span>}
              </span>
              <button
                type="button"
                className="button button--ghost button--small"
                aria-label={`Remove commitment ${i + 1}`}
                onClick={() => props.onChange(rows.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
            {rowError && <p className="field__error">{rowError}</p>}
            <div className="form__grid">
              {text('name', 'Name', { placeholder: 'Delivery by the promised date' })}
              <FormField
                id={id('key')}
                label="Key"
                error={err('key')}
                hint="made from the name; lower-case letters, digits and _; stays the same"
              >
                <input
                  id={id('key')}
                  type="text"
                  value={r.key || keyFrom(r.name)}
                  placeholder="delivery"
                  onChange={(e) => set(i, { key: e.target.value })}
                  {...describedBy(id('key'), err('key'), true)}
                />
              </FormField>
            </div>
            <div className="field">
              <span className="field__label">Kind of promise</span>
              <div className="radio-row" role="radiogroup" aria-label={`Commitment ${i + 1} kind`}>
                <label className="radio">
                  <input
                    type="radio"
                    name={id('mode')}
                    checked={r.mode === 'fulfil'}
                    onChange={() => set(i, { mode: 'fulfil' })}
                  />
                  Fulfil: an event must come by the due time
                </label>
                <label className="radio">
                  <input
                    type="radio"
                    name={id('mode')}
                    checked={r.mode === 'avoid'}
                    onChange={() => set(i, { mode: 'avoid' })}
                  />
                  Avoid: an event must not come before it
                </label>
              </div>
            </div>
            <div className="form__grid">
              {text('opens', 'Opened by the event', {
                placeholder: 'order.promised',
                list: 'commitment-event-types',
              })}
              {text('ref', 'Followed by the ref', {
                placeholder: 'orderId',
                hint: 'ties the events of one instance',
              })}
            </div>
            <div className="field">
              <span className="field__label">Due</span>
              <div className="radio-row" role="radiogroup" aria-label={`Commitment ${i + 1} due`}>
                <label className="radio">
                  <input
                    type="radio"
                    name={id('due')}
                    checked={r.due === 'dueFrom'}
                    onChange={() => set(i, { due: 'dueFrom', dueFrom: r.dueFrom || 'data.promisedAt' })}
                  />
                  At a time the opening event names
                </label>
                <label className="radio">
                  <input
                    type="radio"
                    name={id('due')}
                    checked={r.due === 'within'}
                    onChange={() => set(i, { due: 'within', ...(r.within ? {} : withinRow('P2D')) })}
                  />
                  A fixed time after it
                </label>
              </div>
            </div>
            <div className="form__grid">
              {r.due === 'dueFrom' ? (
                text('dueFrom', 'Due at the field', {
                  placeholder: 'data.promisedAt',
                  hint: 'a time in the opening event',
                })
              ) : (
                <FormField
                  id={id('within')}
                  label="Due within"
                  error={
                    r.withinAsWritten
                      ? err('within')
                      : amountError(r.withinAmount, r.withinUnit, err('within'))
                  }
                  hint={
                    r.withinAsWritten
                      ? withinMs !== null && withinMs >= 1000
                        ? `= ${formatWallClock(withinMs)} (ISO 8601, as stored)`
                        : 'ISO 8601: PT2H, P2D'
                      : undefined
                  }
                >
                  {r.withinAsWritten ? (
                    <input
                      id={id('within')}
                      type="text"
                      value={r.within}
                      onChange={(e) => set(i, { within: e.target.value })}
                      {...describedBy(id('within'), err('within'), true)}
                    />
                  ) : (
                    <div className="duration-input">
                      <input
                        id={id('within')}
                        type="text"
                        inputMode="decimal"
                        value={r.withinAmount}
                        onChange={(e) =>
                          set(i, {
                            withinAmount: e.target.value,
                            within: durationOfTyped(e.target.value, r.withinUnit),
                          })
                        }
                        {...describedBy(id('within'), err('within'))}
                      />
                      <DurationUnitSelect
                        label={`Unit: Commitment ${i + 1} due within`}
                        value={r.withinUnit}
                        onChange={(unit) =>
                          set(i, { withinUnit: unit, within: durationOfTyped(r.withinAmount, unit) })
                        }
                      />
                    </div>
                  )}
                </FormField>
              )}
              {r.mode === 'fulfil'
                ? text('fulfilledBy', 'Kept by the event', {
                    placeholder: 'shipment.delivered',
                    list: 'commitment-event-types',
                  })
                : text('brokenBy', 'Broken by the event', {
                    placeholder: 'invoice.corrected',
                    list: 'commitment-event-types',
                  })}
              {text('cancelledBy', 'Cancelled by the event', {
                placeholder: 'order.cancelled',
                list: 'commitment-event-types',
                hint: 'optional: ends it without counting it in the on-time rate',
              })}
            </div>
            {r.where && r.where.length > 0 && (
              <p className="field__hint commitment-editor__where">
                Only opening events where{' '}
                {r.where.length === 1 ? 'one condition holds' : `${r.where.length} conditions hold`} (kept as
                they are; change them through the API).
              </p>
            )}
          </div>
        );
      })}
      <button
        type="button"
        className="button button--small"
        disabled={rows.length >= 20}
        onClick={() => props.onChange([...rows, { ...NEW_ROW }])}
      >
        Add commitment
      </button>
    </div>
  );
}
