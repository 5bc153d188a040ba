// Taking a case away from its page: staff mark it as spam (it is deleted, its sender blocked),
// admins delete it. Both ask first, then go back to the queue with a word on what happened.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import type { FlashState } from '../layout/flash.js';
import type { Case } from '../lib/types.js';

interface SpamResult {
  blocked: string | null;
  customerDeleted: boolean;
}

export function CaseRemovalButtons(props: { c: Case; backPath: string; onError(message: string): void }) {
  const { c } = props;
  const me = useMe();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);

  /** Asks first; then runs the call and goes back to the queue with what it says happened. */
  async function act(question: string, call: () => Promise<string>) {
    if (!window.confirm(question)) return;
    setBusy(true);
    try {
      navigate(props.backPath, { state: { notice: await call() } satisfies FlashState });
    } catch (err) {
      props.onError(toApiError(err).message);
      setBusy(false);
    }
  }

  const from = c.customer.email ? `, and mail from ${c.customer.email} is ignored from now on` : '';
  const spam = () =>
    act(
      `Mark case #${c.number} as spam? It is deleted${from}. ${c.customer.name} is deleted too if this is their only case.`,
      async () => {
        const done = await api.post<SpamResult>(`/cases/${c.id}/spam`, {});
        const blocked = done.blocked ? ` Mail from ${done.blocked} is ignored from now on.` : '';
        const gone = done.customerDeleted ? ` ${c.customer.name} was deleted (no other case).` : '';
        return `Case #${c.number} was marked as spam.${blocked}${gone}`;
      },
    );
  const remove = () =>
    act(
      `Delete case #${c.number}? It disappears from every list; the audit log keeps a record.`,
      async () => {
        await api.delete(`/cases/${c.id}`);
        return `Case #${c.number} was deleted.`;
      },
    );

  return (
    <>
      {c.channel !== 'proactive' && (
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={() => void spam()}
          data-testid="mark-spam"
        >
          Spam
        </button>
      )}
      {me.role === 'admin' && (
        <button
          type="button"
          className="button button--small button--danger"
          disabled={busy}
          onClick={() => void remove()}
          data-testid="delete-case"
        >
          Delete
        </button>
      )}
    </>
  );
}
