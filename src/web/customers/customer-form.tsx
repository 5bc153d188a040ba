// The customer form, for a new customer (staff) and an edit. An edit sends only the fields the
// user changed; a new customer the fields filled in. Both are checked first with the same zod
// schema the API uses (CustomerCreate, CustomerUpdate), so the browser and the server agree on
// what is valid; what only the server can know (a taken e-mail, a vanished organization) comes
// back per field too.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import { CustomerCreate, CustomerUpdate, type Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import type { Page } from '../lib/types.js';
import { OrganizationChoice } from '../organizations/organization-choice.js';
import type { Segment } from '../../shared/schemas/segments.js';
import { api, toApiError } from '../lib/api.js';
import { fieldErrorsFromApiError, fieldErrorsFromIssues, type FieldErrors } from '../lib/field-errors.js';
import { timeZones } from '../lib/time-zones.js';
import { fieldLabel } from './customer-fields.js';
import type { CustomerDetailState } from './customer-detail-page.js';
import { FormError } from '../layout/page-parts.js';
import { CustomFieldsEditor, sameFields, useCustomFields } from '../layout/custom-fields-editor.js';

interface FormValues {
  name: string;
  email: string;
  phone: string;
  organizationId: string;
  segment: string;
  language: string;
  timeZone: string;
  externalId: string;
  organizationAccess: boolean;
}
type FieldName = keyof FormValues;
type TextFieldName = Exclude<FieldName, 'organizationAccess'>;

export const STAFF_FIELDS: readonly FieldName[] = [
  'name',
  'email',
  'phone',
  'organizationId',
  'segment',
  'language',
  'timeZone',
  'externalId',
  'organizationAccess',
];
/**
 * What customers change here on their own record (Contact details, linked from My account): the server policy's SELF_EDITABLE_FIELDS
 * but name, language and time zone, which have one place, My account in the portal (/portal/account).
 */
export const SELF_FIELDS: readonly FieldName[] = ['phone'];

/** The API's conflict codes name no field; these are the fields they are about. */
const CONFLICT_FIELDS = { email_taken: 'email', external_id_taken: 'externalId' };

const EMPTY: FormValues = {
  name: '',
  email: '',
  phone: '',
  organizationId: '',
  segment: '',
  language: '',
  timeZone: '',
  externalId: '',
  organizationAccess: false,
};

function valuesOf(c: Customer): FormValues {
  return {
    name: c.name,
    email: c.email ?? '',
    phone: c.phone ?? '',
    organizationId: c.organizationId ?? '',
    segment: c.segment ?? '',
    language: c.language ?? '',
    timeZone: c.timeZone ?? '',
    externalId: c.externalId ?? '',
    organizationAccess: c.organizationAccess,
  };
}

/** The PATCH body: changed fields only; an emptied optional field becomes null (cleared). */
function changesOf(
  values: FormValues,
  initial: FormValues,
  fields: readonly FieldName[],
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    if (values[field] === initial[field]) continue;
    const value = values[field];
    if (typeof value === 'boolean' || field === 'name') patch[field] = value;
    else patch[field] = value.trim() === '' ? null : value;
  }
  return patch;
}

const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'da', 'sv', 'nb', 'fi', 'pl', 'cs', 'ja', 'zh'];

const inputId = (field: string) => `customer-${field}`;

