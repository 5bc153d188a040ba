// Opens a proactive case by hand from a live signal without one (POST /signals/:id/case): its
// rule opens none, or its action failed, and someone wants to reach the customer now. Subject and
// priority start from the signal (the subject in the customer's words: case-subject.ts); the case
// is yours unless you untick it. The server joins the customer's live proactive case about the
// same order or shipment instead of opening a second.
import { useState, type FormEvent } from 'react';
import { PRIORITIES } from '../../shared/schemas/cases.js';
import { PRIORITY_OF_SEVERITY, SignalOpenCase, type SignalDetail } from '../../shared/schemas/signals.js';
import { priorityLabel } from '../cases/case-labels.js';
import { SelectField } from '../admin/form-parts.js';
import { api, toApiError } from '../lib/api.js';
import { customerSubjectOf } from './case-subject.js';

export function OpenCaseForm(props: {
  signal: SignalDetail;
  onOpened(signal: SignalDetail): void;
  onCancel(): void;
}) {
  const s = props.signal;
  const [subject, setSubject] = useState(() => customerSubjectOf(s));
  const [priority, setPriority] = useState<string>(PRIORITY_OF_SEVERITY[s.severity]);
  const [note, setNote] = useState('');
  const [assignToMe, setAssignToMe] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const parsed = SignalOpenCase.safeParse({
      subject,
      priority,
      assignToMe,
      ...(note.trim() ? { note } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      setError(issue.path[0] === 'subject' ? 'Give the case a subject.' : issue.message);
      return;
    }
    setBusy(true);
    try {
      props.onOpened(await api.post<SignalDetail>(`/signals/${s.id}/case`, parsed.data));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card signal-close" onSubmit={submit} noValidate aria-label="Open a proactive case">
      <div className="field">
        <label htmlFor="signal-case-subject">Subject</label>
        <input
          id="signal-case-subject"
          type="text"
          value={subject}
          maxLength={300}
          autoFocus
          onChange={(e) => setSubject(e.target.value)}
          aria-describedby="signal-case-subject-hint"
        />
        <p className="field__hint" id="signal-case-subject-hint">
          The customer sees it once you write to them.
        </p>
      </div>
      <SelectField
        id="signal-case-priority"
        label="Priority"
        value={priority}
        onChange={setPriority}
        options={PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }))}
      />
      <div className="field">
        <label htmlFor="signal-case-note">First internal note (optional)</label>
        <textarea
          id="signal-case-note"
          rows={2}
          value={note}
          placeholder="e.g. asked the carrier for a new scan"
          onChange={(e) => setNote(e.target.value)}
        />
      </div>
      <label className="checkbox signal-close__check">
        <input type="checkbox" checked={assignToMe} onChange={(e) => setAssignToMe(e.target.checked)} />
        Assign the case to me
      </label>
      {error && (
        <p className="field__error" role="alert" data-testid="open-case-error">
          {error}
        </p>
      )}
      <div className="signal-close__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Opening…' : 'Open case'}
        </button>
        <button type="button" className="button button--ghost" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
