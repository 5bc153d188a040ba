// Related cases (links go both ways), and merging a duplicate into another case.
import { useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, toApiError } from '../lib/api.js';
import type { Case, CaseSummary, Items, LinkedCase } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useFocusLater } from '../lib/use-focus-later.js';
import { StatusBadge } from './case-badges.js';
import { CasePicker } from './case-picker.js';

export function LinkedCases(props: { c: Case; suggestions: CaseSummary[]; onChanged(): void }) {
  const { c } = props;
  const navigate = useNavigate();
  const links = useApi<Items<LinkedCase>>(`/cases/${c.id}/links`, undefined, { keepPrevious: true });
  const [mode, setMode] = useState<'idle' | 'link' | 'merge'>('idle');
  const [mergeTarget, setMergeTarget] = useState<CaseSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const linkButton = useRef<HTMLButtonElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const focusLater = useFocusLater();
  /** Picker closed (cancelled, or a case linked): the focus goes back to the button that opened it. */
  const idle = () => {
    focusLater(() => (mode === 'merge' ? mergeButton : linkButton).current);
    setMergeTarget(null);
    setMode('idle');
  };
  const linked = links.data?.items ?? [];
  const closed = c.status === 'closed' || c.mergedIntoId !== null;

  async function run(action: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setError(null);
    try {
      await action();
      links.reload();
      props.onChanged();
      after?.();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card panel" aria-labelledby="links-title" data-testid="linked-cases">
      <h2 id="links-title">Linked cases</h2>
      {links.error && <p className="muted">{links.error.message}</p>}
      {links.data && linked.length === 0 && <p className="muted">None.</p>}
      {linked.length > 0 && (
        <ul className="mini-cases">
          {linked.map((l) => (
            <li key={l.id} className="mini-case mini-case--row">
              <Link to={`/cases/${l.id}`} className="mini-case__subject">
                <span className="muted">#{l.number}</span> {l.subject}
              </Link>
              <StatusBadge status={l.status} />
              <button
                type="button"
                className="button button--ghost button--small"
                aria-label={`Unlink case ${l.number}`}
                disabled={busy}
                onClick={() => void run(() => api.delete(`/cases/${c.id}/links/${l.id}`))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {mode === 'link' && (
        <CasePicker
          label="Link a case"
          actionLabel="Link"
          exclude={[c.id, ...linked.map((l) => l.id)]}
          suggestions={props.suggestions}
          onCancel={idle}
          onPick={(other) => void run(() => api.post(`/cases/${c.id}/links`, { caseId: other.id }), idle)}
        />
      )}
      {mode === 'merge' && !mergeTarget && (
        <CasePicker
          label="Merge this case into"
          hint={`Only ${c.customer?.name ?? 'this customer'}’s own cases: link another customer’s case instead.`}
          customerId={c.customerId}
          actionLabel="Choose"
          exclude={[c.id]}
          suggestions={props.suggestions.filter((s) => s.status !== 'closed')}
          onCancel={idle}
          onPick={setMergeTarget}
        />
      )}
      {mode === 'merge' && mergeTarget && (
        <div className="notice notice--warning merge-confirm" role="alertdialog" aria-label="Confirm merge">
          <p>
            Merge #{c.number} into #{mergeTarget.number} “{mergeTarget.subject}”? Its messages and links move
            there, and this case closes.
          </p>
          <div className="merge-confirm__actions">
            <button
              type="button"
              className="button button--primary button--small"
              disabled={busy}
              onClick={() =>
                void run(
                  () => api.post(`/cases/${c.id}/merge`, { intoId: mergeTarget.id }),
                  () => navigate(`/cases/${mergeTarget.id}`),
                )
              }
            >
              Merge
            </button>
            {/* The picker that had the focus is gone: the focus goes to the safe choice. */}
            <button type="button" className="button button--small" autoFocus onClick={idle}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {mode === 'idle' && (
        <div className="panel__actions">
          <button
            ref={linkButton}
            type="button"
            className="button button--small"
            onClick={() => setMode('link')}
          >
            Link a case
          </button>
          {!closed && (
            <button
              ref={mergeButton}
              type="button"
              className="button button--ghost button--small"
              onClick={() => setMode('merge')}
            >
              Merge into…
            </button>
          )}
        </div>
      )}
    </section>
  );
}
