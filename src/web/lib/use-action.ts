// One action at a time on a page (a delete, an unblock, ending a session), and what came of it:
// `run(key, action)` marks `busy` with the key while it runs, then keeps the action's own words
// (or the server's refusal) as the outcome to show beside the button (OutcomeNotice).
import { useCallback, useState } from 'react';
import type { Outcome } from '../layout/page-parts.js';
import { toApiError } from './api.js';

export function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  /** Resolves true when the action went through. */
  const run = useCallback(async (key: string, action: () => Promise<string>) => {
    setBusy(key);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await action() });
      return true;
    } catch (err) {
      setOutcome({ ok: false, text: toApiError(err).message });
      return false;
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, outcome, setOutcome, run };
}
