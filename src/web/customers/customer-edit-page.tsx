import { Link, useParams, useSearchParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import type { Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, PageHeader } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { CustomerForm, SELF_FIELDS, STAFF_FIELDS } from './customer-form.js';

export function CustomerEditPage() {
  const { id = '' } = useParams();
  const me = useMe();
  const staff = isStaff(me);
  const customer = useApi<Customer>(`/customers/${id}`);
  // The organization picker lists up to the API's page maximum, by name.
  const organizations = useApi<Page<Organization>>(staff ? '/organizations' : null, {
    limit: LIMITS.pageMax,
    sort: 'name',
  });
  const segments = useApi<SegmentList>(staff ? '/segments' : null);
  useDocumentTitle(customer.data ? `Edit ${customer.data.name}` : 'Edit customer');

  return (
    <RecordGate
      record={customer}
      what="Customer"
      back={{ to: '/customers', label: 'Back to customers' }}
      needs={[organizations, segments]}
      loadingLabel="Loading customer…"
    >
      {(c) =>
        c && (
          <EditCustomer
            c={c}
            staff={staff}
            own={c.id === me.customerId}
            admin={me.role === 'admin'}
            organizations={organizations.data}
            segments={segments.data?.items}
          />
        )
      }
    </RecordGate>
  );
}

/** A new customer (staff), on their own or in the organization named by `?organizationId=`. */
export function CustomerNewPage() {
  const [params] = useSearchParams();
  useDocumentTitle('New customer');
  const organizations = useApi<Page<Organization>>('/organizations', { limit: LIMITS.pageMax, sort: 'name' });
  const segments = useApi<SegmentList>('/segments');
  const organizationId = params.get('organizationId') ?? undefined;
  const organization = organizations.data?.items.find((o) => o.id === organizationId);
  return (
    <>
      <PageHeader
        back={
          organization
            ? { to: `/organizations/${organization.id}`, label: organization.name }
            : { to: '/customers', label: 'Customers' }
        }
        title="New customer"
        subtitle={organization?.name}
      />
      {organizations.error || segments.error ? (
        <ErrorNotice
          error={(organizations.error ?? segments.error)!}
          onRetry={() => {
            organizations.reload();
            segments.reload();
          }}
        />
      ) : !organizations.data || !segments.data ? (
        <Loading label="Loading…" />
      ) : (
        <CustomerForm
          fields={STAFF_FIELDS}
          organizations={organizations.data}
          segments={segments.data.items}
          organizationId={organization?.id}
          customFields
        />
      )}
    </>
  );
}

function EditCustomer(props: {
  c: Customer;
  staff: boolean;
  /** The signed-in customer's own record. */
  own: boolean;
  admin: boolean;
  organizations: Page<Organization> | undefined;
  segments: SegmentList['items'] | undefined;
}) {
  const { c, staff } = props;
  const header = (
    <PageHeader
      back={{ to: `/customers/${c.id}`, label: c.name }}
      title={staff ? 'Edit customer' : 'Edit your profile'}
      subtitle={staff ? c.name : 'Your contact details'}
    />
  );
  if (!staff && !props.own) {
    return (
      <>
        {header}
        <p className="notice notice--info" role="status">
          You can change only your own details.
        </p>
      </>
    );
  }
  return (
    <>
      {header}
      {!staff && (
        <p className="muted" data-testid="name-on-account">
          Your name, language and time zone are changed on <Link to="/portal/account">My account</Link>.
        </p>
      )}
      <CustomerForm
        customer={c}
        fields={staff ? STAFF_FIELDS : SELF_FIELDS}
        canDelete={props.admin}
        customFields={staff}
        organizations={props.organizations}
        segments={props.segments}
      />
    </>
  );
}
