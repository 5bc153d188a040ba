// Creating and editing an agreement (PSA): who it covers (everyone, a segment, an organization
// or one customer: the most specific one applies to a case), on which calendar its clocks run,
// its targets per promise kind and priority, in business minutes, and its commitments (promises
// on operations, measured by events). Checked with the API's
// AgreementCreate / AgreementUpdate schemas before sending.
import { useMe } from '../auth/auth-context.js';
import { useId, useState } from 'react';
import { Link } from 'react-router-dom';
import { AgreementCreate, AgreementUpdate } from '../../shared/schemas/agreements.js';
import { PRIORITIES, PROMISE_KINDS, type Priority, type PromiseKind } from '../../shared/schemas/cases.js';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { OrganizationChoice } from '../organizations/organization-choice.js';
import { formatMinutes } from '../lib/format.js';
import type { AgentProfile, Agreement, Calendar, Items, Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { RecordGate } from '../layout/record-gate.js';
import { CustomerSearch } from '../customers/customer-search.js';
import { priorityLabel, promiseKindLabel } from '../cases/case-labels.js';
import {
  CommitmentsEditor,
  definitionsOf,
  rowsOf,
  type CommitmentRow,
} from '../signals/commitments-editor.js';
import { FormField, SelectField, describedBy, errorAt, errorsFromIssues } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { clocksNotice } from './clocks-notice.js';
import { useEditedRecord } from './use-edited-record.js';

type ScopeType = 'default' | 'segment' | 'organization' | 'customer';

interface TargetRow {
  kind: PromiseKind;
  priority: Priority | '';
  minutes: string;
}

interface Values {
  name: string;
  description: string;
  calendarId: string;
  scopeType: ScopeType;
  segment: string;
  organizationId: string;
  customer: { id: string; name: string } | null;
  targets: TargetRow[];
  commitments: CommitmentRow[];
  pauseOn: string[];
  warnPercent: string;
  reviewDate: string;
  ownerId: string;
  active: boolean;
}

const PAUSABLE = [
  ['pending', 'Pending (waiting for the customer)'],
  ['on_hold', 'On hold (waiting for a third party)'],
] as const;

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  calendarId: 'Calendar',
  scope: 'Applies to',
  targets: 'Targets',
  commitments: 'Commitments',
  pauseOn: 'Pause clocks',
  warnPercent: 'Warn at',
  reviewDate: 'Review date',
  ownerId: 'Owner',
};

function valuesOf(a: Agreement | undefined, customerName: string | undefined): Values {
  if (!a) {
    return {
      name: '',
      description: '',
      calendarId: '',
      scopeType: 'default',
      segment: '',
      organizationId: '',
      customer: null,
      targets: [
        { kind: 'first_response', priority: '', minutes: '60' },
        { kind: 'resolution', priority: '', minutes: '480' },
      ],
      commitments: [],
      pauseOn: ['pending', 'on_hold'],
      warnPercent: '75',
      reviewDate: '',
      ownerId: '',
      active: true,
    };
  }
  return {
    name: a.name,
    description: a.description ?? '',
    calendarId: a.calendarId,
    scopeType: a.scopeLevel,
    segment: a.scope.segment ?? '',
    organizationId: a.scope.organizationId ?? '',
    customer: a.scope.customerId ? { id: a.scope.customerId, name: customerName ?? 'Customer' } : null,
    targets: a.targets.map((t) => ({ kind: t.kind, priority: t.priority ?? '', minutes: String(t.minutes) })),
    commitments: rowsOf(a.commitments),
    pauseOn: a.pauseOn,
    warnPercent: String(a.warnPercent),
    reviewDate: a.reviewDate ?? '',
    ownerId: a.ownerId ?? '',
    active: a.active,
  };
}

