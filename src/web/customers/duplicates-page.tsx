// Possible duplicates (staff): every group of live customers sharing a name or a phone number,
// the largest first. Pick the one to keep in a group (the one with the most cases, else the
// oldest, to begin with) and merge the others into it.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CustomerMerged, DuplicateGroups } from '../../shared/schemas/customers.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, formatDate } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { PageHeader, OutcomeNotice, type Outcome } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { movedSummary } from './merge-customer-dialog.js';

type Group = DuplicateGroups['items'][number];

const addMoved = (a: CustomerMerged['moved'], b: CustomerMerged['moved']) =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => [k, v + b[k as keyof CustomerMerged['moved']]]),
  ) as CustomerMerged['moved'];

/** The one to keep at first: the most cases, else the oldest (the list is oldest first). */
const keeperOf = (g: Group) =>
  g.customers.reduce((best, c) => (c.cases > best.cases ? c : best), g.customers[0]!).id;

export function DuplicatesPage() {
  useDocumentTitle('Possible duplicates');
  const list = useApi<DuplicateGroups>('/customers/duplicates');
  const groups = list.data?.items ?? [];
  const [notice, setNotice] = useState<Outcome>(null);
  return (
    <>
      <PageHeader
        back={{ to: '/customers', label: 'Customers' }}
        title="Possible duplicates"
        subtitle={
          list.data
            ? `${countOf(list.data.total, 'group')} of customers sharing a name or a phone number${
                list.data.total > groups.length ? `; the ${groups.length} largest shown` : ''
              }`
            : '\u00a0'
        }
      />
      <p className="muted duplicates__intro">
        In each group, choose the customer to keep: the others are merged into it, with their cases, portal
        logins, signals, commitments and events, and their e-mail addresses and external IDs lead to it from
        then on. There is no undo; leave a group alone when they are different people.
      </p>
      <OutcomeNotice outcome={notice} />
      <ListState
        list={list}
        count={groups.length}
        loadingLabel="Looking for duplicates…"
        empty="No customers share a name or a phone number."
        emptyTestId="no-duplicates"
      >
        {groups.map((g) => (
          <DuplicateGroupCard
            key={`${g.reason}:${g.key}`}
            group={g}
            onMerged={(text) => {
              setNotice({ ok: true, text });
              list.reload();
            }}
            onFailed={(text) => setNotice({ ok: false, text })}
          />
        ))}
      </ListState>
    </>
  );
}

function DuplicateGroupCard(props: {
  group: Group;
  onMerged(text: string): void;
  onFailed(text: string): void;
}) {
  const g = props.group;
  const [keep, setKeep] = useState(() => keeperOf(g));
  const [busy, setBusy] = useState(false);
  const kept = g.customers.find((c) => c.id === keep)!;
  const others = g.customers.filter((c) => c.id !== keep);
  const title = g.reason === 'name' ? `Same name: “${g.key}”` : `Same phone number: ${g.key}`;

  async function mergeGroup() {
    if (!window.confirm(`Merge ${countOf(others.length, 'customer')} into ${kept.name}? There is no undo.`))
      return;
    setBusy(true);
    let total: CustomerMerged['moved'] | null = null;
    try {
      // One at a time: each merge is its own transaction, and a failure stops the rest.
      for (const o of others) {
        const merged = await api.post<CustomerMerged>(`/customers/${o.id}/merge`, { intoId: kept.id });
        total = total ? addMoved(total, merged.moved) : merged.moved;
      }
      props.onMerged(
        `Merged ${countOf(others.length, 'customer')} into ${kept.name}. ${total ? movedSummary(total) : ''}`.trim(),
      );
    } catch (err) {
      props.onFailed(toApiError(err).message);
      setBusy(false);
    }
  }

  return (
    <section className="card duplicate-group" aria-label={title} data-testid="duplicate-group">
      <h2 className="duplicates__title">{title}</h2>
      <DataTable
        testId="duplicate-members"
        columns={['Keep', 'Customer', 'Phone', 'External ID', 'Organization', numberColumn('Cases'), 'Added']}
      >
        {g.customers.map((c) => (
          <tr key={c.id} data-testid="duplicate-member">
            <td>
              <input
                type="radio"
                name={`keep-${g.reason}-${g.key}`}
                checked={keep === c.id}
                onChange={() => setKeep(c.id)}
                aria-label={`Keep ${c.name}${c.email ? ` (${c.email})` : ''}`}
              />
            </td>
            <td className="cell-primary">
              <Link to={`/customers/${c.id}`}>{c.name}</Link>
              <div className="muted cell-sub">{c.email ?? 'No e-mail'}</div>
            </td>
            <td>{c.phone ?? <span className="muted">—</span>}</td>
            <td>{c.externalId ? <code>{c.externalId}</code> : <span className="muted">—</span>}</td>
            <td>{c.organizationName ?? <span className="muted">—</span>}</td>
            <td className="cell-number">{c.cases}</td>
            <td className="cell-nowrap">{formatDate(c.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
      <div className="form__actions">
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => void mergeGroup()}
        >
          {busy ? 'Merging…' : `Merge ${countOf(others.length, 'other')} into ${kept.name}`}
        </button>
      </div>
    </section>
  );
}
