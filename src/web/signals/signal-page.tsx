// One signal: what was detected (rule, customer, ref, times), the evidence events behind it, what
// its actions did, and the two ways to close it: resolve (the promise is safe again) or dismiss
// (a false alarm; the reason is required and kept). Reads itself again when a signal changes (live
// stream; a slow poll without it), so actions that finish in the background show up. A live signal without a case can get one by hand.
// Every time on it is in the zone the person works in (useWorkZone), named once under "Detected",
// as the board writes them: the route opens once that zone is read (WorkZoneGate).
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import {
  LIVE_SIGNAL_STATES,
  SignalDismiss,
  SignalResolve,
  type SignalAction,
  type SignalDetail,
} from '../../shared/schemas/signals.js';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime, formatDue } from '../lib/format.js';
import type { Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useNow } from '../lib/use-interval.js';
import { signalsAndCases, useLiveReload } from '../lib/live.js';
import { Fact, FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { useWorkZone } from '../lib/work-zone.js';
import { compactJson, EventTable } from './event-table.js';
import { ActionStateBadge, DueIn, RefValue, SeverityBadge, SignalStateBadge } from './signal-badges.js';
import { priorityLabel } from '../cases/case-labels.js';
import { RESUME_GRACE_MINUTES } from '../../shared/schemas/events.js';
import { actionKindLabel, ruleKindLabel } from './signal-labels.js';
import { OpenCaseForm } from './signal-open-case.js';
import { signalTitle } from '../../shared/ref-labels.js';

const REFRESH_MS = 10_000;

/** Compact JSON for a table cell: `{"location":"Leipzig hub"}`. */

/** Where the signal was opened from, for its back link (the board, when nothing says). */
export interface SignalBackState {
  back: { to: string; label: string };
}
const backOf = (state: unknown): SignalBackState['back'] =>
  (state as SignalBackState | null)?.back ?? { to: '/board', label: 'Proactive board' };

export function SignalPage() {
  const { id = '' } = useParams();
  const back = backOf(useLocation().state);
  const signal = useApi<SignalDetail>(`/signals/${id}`, undefined, { keepPrevious: true });
  // Its case too: who is on it, and whether nobody is (the state's "nobody on it").
  useLiveReload(signalsAndCases([signal.data?.caseId ?? null]), signal.reload, { pollMs: REFRESH_MS });
  useDocumentTitle(signal.data ? signalTitle(signal.data) : 'Signal');

  return (
    <RecordGate
      record={signal}
      what="Signal"
      back={{ to: back.to, label: `Back to ${back.label}` }}
      loadingLabel="Loading signal…"
    >
      {(s) => s && <SignalView key={s.id} s={s} back={back} onChanged={signal.reload} />}
    </RecordGate>
  );
}

function SignalView({
  s,
  back,
  onChanged,
}: {
  s: SignalDetail;
  back: SignalBackState['back'];
  onChanged(): void;
}) {
  const me = useMe();
  const now = useNow();
  // Its times are written in the zone the person works in (named), as on the board.
  const work = useWorkZone();
  const zone = work.zone;
  const live = LIVE_SIGNAL_STATES.includes(s.state);
  const teams = useApi<Items<Team>>(s.actions.some((a) => a.result?.teamId) ? '/teams' : null);
  const teamName = (id: string) => teams.data?.items.find((t) => t.id === id)?.name;
  const [mode, setMode] = useState<'idle' | 'dismiss' | 'resolve' | 'case'>('idle');
  // A case by hand: for a live signal about a customer that has none yet.
  const canOpenCase = live && !s.caseId && !!s.customerId;
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function close(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const dismiss = mode === 'dismiss';
    const parsed = dismiss
      ? SignalDismiss.safeParse({ reason })
      : SignalResolve.safeParse(reason.trim() ? { reason } : {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      setReasonError(
        issue.code === 'too_small' ? 'Say why: the reason is kept with the signal.' : issue.message,
      );
      return;
    }
    setBusy(true);
    try {
      await api.post(`/signals/${s.id}/${dismiss ? 'dismiss' : 'resolve'}`, parsed.data);
      setNotice(dismiss ? 'Signal dismissed.' : 'Signal resolved.');
      setMode('idle');
      setReason('');
      onChanged();
    } catch (err) {
      const apiError = toApiError(err);
      const detail = apiError.details.find((d) => d.path.endsWith('reason'));
      if (detail) setReasonError(detail.message);
      else setError(apiError.message);
    } finally {
      setBusy(false);
    }
  }

  // Cancel (or Escape) puts the focus back on the button that opened the form.
  const focusBack = useRef<string | null>(null);
  useEffect(() => {
    if (mode !== 'idle' || !focusBack.current) return;
    document.querySelector<HTMLElement>(`[data-signal-action="${focusBack.current}"]`)?.focus();
    focusBack.current = null;
  }, [mode]);
  const cancel = () => {
    focusBack.current = mode;
    setMode('idle');
  };

  const open = (next: 'dismiss' | 'resolve' | 'case') => {
    setMode(next);
    setReason('');
    setReasonError(null);
    setError(null);
    setNotice(null);
  };

  return (
    <>
      <PageHeader
        back={back}
        title={<span data-testid="signal-heading">{signalTitle(s)}</span>}
        subtitle={
          <span className="signal-header__badges">
            <SeverityBadge severity={s.severity} />
            <SignalStateBadge state={s.state} caseUnassigned={s.caseUnassigned} />
            <span className="muted">
              {ruleKindLabel(s.kind)} rule · detected {formatDateTime(s.detectedAt, zone)}
            </span>
          </span>
        }
        actions={
          live &&
          mode === 'idle' && (
            <>
              <button
                type="button"
                className="button button--primary"
                data-signal-action="resolve"
                onClick={() => open('resolve')}
              >
                Resolve
              </button>
              <button
                type="button"
                className="button"
                data-signal-action="dismiss"
                onClick={() => open('dismiss')}
              >
                Dismiss
              </button>
              {canOpenCase && (
                <button
                  type="button"
                  className="button"
                  data-signal-action="case"
                  onClick={() => open('case')}
                >
                  Open a case
                </button>
              )}
            </>
          )
        }
      />
      <SuccessNotice message={notice} />
      <FormError message={error} />
      {canOpenCase && mode === 'case' && (
        <OpenCaseForm
          signal={s}
          onCancel={cancel}
          onOpened={(opened) => {
            setNotice(`Proactive case #${opened.caseNumber ?? '…'} opened for this signal.`);
            setMode('idle');
            onChanged();
          }}
        />
      )}
      {live && (mode === 'dismiss' || mode === 'resolve') && (
        <form
          className="card signal-close"
          onSubmit={close}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              cancel();
            }
          }}
          noValidate
          aria-label={mode === 'dismiss' ? 'Dismiss signal' : 'Resolve signal'}
        >
          <div className={reasonError ? 'field field--invalid' : 'field'}>
            <label htmlFor="signal-reason">
              {mode === 'dismiss' ? 'Why dismiss it?' : 'How was it resolved? (optional)'}
            </label>
            <textarea
              id="signal-reason"
              rows={2}
              maxLength={1000}
              value={reason}
              autoFocus
              placeholder={
                mode === 'dismiss' ? 'e.g. the carrier confirmed the parcel is on its way' : undefined
              }
              onChange={(e) => {
                setReason(e.target.value);
                setReasonError(null);
              }}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? 'signal-reason-error' : undefined}
            />
            {reasonError && (
              <p className="field__error" id="signal-reason-error" data-testid="error-reason">
                {reasonError}
              </p>
            )}
          </div>
          <div className="signal-close__actions">
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? 'Saving…' : mode === 'dismiss' ? 'Dismiss signal' : 'Resolve signal'}
            </button>
            <button type="button" className="button button--ghost" onClick={cancel}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <div className="detail-grid">
        <section className="card" aria-labelledby="signal-facts-title">
          <h2 id="signal-facts-title">What was detected</h2>
          <dl className="facts">
            <Fact testId="signal-rule" label="Rule">
              {me.role === 'admin' ? <Link to={`/admin/rules/${s.ruleId}`}>{s.ruleName}</Link> : s.ruleName}
              <span className="muted"> · version {s.ruleVersion}</span>
            </Fact>
            <Fact testId="signal-customer" label="Customer">
              {s.customerId ? (
                <Link to={`/customers/${s.customerId}`}>{s.customerName ?? 'Unnamed customer'}</Link>
              ) : (
                '—'
              )}
              {s.organizationId && (
                <>
                  <span className="muted"> · </span>
                  <Link to={`/organizations/${s.organizationId}`}>
                    {s.organizationName ?? 'Organization'}
                  </Link>
                </>
              )}
            </Fact>
            <Fact testId="signal-ref" label="Ref">
              {s.refValue ? <RefValue refKey={s.refKey} refValue={s.refValue} /> : '—'}
            </Fact>
            <Fact testId="signal-detected" label="Detected">
              <time dateTime={s.detectedAt}>{formatDateTime(s.detectedAt, zone)}</time>
              <TimesInZone testId="signal-zone" className="muted cell-sub" />
            </Fact>
            <Fact testId="signal-due" label="Promise due">
              {s.dueAt ? (
                <>
                  {/* The promise's deadline, as the board and the Commitments page write it: in the work zone. */}
                  <time dateTime={s.dueAt}>{formatDue(s.dueAt, undefined, zone)}</time>{' '}
                  <DueIn dueAt={s.dueAt} now={now} done={!live} />
                </>
              ) : (
                '—'
              )}
            </Fact>
            <Fact testId="signal-contacted-first" label="Customer wrote in first">
              {s.customerContactedFirst ? 'Yes: the customer had written in before it was detected' : 'No'}
            </Fact>
          </dl>
        </section>
        <section className="card" aria-labelledby="signal-handling-title">
          <h2 id="signal-handling-title">Handling</h2>
          <dl className="facts">
            <Fact testId="signal-current-state" label="State">
              <SignalStateBadge state={s.state} caseUnassigned={s.caseUnassigned} />
            </Fact>
            <Fact testId="signal-case" label="Proactive case">
              {s.caseId ? <Link to={`/cases/${s.caseId}`}>Case #{s.caseNumber ?? '…'}</Link> : 'None'}
            </Fact>
            {s.caseId && (
              <Fact testId="signal-case-assignee" label="Assigned to">
                {s.caseAssignee?.name ?? <span className="muted">Nobody yet</span>}
              </Fact>
            )}
            <Fact testId="signal-acted" label="Acted on">
              {s.actedAt ? formatDateTime(s.actedAt, zone) : '—'}
            </Fact>
            <Fact testId="signal-resolved" label={s.state === 'dismissed' ? 'Dismissed' : 'Resolved'}>
              {s.resolvedAt ? formatDateTime(s.resolvedAt, zone) : '—'}
              {s.resolvedByEvent && <span className="muted"> · by itself: the awaited event came</span>}
            </Fact>
            <Fact testId="signal-resolution" label="Reason">
              {s.resolution ? <span className="prewrap">{s.resolution}</span> : '—'}
            </Fact>
          </dl>
        </section>
      </div>

      <section className="section" aria-labelledby="signal-evidence-title">
        <h2 id="signal-evidence-title">
          Evidence <span className="muted">({s.evidence.length})</span>
        </h2>
        {s.evidence.length === 0 ? (
          <div className="empty-state empty-state--inline">
            <p>
              No evidence events: an absence rule fires on what did <em>not</em> arrive; its starting event is
              the evidence.
            </p>
          </div>
        ) : (
          <EventTable
            testId="signal-evidence"
            prefix="evidence"
            events={s.evidence.map((e) => ({ ...e, id: e.eventId }))}
            timeZone={zone}
          />
        )}
      </section>

      <section className="section" aria-labelledby="signal-actions-title">
        <h2 id="signal-actions-title">Actions</h2>
        {s.actions.length === 0 ? (
          <div className="empty-state empty-state--inline">
            <p>The rule has no actions: the signal waits here and on the board for someone to act on it.</p>
          </div>
        ) : (
          <ol className="signal-actions" data-testid="signal-actions">
            {s.actions.map((a) => (
              <ActionItem
                key={a.id}
                a={a}
                caseNumber={s.caseNumber ?? undefined}
                teamName={teamName}
                zone={zone}
                onSendNow={
                  live
                    ? async () => {
                        await api.post(`/signals/${s.id}/actions/${a.id}/send-now`, {});
                        onChanged();
                      }
                    : undefined
                }
              />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** What an action did, in words; keys this page does not know are shown as JSON. */
function outcomeOf(
  a: SignalAction,
  caseNumber: number | undefined,
  teamName: (id: string) => string | undefined,
) {
  const r = a.result ?? {};
  const known = new Set(['caseId', 'caseNumber', 'joined', 'existing', 'messageId', 'teamId', 'priority']);
  const caseId = typeof r.caseId === 'string' ? r.caseId : null;
  const number = typeof r.caseNumber === 'number' ? r.caseNumber : caseNumber;
  const caseLink = caseId ? (
    <Link to={`/cases/${caseId}`}>{number ? `case #${number}` : 'the case'}</Link>
  ) : null;
  const team = typeof r.teamId === 'string' ? (teamName(r.teamId) ?? 'a team') : null;
  let words: ReactNode = null;
  if (a.state === 'done') {
    switch (a.kind) {
      case 'open_case':
        words = r.existing ? (
          <>The signal had {caseLink} already</>
        ) : r.joined ? (
          <>Joined the open proactive {caseLink} about the same ref</>
        ) : (
          <>Opened {caseLink}</>
        );
        break;
      case 'notify_customer':
        words = <>Wrote to the customer on {caseLink}</>;
        break;
      case 'notify_team':
        words = (
          <>
            Notified {team ?? 'the team'}
            {caseLink && <> (noted on {caseLink})</>}
          </>
        );
        break;
      case 'escalate':
        words = (
          <>
            Raised {caseLink} to {priorityLabel(String(r.priority ?? ''))}
            {team && <> and moved it to {team}</>}
          </>
        );
        break;
      default:
        words = caseLink;
    }
  } else if (caseLink) words = <>On {caseLink}</>;
  const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !known.has(k)));
  return { words, rest };
}

function ActionItem(props: {
  a: SignalAction;
  caseNumber: number | undefined;
  teamName(id: string): string | undefined;
  /** The zone the page writes its times in. */
  zone: string;
  /** Sends a held customer mail now (a live signal only). */
  onSendNow?: () => Promise<void>;
}) {
  const { a } = props;
  const { words, rest } = outcomeOf(a, props.caseNumber, props.teamName);
  const heldNow = a.state === 'pending' && a.heldReason !== null && a.holdReleasedAt === null;
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  async function sendNow() {
    if (!props.onSendNow) return;
    if (!window.confirm('The feed may only be late. Send this mail to the customer now anyway?')) return;
    setSending(true);
    setSendError(null);
    try {
      await props.onSendNow();
    } catch (err) {
      setSendError(toApiError(err).message);
    } finally {
      setSending(false);
    }
  }
  return (
    <li
      className={`signal-action signal-action--${heldNow ? 'held' : a.state}`}
      data-testid="signal-action"
      data-kind={a.kind}
    >
      <div className="signal-action__head">
        <span className="signal-action__kind">
          {a.position + 1}. {actionKindLabel(a.kind)}
        </span>
        <ActionStateBadge state={heldNow ? 'held' : a.state} />
      </div>
      <div className="signal-action__body muted">
        {words && (
          <span className="signal-action__outcome" data-testid="action-outcome">
            {words}
          </span>
        )}
        {a.doneAt && <span>{formatDateTime(a.doneAt, props.zone)}</span>}
        {a.attempts > 1 && <span>{a.attempts} attempts</span>}
        {Object.keys(rest).length > 0 && <code className="signal-action__result">{compactJson(rest)}</code>}
      </div>
      {a.heldReason && a.heldSince && (
        <p className="signal-action__held" data-testid="action-held">
          {heldNow ? (
            <>
              Held back since {formatDateTime(a.heldSince, props.zone)}: {a.heldReason}. The event may have
              happened and only its report be missing. It goes out {RESUME_GRACE_MINUTES} minutes after the
              source speaks again, unless the awaited event arrives first (then it is skipped).
            </>
          ) : (
            <>
              Was held back from {formatDateTime(a.heldSince, props.zone)}: {a.heldReason}.
              {a.holdReleasedAt && <> Sent on request at {formatDateTime(a.holdReleasedAt, props.zone)}.</>}
            </>
          )}
        </p>
      )}
      {heldNow && props.onSendNow && (
        <div className="signal-action__buttons">
          <button
            type="button"
            className="button button--small"
            disabled={sending}
            onClick={() => void sendNow()}
          >
            {sending ? 'Sending…' : 'Send now'}
          </button>
          <FormError message={sendError} />
        </div>
      )}
      {a.error && (
        <p className="field__error" data-testid="action-error">
          {a.error}
        </p>
      )}
    </li>
  );
}
