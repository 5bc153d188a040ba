// Who the case is for, and what else they have asked lately.
import { Link } from 'react-router-dom';
import type { CustomerDuplicates } from '../../shared/schemas/customers.js';
import type { Case, CaseSummary, Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { formatDate } from '../lib/format.js';
import { StatusBadge } from './case-badges.js';

const OTHER_CASES = 6;

/** The customer's cases, newest first (skipped until the customer is known). */
export function useCustomerCases(customerId: string | undefined) {
  return useApi<Page<CaseSummary>>(customerId ? '/cases' : null, {
    customerId,
    sort: '-createdAt',
    limit: OTHER_CASES + 1,
    includeTotal: true,
  });
}

export function CustomerPanel({ c, others }: { c: Case; others: ReturnType<typeof useCustomerCases> }) {
  // Another record of the same person, noticed where it matters: while handling their case.
  const duplicates = useApi<CustomerDuplicates>(`/customers/${c.customer.id}/duplicates`);
  const possible = duplicates.data?.possible.length ?? 0;
  const rest = others.data?.items.filter((o) => o.id !== c.id).slice(0, OTHER_CASES) ?? [];
  const more = (others.data?.total ?? 0) - 1 - rest.length;
  return (
    <section className="card panel" aria-labelledby="customer-title" data-testid="customer-panel">
      <h2 id="customer-title">Customer</h2>
      <p className="panel__name">
        <Link to={`/customers/${c.customer.id}`} data-testid="customer-link">
          {c.customer.name}
        </Link>
      </p>
      {c.customer.email && (
        <p className="panel__line">
          <a href={`mailto:${c.customer.email}`}>{c.customer.email}</a>
        </p>
      )}
      <p className="panel__line">
        {c.organization ? (
          <Link
            className="link-quiet"
            to={`/organizations/${c.organization.id}`}
            data-testid="organization-link"
          >
            {c.organization.name}
          </Link>
        ) : (
          <span className="muted">Individual customer</span>
        )}
      </p>
      {possible > 0 && (
        <p className="notice notice--warning panel__hint" data-testid="duplicate-hint">
          {possible === 1 ? 'Another customer has' : `${possible} other customers have`} the same name or
          phone number.{' '}
          <Link to={`/customers/${c.customer.id}#customer-duplicates-title`}>Review duplicates</Link>
        </p>
      )}
      <h3 className="panel__heading">Other cases</h3>
      {others.error && <p className="muted">{others.error.message}</p>}
      {others.data && rest.length === 0 && <p className="muted">None.</p>}
      {rest.length > 0 && (
        <ul className="mini-cases" data-testid="other-cases">
          {rest.map((o) => (
            <li key={o.id}>
              <Link to={`/cases/${o.id}`} className="mini-case">
                <span className="mini-case__subject">
                  <span className="muted">#{o.number}</span> {o.subject}
                </span>
                <span className="mini-case__meta">
                  <StatusBadge status={o.status} />
                  <span className="muted">{formatDate(o.createdAt)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more > 0 && <p className="muted panel__more">and {more} more</p>}
    </section>
  );
}
