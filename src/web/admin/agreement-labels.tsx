// How an agreement reads in lists: its scope and its targets; and the one that applies, on a
// customer's or an organization's page.
import { Link } from 'react-router-dom';
import { useMe } from '../auth/auth-context.js';
import type { Agreement, AgreementTarget, AppliedAgreement } from '../../shared/schemas/agreements.js';
import { PROMISE_KINDS } from '../../shared/schemas/cases.js';
import type { Customer } from '../../shared/schemas/customers.js';
import { formatMinutes } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { priorityLabel, promiseKindLabel } from '../cases/case-labels.js';
import { Fact } from '../layout/page-parts.js';

export interface ScopeNames {
  organization(id: string): string | undefined;
  segment(key: string): string | undefined;
}

/** A customer's name; agreements name customers rarely, so each is looked up on its own. */
function CustomerName({ id }: { id: string }) {
  const customer = useApi<Customer>(`/customers/${id}`);
  return <>{customer.data?.name ?? (customer.error ? 'a deleted customer' : '…')}</>;
}

export function ScopeText({ a, names }: { a: Agreement; names: ScopeNames }) {
  if (a.scopeLevel === 'customer' && a.scope.customerId)
    return (
      <>
        Customer: <CustomerName id={a.scope.customerId} />
      </>
    );
  return <>{scopeText(a, names)}</>;
}

export function scopeText(a: Agreement, names: ScopeNames): string {
  switch (a.scopeLevel) {
    case 'customer':
      return 'Customer';
    case 'organization':
      return `Organization: ${names.organization(a.scope.organizationId ?? '') ?? '…'}`;
    case 'segment':
      return `Segment: ${names.segment(a.scope.segment ?? '') ?? a.scope.segment ?? ''}`;
    default:
      return 'Default (everyone else)';
  }
}

export const targetText = (t: AgreementTarget) =>
  `${promiseKindLabel(t.kind)}${t.priority ? ` (${priorityLabel(t.priority).toLowerCase()})` : ''}: ${formatMinutes(t.minutes)}`;

export function sortedTargets(targets: AgreementTarget[]): AgreementTarget[] {
  const order = ['urgent', 'high', 'normal', 'low'];
  return [...targets].sort(
    (a, b) =>
      PROMISE_KINDS.indexOf(a.kind) - PROMISE_KINDS.indexOf(b.kind) ||
      (a.priority ? order.indexOf(a.priority) : 99) - (b.priority ? order.indexOf(b.priority) : 99),
  );
}

export function TargetList({ targets }: { targets: AgreementTarget[] }) {
  return (
    <ul className="target-list">
      {sortedTargets(targets).map((t) => (
        <li key={`${t.kind}/${t.priority ?? '*'}`} className="target-chip">
          {targetText(t)}
        </li>
      ))}
    </ul>
  );
}

/** Where the agreement that applies to a customer or an organization comes from, in words. */
export function appliedFrom(
  a: AppliedAgreement,
  on: 'customer' | 'organization',
  segmentName: (key: string) => string,
): string {
  switch (a.scopeLevel) {
    case 'customer':
      return 'for this customer';
    case 'organization':
      return on === 'customer' ? 'from its organization' : 'for this organization';
    case 'segment':
      return `from its segment ${segmentName(a.segment ?? '')}`;
    default:
      return 'the default';
  }
}

/**
 * The agreement that applies (the one new cases get), on a customer's or an organization's page:
 * its name, linked for admins (the agreement pages are theirs), and where it comes from.
 */
export function AppliedAgreementFact(props: {
  agreement: AppliedAgreement | null;
  on: 'customer' | 'organization';
  segmentName: (key: string) => string;
}) {
  const admin = useMe().role === 'admin';
  const a = props.agreement;
  return (
    <Fact label="Agreement" testId={`${props.on}-agreement`}>
      {a ? (
        <>
          {admin ? <Link to={`/admin/agreements/${a.id}`}>{a.name}</Link> : <strong>{a.name}</strong>}{' '}
          <span className="muted">({appliedFrom(a, props.on, props.segmentName)})</span>
        </>
      ) : (
        <span className="muted">No agreement applies</span>
      )}
    </Fact>
  );
}
