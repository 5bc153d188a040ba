// The audit log: every change, newest first: who made it (a person, or Steward itself: jobs,
// rules, the event ingest), when, to what, and what changed. Made by people by default, since
// the system's own writes (commitments opened by events, signals) far outnumber them.
import { useMemo } from 'react';
import type { SettingsRead } from '../../shared/schemas/settings.js';
import { Link } from 'react-router-dom';
import { useAddressFilters } from '../lib/address-filters.js';
import { AUDITED_ENTITIES, type AuditEntry } from '../../shared/schemas/audit.js';
import { eventLabel, recordKindLabel } from '../../shared/audit-text.js';
import { formatDateTime } from '../lib/format.js';
import { ChangeList } from '../layout/change-list.js';
import { DataTable } from '../layout/data-table.js';
import { ExportButton } from '../layout/export-button.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { PageHeader } from '../layout/page-parts.js';
import { useApi } from '../lib/use-api.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

const BY = { people: 'People', system: 'Steward itself', all: 'Everyone' } as const;
// Days back from now; integer-like keys would reorder an object, so a list.
const PERIODS: [string, string][] = [
  ['1', 'Last 24 hours'],
  ['7', 'Last 7 days'],
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
];

export function AuditLogPage() {
  useDocumentTitle('Audit log');
  const [params, change] = useAddressFilters();
  const settings = useApi<SettingsRead>('/settings');
  const by = (params.get('by') ?? 'people') as keyof typeof BY;
  const entityType = params.get('entityType') ?? '';
  const days = params.get('days') ?? '';
  // The period's start, fixed when the period is chosen (not at every render), to the minute.
  const from = useMemo(
    () =>
      days && PERIODS.some(([value]) => value === days)
        ? new Date(Math.floor(Date.now() / 60_000) * 60_000 - Number(days) * 86_400_000).toISOString()
        : undefined,
    [days],
  );
  // The default ("people") is left out of the address.
  const set = (key: string, value: string, fallback = '') =>
    change({ [key]: value === fallback ? undefined : value }, { replace: true });
  const query: Record<string, string> = {
    ...(by !== 'all' ? { by } : {}),
    ...(entityType ? { entityType } : {}),
    ...(from ? { from } : {}),
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle={
          <>
            Every change, newest first: who made it, when, and what changed.{' '}
            <RetentionNote days={settings.data?.domainEventRetentionDays} />
          </>
        }
        actions={<ExportButton path="/audit-log/export.csv" query={query} name="audit-log" />}
      />
      <div className="toolbar toolbar--filters">
        <FilterSelect
          id="audit-by"
          label="Made by"
          value={by}
          options={Object.entries(BY)}
          onChange={(v) => set('by', v, 'people')}
        />
        <FilterSelect
          id="audit-entity"
          label="Record"
          value={entityType}
          all="Any"
          options={AUDITED_ENTITIES.map((t) => [t, recordKindLabel(t)] as const)}
          onChange={(v) => set('entityType', v)}
        />
        <FilterSelect
          id="audit-period"
          label="When"
          value={days}
          all="Any time"
          options={PERIODS}
          onChange={(v) => set('days', v)}
        />
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
                <td data-testid="audit-type" data-type={e.type} title={e.type}>
                  {eventLabel(e.type)}
                </td>
                <td data-testid="audit-record">
                  {recordKindLabel(e.entityType)} <RecordName entry={e} />
                  <span className="cell-sub muted" title={e.entityId}>
                    {e.entityId.slice(-12)}
                  </span>
                </td>
                <td className="cell-data" data-testid="audit-change">
                  <ChangeList data={e.data} names={e.names} empty={<span className="muted">—</span>} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </GrowingList>
    </>
  );
}

/** How long changes are kept (the domainEventRetentionDays setting), once it is known. */
function RetentionNote(props: { days: number | null | undefined }) {
  if (props.days === undefined) return null;
  return (
    <span data-testid="audit-retention">
      {props.days === null
        ? 'Changes are kept for ever.'
        : `Changes made more than ${props.days} days ago are removed, except those of cases not yet closed, the deletions of cases still deleted, and the records of personal data erased or exported.`}
    </span>
  );
}

/** Pages a record of the log opens on, by its entity type. */
const RECORD_PAGES: Partial<Record<string, (id: string) => string>> = {
  case: (id) => `/cases/${id}`,
  customer: (id) => `/customers/${id}`,
  organization: (id) => `/organizations/${id}`,
  user: (id) => `/admin/users/${id}`,
  agreement: (id) => `/admin/agreements/${id}`,
  calendar: (id) => `/admin/calendars/${id}`,
  team: (id) => `/admin/teams/${id}`,
  signal_rule: (id) => `/admin/rules/${id}`,
  webhook: (id) => `/admin/webhooks/${id}`,
  mailbox: (id) => `/admin/mailboxes/${id}`,
  signal: (id) => `/signals/${id}`,
};

/** What the record is called now ("#42 Parcel late", a name), a link to its page where it has one. */
function RecordName({ entry }: { entry: AuditEntry }) {
  if (!entry.entityName) return null;
  const page = RECORD_PAGES[entry.entityType];
  return page ? (
    <Link to={page(entry.entityId)} data-testid="audit-record-name">
      {entry.entityName}
    </Link>
  ) : (
    <span data-testid="audit-record-name">{entry.entityName}</span>
  );
}
