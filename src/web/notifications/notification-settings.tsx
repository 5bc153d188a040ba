// Your account's "E-mail notifications": per kind of notification, whether it also comes by
// e-mail (every kind is always in the app). Each box saves on its own.
import { useState } from 'react';
import {
  NOTIFICATION_KINDS,
  type NotificationKind,
  type NotificationPreferences,
} from '../../shared/schemas/notifications.js';
import { NOTIFICATION_KIND_LABELS } from '../../shared/notification-text.js';
import { api, toApiError } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, OutcomeNotice, type Outcome } from '../layout/page-parts.js';

export function NotificationSettings() {
  const prefs = useApi<NotificationPreferences>('/notifications/preferences');
  const [saved, setSaved] = useState<NotificationPreferences | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const current = saved ?? prefs.data;

  async function toggle(kind: NotificationKind, on: boolean) {
    if (!current) return;
    // The box shows the choice at once; a refusal puts it back.
    const before = current;
    setSaved({ email: { ...current.email, [kind]: on } });
    setBusy(true);
    setOutcome(null);
    try {
      const next = await api.patch<NotificationPreferences>('/notifications/preferences', {
        email: { [kind]: on },
      });
      setSaved(next);
      setOutcome({
        ok: true,
        text: `Saved: ${NOTIFICATION_KIND_LABELS[kind].toLowerCase()}, ${on ? 'by e-mail too' : 'in the app only'}.`,
      });
    } catch (err) {
      setSaved(before);
      setOutcome({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card form" id="notification-settings" aria-labelledby="notification-settings-title">
      <h2 id="notification-settings-title">E-mail notifications</h2>
      <p className="muted">
        Every notification is in the app (the bell in the top bar). Tick the ones you also want by e-mail.
      </p>
      {prefs.error && <ErrorNotice error={prefs.error} onRetry={prefs.reload} />}
      {!current && !prefs.error && <Loading label="Loading your settings…" />}
      {current && (
        <fieldset className="checkbox-list" disabled={busy}>
          <legend className="visually-hidden">Send by e-mail</legend>
          {NOTIFICATION_KINDS.map((kind) => (
            <label key={kind} className="checkbox">
              <input
                type="checkbox"
                checked={current.email[kind]}
                onChange={(e) => void toggle(kind, e.target.checked)}
              />{' '}
              {NOTIFICATION_KIND_LABELS[kind]}
            </label>
          ))}
        </fieldset>
      )}
      <OutcomeNotice outcome={outcome} testId="notification-settings-outcome" />
    </section>
  );
}
