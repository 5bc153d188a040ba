// Your account's "E-mail notifications": per kind of notification, whether it also comes by
// e-mail (every kind is always in the app), and when: each at once, or gathered in one mail an
// hour or a day at a chosen hour in your time zone (else the company's). Each choice saves on its own. An admin sees
// the same for a colleague on their user page (`user`).
import { useState } from 'react';
import {
  NOTIFICATION_KINDS,
  type Digest,
  type NotificationKind,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
} from '../../shared/schemas/notifications.js';
import { NOTIFICATION_KIND_LABELS } from '../../shared/notification-text.js';
import { api, toApiError } from '../lib/api.js';
import { useMe } from '../auth/auth-context.js';
import { publishOwnZone } from '../lib/work-zone.js';
import { browserTimeZone, timeZones } from '../lib/time-zones.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, OutcomeNotice, type Outcome } from '../layout/page-parts.js';
import { SelectField } from '../admin/form-parts.js';

const DIGEST_LABELS: Record<Digest, string> = {
  none: 'Each at once',
  hourly: 'One mail an hour, of what is still unread',
  daily: 'One mail a day, of what is still unread',
};
const HOURS = Array.from({ length: 24 }, (_, h) => h);
/** "A case is assigned to me" within a sentence: "a case is assigned to me" ("I" stays). */
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;
/** The zone picker's choice of no zone of one's own: the company's (Settings), which may change. */
const COMPANY_ZONE = '';

export function NotificationSettings(props: { user?: { id: string; name: string } }) {
  const path = props.user ? `/users/${props.user.id}/notification-preferences` : '/notifications/preferences';
  const prefs = useApi<NotificationPreferences>(path);
  const [saved, setSaved] = useState<NotificationPreferences | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const current = saved ?? prefs.data;
  const me = useMe();

  /** Shows the change at once and saves it; a refusal puts the old choice back. */
  async function save(change: NotificationPreferencesUpdate, done: string) {
    if (!current) return;
    const before = current;
    const { timeZone, ...rest } = change;
    setSaved({
      ...current,
      ...rest,
      ...(timeZone ? { timeZone, ownTimeZone: true } : {}),
      email: { ...current.email, ...change.email },
    });
    setBusy(true);
    setOutcome(null);
    try {
      const answer = await api.patch<NotificationPreferences>(path, change);
      setSaved(answer);
      if (!props.user) publishOwnZone(me.id, answer.ownTimeZone ? answer.timeZone : null);
      setOutcome({ ok: true, text: `Saved: ${done}.` });
    } catch (err) {
      setSaved(before);
      setOutcome({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }

  const toggle = (kind: NotificationKind, on: boolean) =>
    save(
      { email: { [kind]: on } },
      `${lowerFirst(NOTIFICATION_KIND_LABELS[kind])}, ${on ? 'by e-mail too' : 'in the app only'}`,
    );
  const choose = (digest: Digest) => {
    // A first daily digest takes the browser's zone when neither the person nor the company
    // chose one (UTC by default); not for a colleague, who may be elsewhere.
    const zone =
      digest === 'daily' && current && !current.ownTimeZone && current.timeZone === 'UTC' && !props.user
        ? browserTimeZone()
        : undefined;
    return save(
      { digest, ...(zone && zone !== 'UTC' ? { timeZone: zone } : {}) },
      digest === 'none' ? 'each e-mail at once' : lowerFirst(DIGEST_LABELS[digest]),
    );
  };

  return (
    <section className="card form" id="notification-settings" aria-labelledby="notification-settings-title">
      <h2 id="notification-settings-title">E-mail notifications</h2>
      <p className="muted">
        {props.user
          ? `Every notification is in the app. Tick the ones ${props.user.name} also gets by e-mail; they can change these on their account page, and the change is recorded as yours.`
          : 'Every notification is in the app (the bell in the top bar). Tick the ones you also want by e-mail.'}
      </p>
      {prefs.error && <ErrorNotice error={prefs.error} onRetry={prefs.reload} />}
      {!current && !prefs.error && (
        <Loading label={props.user ? 'Loading their settings…' : 'Loading your settings…'} />
      )}
      {current && (
        <>
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
          <fieldset className="checkbox-list" disabled={busy} data-testid="notification-digest">
            <legend>When the e-mails go</legend>
            {(Object.keys(DIGEST_LABELS) as Digest[]).map((d) => (
              <label key={d} className="checkbox">
                <input
                  type="radio"
                  name="notification-digest"
                  checked={current.digest === d}
                  onChange={() => void choose(d)}
                />{' '}
                {DIGEST_LABELS[d]}
              </label>
            ))}
          </fieldset>
          {current.digest === 'daily' && (
            <div className="form__grid">
              <SelectField
                id="digest-hour"
                label="At"
                value={String(current.digestHour)}
                options={HOURS.map((h) => ({ value: String(h), label: hourLabel(h) }))}
                disabled={busy}
                onChange={(v) =>
                  void save({ digestHour: Number(v) }, `the daily mail at ${hourLabel(Number(v))}`)
                }
              />
              <SelectField
                id="digest-time-zone"
                label="Time zone"
                value={current.ownTimeZone ? current.timeZone : COMPANY_ZONE}
                options={[
                  {
                    value: COMPANY_ZONE,
                    label: current.ownTimeZone ? 'The company’s' : `The company’s (${current.timeZone})`,
                  },
                  ...[...new Set([current.timeZone, ...timeZones()])].map((z) => ({ value: z, label: z })),
                ]}
                disabled={busy}
                onChange={(v) =>
                  void (v === COMPANY_ZONE
                    ? save({ timeZone: null }, 'times in the company’s time zone')
                    : save({ timeZone: v }, `times in ${v}`))
                }
              />
            </div>
          )}
        </>
      )}
      <OutcomeNotice outcome={outcome} testId="notification-settings-outcome" />
    </section>
  );
}
