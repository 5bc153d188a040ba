// Creating and editing an organization (staff): its name, the e-mail domains that bring unknown
// senders to it, its segment and notes. Admins may delete one that has no customers left.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import {
  OrganizationCreate,
  OrganizationUpdate,
  type Organization,
} from '../../shared/schemas/organizations.js';
import { useMe } from '../auth/auth-context.js';
import { countOf } from '../lib/format.js';
import { useSegments } from '../lib/use-segments.js';
import { RecordGate } from '../layout/record-gate.js';
import { FormField, SelectField, TextField, describedBy, errorAt } from '../admin/form-parts.js';
import { RecordForm } from '../admin/record-form.js';
import { useRecordForm } from '../admin/use-record-form.js';
import { useEditedRecord } from '../admin/use-edited-record.js';
import { CustomFieldsEditor, sameFields, useCustomFields } from '../layout/custom-fields-editor.js';
import { domainsOf } from './domain-list.js';

const LABELS: Record<string, string> = {
  name: 'Name',
  domains: 'E-mail domains',
  segment: 'Segment',
  notes: 'Notes',
  customFields: 'Custom fields',
};

export function OrganizationFormPage() {
  const { id, record } = useEditedRecord<Organization>('/organizations', 'organization', (o) => o.name);
  const { segments } = useSegments(true);
  return (
    <RecordGate
      record={record}
      what="Organization"
      back={{ to: '/organizations', label: 'Back to organizations' }}
      needs={[segments]}
      loadingLabel="Loading organization…"
    >
      {() => (
        <OrganizationForm
          key={id ?? 'new'}
          organization={record.data}
          segments={segments.data?.items ?? []}
        />
      )}
    </RecordGate>
  );
}

function OrganizationForm(props: {
  organization: Organization | undefined;
  segments: { key: string; name: string }[];
}) {
  const o = props.organization;
  const me = useMe();
  const navigate = useNavigate();
  const [name, setName] = useState(o?.name ?? '');
  const [domains, setDomains] = useState(o?.domains.join(', ') ?? '');
  const [segment, setSegment] = useState(o?.segment ?? '');
  const [notes, setNotes] = useState(o?.notes ?? '');
  const custom = useCustomFields('organization', o?.customFields ?? {});
  const form = useRecordForm({
    record: o,
    path: '/organizations',
    back: o ? `/organizations/${o.id}` : '/organizations',
    backAfterDelete: '/organizations',
    notices: {
      created: 'Organization created.',
      saved: 'Changes saved.',
      deleted: `${o?.name ?? 'The organization'} was deleted.`,
    },
    conflictFields: { domain_taken: 'domains' },
    // A new organization's own page is where one goes on (to add its customers).
    onCreated: (created) =>
      navigate(`/organizations/${(created as Organization).id}`, {
        state: { notice: 'Organization created.' },
      }),
  });
  const { errors } = form;
  function submit() {
    const fields = custom.collect();
    if ('error' in fields) {
      form.reject({ customFields: fields.error });
      return;
    }
    const changed = !sameFields(fields.fields, o?.customFields ?? {});
    const domainList = domainsOf(domains);
    // Unchanged domains are not sent again: a merge may have left more than a form may set.
    const domainsChanged = !o || domainList.join(',') !== o.domains.join(',');
    void form.save(o ? OrganizationUpdate : OrganizationCreate, {
      name,
      ...(domainsChanged ? { domains: domainList } : {}),
      segment: segment || null,
      notes: notes.trim() || null,
      ...(changed ? { customFields: fields.fields } : {}),
    });
  }
  const domainsError = errorAt(errors, 'domains');

  return (
    <RecordForm
      form={form}
      noun="organization"
      title={o ? `Edit ${o.name}` : 'New organization'}
      back={
        o ? { to: `/organizations/${o.id}`, label: o.name } : { to: '/organizations', label: 'Organizations' }
      }
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Organization'}
      onSubmit={submit}
      confirmDelete={
        o && me.role === 'admin'
          ? o.customerCount > 0
            ? `${o.name} still has ${countOf(o.customerCount, 'customer')}: move them to another organization (or merge this one into it) first. Try anyway?`
            : `Delete ${o.name}? Its cases and history stay.`
          : undefined
      }
    >
      <div className="form__grid">
        <TextField
          id="organization-name"
          label="Name"
          maxLength={LIMITS.name}
          value={name}
          onChange={setName}
          error={errors.name}
          autoComplete="organization"
        />
        <TextField
          id="organization-domains"
          label="E-mail domains"
          maxLength={LIMITS.domains * 254}
          value={domains}
          onChange={(v) => {
            setDomains(v);
            form.clearErrors(['domains']);
          }}
          error={domainsError}
          placeholder="example.com, example.de"
          hint="Someone new who writes in (mail, web form) from these domains joins this organization; events may name it by one. Separate them with commas."
        />
        <SelectField
          id="organization-segment"
          label="Segment"
          value={segment}
          onChange={setSegment}
          empty="None"
          options={props.segments.map((s) => ({ value: s.key, label: s.name }))}
          error={errors.segment}
        />
      </div>
      <FormField id="organization-notes" label="Notes (optional)" error={errors.notes}>
        <textarea
          id="organization-notes"
          rows={4}
          maxLength={LIMITS.notes}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          {...describedBy('organization-notes', errors.notes)}
        />
      </FormField>
      <CustomFieldsEditor
        id="organization-custom-fields"
        {...custom.editor}
        onEdit={() => form.clearErrors(['customFields'])}
        error={errorAt(errors, 'customFields')}
      />
    </RecordForm>
  );
}
