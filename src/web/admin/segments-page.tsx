// Segments: the groups customers are served by (enterprise, SMB, consumer). Agreements and signal
// rules are scoped by them; a customer is in their own segment, else their organization's. A
// segment in use cannot be deleted, and a key is never used again.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { SegmentCreate, SegmentUpdate, type Segment } from '../../shared/schemas/segments.js';
import { countOf, formatNumber } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { RecordGate } from '../layout/record-gate.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { FormField, TextField, errorsFromIssues } from './form-parts.js';
import { keyFrom } from './fields-page.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { useEditedRecord } from './use-edited-record.js';

const BACK = '/admin/segments';

export function SegmentsPage() {
  const segments = useApi<Items<Segment>>('/segments');
  const items = segments.data?.items ?? [];
  return (
    <AdminList
      title="Segments"
      subtitle="Groups of customers that agreements and signal rules are made for. A customer is in their own segment, else their organization’s."
      newRecord={{ to: `${BACK}/new`, label: 'New segment' }}
      list={segments}
      count={items.length}
      loadingLabel="Loading segments…"
      empty={<>No segments yet.</>}
    >
      <DataTable
        testId="segment-table"
        columns={['Segment', 'Description', 'Organizations', 'Own customers', '']}
      >
        {items.map((s) => (
          <tr key={s.id} data-testid="segment-row">
            <td className="cell-primary">
              <Link to={`${BACK}/${s.key}`}>{s.name}</Link>
              <div className="muted cell-sub">
                <code>{s.key}</code>
              </div>
            </td>
            <td>{s.description ?? <span className="muted">—</span>}</td>
            <td className="cell-number" data-testid="segment-organizations">
              <Link to={`/organizations?segment=${encodeURIComponent(s.key)}`}>
                {formatNumber(s.organizationCount)}
              </Link>
            </td>
            <td className="cell-number" data-testid="segment-customers">
              {formatNumber(s.customerCount)}
            </td>
            <td className="cell-nowrap">
              <Link to={`/customers?segment=${encodeURIComponent(s.key)}`}>All its customers</Link>
            </td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}

export function SegmentFormPage() {
  const { id: key, record: segment } = useEditedRecord<Segment>('/segments', 'segment', (s) => s.name, 'key');
  return (
    <RecordGate
      record={segment}
      what="Segment"
      back={{ to: BACK, label: 'Back to segments' }}
      loadingLabel="Loading segment…"
    >
      {() => <SegmentForm key={`${key ?? 'new'}-${segment.data?.updatedAt ?? ''}`} segment={segment.data} />}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = { key: 'Key', name: 'Name', description: 'Description' };

function SegmentForm({ segment }: { segment: Segment | undefined }) {
  const [key, setKey] = useState(segment?.key ?? '');
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const form = useRecordForm({
    // The API addresses a segment by its key.
    record: segment && { ...segment, id: segment.key },
    path: '/segments',
    back: BACK,
    notices: { created: 'Segment created.', saved: 'Segment saved.', deleted: 'Segment deleted.' },
    conflictFields: { segment_exists: 'key' },
  });
  const { errors } = form;
  const inUse = segment ? segment.organizationCount + segment.customerCount : 0;
  const fields = { name, description: description.trim() || null };
  // A new segment's key follows its name until the admin writes one.
  const shownKey = key || keyFrom(name);
  return (
    <RecordForm
      form={form}
      noun="segment"
      title={segment ? segment.name : 'New segment'}
      subtitle={
        segment &&
        `${countOf(segment.organizationCount, 'organization')} and ${countOf(segment.customerCount, 'customer')} of their own`
      }
      back={{ to: BACK, label: 'Segments' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Segment'}
      onSubmit={() => {
        if (segment) return void form.save(SegmentUpdate, fields);
        const body = { key: shownKey, ...fields };
        const checked = SegmentCreate.safeParse(body);
        if (!shownKey) {
          // The key is made from the name: say which of the two to write.
          form.reject({
            ...(checked.success ? {} : errorsFromIssues(checked.error.issues)),
            key: name.trim()
              ? 'is required: the name has no letters a-z to make one of, so write one, e.g. public_sector'
              : 'is required: write a name (the key is made from it) or a key, e.g. public_sector',
          });
          return;
        }
        void form.save(SegmentCreate, body);
      }}
      confirmDelete={
        segment &&
        (inUse > 0
          ? `The segment ${segment.name} is in use: move its organizations and customers to another segment first. Try anyway?`
          : `Delete the segment ${segment.name}? Its key is never used again.`)
      }
    >
      <div className="form__grid">
        <TextField
          id="segment-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <TextField
          id="segment-key"
          label="Key"
          maxLength={50}
          value={segment ? key : shownKey}
          onChange={setKey}
          error={errors.key}
          disabled={!!segment}
          hint={
            segment
              ? 'Agreements, rules and imports refer to it; it cannot change.'
              : 'Made from the name; lower-case letters, digits, - and _, e.g. enterprise. Never reused.'
          }
        />
      </div>
      <FormField id="segment-description" label="Description (optional)" error={errors.description}>
        <textarea
          id="segment-description"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </FormField>
    </RecordForm>
  );
}
