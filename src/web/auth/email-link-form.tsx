// Asking for an e-mailed link on the sign-in page (a customer's sign-in link, a staff member's
// link to choose a new password): the address, one button, and the server's answer, which is the
// same whether or not the address is known.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, toApiError } from '../lib/api.js';

export function EmailLinkRequestForm(props: {
  /** The API route that answers `{message}`. */
  path: string;
  /** The form's accessible name. */
  label: string;
  intro: ReactNode;
  submitLabel: string;
  sentTestId: string;
  /** Error codes in words. */
  messages: Record<string, string>;
  initialEmail?: string;
  onCancel?: () => void;
  cancelLabel: string;
  /** Offer the way back under the answer too. */
  cancelAfterSent?: boolean;
}) {
  const uid = useId();
  const [email, setEmail] = useState(props.initialEmail ?? '');
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!email.trim()) {
      setError('Enter your e-mail address.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ message: string }>(props.path, { email: email.trim() });
      setSent(res.message);
    } catch (err) {
      const apiError = toApiError(err);
      setError(props.messages[apiError.code] ?? apiError.message);
    } finally {
      setBusy(false);
    }
  }

  const cancel = props.onCancel && (
    <button type="button" className="button button--ghost button--block" onClick={props.onCancel}>
      {props.cancelLabel}
    </button>
  );
  if (sent) {
    return (
      <>
        <p className="notice notice--success" role="status" data-testid={props.sentTestId}>
          {sent}
        </p>
        {props.cancelAfterSent && cancel}
      </>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-label={props.label}>
      <p className="muted">{props.intro}</p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${uid}-email`}>Your e-mail address</label>
        <input
          id={`${uid}-email`}
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
      </div>
      <button type="submit" className="button button--primary button--block" disabled={busy}>
        {busy ? 'Sending…' : props.submitLabel}
      </button>
      {cancel}
    </form>
  );
}
