import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { countOf, formatDateTime } from '../lib/format.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useSegments } from '../lib/use-segments.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { CaseListSection } from '../cases/case-list-section.js';
import { ProactiveSections } from '../signals/customer-proactive.js';
import { CustomerTable } from '../customers/customer-table.js';
import { CustomFieldFacts } from '../layout/custom-field-facts.js';
import { ErrorNotice, Fact, ListPager, Loading, NotFound, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { Flash } from '../layout/flash.js';
import { MergedAway } from '../layout/merging.js';
import { MergeOrganizationButton, OrganizationDuplicatesSection } from './merge-organization.js';
import { OrganizationHistory } from './organization-history.js';
import { AppliedAgreementFact } from '../admin/agreement-labels.js';

export function OrganizationDetailPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const staff = isStaff(me);
  const organization = useApi<Organization>(`/organizations/${id}`);
  const { segmentName } = useSegments(staff);
  const pager = useCursorPager();
  // Read again after a merge brought more in.
  const [merges, setMerges] = useState(0);
  // Customers are asked for only once the organization is known to be visible.
  const customers = useApi<Page<Customer>>(
    organization.data ? '/customers' : null,
    { organizationId: id, sort: 'name', limit: PAGE_SIZE, cursor: pager.cursor, includeTotal: true },
    { keepPrevious: true },
  );
  useDocumentTitle(organization.data?.name ?? 'Organization');

  if (organization.error?.code === 'organization_merged' && organization.error.details[0]) {
    return (
      <MergedAway
        noun="organization"
        list={{ to: '/organizations', label: 'Organizations' }}
        message={organization.error.message}
        to={`/organizations/${organization.error.details[0].message}`}
      />
    );
  }
  if (organization.error) {
    if (organization.error.status === 404 || organization.error.status === 400) {
      return (
        <NotFound
          what="Organization"
          back={
            staff
              ? { to: '/organizations', label: 'Back to organizations' }
              : { to: '/customers', label: 'Back to customers' }
          }
        />
      );
    }
    return <ErrorNotice error={organization.error} onRetry={organization.reload} />;
  }
  if (!organization.data) return <Loading label="Loading organization…" />;
  const o = organization.data;
  const customFields = Object.entries(o.customFields);

  return (
    <>
      <PageHeader
        back={staff ? { to: '/organizations', label: 'Organizations' } : undefined}
        title={<span data-testid="organization-heading">{o.name}</span>}
        subtitle={o.domains.join(', ') || undefined}
        actions={
          staff && (
            <>
              {me.role === 'admin' && <MergeOrganizationButton organization={o} />}
              <Link className="button" to={`/customers/new?organizationId=${o.id}`}>
                Add customer
              </Link>
              <Link className="button button--primary" to={`/organizations/${o.id}/edit`}>
                Edit
              </Link>
            </>
          )
        }
      />
      <Flash />
      <div className="detail-grid">
        <section className="card" aria-labelledby="org-overview-title">
          <h2 id="org-overview-title">Overview</h2>
          <dl className="facts">
            {staff && (
              <Fact label="Segment" testId="organization-segment">
                {o.segment ? <span className="tag">{segmentName(o.segment)}</span> : '—'}
              </Fact>
            )}
            {/* What was promised to it: staff only (the server sends it to staff alone). */}
            {o.agreement !== undefined && (
              <AppliedAgreementFact agreement={o.agreement} on="organization" segmentName={segmentName} />
            )}
            <Fact label="Customers" testId="organization-customer-count">
              {countOf(o.customerCount, 'customer')}
            </Fact>
            <Fact label="Domains">{o.domains.length > 0 ? o.domains.join(', ') : '—'}</Fact>
            <Fact label="Created">{formatDateTime(o.createdAt)}</Fact>
          </dl>
        </section>
        {customFields.length > 0 && (
          <section className="card" aria-labelledby="org-custom-title">
            <h2 id="org-custom-title">Custom fields</h2>
            <CustomFieldFacts entity="organization" values={o.customFields} />
          </section>
        )}
        {o.notes && (
          <section className="card" aria-labelledby="org-notes-title">
            <h2 id="org-notes-title">Notes</h2>
            <p className="prewrap">{o.notes}</p>
          </section>
        )}
      </div>

      {staff && (
        <OrganizationDuplicatesSection
          organization={o}
          canMerge={me.role === 'admin'}
          onMerged={() => {
            organization.reload();
            setMerges((n) => n + 1);
            customers.reload();
          }}
        />
      )}
      {staff && (
        <section className="section" aria-labelledby="org-cases-title">
          <h2 id="org-cases-title">Cases</h2>
          <CaseListSection key={merges} filter={{ organizationId: o.id }} showCustomer />
        </section>
      )}
      {staff && <ProactiveSections key={merges} about="organization" id={o.id} />}

      <section className="section" aria-labelledby="org-customers-title">
        <div className="section__header">
          <h2 id="org-customers-title">Customers</h2>
          {customers.data?.total !== undefined && (
            <span className="muted" data-testid="organization-customer-total">
              {countOf(customers.data.total, 'customer')}
            </span>
          )}
        </div>
        {customers.error && <ErrorNotice error={customers.error} onRetry={customers.reload} />}
        {!customers.data && !customers.error && <Loading label="Loading customers…" />}
        {customers.data && customers.data.items.length === 0 && (
          <p className="muted">This organization has no customers yet.</p>
        )}
        {customers.data && customers.data.items.length > 0 && (
          <>
            <CustomerTable
              items={customers.data.items}
              busy={customers.loading}
              showOrganization={false}
              segmentName={segmentName}
            />
            <ListPager pager={pager} list={customers} total={customers.data.total} />
          </>
        )}
      </section>
      {staff && (
        <section className="section" aria-labelledby="org-history-title">
          <h2 id="org-history-title">History</h2>
          <OrganizationHistory key={merges} organizationId={o.id} />
        </section>
      )}
    </>
  );
}
