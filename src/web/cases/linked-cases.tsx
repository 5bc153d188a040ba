// Related cases (links go both ways), and merging a duplicate into another case. Linking and
// merging start from the case's header (CaseLinkActions: where an agent looks for what to do with
// the case), in a dialog holding the case picker and, for a merge, the confirmation; the side panel
// (LinkedCases) lists the links, each with its Unlink.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Link, useNavigate } from 'react-router-dom';
import { api, toApiError } from '../lib/api.js';
import type { Case, CaseSummary, Items, LinkedCase } from '../lib/types.js';
import { useApi, type ApiState } from '../lib/use-api.js';
import { useFocusLater } from '../lib/use-focus-later.js';
import { StatusBadge } from './case-badges.js';
import { CasePicker } from './case-picker.js';

/** The case's links, read once for the header's actions and the side panel. */
export const useCaseLinks = (caseId: string) =>
  useApi<Items<LinkedCase>>(`/cases/${caseId}/links`, undefined, { keepPrevious: true });

export function LinkedCases(props: { c: Case; links: ApiState<Items<LinkedCase>>; onChanged(): void }) {
  const { c, links } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const linked = links.data?.items ?? [];

  async function unlink(other: LinkedCase) {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/cases/${c.id}/links/${other.id}`);
      links.reload();
      props.onChanged();
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
      {links.data && linked.length === 0 && (
        <p className="muted">None. Link one with “Link a case” at the top of the case.</p>
      )}
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
                onClick={() => void unlink(l)}
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
    </section>
  );
}

/**
 * "Link a case" and "Merge into…" among the case's header actions. Each opens a modal dialog with
 * the case picker (and, for a merge, its confirmation); Escape or Cancel closes it and gives the
 * focus back to the button that opened it.
 */
export function CaseLinkActions(props: {
  c: Case;
  links: ApiState<Items<LinkedCase>>;
  suggestions: CaseSummary[];
  onChanged(): void;
}) {
  const { c, links } = props;
  const navigate = useNavigate();
  const [mode, setMode] = useState<'idle' | 'link' | 'merge'>('idle');
  const [mergeTarget, setMergeTarget] = useState<CaseSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const linkButton = useRef<HTMLButtonElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const focusLater = useFocusLater();
  const linked = links.data?.items ?? [];
  const closed = c.status === 'closed' || c.mergedIntoId !== null;
  /** Dialog closed (cancelled, or a case linked): the focus goes back to the button that opened it. */
  const idle = () => {
    const from = mode === 'merge' ? mergeButton : linkButton;
    focusLater(() => from.current);
    setMergeTarget(null);
    setError(null);
    setMode('idle');
  };

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

  const problem = error && (
    <p className="field__error" role="alert" data-testid="case-link-error">
      {error}
    </p>
  );

  return (
    <>
      <button
        ref={linkButton}
        type="button"
        className="button button--small"
        onClick={() => setMode('link')}
        aria-haspopup="dialog"
        data-testid="link-case"
      >
        Link a case
      </button>
      {!closed && (
        <button
          ref={mergeButton}
          type="button"
          className="button button--small"
          onClick={() => setMode('merge')}
          aria-haspopup="dialog"
          data-testid="merge-case"
        >
          Merge into…
        </button>
      )}
      {mode === 'link' && (
        <PickerDialog label="Link a case" onClose={idle}>
          <CasePicker
            label="Link a case"
            actionLabel="Link"
            exclude={[c.id, ...linked.map((l) => l.id)]}
            suggestions={props.suggestions}
            onCancel={idle}
            onPick={(other) => void run(() => api.post(`/cases/${c.id}/links`, { caseId: other.id }), idle)}
          />
          {problem}
        </PickerDialog>
      )}
      {mode === 'merge' && (
        <PickerDialog label={mergeTarget ? 'Confirm merge' : 'Merge this case'} onClose={idle}>
          {!mergeTarget ? (
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
          ) : (
            <div className="merge-confirm" data-testid="merge-confirm">
              <p>
                Merge #{c.number} into #{mergeTarget.number} “{mergeTarget.subject}”? Its messages and links
                move there, and this case closes.
              </p>
              {problem}
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
          {!mergeTarget && problem}
        </PickerDialog>
      )}
    </>
  );
}

/** A modal dialog around a picker: Escape (the dialog's cancel) closes it as Cancel does. */
function PickerDialog(props: { label: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    // The search box, not whatever the browser picks: typing starts the search.
    dialog.querySelector<HTMLElement>('input, button')?.focus();
  }, []);
  return createPortal(
    <dialog
      ref={ref}
      className="dialog dialog--picker"
      aria-label={props.label}
      data-testid="case-link-dialog"
      onCancel={(e) => {
        // Closed by unmounting, after the focus has a place to go back to.
        e.preventDefault();
        props.onClose();
      }}
    >
      <div className="dialog__content">{props.children}</div>
    </dialog>,
    document.body,
  );
}
