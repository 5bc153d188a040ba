// The customer's rating of a solved case, for agents on the case page (shown once there is one).
import type { Rating } from '../../shared/schemas/portal.js';
import { formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';

export function CaseRatingPanel({ caseId, status }: { caseId: string; status: string }) {
  // Only solved and closed cases are rated; asking earlier would always answer "none".
  const rated = status === 'solved' || status === 'closed';
  const res = useApi<{ rating: Rating | null }>(rated ? `/cases/${caseId}/rating` : null);
  const r = res.data?.rating;
  if (!rated || !r) return null;
  return (
    <section className="card panel" aria-labelledby="rating-title" data-testid="case-rating">
      <h2 id="rating-title">Customer rating</h2>
      <p className="panel__name">
        <span aria-hidden="true">
          {'★'.repeat(r.rating)}
          {'☆'.repeat(5 - r.rating)}
        </span>{' '}
        <span data-testid="case-rating-value">{r.rating} of 5</span>
      </p>
      {r.comment && <p className="panel__line prewrap">“{r.comment}”</p>}
      <p className="panel__line muted">{formatDateTime(r.updatedAt)}</p>
    </section>
  );
}
