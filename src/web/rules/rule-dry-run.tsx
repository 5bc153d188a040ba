// Dry run: the rule as it stands in the editor (saved or not) replayed over past events, to see
// how many signals it would have opened, for whom, and examples, before it goes live.
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { DryRunBody, RuleDefinition, type DryRunAnswer } from '../../shared/schemas/rules.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, formatDate, formatDateTime, formatNumber } from '../lib/format.js';
import { errorsFromApi, type PathErrors } from '../admin/form-parts.js';
import { sameJson, type Draft } from './rule-draft.js';

const DAY_MS = 86_400_000;
/** yyyy-mm-dd of a time, in the viewer's zone (what a date input shows). */
function dateInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The draft as a dry run takes it: a rule not yet named can be tried all the same. */
function forDryRun(draft: Draft) {
  const named =
    typeof draft.name === 'string' && draft.name.trim() ? draft : { ...draft, name: 'Untitled rule' };
  return RuleDefinition.safeParse(named);
}

export function DryRunPanel(props: {
  draft: Draft;
  /** Server messages about the definition, keyed by its paths (as the form shows them). */
  onDefinitionErrors(errors: PathErrors): void;
  /** The rule as the form shows it is not valid: the editor shows its fields' messages. */
  onInvalid(): void;
}) {
  const { draft } = props;
  const parsed = useMemo(() => forDryRun(draft), [draft]);
  const [from, setFrom] = useState(() => dateInput(Date.now() - 30 * DAY_MS));
  const [to, setTo] = useState(() => dateInput(Date.now()));
  const [busy, setBusy] = useState(false);
  // A message belongs to the rule it was about: once the rule changes, it goes.
  const [failure, setFailure] = useState<{ message: string; draft: Draft } | null>(null);
  const error = failure && failure.draft === draft ? failure.message : null;
  const setError = (message: string | null) => setFailure(message ? { message, draft } : null);
  const [run, setRun] = useState<{ answer: DryRunAnswer; definition: unknown } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!parsed.success) {
      // The form shows each field's message (and scrolls to their summary): no field paths here.
      props.onInvalid();
      setError(
        'Correct the rule first (see the messages in the form): the dry run tries the rule as the form shows it.',
      );
      return;
    }
    const fromMs = new Date(`${from}T00:00:00`).getTime();
    const toMs = Math.min(Date.now(), new Date(`${to}T23:59:59.999`).getTime());
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
      setError('Choose the first and the last day of the period.');
      return;
    }
    if (fromMs >= toMs) {
      setError('The period ends before it starts.');
      return;
    }
    const body = DryRunBody.safeParse({
      definition: parsed.data,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
    });
    if (!body.success) {
      setError(body.error.issues[0]?.message ?? 'The period is not valid.');
      return;
    }
    setBusy(true);
    try {
      const answer = await api.post<DryRunAnswer>('/rules/dry-run', body.data);
      setRun({ answer, definition: parsed.data });
    } catch (err) {
      const apiError = toApiError(err);
      const found: PathErrors = {};
      for (const [key, message] of Object.entries(errorsFromApi(apiError)))
        if (key.startsWith('definition.')) found[key.slice('definition.'.length)] = message;
      if (Object.keys(found).length) {
        props.onDefinitionErrors(found);
        setError('The server found problems in the rule: see the messages in the form.');
      } else setError(apiError.message);
    } finally {
      setBusy(false);
    }
  }

  const answer = run?.answer;
  const stale = run && !(parsed.success && sameJson(parsed.data, run.definition));
  const names = new Map((answer?.customers ?? []).map((c) => [c.customerId, c.name]));

  return (
    <section className="card rule-panel" aria-labelledby="dry-run-title" data-testid="dry-run">
      <h2 id="dry-run-title">Dry run</h2>
      <p className="field__hint">
        Replays past events through the rule as it is in the form, saved or not, each at the time it happened.
        Nothing is opened or sent. Events that reached Steward late, in one batch, may show signals here the
        rule did not raise: live, an awaited event arriving with its start ends the wait at once.
      </p>
      <form className="dry-run__form" onSubmit={submit} noValidate aria-label="Dry run">
        <div className="field">
          <label htmlFor="dry-run-from">From</label>
          <input id="dry-run-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="dry-run-to">To</label>
          <input id="dry-run-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Running…' : 'Dry run'}
        </button>
      </form>
      {error && (
        <p className="notice notice--error" role="alert" data-testid="dry-run-error">
          {error}
        </p>
      )}
      {answer && (
        <div className="dry-run__answer" aria-live="polite">
          {stale && (
            <p className="notice notice--info" data-testid="dry-run-stale">
              The rule changed since this run: run it again to see the effect.
            </p>
          )}
          <p className="dry-run__summary" data-testid="dry-run-summary">
            Would have opened{' '}
            <strong className="dry-run__count" data-testid="dry-run-signals">
              {countOf(answer.signals, 'signal')}
            </strong>{' '}
            for {countOf(answer.customers.length, 'customer')}, from{' '}
            <span data-testid="dry-run-scanned">{countOf(answer.eventsScanned, 'event')}</span> scanned
            between {formatDate(answer.from)} and {formatDate(answer.to)}.
          </p>
          {answer.truncated && (
            <p className="notice notice--warning">
              The period holds more events than a dry run reads: only the first{' '}
              {formatNumber(answer.eventsScanned)} were replayed. Choose a shorter period for the full
              picture.
            </p>
          )}
          {answer.customers.length > 0 && (
            <table className="table table--compact" data-testid="dry-run-customers">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col" className="cell-number">
                    Signals
                  </th>
                </tr>
              </thead>
              <tbody>
                {answer.customers.map((c, i) => (
                  <tr key={c.customerId ?? `none-${i}`} data-testid="dry-run-customer">
                    <td>
                      {c.customerId ? (
                        <Link to={`/customers/${c.customerId}`}>{c.name ?? 'Unnamed customer'}</Link>
                      ) : (
                        <span className="muted">No customer</span>
                      )}
                    </td>
                    <td className="cell-number">{formatNumber(c.signals)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {answer.samples.length > 0 && (
            <>
              <h3 className="dry-run__samples-title">Examples</h3>
              <div className="dry-run__scroll">
                <table className="table table--compact" data-testid="dry-run-samples">
                  <thead>
                    <tr>
                      <th scope="col">Would fire</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Ref</th>
                      <th scope="col" className="cell-number">
                        Events
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {answer.samples.map((s, i) => (
                      <tr key={i} data-testid="dry-run-sample">
                        <td className="cell-nowrap">{formatDateTime(s.firedAt)}</td>
                        <td>{s.customerId ? (names.get(s.customerId) ?? 'Customer') : '—'}</td>
                        <td>{s.ref ? <code>{s.ref}</code> : '—'}</td>
                        <td className="cell-number" title={s.evidence.join('\n')}>
                          {formatNumber(s.evidence.length)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}
