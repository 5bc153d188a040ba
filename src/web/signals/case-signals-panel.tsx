// Why a proactive case exists: the signals that opened or joined it (or came with a case merged
// into this one), and the operational references (order, shipment, invoice) the case is about, on
// the case page's side. Solving the case resolves its live signals: the panel says so first.
// When each was detected is in the zone the person works in, as on the Signals page (named under
// the list); the signals are listed once that zone is read.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { LIVE_SIGNAL_STATES, type Signal } from '../../shared/schemas/signals.js';
import type { Case, Page } from '../lib/types.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { READING_ZONE, useWorkZone } from '../lib/work-zone.js';
import { Loading } from '../layout/page-parts.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { RefValue, SeverityBadge, SignalStateBadge } from './signal-badges.js';
import { signalTitle } from '../../shared/ref-labels.js';

const SHOWN = 10;

export function CaseSignalsPanel({ c }: { c: Case }) {
  // Proactive cases have signals, and so has a case another one was merged into.
  const work = useWorkZone();
  const signals = useApi<Page<Signal>>('/signals', {
    caseId: c.id,
    limit: SHOWN,
    includeTotal: true,
  });
  // Each signal's state says whether nobody owns this case ("Acted on · nobody on it"): taken, left
  // or solved, here or by a colleague (the page reads the case again), its signals are read again.
  const owner = `${c.assigneeId ?? ''} ${c.status}`;
  const [readFor, setReadFor] = useState(owner);
  if (owner !== readFor) {
    setReadFor(owner);
    signals.reload();
  }
  const refs = Object.entries(c.refs);
  const items = signals.data?.items ?? [];
  if (refs.length === 0 && items.length === 0 && !signals.error) return null;
  const more = (signals.data?.total ?? 0) - items.length;
  const live = items.filter((s) => LIVE_SIGNAL_STATES.includes(s.state)).length;
  const unsolved = c.status !== 'solved' && c.status !== 'closed';
  return (
    <section className="card panel" aria-labelledby="case-signals-title" data-testid="case-signals-panel">
      <h2 id="case-signals-title">{items.length > 0 ? 'Signals' : 'References'}</h2>
      {signals.error && <p className="muted">{signals.error.message}</p>}
      {/* Not in the browser's zone while the person's is read: listed once it is. */}
      {items.length > 0 && !work.ready && <Loading label={READING_ZONE} />}
      {items.length > 0 && work.ready && (
        <ul className="mini-cases" data-testid="case-signals">
          {items.map((s) => (
            <li key={s.id}>
              <Link to={`/signals/${s.id}`} className="mini-case" data-testid="case-signal">
                <span className="mini-case__subject mini-case__subject--wrap">{signalTitle(s)}</span>
                <span className="mini-case__meta">
                  <SeverityBadge severity={s.severity} />
                  <SignalStateBadge state={s.state} caseUnassigned={s.caseUnassigned} />
                  <time className="muted" dateTime={s.detectedAt} data-testid="case-signal-detected">
                    {formatDateTime(s.detectedAt, work.zone)}
                  </time>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more > 0 && <p className="muted panel__more">and {more} more</p>}
      {items.length > 0 && work.ready && (
        <p className="panel__more">
          <TimesInZone testId="case-signals-zone" className="muted" />
        </p>
      )}
      {unsolved && live > 0 && (
        <p className="muted panel__more" data-testid="case-signals-hint">
          Solving this case resolves {live === 1 ? 'its live signal' : `its ${live} live signals`}.
        </p>
      )}
      {refs.length > 0 && (
        <>
          {items.length > 0 && <h3 className="panel__heading">References</h3>}
          <ul className="ref-list" data-testid="case-refs">
            {refs.map(([key, value]) => (
              <li key={key}>
                <RefValue refKey={key} refValue={value} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