function Field(props: { field: FieldName; error?: string; hint?: string; children: ReactNode }) {
  const { field, error, hint } = props;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      {props.children}
      {hint && (
        <p className="field__hint" id={`${inputId(field)}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${inputId(field)}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** aria attributes that tie an input to its hint and error message. */
function describedBy(field: FieldName, error: string | undefined, hint: boolean) {
  const ids = [hint ? `${inputId(field)}-hint` : '', error ? `${inputId(field)}-error` : ''].filter(Boolean);
  return {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  };
}

export function CustomerForm(props: {
  /** The customer edited; none for a new one. */
  customer?: Customer;
  fields: readonly FieldName[];
  /** The first page of organizations (for the organization field). */
  organizations?: Page<Organization>;
  segments?: Segment[];
  /** A new customer's organization, chosen already (from the organization's page). */
  organizationId?: string;
  /** Offer Delete (admins). */
  canDelete?: boolean;
  /** Show the custom fields (staff). */
  customFields?: boolean;
}) {
  const { customer, fields } = props;
  const navigate = useNavigate();
  const [initial] = useState(() =>
    customer ? valuesOf(customer) : { ...EMPTY, organizationId: props.organizationId ?? '' },
  );
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const custom = useCustomFields('customer', customer?.customFields ?? {}, !!props.customFields);
  const [saving, setSaving] = useState(false);
  const has = (field: FieldName) => fields.includes(field);

  function set<K extends FieldName>(field: K, value: FormValues[K]) {
    setValues((v) => ({ ...v, [field]: value }));
    setInfo(null);
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  }

  function showErrors(found: FieldErrors) {
    setErrors(found);
    setFormError(null);
    const first = fields.find((f) => found[f]);
    if (first) document.getElementById(inputId(first))?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setInfo(null);
    // A new customer: every field filled in (an empty one is left out, not sent as null).
    const body = customer ? changesOf(values, initial, fields) : changesOf(values, EMPTY, fields);
    if (props.customFields) {
      const fields = custom.collect();
      if ('error' in fields) {
        showErrors({ customFields: fields.error });
        return;
      }
      if (!sameFields(fields.fields, customer?.customFields ?? {})) body.customFields = fields.fields;
    }
    const parsed = customer ? CustomerUpdate.safeParse(body) : CustomerCreate.safeParse(body);
    if (!parsed.success) {
      showErrors(fieldErrorsFromIssues(parsed.error.issues));
      return;
    }
    if (customer && Object.keys(parsed.data).length === 0) {
      setErrors({});
      setInfo('Nothing has changed.');
      return;
    }
    setSaving(true);
    try {
      const saved = customer
        ? await api.patch<Customer>(`/customers/${customer.id}`, parsed.data)
        : await api.post<Customer>('/customers', parsed.data);
      const state: CustomerDetailState = { notice: customer ? 'Changes saved.' : 'Customer created.' };
      navigate(`/customers/${saved.id}`, { state });
    } catch (err) {
      const apiError = toApiError(err);
      const found = fieldErrorsFromApiError(apiError, CONFLICT_FIELDS);
      // A message about a field this form does not show goes to the top of the form instead.
      if (fields.some((f) => found[f]) || found.customFields) showErrors(found);
      else {
        setErrors({});
        setFormError(apiError.message);
      }
      setSaving(false);
    }
  }

  async function remove() {
    if (!customer) return;
    const question = `Delete ${customer.name}? Their portal login goes too; their cases and history stay.`;
    if (!window.confirm(question)) return;
    setSaving(true);
    try {
      await api.delete(`/customers/${customer.id}`);
      navigate('/customers', { state: { notice: `${customer.name} was deleted.` } });
    } catch (err) {
      setFormError(toApiError(err).message);
      setSaving(false);
    }
  }

  const errorFields: string[] = fields.filter((f) => errors[f]);
  if (errors.customFields) errorFields.push('customFields');
  const text = (
    field: TextFieldName,
    opts: { type?: string; hint?: string; list?: string; autoComplete?: string; maxLength?: number } = {},
  ) => (
    <Field field={field} error={errors[field]} hint={opts.hint}>
      <label htmlFor={inputId(field)}>{fieldLabel(field)}</label>
      <input
        id={inputId(field)}
        name={field}
        type={opts.type ?? 'text'}
        list={opts.list}
        autoComplete={opts.autoComplete ?? 'off'}
        maxLength={opts.maxLength}
        value={values[field]}
        onChange={(e) => set(field, e.target.value)}
        {...describedBy(field, errors[field], !!opts.hint)}
      />
    </Field>
  );

  return (
    <form
      className="form card"
      onSubmit={submit}
      noValidate
      aria-label={customer ? `Edit ${customer.name}` : 'New customer'}
    >
      {errorFields.length > 0 && (
        <div className="notice notice--error error-summary" role="alert" data-testid="form-errors">
          <p>Please correct the following before saving:</p>
          <ul>
            {errorFields.map((f) => (
              <li key={f}>
                <a href={`#${inputId(f)}`}>
                  {fieldLabel(f)}: {errors[f]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <FormError message={formError} />
      {info && (
        <p className="notice notice--info" role="status">
          {info}
        </p>
      )}

      <fieldset className="form__group">
        <legend>Contact</legend>
        <div className="form__grid">
          {has('name') && text('name', { maxLength: LIMITS.name, autoComplete: 'name' })}
          {has('email') && text('email', { type: 'email', maxLength: LIMITS.email })}
          {has('phone') &&
            text('phone', {
              type: 'tel',
              maxLength: LIMITS.phone,
              hint: 'International format, e.g. +49 30 5550100',
            })}
          {has('language') &&
            text('language', { list: 'language-options', hint: 'A language tag such as en or de-CH' })}
          {has('timeZone') &&
            text('timeZone', { list: 'time-zone-options', hint: 'An IANA time zone such as Europe/Berlin' })}
        </div>
      </fieldset>

      {(has('organizationId') || has('segment') || has('externalId')) && (
        <fieldset className="form__group">
          <legend>Account</legend>
          <div className="form__grid">
            {has('organizationId') && props.organizations && (
              <Field field="organizationId" error={errors.organizationId}>
                <label htmlFor={inputId('organizationId')}>Organization</label>
                <OrganizationChoice
                  id={inputId('organizationId')}
                  list={props.organizations}
                  value={values.organizationId}
                  noneLabel="None (individual customer)"
                  onChange={(id) => set('organizationId', id)}
                  inputProps={describedBy('organizationId', errors.organizationId, false)}
                />
              </Field>
            )}
            {has('segment') && (
              <Field
                field="segment"
                error={errors.segment}
                hint="By default a customer belongs to their organization’s segment."
              >
                <label htmlFor={inputId('segment')}>Segment</label>
                <select
                  id={inputId('segment')}
                  value={values.segment}
                  onChange={(e) => set('segment', e.target.value)}
                  {...describedBy('segment', errors.segment, true)}
                >
                  <option value="">{values.organizationId ? 'Organization’s segment' : 'None'}</option>
                  {props.segments?.map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            {has('externalId') &&
              text('externalId', {
                maxLength: LIMITS.externalId,
                hint: 'The ID of this customer in your CRM or shop',
              })}
          </div>
          {has('organizationAccess') && (
            <div className="checkbox">
              <input
                id={inputId('organizationAccess')}
                type="checkbox"
                checked={values.organizationAccess}
                disabled={!values.organizationId}
                onChange={(e) => set('organizationAccess', e.target.checked)}
                aria-describedby={`${inputId('organizationAccess')}-hint`}
              />
              <div>
                <label htmlFor={inputId('organizationAccess')}>Organization access</label>
                <p className="field__hint" id={`${inputId('organizationAccess')}-hint`}>
                  In the portal, this customer may see their organization and its other customers.
                </p>
                {errors.organizationAccess && (
                  <p className="field__error" data-testid="error-organizationAccess">
                    {errors.organizationAccess}
                  </p>
                )}
              </div>
            </div>
          )}
        </fieldset>
      )}

      {props.customFields && (
        <fieldset className="form__group">
          <legend>More</legend>
          <CustomFieldsEditor
            id="customer-customFields"
            {...custom.editor}
            onEdit={() => {
              setInfo(null);
              if (errors.customFields) setErrors(({ customFields: _, ...rest }) => rest);
            }}
            error={errors.customFields}
          />
        </fieldset>
      )}

      <datalist id="time-zone-options">
        {timeZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <datalist id="language-options">
        {LANGUAGES.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : customer ? 'Save changes' : 'Create customer'}
        </button>
        <Link
          className="button"
          to={
            customer
              ? `/customers/${customer.id}`
              : props.organizationId
                ? `/organizations/${props.organizationId}`
                : '/customers'
          }
        >
          Cancel
        </Link>
        {customer && props.canDelete && (
          <button
            type="button"
            className="button button--danger form__actions-end"
            disabled={saving}
            onClick={() => void remove()}
          >
            Delete
          </button>
        )}
      </div>
    </form>
  );
}
