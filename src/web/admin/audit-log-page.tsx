// The audit log: every change, newest first: who made it (a person, or Steward itself: jobs,
// rules, the event ingest), when, to what, and what changed. Made by people by default, since
// the system's own writes (commitments opened by events, signals) far outnumber them.
import { useAddressFilters } from '../lib/address-filters.js';
import { AUDITED_ENTITIES, type AuditEntry } from '../../shared/schemas/audit.js';
import { formatDateTime, humanize } from '../lib/format.js';
import { DataTable } from '../layout/data-table.js';
import { GrowingList } from '../layout/growing-list.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { compactJson } from '../signals/event-table.js';

const BY = { people: 'People', system: 'Steward itself', all: 'Everyone' } as const;

export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const [params, change] = useAddressFilters();
  const by = (params.get('by') ?? 'people') as keyof typeof BY;
  const entityType = params.get('entityType') ?? '';
  // The default ("people") is left out of the address.
  const set = (key: string, value: string, fallback = '') =>
    change({ [key]: value === fallback ? undefined : value }, { replace: true });
  const query: Record<string, string> = {
    ...(by !== 'all' ? { by } : {}),
    ...(entityType ? { entityType } : {}),
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change, newest first: who made it, when, and what changed."
      />
      <div className="toolbar">
        <div className="toolbar__filter">
          <label htmlFor="audit-by">Made by</label>
          <select id="audit-by" value={by} onChange={(e) => set('by', e.target.value, 'people')}>
            {Object.entries(BY).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="toolbar__filter">
          <label htmlFor="audit-entity">Record</label>
          <select id="audit-entity" value={entityType} onChange={(e) => set('entityType', e.target.value)}>
            <option value="">Any</option>
            {AUDITED_ENTITIES.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <GrowingList<AuditEntry>
        path="/audit-log"
        query={query}
        what="changes"
        emptyTestId="audit-empty"
        empty="No changes here yet."
      >
        {(items, loading) => (
          <DataTable
            testId="audit-table"
            busy={loading}
            columns={['When', 'Who', 'What', 'Record', 'Change']}
          >
            {items.map((e) => (
              <tr key={e.id} data-testid="audit-row">
                <td className="cell-nowrap">
                  <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
                </td>
                <td data-testid="audit-who">
                  {e.actorKind === 'system' ? (
                    <span className="muted">Steward</span>
                  ) : (
                    (e.actorName ?? 'A deleted user')
                  )}
                </td>
                <td data-testid="audit-type">
                  <code>{e.type}</code>
                </td>
                <td className="cell-nowrap">
                  {humanize(e.entityType)}
                  <span className="cell-sub muted" title={e.entityId}>
                    {e.entityId.slice(-12)}
                  </span>
                </td>
                <td className="cell-data" data-testid="audit-change">
                  <Change data={e.data} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </GrowingList>
    </>
  );
}

/**
 * What a change recorded, one line a field: an update's changed fields as "Field: from → to",
 * then the rest of its data as "Field: value" (a reason, a count, a created record's fields), so
 * long records wrap in the cell instead of running out of it as one line of JSON.
 */
function Change({ data }: { data: Record<string, unknown> }) {
  const { changes, ...rest } = data;
  const fields = isChanges(changes) ? changes : {};
  const others = isChanges(changes) ? rest : data;
  const lines = [
    ...Object.entries(fields).map(([field, c]) => (
      <li key={`changed-${field}`}>
        <span className="muted">{humanize(field)}:</span> {show(c.from)} → {show(c.to)}
      </li>
    )),
    ...Object.entries(others).map(([field, v]) => (
      <li key={field}>
        <span className="muted">{humanize(field)}:</span> {show(v)}
      </li>
    )),
  ];
  return lines.length ? <ul className="audit-changes">{lines}</ul> : <span className="muted">—</span>;
}

const isChanges = (v: unknown): v is Record<string, { from: unknown; to: unknown }> =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.values(v).every((c) => !!c && typeof c === 'object' && 'from' in c && 'to' in c);

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : compactJson(v);
