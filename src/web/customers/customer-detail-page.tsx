import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Customer } from '../../shared/schemas/customers.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { formatDateTime, orDash } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { useSegments } from '../lib/use-segments.js';
import { CustomFieldFacts } from '../layout/custom-field-facts.js';
import { ErrorNotice, Fact, Loading, NotFound, PageHeader } from '../layout/page-parts.js';
import { Flash } from '../layout/flash.js';
import { MergedAway } from '../layout/merging.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { CaseListSection } from '../cases/case-list-section.js';
import { NewCaseButton } from '../cases/new-case-dialog.js';
import { CustomerEvents, ProactiveSections } from '../signals/customer-proactive.js';
import { CustomerHistory } from './customer-history.js';
import { PersonalDataSection } from './erase-customer-dialog.js';
import { MergeCustomerButton } from './merge-customer-dialog.js';
import { PersonalDataButton } from './personal-data-button.js';
import { CustomerDuplicatesSection } from './customer-duplicates.js';
import { YourSessions } from '../auth/session-list.js';
import { AppliedAgreementFact } from '../admin/agreement-labels.js';

/** Set by the edit form when it navigates back here after saving. */
export interface CustomerDetailState {
  notice?: string;
}

export function CustomerDetailPage() {
  const { id = '' } = useParams();
  // Another customer (a merge leads there) is a new page: its notice and state start afresh.
  return <CustomerDetail key={id} id={id} />;
}

