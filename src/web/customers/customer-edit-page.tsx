import { useParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import type { Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, NotFound, PageHeader } from '../layout/page-parts.js';
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

  if (customer.error) {
    if (customer.error.status === 404 || customer.error.status === 400) {
      return <NotFound what="Customer" back={{ to: '/customers', label: 'Back to customers' }} />;
    }
    return <ErrorNotice error={customer.error} onRetry={customer.reload} />;
  }
  const pickerError = organizations.error ?? segments.error;
  if (pickerError)
    return (
      <ErrorNotice
        error={pickerError}
        onRetry={pickerError === organizations.error ? organizations.reload : segments.reload}
      />
    );
  if (!customer.data || (staff && (!organizations.data || !segments.data)))
    return <Loading label="Loading customer…" />;
  const c = customer.data;

  const header = (
    <PageHeader
      back={{ to: `/customers/${c.id}`, label: c.name }}
      title={staff ? 'Edit customer' : 'Edit your profile'}
      subtitle={staff ? c.name : 'Your contact details'}
    />
  );
  if (!staff && c.id !== me.customerId) {
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
      <CustomerForm
        customer={c}
        fields={staff ? STAFF_FIELDS : SELF_FIELDS}
        organizations={organizations.data?.items}
        segments={segments.data?.items}
      />
    </>
  );
}
