// Closes the selected signals at once (POST /signals/bulk): resolve them, or dismiss them with one
// reason (a broken feed fired a hundred false alarms). Either the rows ticked, or every live signal
// matching the page's filters (by filter: the server takes those live when the button is pressed).
// Signals that ended meanwhile (the awaited event came) are left as they were, and the message
// says how many.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { SignalBulkCloseResult, SignalBulkFilter } from '../../shared/schemas/signals.js';
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

/** What a bulk close takes: the ticked rows, or every live signal matching a filter (`count` of them now). */
export type BulkTarget = { ids: string[] } | { filter: SignalBulkFilter; count: number };

export function SignalBulkBar(props: {
  target: BulkTarget;
  onDone(message: string): void;
  onClear(): void;
  /** Under the bar: the offer to take every signal that matches, or to go back to those shown. */
  scope?: ReactNode;
}) {
  const { target } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');

  async function close(action: 'dismiss' | 'resolve') {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SignalBulkCloseResult>('/signals/bulk', {
        ...('ids' in target ? { ids: target.ids } : { filter: target.filter }),
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
      count={'ids' in target ? target.ids.length : target.count}
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
      {props.scope}
    </BulkBarFrame>
  );
}
