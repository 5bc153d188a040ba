// Closes the selected signals at once (POST /signals/bulk): resolve them, or dismiss them with one
// reason (a broken feed fired a hundred false alarms). Signals that ended meanwhile (the awaited
// event came) are left as they were, and the message says how many.
import { useState, type FormEvent } from 'react';
import type { SignalBulkCloseResult } from '../../shared/schemas/signals.js';
import { BulkBarFrame } from '../layout/bulk-bar-frame.js';
import { api, toApiError } from '../lib/api.js';
import { countOf } from '../lib/format.js';

/** "Dismissed 2 signals; 3 pending actions skipped; 1 signal had ended already and was left as it was." */
function describeClose(action: 'dismiss' | 'resolve', res: SignalBulkCloseResult) {
  const before = res.alreadyClosed.length;
  const parts = [
    `${action === 'dismiss' ? 'Dismissed' : 'Resolved'} ${countOf(res.closed.length, 'signal')}`,
  ];
  if (res.skippedActions > 0) parts.push(`${countOf(res.skippedActions, 'pending action')} skipped`);
  if (before === 1) parts.push('1 signal had ended already and was left as it was');
  if (before > 1) parts.push(`${countOf(before, 'signal')} had ended already and were left as they were`);
  return `${parts.join('; ')}.`;
}

export function SignalBulkBar(props: { ids: string[]; onDone(message: string): void; onClear(): void }) {
  const { ids } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  async function close(action: 'dismiss' | 'resolve') {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SignalBulkCloseResult>('/signals/bulk', {
        ids,
        action,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      });
      props.onDone(describeClose(action, res));
      setReason('');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  function dismiss(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setError('Say why they are dismissed: the reason is kept with each signal.');
      return;
    }
    void close('dismiss');
  }

  return (
    <BulkBarFrame
      label="Close selected signals"
      testId="signal-bulk-bar"
      count={ids.length}
      noun="signal"
      busy={busy}
      busyLabel="Closing"
      error={error}
      onClear={props.onClear}
    >
      <form className="bulk-bar__tag" onSubmit={dismiss}>
        <label htmlFor="bulk-reason" className="visually-hidden">
          Reason
        </label>
        <input
          id="bulk-reason"
          type="text"
          className="bulk-bar__reason"
          placeholder="Reason (e.g. feed outage)"
          value={reason}
          maxLength={1000}
          disabled={busy}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="submit" className="button button--small" disabled={busy}>
          Dismiss
        </button>
      </form>
      <button
        type="button"
        className="button button--small"
        disabled={busy}
        onClick={() => void close('resolve')}
      >
        Resolve
      </button>
    </BulkBarFrame>
  );
}