function CustomerDetail({ id }: { id: string }) {
  const me = useMe();
  const staff = isStaff(me);
  const customer = useApi<Customer>(`/customers/${id}`);
  const [merges, setMerges] = useState(0);
  const { segmentName } = useSegments(staff);
  useDocumentTitle(customer.data?.name ?? 'Customer');

  // A customer comes here from their organization's page (a colleague) or their own link.
  const back = staff
    ? { to: '/customers', label: 'Customers' }
    : me.organizationAccess && me.organizationId
      ? { to: `/organizations/${me.organizationId}`, label: 'My organization' }
      : undefined;
  if (customer.error?.code === 'customer_merged' && customer.error.details[0]) {
    return (
      <MergedAway
        noun="customer"
        list={{ to: '/customers', label: 'Customers' }}
        message={customer.error.message}
        to={`/customers/${customer.error.details[0].message}`}
      />
    );
  }
  if (customer.error) {
    // A malformed id is answered with 400; to the user it is simply not there.
    if (customer.error.status === 404 || customer.error.status === 400) {
      return <NotFound what="Customer" back={{ to: '/customers', label: 'Back to customers' }} />;
    }
    return <ErrorNotice error={customer.error} onRetry={customer.reload} />;
  }
  if (!customer.data) return <Loading label="Loading customer…" />;
  const c = customer.data;
  const canEdit = staff || c.id === me.customerId;

  return (
    <>
      <PageHeader
        back={back}
        title={<span data-testid="customer-heading">{c.name}</span>}
        subtitle={c.organizationName ?? 'Individual customer'}
        actions={
          canEdit && (
            <>
              {me.role === 'admin' && <PersonalDataButton customer={c} />}
              {staff && <MergeCustomerButton customer={c} />}
              {staff && <NewCaseButton customer={c} className="button" />}
              <Link className="button button--primary" to={`/customers/${c.id}/edit`}>
                Edit
              </Link>
            </>
          )
        }
      />
      <Flash />
      {c.blockedAs && (
        <p className="notice notice--warning" role="status" data-testid="customer-blocked">
          Mail from {c.email} is ignored: {c.blockedAs} is a blocked sender
          {me.role === 'admin' ? (
            <>
              {' '}
              (<Link to="/admin/blocked-senders">Blocked senders</Link>).
            </>
          ) : (
            '.'
          )}
        </p>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="contact-title">
          <h2 id="contact-title">Contact</h2>
          <dl className="facts">
            <Fact testId="customer-email" label="E-mail">
              {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}
            </Fact>
            <Fact testId="customer-phone" label="Phone">
              {c.phone ? <a href={`tel:${c.phone.replace(/[^+0-9]/g, '')}`}>{c.phone}</a> : '—'}
            </Fact>
            <Fact testId="customer-language" label="Language">
              {orDash(c.language)}
            </Fact>
            <Fact testId="customer-timeZone" label="Time zone">
              {orDash(c.timeZone)}
            </Fact>
          </dl>
          {/* A customer's own name, language and time zone have one place: My account in the portal. */}
          {!staff && c.id === me.customerId && (
            <p className="muted" data-testid="customer-account-link">
              Change your name, language or time zone on <Link to="/portal/account">My account</Link>.
            </p>
          )}
        </section>
        <section className="card" aria-labelledby="account-title">
          <h2 id="account-title">Account</h2>
          <dl className="facts">
            <Fact testId="customer-organization" label="Organization">
              {c.organizationId && (staff || me.organizationAccess) ? (
                <Link to={`/organizations/${c.organizationId}`}>{c.organizationName}</Link>
              ) : (
                (c.organizationName ?? 'None (individual)')
              )}
            </Fact>
            {/* How we group customers is ours: a customer reading their record does not see it. */}
            {staff && (
              <Fact testId="customer-segment" label="Segment">
                {c.effectiveSegment ? (
                  <>
                    <span className="tag">{segmentName(c.effectiveSegment)}</span>
                    {!c.segment && <span className="muted"> · from organization</span>}
                  </>
                ) : (
                  '—'
                )}
              </Fact>
            )}
            {/* What was promised to them: staff only (the server sends it to staff alone). */}
            {c.agreement !== undefined && (
              <AppliedAgreementFact agreement={c.agreement} on="customer" segmentName={segmentName} />
            )}
            {c.organizationId && (
              <Fact testId="customer-organizationAccess" label="Organization access">
                {c.organizationAccess ? 'May see the organization and its customers' : 'Own record only'}
              </Fact>
            )}
            {/* What they let us mail on our own (My account in the portal): for staff taking a call. */}
            {staff && (
              <Fact testId="customer-mail-preferences" label="Mail on our own">
                {mailPreferencesText(c)}
              </Fact>
            )}
            {/* The id in our own systems: staff only. */}
            {staff && (
              <Fact testId="customer-externalId" label="External ID">
                {c.externalId ? <code>{c.externalId}</code> : '—'}
              </Fact>
            )}
            <Fact testId="customer-createdAt" label="Created">
              {formatDateTime(c.createdAt)}
            </Fact>
            <Fact testId="customer-updatedAt" label="Last changed">
              {formatDateTime(c.updatedAt)}
            </Fact>
          </dl>
        </section>
        {Object.keys(c.customFields).length > 0 && (
          <section className="card" aria-labelledby="custom-title">
            <h2 id="custom-title">Custom fields</h2>
            <CustomFieldFacts
              entity="customer"
              values={c.customFields}

              testIdPrefix="customer-cf-"
            />
          </section>
        )}
      </div>
      {/* A customer on their own record: where they are signed in (a shared computer). */}
      {c.id === me.customerId && (
        <div className="section">
          <YourSessions />
        </div>
      )}
      {staff && (
        <CustomerDuplicatesSection
          customer={c}
          onMerged={() => {
            customer.reload();
            setMerges((n) => n + 1);
          }}
        />
      )}
      {staff && (
        // Read again after a merge brought more in.
        <div key={merges}>
          <section className="section" aria-labelledby="cases-title">
            <h2 id="cases-title">Cases</h2>
            <CaseListSection filter={{ customerId: c.id }} />
          </section>
          <ProactiveSections about="customer" id={c.id} />
          <section className="section" aria-labelledby="events-title">
            <div className="section__header">
              <h2 id="events-title">Recent events</h2>
              <TimesInZone testId="customer-events-zone" />
            </div>
            <CustomerEvents customerId={c.id} />
          </section>
          <section className="section" aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            <CustomerHistory customerId={c.id} />
          </section>
          {me.role === 'admin' && <PersonalDataSection customer={c} />}
        </div>
      )}
    </>
  );
}

/** The customer's mail preferences in a few words: what of our own mail they get. */
function mailPreferencesText(c: Pick<Customer, 'mailAcknowledgements' | 'mailProactiveNotices'>): string {
  if (c.mailAcknowledgements && c.mailProactiveNotices) return 'Request confirmations and proactive notices';
  if (c.mailAcknowledgements) return 'Request confirmations only (proactive notices turned off)';
  if (c.mailProactiveNotices) return 'Proactive notices only (request confirmations turned off)';
  return 'None: request confirmations and proactive notices turned off';
}
