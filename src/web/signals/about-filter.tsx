// The pages of history behind the board (Signals, Commitments): their header, with the way back
// to the proactive board (what is at risk now) and the list as a CSV file, and "About: Maria Jensen ×", the list narrowed to one customer or one
// organization by its address (`?customerId=` or `?organizationId=`, as their pages link to it).
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import type { Query } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { ExportButton } from '../layout/export-button.js';
import { PageHeader } from '../layout/page-parts.js';

export function HistoryPageHeader(props: {
  title: string;
  subtitle: ReactNode;
  /** The list as a CSV file, with the filters shown (a page of several tables exports each at its own title). */
  exportAs?: { path: string; query: Query; name: string };
}) {
  return (
    <PageHeader
      title={props.title}
      subtitle={props.subtitle}
      actions={
        <>
          {props.exportAs && <ExportButton {...props.exportAs} />}
          <Link className="button" to="/board">
            Proactive board
          </Link>
        </>
      }
    />
  );
}

export const ABOUT_PARAMS = ['customerId', 'organizationId'] as const;

/** The about-filter in the address, if any: the first of customer and organization. */
export function aboutIn(params: URLSearchParams) {
  for (const key of ABOUT_PARAMS) {
    const id = params.get(key);
    if (id) return { key, id };
  }
  return null;
}

export function AboutFilter(props: {
  about: { key: (typeof ABOUT_PARAMS)[number]; id: string } | null;
  onClear(): void;
}) {
  const { about } = props;
  const customer = useApi<Customer>(about?.key === 'customerId' ? `/customers/${about.id}` : null);
  const organization = useApi<Organization>(
    about?.key === 'organizationId' ? `/organizations/${about.id}` : null,
  );
  if (!about) return null;
  const label = about.key === 'customerId' ? 'Customer' : 'Organization';
  const name = (about.key === 'customerId' ? customer.data?.name : organization.data?.name) ?? '…';
  return (
    <div className="toolbar__filter about-filter" data-testid="about-filter">
      <span className="tag">
        {label}: {name}
      </span>
      <button
        type="button"
        className="button button--ghost button--small"
        aria-label={`Show all, not only ${name}`}
        onClick={props.onClear}
      >
        ×
      </button>
    </div>
  );
}

/** A filter that came with a link (a KPI page's period, "resolved by itself"), shown so it can be dropped. */
export function LinkedFilter(props: { label: string; testId: string; onClear(): void }) {
  return (
    <div className="toolbar__filter about-filter" data-testid={props.testId}>
      <span className="tag">{props.label}</span>
      <button
        type="button"
        className="button button--ghost button--small"
        aria-label={`Drop the filter: ${props.label}`}
        onClick={props.onClear}
      >
        ×
      </button>
    </div>
  );
}
