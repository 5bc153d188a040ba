// Admin → Blocked senders: addresses and domains whose mail is kept as ignored and opens no case.
// Marking a case as spam adds its sender; admins add a domain or an address by hand, and unblock.
import { useId, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { BlockedSender } from '../../shared/schemas/mail.js';
import { api } from '../lib/api.js';
import { useAction } from '../lib/use-action.js';
import { formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { OutcomeNotice, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

type Blocked = z.infer<typeof BlockedSender>;

export function BlockedSendersPage() {
  useDocumentTitle('Blocked senders');
  const uid = useId();
  const list = useApi<Items<Blocked>>('/blocked-senders');
  const items = list.data?.items ?? [];
  const [pattern, setPattern] = useState('');
  const [reason, setReason] = useState('');
  const { busy, outcome, run } = useAction();

  function block(e: FormEvent) {
    e.preventDefault();
    void run('block', async () => {
      const made = await api.post<Blocked>('/blocked-senders', {
        pattern,
        reason: reason.trim() || undefined,
      });
      setPattern('');
      setReason('');
      list.reload();
      return `${made.pattern} is blocked: their mail is ignored from now on.`;
    });
  }

  function unblock(b: Blocked) {
    if (!window.confirm(`Unblock ${b.pattern}? Their next mail is handled as anyone’s.`)) return;
    void run(b.id, async () => {
      await api.delete(`/blocked-senders/${b.id}`);
      list.reload();
      return `${b.pattern} is unblocked.`;
    });
  }

  return (
    <>
      <PageHeader
        title="Blocked senders"
        subtitle="Mail from these addresses and domains is kept in the mail log as ignored and opens no case. Marking a case as spam blocks its sender."
      />
      <OutcomeNotice outcome={outcome} testId="notice" />
      <form className="card panel form" onSubmit={block} data-testid="block-form">
        <div className="form__grid">
          <div className="field">
            <label htmlFor={`${uid}-pattern`}>Address or @domain</label>
            <input
              id={`${uid}-pattern`}
              type="text"
              value={pattern}
              placeholder="offers@deals.example or @deals.example"
              maxLength={255}
              onChange={(e) => setPattern(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-reason`}>Why (optional)</label>
            <input
              id={`${uid}-reason`}
              type="text"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
        </div>
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={busy === 'block' || !pattern.trim()}
          >
            Block
          </button>
        </div>
      </form>
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading blocked senders…"
        empty="Nobody is blocked."
      >
        <DataTable testId="blocked-table" columns={['Sender', 'Why', 'Blocked by', 'When', '']}>
          {items.map((b) => (
            <tr key={b.id} data-testid="blocked-row">
              <td className="cell-primary">{b.pattern}</td>
              <td>{b.reason ?? <span className="muted">—</span>}</td>
              <td>{b.createdBy?.name ?? <span className="muted">—</span>}</td>
              <td className="cell-nowrap muted">{formatDateTime(b.createdAt)}</td>
              <td className="cell-nowrap">
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Unblock ${b.pattern}`}
                  disabled={busy === b.id}
                  onClick={() => unblock(b)}
                >
                  Unblock
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  );
}
