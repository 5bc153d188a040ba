// Collision warning, part one: while a case is open, tell the server every 10 s that this agent
// is viewing it (and whether they are writing a reply), and learn who else is. The server
// forgets an agent 30 s after their last heartbeat.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api.js';
import type { Items, Presence } from '../lib/types.js';
import { useInterval } from '../lib/use-interval.js';

const HEARTBEAT_MS = 10_000;

export function usePresence(caseId: string, composing: boolean): Presence[] {
  const [others, setOthers] = useState<Presence[]>([]);
  const composingRef = useRef(composing);
  const beat = useCallback(() => {
    api.post<Items<Presence>>(`/cases/${caseId}/presence`, { composing: composingRef.current }).then(
      (res) => setOthers(res.items),
      // Presence is a courtesy: a missed heartbeat must not disturb the agent.
      () => {},
    );
  }, [caseId]);

  // At once on opening, and whenever the agent starts or stops writing.
  useEffect(() => {
    composingRef.current = composing;
    beat();
  }, [beat, composing]);
  useInterval(beat, HEARTBEAT_MS);
  return others;
}

/** "Ben Agent is viewing this case", "Ben Agent and Ava Agent are typing a reply". */
export function PresenceBanner({ others }: { others: Presence[] }) {
  if (others.length === 0) return null;
  const typing = others.filter((p) => p.composing).map((p) => p.name);
  const viewing = others.filter((p) => !p.composing).map((p) => p.name);
  const names = (list: string[]) =>
    list.length <= 2 ? list.join(' and ') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  return (
    <div
      className={typing.length > 0 ? 'presence presence--typing' : 'presence'}
      role="status"
      data-testid="presence-banner"
    >
      <span className="presence__dot" aria-hidden="true" />
      {typing.length > 0 && (
        <span>
          <strong>{names(typing)}</strong> {typing.length === 1 ? 'is' : 'are'} typing a reply: check before
          you answer.
        </span>
      )}
      {typing.length > 0 && viewing.length > 0 && <span className="presence__sep">·</span>}
      {viewing.length > 0 && (
        <span>
          <strong>{names(viewing)}</strong> {viewing.length === 1 ? 'is' : 'are'} viewing this case.
        </span>
      )}
    </div>
  );
}
