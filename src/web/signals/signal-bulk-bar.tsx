// Closes the selected signals at once (POST /signals/bulk): resolve them, or dismiss them with one
// reason (a broken feed fired a hundred false alarms). Signals that ended meanwhile (the awaited
// event came) are left as they were, and the message says how many.
import { useState, type FormEvent } from 'react';
import type { SignalBulkCloseResult } from '../../shared/schemas/signals.js';
import { api, toApiError } from '../lib/api.js';
import { countOf } from '../lib/format.js';

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
      const before = res.alreadyClosed.length;
      props.onDone(
        `${action === 'dismiss' ? 'Dismissed' : 'Resolved'} ${countOf(res.closed.length, 'signal')}` +
          (res.skippedActions > 0 ? `; ${countOf(res.skippedActions, 'pending action')} skipped` : '') +
          (before > 0
            ? `; ${countOf(before, 'signal')} had ended already and ${before === 1 ? 'was' : 'were'} left as ${before === 1 ? 'it was' : 'they were'}`
            : '') +
          '.',
      );
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
    <div className="bulk-bar" role="region" aria-label="Close selected signals" data-testid="signal-bulk-bar">
      <span className="bulk-bar__count" data-testid="bulk-count">
        {countOf(ids.length, 'signal')} selected
      </span>
      <button
        type="button"
        className="button button--ghost button--small"
        onClick={props.onClear}
        aria-label="Clear selection"
      >
        Clear
      </button>
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
      {busy && <span className="spinner" role="status" aria-label="Closing" />}
      {error && (
        <p className="bulk-bar__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
