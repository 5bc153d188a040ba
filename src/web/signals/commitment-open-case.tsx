// A commitment's case cell: its case (number, who has it) when the customer has one about its ref,
// else "Open a case" for a live or broken commitment (POST /commitments/:id/case: a proactive
// case, yours, subject and note from the commitment). The case opened shows at once, before the
// list is read again; a colleague's case opened meanwhile (409 commitment_has_case) shows the same,
// saying "Had a case already", so nobody takes the colleague's case for one they just opened.
import { useState } from 'react';
import type { Commitment } from '../../shared/schemas/signals.js';
import { api, toApiError } from '../lib/api.js';
import { CaseCell } from './signal-badges.js';

/** States where reaching the customer still helps: not yet kept, or not kept at all. */
const OFFERED = new Set<Commitment['state']>(['open', 'overdue', 'broken']);

export function CommitmentCaseCell(props: { commitment: Commitment; none: string; assigneeTestId?: string }) {
  const c = props.commitment;
  const [opened, setOpened] = useState<Commitment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The click found a case opened meanwhile (by a colleague, or in another tab). */
  const [existing, setExisting] = useState(false);
  const shown = c.caseId ? c : (opened ?? c);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      setOpened(await api.post<Commitment>(`/commitments/${c.id}/case`, {}));
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'commitment_has_case') {
        try {
          setOpened(await api.get<Commitment>(`/commitments/${c.id}`));
          setExisting(true);
        } catch (again) {
          setError(toApiError(again).message);
        }
      } else setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  if (shown.caseId || !c.customerId || !OFFERED.has(c.state))
    return (
      <>
        <CaseCell item={shown} none={props.none} assigneeTestId={props.assigneeTestId} />
        {existing && shown.caseId && (
          <span className="cell-sub muted" role="status" data-testid="commitment-open-case-existing">
            Had a case already
          </span>
        )}
      </>
    );
  return (
    <>
      <button
        type="button"
        className="button button--small"
        onClick={open}
        disabled={busy}
        data-testid="commitment-open-case"
        aria-label={`Open a case: ${c.name} for ${c.refValue}`}
      >
        {busy ? 'Opening…' : 'Open a case'}
      </button>
      {error && (
        <span className="cell-sub field__error" role="alert" data-testid="commitment-open-case-error">
          {error}
        </span>
      )}
    </>
  );
}