/** The request body; numbers that are not numbers stay NaN so the schema reports them. */
function bodyOf(v: Values) {
  const scope =
    v.scopeType === 'segment'
      ? { segment: v.segment || undefined }
      : v.scopeType === 'organization'
        ? { organizationId: v.organizationId || undefined }
        : v.scopeType === 'customer'
          ? { customerId: v.customer?.id }
          : {};
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  return {
    name: v.name,
    description: v.description.trim() || null,
    calendarId: v.calendarId || undefined, // none chosen: "is required", not "must be a UUID"
    scope,
    targets: v.targets.map((t) => ({
      kind: t.kind,
      ...(t.priority ? { priority: t.priority } : {}),
      // Empty: "is required" rather than "must be a whole number".
      minutes: t.minutes.trim() === '' ? undefined : Number(t.minutes),
    })),
    commitments: definitionsOf(v.commitments),
    pauseOn: v.pauseOn,
    warnPercent: num(v.warnPercent),
    reviewDate: v.reviewDate || null,
    ownerId: v.ownerId || null,
    active: v.active,
  };
}

export function AgreementFormPage() {
  const { id, record: existing } = useEditedRecord<Agreement>('/agreements', 'agreement', (a) => a.name);
  const customerId = existing.data?.scope.customerId;
  const customer = useApi<Customer>(customerId ? `/customers/${customerId}` : null);
  const calendars = useApi<Items<Calendar>>('/calendars');
  const organizations = useApi<Page<Organization>>('/organizations', { limit: LIMITS.pageMax, sort: 'name' });
  const segments = useApi<SegmentList>('/segments');
  const agents = useApi<Items<AgentProfile>>('/agents');

  return (
    <RecordGate
      record={existing}
      what="Agreement"
      back={{ to: '/admin/agreements', label: 'Back to agreements' }}
      needs={[calendars, organizations, segments, agents]}
      pending={customer.loading}
      loadingLabel="Loading agreement…"
    >
      {() => (
        <AgreementForm
          key={id ?? 'new'}
          agreement={existing.data}
          customerName={customer.data?.name}
          calendars={calendars.data?.items ?? []}
          organizations={organizations.data!}
          segments={segments.data?.items ?? []}
          agents={agents.data?.items ?? []}
        />
      )}
    </RecordGate>
  );
}

