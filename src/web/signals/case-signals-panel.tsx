// Why a proactive case exists: the signals that opened or joined it, and the operational
// references (order, shipment, invoice) the case is about, on the case page's side.
import { Link } from 'react-router-dom';
import type { Signal } from '../../shared/schemas/signals.js';
import type { Case, Page } from '../lib/types.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { RefValue, SeverityBadge, SignalStateBadge } from './signal-badges.js';

const SHOWN = 10;

export function CaseSignalsPanel({ c }: { c: Case }) {
  // Signals link to the proactive cases their actions opened or joined: other cases have none.
  const signals = useApi<Page<Signal>>(c.channel === 'proactive' ? '/signals' : null, {
    caseId: c.id,
    limit: SHOWN,
    includeTotal: true,
  });
  const refs = Object.entries(c.refs);
  const items = signals.data?.items ?? [];
  if (refs.length === 0 && items.length === 0 && !signals.error) return null;
  const more = (signals.data?.total ?? 0) - items.length;
  return (
    <section className="card panel" aria-labelledby="case-signals-title" data-testid="case-signals-panel">
      <h2 id="case-signals-title">{items.length > 0 ? 'Signals' : 'References'}</h2>
      {signals.error && <p className="muted">{signals.error.message}</p>}
      {items.length > 0 && (
        <ul className="mini-cases" data-testid="case-signals">
          {items.map((s) => (
            <li key={s.id}>
              <Link to={`/signals/${s.id}`} className="mini-case" data-testid="case-signal">
                <span className="mini-case__subject mini-case__subject--wrap">{s.title}</span>
                <span className="mini-case__meta">
                  <SeverityBadge severity={s.severity} />
                  <SignalStateBadge state={s.state} />
                  <span className="muted">{formatDateTime(s.detectedAt)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more > 0 && <p className="muted panel__more">and {more} more</p>}
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
