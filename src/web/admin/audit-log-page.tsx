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

/** An update's changed fields as "field: from → to"; anything else as compact JSON. */
function Change({ data }: { data: Record<string, unknown> }) {
  const changes = data.changes as Record<string, { from: unknown; to: unknown }> | undefined;
  if (changes && typeof changes === 'object') {
    return (
      <ul className="audit-changes">
        {Object.entries(changes).map(([field, c]) => (
          <li key={field}>
            <span className="muted">{humanize(field)}:</span> {show(c.from)} → {show(c.to)}
          </li>
        ))}
      </ul>
    );
  }
  return Object.keys(data).length ? <code>{compactJson(data)}</code> : <span className="muted">—</span>;
}

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : compactJson(v);
