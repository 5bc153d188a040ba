// The vocabulary admins extend. Case categories are what agents file a case under (built-in ones
// can be renamed and switched off, not removed). Custom fields are typed values a case, customer or
// organization carries (text, number, yes/no, date, a list of options); case fields may be
// required before a case is solved. Nothing is ever deleted: switched off, it is no longer offered
// and stays on the records that have it. Routes: /categories, /case-fields, /customer-fields,
// /organization-fields.
import { useState } from 'react';
import { NavLink } from 'react-router-dom';
import { CategoryInput } from '../../shared/schemas/cases.js';
import {
  CUSTOM_FIELD_TYPES,
  CustomFieldDefinitionInput,
  CustomFieldDefinitionUpdate,
  type CustomFieldType,
  type FieldEntity,
} from '../../shared/schemas/fields.js';
import { api, toApiError } from '../lib/api.js';
import type { Category, CustomFieldDefinition, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { EditConflict, reloadPage } from '../layout/edit-conflict.js';
import { ListState } from '../layout/list-state.js';
import { FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { describedBy, FormField, SelectField, TextField } from './form-parts.js';
import { useFormSubmit } from './use-form-submit.js';

export const TYPE_LABELS: Record<CustomFieldType, string> = {
  text: 'Text',
  number: 'Number',
  boolean: 'Yes / no',
  date: 'Date',
  select: 'List of options',
};

/** A key suggested by a name: "Order number" gives `order_number`. */
export const keyFrom = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 50);

/** Options as typed, one a line: trimmed, blank lines left out. */
const optionsFrom = (text: string) =>
  text
    .split('\n')
    .map((o) => o.trim())
    .filter(Boolean);

const KINDS: Record<
  FieldEntity,
  { path: string; tab: string; plural: string; title: string; about: string }
> = {
  case: {
    path: '/admin/case-fields',
    tab: 'Cases',
    plural: 'cases',
    title: 'Categories and case fields',
    about:
      'What agents file cases under, and the fields a case carries. Switched off, one is no longer offered and stays on the cases that have it.',
  },
  customer: {
    path: '/admin/customer-fields',
    tab: 'Customers',
    plural: 'customers',
    title: 'Customer fields',
    about:
      'Typed fields of customer records: the customer form offers them, an import reads their cf.<key> columns as their type, rules can test them. Values under other keys stay free-form text.',
  },
  organization: {
    path: '/admin/organization-fields',
    tab: 'Organizations',
    plural: 'organizations',
    title: 'Organization fields',
    about:
      'Typed fields of organizations: the organization form offers them and rules can test them. Values under other keys stay free-form text.',
  },
};

/** Admin → Fields: one tab per kind of record; the case tab also has the categories. */
export function FieldsPage(props: { entity: FieldEntity }) {
  const kind = KINDS[props.entity];
  useDocumentTitle(kind.title);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const say = (message: string | null, failed = false) => {
    setNotice(failed ? null : message);
    setError(failed ? message : null);
  };

  return (
    <>
      <PageHeader title={kind.title} subtitle={kind.about} />
      <nav className="tabs" aria-label="Fields of">
        {(Object.keys(KINDS) as FieldEntity[]).map((entity) => (
          <NavLink
            key={entity}
            to={KINDS[entity].path}
            className={({ isActive }) => (isActive ? 'tab tab--active' : 'tab')}
          >
            {KINDS[entity].tab}
          </NavLink>
        ))}
      </nav>
      <SuccessNotice message={notice} />
      <FormError message={error} />
      {props.entity === 'case' && <CategoriesSection say={say} />}
      <FieldsSection key={props.entity} entity={props.entity} say={say} />
    </>
  );
}

type Say = (message: string | null, failed?: boolean) => void;

function CategoriesSection({ say }: { say: Say }) {
  const categories = useApi<Items<Category>>('/categories');

  /** A change from the list's buttons: said above the lists, then the list read again. */
  async function change(what: () => Promise<unknown>, done: string) {
    say(null);
    try {
      await what();
      say(done);
      categories.reload();
    } catch (err) {
      say(toApiError(err).message, true);
    }
  }

  return (
    <section className="section" aria-labelledby="categories-title">
      <h2 id="categories-title">Categories</h2>
      <ListState
        list={categories}
        count={categories.data?.items.length ?? 0}
        loadingLabel="Loading categories…"
        empty={<>No categories.</>}
      >
        <DataTable testId="category-table" columns={['Name', 'Key', 'State', 'In the portal', '']}>
          {(categories.data?.items ?? []).map((c) => (
            <tr key={c.key} data-testid="category-row">
              <td className="cell-primary">
                {c.name}
                {c.builtin && <span className="badge badge--muted"> built in</span>}
              </td>
              <td>
                <code>{c.key}</code>
              </td>
              <td data-testid="category-state">{c.active ? 'On' : 'Off'}</td>
              <td>
                {/* Customers pick it on a new request (off by default: staff file cases). */}
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={c.offeredToCustomers}
                    onChange={() =>
                      void change(
                        () =>
                          api.patch(`/categories/${c.key}`, { offeredToCustomers: !c.offeredToCustomers }),
                        c.offeredToCustomers
                          ? `“${c.name}” is no longer offered to customers.`
                          : `Customers can now pick “${c.name}” on a new request.`,
                      )
                    }
                  />
                  <span>
                    Offered to customers<span className="visually-hidden">: {c.name}</span>
                  </span>
                </label>
              </td>
              <td className="cell-nowrap">
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => {
                    const name = window.prompt(`New name for “${c.name}”`, c.name)?.trim();
                    if (name && name !== c.name)
                      void change(
                        () => api.patch(`/categories/${c.key}`, { name }),
                        `Category renamed to “${name}”.`,
                      );
                  }}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() =>
                    void change(
                      () => api.patch(`/categories/${c.key}`, { active: !c.active }),
                      c.active
                        ? `“${c.name}” switched off: no longer offered for cases.`
                        : `“${c.name}” switched on.`,
                    )
                  }
                >
                  {c.active ? 'Switch off' : 'Switch on'}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      <NewCategoryForm
        onCreated={(c) => {
          say(`Category “${c.name}” added.`);
          categories.reload();
        }}
      />
    </section>
  );
}

function FieldsSection({ entity, say }: { entity: FieldEntity; say: Say }) {
  const fields = useApi<Items<CustomFieldDefinition>>(`/${entity}-fields`);
  const [editing, setEditing] = useState<string | null>(null);
  const editedField = fields.data?.items.find((f) => f.key === editing);
  const noun = `${entity} field`;
  const title = `${noun[0]!.toUpperCase()}${noun.slice(1)}s`;

  return (
    <section className="section" aria-labelledby="fields-title">
      <h2 id="fields-title">{title}</h2>
      <ListState
        list={fields}
        count={fields.data?.items.length ?? 0}
        loadingLabel={`Loading ${noun}s…`}
        empty={<>No {noun}s yet: add one below.</>}
      >
        <DataTable
          testId={`${entity}-field-table`}
          columns={[
            'Field',
            'Key',
            'Type',
            'Options',
            entity === 'case' ? 'Required to solve' : 'Customers see it',
            'State',
            '',
          ]}
        >
          {(fields.data?.items ?? []).map((f) => (
            <tr key={f.key} data-testid={`${entity}-field-row`}>
              <td className="cell-primary">{f.label}</td>
              <td>
                <code>{f.key}</code>
              </td>
              <td>{TYPE_LABELS[f.type]}</td>
              <td data-testid={`${entity}-field-options`}>{f.options?.join(', ') ?? '—'}</td>
              <td>{(entity === 'case' ? f.required : f.customerVisible) ? 'Yes' : 'No'}</td>
              <td data-testid={`${entity}-field-state`}>{f.active ? 'On' : 'Off'}</td>
              <td>
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => setEditing(f.key)}
                >
                  Edit
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
      {editedField ? (
        <FieldForm
          key={editedField.key}
          entity={entity}
          field={editedField}
          onDone={(saved) => {
            setEditing(null);
            say(null);
            if (saved) {
              say(`Field “${saved.label}” saved.`);
              fields.reload();
            }
          }}
        />
      ) : (
        <FieldForm
          entity={entity}
          onDone={(saved) => {
            say(null);
            if (saved) {
              say(`Field “${saved.label}” added.`);
              fields.reload();
            }
          }}
        />
      )}
    </section>
  );
}

/** A new category's or field's key: the one its name suggests until one is typed. */
function KeyField(props: { id: string; value: string; onChange(key: string): void; error?: string }) {
  return (
    <TextField
      {...props}
      label="Key"
      maxLength={50}
      hint="For the API, rules and exports; it cannot change later."
    />
  );
}

function NewCategoryForm(props: { onCreated(c: Category): void }) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const { errors, formError, saving, submit } = useFormSubmit({
    conflictFields: { category_exists: 'key' },
  });
  const shownKey = key || keyFrom(name);

  async function create() {
    const sent = await submit(CategoryInput, { name, key: shownKey }, async (data) =>
      props.onCreated(await api.post<Category>('/categories', data)),
    );
    if (sent) {
      setName('');
      setKey('');
    }
  }

  return (
    <form
      className="form card form--after-list"
      aria-label="New category"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h3>New category</h3>
      <FormError message={formError} />
      <div className="form__grid">
        <TextField
          id="category-name"
          label="Name"
          maxLength={100}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <KeyField id="category-key" value={shownKey} onChange={setKey} error={errors.key} />
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Adding…' : 'Add category'}
        </button>
      </div>
    </form>
  );
}

/** A new field (every setting), or a field's label, options, required and state. */
function FieldForm(props: {
  entity: FieldEntity;
  field?: CustomFieldDefinition;
  onDone(saved: CustomFieldDefinition | null): void;
}) {
  const { field } = props;
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState('');
  const [type, setType] = useState<CustomFieldType>(field?.type ?? 'text');
  const [options, setOptions] = useState((field?.options ?? []).join('\n'));
  const [required, setRequired] = useState(field?.required ?? false);
  const [customerVisible, setCustomerVisible] = useState(field?.customerVisible ?? false);
  const [active, setActive] = useState(field?.active ?? true);
  const { errors, formError, saving, submit, conflict } = useFormSubmit({
    conflictFields: { field_exists: 'key' },
  });
  const shownKey = key || keyFrom(label);
  const prefix = field ? 'field-edit' : 'field-new';
  const path = `/${props.entity}-fields`;
  const isCase = props.entity === 'case';
  const plural = KINDS[props.entity].plural;

  /** Saves onto the version of the field this form was opened on, unless `overwrite`. */
  async function save(overwrite = false) {
    const chosen = type === 'select' ? { options: optionsFrom(options) } : {};
    const mustHave = isCase ? { required } : { customerVisible };
    const sent = field
      ? await submit(CustomFieldDefinitionUpdate, { label, active, ...mustHave, ...chosen }, async (data) =>
          props.onDone(
            await api.patch<CustomFieldDefinition>(
              `${path}/${field.key}`,
              data,
              overwrite ? undefined : field.updatedAt,
            ),
          ),
        )
      : await submit(
          CustomFieldDefinitionInput,
          { label, key: shownKey, type, ...mustHave, ...chosen },
          async (data) => props.onDone(await api.post<CustomFieldDefinition>(path, data)),
        );
    if (sent && !field) {
      setLabel('');
      setKey('');
      setOptions('');
      setRequired(false);
      setCustomerVisible(false);
    }
  }

  return (
    <form
      className="form card form--after-list"
      aria-label={field ? `Edit field ${field.label}` : `New ${props.entity} field`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{field ? `Edit “${field.label}”` : `New ${props.entity} field`}</h3>
      <FormError message={formError} />
      {conflict && (
        <EditConflict noun="field" onLoad={reloadPage} onOverwrite={() => void save(true)} saving={saving} />
      )}
      <div className="form__grid">
        <TextField
          id={`${prefix}-label`}
          label="Label"
          maxLength={100}
          value={label}
          onChange={setLabel}
          error={errors.label}
        />
        {field ? (
          <p className="muted">
            Key <code>{field.key}</code> · {TYPE_LABELS[field.type]} (neither changes once made)
          </p>
        ) : (
          <>
            <KeyField id={`${prefix}-key`} value={shownKey} onChange={setKey} error={errors.key} />
            <SelectField
              id={`${prefix}-type`}
              label="Type"
              value={type}
              onChange={setType}
              options={CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
              error={errors.type}
            />
          </>
        )}
        {type === 'select' && (
          <FormField
            id={`${prefix}-options`}
            label="Options"
            error={errors.options ?? errors['options.0']}
            hint="One a line, in the order they are offered."
          >
            <textarea
              id={`${prefix}-options`}
              rows={4}
              value={options}
              onChange={(e) => setOptions(e.target.value)}
              {...describedBy(`${prefix}-options`, errors.options, true)}
            />
          </FormField>
        )}
      </div>
      {isCase ? (
        <label className="checkbox">
          <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
          <span>Required to solve a case</span>
        </label>
      ) : (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={customerVisible}
            onChange={(e) => setCustomerVisible(e.target.checked)}
          />
          <span>
            Shown to customers (on their own record and their organization, in the portal; other fields are
            for staff only)
          </span>
        </label>
      )}
      {field && (
        <label className="checkbox">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
          <span>On (offered on {plural})</span>
        </label>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : field ? 'Save field' : 'Add field'}
        </button>
        {field && (
          <button type="button" className="button" onClick={() => props.onDone(null)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