function AgreementForm(props: {
  agreement: Agreement | undefined;
  customerName: string | undefined;
  calendars: Calendar[];
  organizations: Page<Organization>;
  segments: SegmentList['items'];
  agents: AgentProfile[];
}) {
  const { agreement, calendars } = props;
  const me = useMe();
  const [values, setValues] = useState<Values>(() => {
    const v = valuesOf(agreement, props.customerName);
    // A new agreement starts on the only calendar there is.
    if (!agreement && calendars.length === 1) v.calendarId = calendars[0]!.id;
    return v;
  });
  const form = useRecordForm({
    record: agreement,
    path: '/agreements',
    back: '/admin/agreements',
    notices: {
      created: 'Agreement created.',
      saved: (answer) => clocksNotice('Agreement saved', answer),
      deleted: 'Agreement deleted.',
    },
    conflictFields: { agreement_scope_taken: 'scope' },
  });
  const { errors } = form;

  const update = (changes: Partial<Values>, clear: string[] = []) => {
    setValues((v) => ({ ...v, ...changes }));
    // A change may also settle a problem of the whole form.
    form.clearErrors(clear.length ? [...clear, '_form'] : []);
  };
  const setTarget = (i: number, changes: Partial<TargetRow>) =>
    update({ targets: values.targets.map((t, j) => (j === i ? { ...t, ...changes } : t)) }, ['targets']);

  function submit() {
    const body = bodyOf(values);
    const schema = agreement ? AgreementUpdate : AgreementCreate;
    const checked = schema.safeParse(body);
    const found = checked.success ? {} : errorsFromIssues(checked.error.issues);
    // What the schema words for the API ("calendarId: is required") said in the form's terms.
    if (!values.calendarId) found.calendarId = 'Choose a calendar';
    if (values.scopeType !== 'default' && Object.values(body.scope).every((x) => x === undefined))
      found.scope = `Choose the ${values.scopeType} this agreement is for`;
    if (Object.keys(found).length > 0) {
      form.reject(found);
      return;
    }
    void form.save(schema, body);
  }

  const label = (path: string) => {
    const [field, index, part] = path.split('.');
    if (field === 'targets' && index !== undefined) {
      const t = values.targets[Number(index)];
      // A problem of the whole row names its promise and priority itself ("… is set twice").
      if (!part) return `Target ${Number(index) + 1}`;
      return `Target ${Number(index) + 1}${t ? ` (${promiseKindLabel(t.kind)})` : ''}: ${part}`;
    }
    if (field === 'commitments' && index !== undefined) {
      const c = values.commitments[Number(index)];
      return `Commitment ${Number(index) + 1}${c?.name.trim() ? ` (${c.name.trim()})` : ''}${part ? `: ${part}` : ''}`;
    }
    return FIELD_LABELS[field ?? ''] ?? 'Agreement';
  };
  const scopeError = errorAt(errors, 'scope');
  const targetsError = errors.targets;

  return (
    <RecordForm
      form={form}
      noun="agreement"
      title={agreement ? `Edit ${agreement.name}` : 'New agreement'}
      subtitle="Targets count business minutes on the agreement’s calendar."
      back={{ to: '/admin/agreements', label: 'Agreements' }}
      labels={label}
      onSubmit={submit}
      confirmDelete={agreement && `Delete the agreement “${agreement.name}”?`}
    >
      <div className="form__grid">
        <FormField id="agreement-name" label="Name" error={errors.name}>
          <input
            id="agreement-name"
            type="text"
            maxLength={200}
            value={values.name}
            onChange={(e) => update({ name: e.target.value }, ['name'])}
            {...describedBy('agreement-name', errors.name)}
          />
        </FormField>
        <SelectField
          id="agreement-calendar"
          label="Calendar"
          value={values.calendarId}
          onChange={(calendarId) => update({ calendarId }, ['calendarId'])}
          empty="Choose a calendar…"
          options={calendars.map((c) => ({
            value: c.id,
            label: `${c.name} (${c.is247 ? '24/7' : c.timezone})`,
          }))}
          error={errors.calendarId}
          hint={
            calendars.length === 0 ? (
              <>
                No calendars yet: <Link to="/admin/calendars/new">create one</Link> first.
              </>
            ) : undefined
          }
        />
      </div>
      <FormField id="agreement-description" label="Description" error={errors.description}>
        <textarea
          id="agreement-description"
          rows={2}
          maxLength={5000}
          value={values.description}
          onChange={(e) => update({ description: e.target.value }, ['description'])}
        />
      </FormField>

      <fieldset className="form__group">
        <legend>Applies to</legend>
        <div className="radio-row" role="radiogroup" aria-label="Applies to">
          {(
            [
              ['default', 'Everyone (default)'],
              ['segment', 'A segment'],
              ['organization', 'An organization'],
              ['customer', 'One customer'],
            ] as const
          ).map(([type, text]) => (
            <label key={type} className="radio">
              <input
                type="radio"
                name="scope-type"
                value={type}
                checked={values.scopeType === type}
                onChange={() => update({ scopeType: type }, ['scope'])}
              />
              {text}
            </label>
          ))}
        </div>
        <p className="field__hint scope-hint">
          The most specific agreement applies to a case: customer, then organization, then segment, then the
          default.
        </p>
        <div className={scopeError ? 'field field--invalid scope-target' : 'field scope-target'}>
          {values.scopeType === 'segment' && (
            <>
              <label htmlFor="agreement-segment">Segment</label>
              <select
                id="agreement-segment"
                value={values.segment}
                onChange={(e) => update({ segment: e.target.value }, ['scope'])}
                aria-describedby={props.segments.length === 0 ? 'agreement-segment-hint' : undefined}
              >
                <option value="">Choose a segment…</option>
                {props.segments.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.name}
                  </option>
                ))}
              </select>
              {props.segments.length === 0 && (
                <p className="field__hint" id="agreement-segment-hint">
                  No segments yet: <Link to="/admin/segments/new">create one</Link> first, or make the
                  agreement for an organization.
                </p>
              )}
            </>
          )}
          {values.scopeType === 'organization' && (
            <>
              <label htmlFor="agreement-organization">Organization</label>
              <OrganizationChoice
                id="agreement-organization"
                list={props.organizations}
                value={values.organizationId}
                noneLabel="Choose an organization…"
                onChange={(organizationId) => update({ organizationId }, ['scope'])}
                inputProps={
                  props.organizations.items.length === 0
                    ? { 'aria-describedby': 'agreement-organization-hint' }
                    : undefined
                }
              />
              {props.organizations.items.length === 0 && (
                <p className="field__hint" id="agreement-organization-hint">
                  No organizations yet: <Link to="/organizations/new">create one</Link> first (with the e-mail
                  domains that bring its people to it).
                </p>
              )}
            </>
          )}
          {values.scopeType === 'customer' && (
            <CustomerPicker
              value={values.customer}
              onChange={(customer) => update({ customer }, ['scope'])}
            />
          )}
          {scopeError && (
            <p className="field__error" data-testid="error-scope">
              {scopeError}
            </p>
          )}
        </div>
      </fieldset>

      <fieldset className="form__group">
        <legend>Targets</legend>
        {targetsError && (
          <p className="field__error" data-testid="error-targets">
            {targetsError}
          </p>
        )}
        <table className="targets-table" data-testid="targets-table">
          <thead>
            <tr>
              <th scope="col">Promise</th>
              <th scope="col">For priority</th>
              <th scope="col">Business minutes</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {values.targets.map((t, i) => {
              const rowError = errors[`targets.${i}`];
              const minutesError = errors[`targets.${i}.minutes`];
              const minutes = Number(t.minutes);
              return (
                <tr
                  key={i}
                  data-testid="target-row"
                  className={rowError || minutesError ? 'row--invalid' : undefined}
                >
                  <td>
                    <select
                      aria-label={`Target ${i + 1} promise`}
                      value={t.kind}
                      onChange={(e) => setTarget(i, { kind: e.target.value as PromiseKind })}
                    >
                      {PROMISE_KINDS.map((k) => (
                        <option key={k} value={k}>
                          {promiseKindLabel(k)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Target ${i + 1} priority`}
                      value={t.priority}
                      onChange={(e) => setTarget(i, { priority: e.target.value as Priority | '' })}
                    >
                      <option value="">Any priority</option>
                      {PRIORITIES.map((p) => (
                        <option key={p} value={p}>
                          {priorityLabel(p)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <div className="minutes-input">
                      <input
                        type="number"
                        min={0}
                        step={1}
                        aria-label={`Target ${i + 1} minutes`}
                        className={minutesError ? 'input--invalid' : undefined}
                        value={t.minutes}
                        onChange={(e) => setTarget(i, { minutes: e.target.value })}
                        aria-invalid={minutesError ? true : undefined}
                      />
                      <span className="muted minutes-input__hint">
                        {t.minutes !== '' && Number.isFinite(minutes) && minutes >= 60
                          ? `= ${formatMinutes(minutes)}`
                          : ''}
                      </span>
                    </div>
                    {(minutesError || rowError) && <p className="field__error">{minutesError ?? rowError}</p>}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      aria-label={`Remove target ${i + 1}`}
                      disabled={values.targets.length === 1}
                      onClick={() =>
                        update({ targets: values.targets.filter((_, j) => j !== i) }, ['targets'])
                      }
                    >
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            update(
              { targets: [...values.targets, { kind: 'next_response', priority: '', minutes: '240' }] },
              ['targets'],
            )
          }
        >
          Add target
        </button>
        <p className="field__hint targets-hint">
          A target for a priority wins over the “any priority” target of the same promise.
        </p>
      </fieldset>

      <fieldset className="form__group">
        <legend>Commitments</legend>
        <p className="field__hint commitments-hint">
          Promises on operations, measured per order, shipment or invoice: an event opens one, another keeps
          or breaks it. Their on-time rates show on the board and in the KPIs.
        </p>
        <CommitmentsEditor
          rows={values.commitments}
          errors={errors}
          onChange={(commitments) => update({ commitments }, ['commitments'])}
        />
      </fieldset>

      <fieldset className="form__group">
        <legend>Clock rules and review</legend>
        <div className="form__grid">
          <div className="field">
            <span className="field__label">Pause clocks while a case is</span>
            {PAUSABLE.map(([status, text]) => (
              <label key={status} className="checkbox checkbox--inline">
                <input
                  type="checkbox"
                  checked={values.pauseOn.includes(status)}
                  onChange={(e) =>
                    update(
                      {
                        pauseOn: e.target.checked
                          ? [...values.pauseOn, status]
                          : values.pauseOn.filter((s) => s !== status),
                      },
                      ['pauseOn'],
                    )
                  }
                />
                <span>{text}</span>
              </label>
            ))}
            {errorAt(errors, 'pauseOn') && <p className="field__error">{errorAt(errors, 'pauseOn')}</p>}
          </div>
          <FormField
            id="agreement-warn"
            label="Warn at (% of the target used)"
            error={errors.warnPercent}
            hint="A case shows as “at risk” from this point on."
          >
            <input
              id="agreement-warn"
              type="number"
              min={1}
              max={100}
              value={values.warnPercent}
              onChange={(e) => update({ warnPercent: e.target.value }, ['warnPercent'])}
              {...describedBy('agreement-warn', errors.warnPercent, true)}
            />
          </FormField>
          <FormField
            id="agreement-review"
            label="Review date"
            error={errors.reviewDate}
            hint="When to review the agreement with the customer."
          >
            <input
              id="agreement-review"
              type="date"
              value={values.reviewDate}
              onChange={(e) => update({ reviewDate: e.target.value }, ['reviewDate'])}
              {...describedBy('agreement-review', errors.reviewDate, true)}
            />
          </FormField>
          <SelectField
            id="agreement-owner"
            label="Owner"
            value={values.ownerId}
            onChange={(ownerId) => update({ ownerId }, ['ownerId'])}
            // A new agreement is the author's unless another owner is picked: "Me" stands for them.
            empty={agreement ? 'Nobody' : `Me (${me.name})`}
            options={props.agents
              .filter((a) => agreement || a.userId !== me.id)
              .map((a) => ({ value: a.userId, label: a.name }))}
            error={errors.ownerId}
          />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.active}
            onChange={(e) => update({ active: e.target.checked })}
          />
          <span>
            Active <span className="muted">(inactive agreements start no new clocks)</span>
          </span>
        </label>
      </fieldset>
    </RecordForm>
  );
}

/** Finds a customer by name or e-mail for a customer-scoped agreement. */
function CustomerPicker(props: {
  value: { id: string; name: string } | null;
  onChange(value: { id: string; name: string } | null): void;
}) {
  const uid = useId();
  if (props.value) {
    return (
      <div className="chosen">
        <span className="field__label">Customer</span>
        <span className="chosen__value" data-testid="scope-customer">
          {props.value.name}
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => props.onChange(null)}
          >
            Change
          </button>
        </span>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={`${uid}-customer`}>Customer</label>
      <CustomerSearch
        id={`${uid}-customer`}
        placeholder="Search by name or e-mail"
        onPick={(c) => props.onChange({ id: c.id, name: c.name })}
      />
    </div>
  );
}
