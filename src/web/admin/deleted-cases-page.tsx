// Admin → Deleted cases: cases admins deleted or staff marked as spam, newest first, each one
// restorable (a spam mark undone: the sender unblocked, the customer back).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { DeletedCase } from '../../shared/schemas/cases.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

export function DeletedCasesPage() {
  useDocumentTitle('Deleted cases');
  const list = useApi<Items<DeletedCase>>('/cases/deleted');
  const items = list.data?.items ?? [];
  const [restored, setRestored] = useState<DeletedCase | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function restore(c: DeletedCase) {
    const spam =
      c.reason === 'spam'
        ? ' Its sender is unblocked, and its customer comes back if they went with it.'
        : '';
    if (!window.confirm(`Restore case #${c.number}?${spam}`)) return;
    setError(null);
    try {
      await api.post(`/cases/${c.id}/restore`, {});
      setRestored(c);
      list.reload();
    } catch (err) {
      setError(toApiError(err).message);
    }
  }

  return (
    <>
      <PageHeader
        title="Deleted cases"
        subtitle="Cases deleted by an admin or marked as spam, newest first. Restoring one lists it again and starts its promise clocks again."
      />
      {restored && (
        <p className="notice notice--success" role="status" data-testid="notice">
          Case #{restored.number} is restored: <Link to={`/cases/${restored.id}`}>{restored.subject}</Link>
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading deleted cases…"
        empty="No deleted cases."
      >
        <DataTable testId="deleted-table" columns={['#', 'Subject', 'Customer', 'Why', 'By', 'When', '']}>
          {items.map((c) => (
            <tr key={c.id} data-testid="deleted-row">
              <td className="cell-number muted">{c.number}</td>
              <td className="cell-primary">{c.subject}</td>
              <td>{c.customerName}</td>
              <td>{c.reason === 'spam' ? 'Spam' : 'Deleted'}</td>
              <td>{c.deletedBy ?? <span className="muted">—</span>}</td>
              <td className="cell-nowrap muted">{formatDateTime(c.deletedAt)}</td>
              <td className="cell-nowrap">
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Restore case ${c.number}`}
                  onClick={() => void restore(c)}
                >
                  Restore
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  );
}
