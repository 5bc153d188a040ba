import { useParams } from 'react-router-dom';
import { LIMITS } from '../../shared/schemas/common.js';
import type { Customer } from '../../shared/schemas/customers.js';
import type { Organization } from '../../shared/schemas/organizations.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import type { Page, SegmentList } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PageHeader } from '../layout/page-parts.js';
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
            organizations={organizations.data?.items}
            segments={segments.data?.items}
          />
        )
      }
    </RecordGate>
  );
}

function EditCustomer(props: {
  c: Customer;
  staff: boolean;
  /** The signed-in customer's own record. */
  own: boolean;
  organizations: Organization[] | undefined;
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
      <CustomerForm
        customer={c}
        fields={staff ? STAFF_FIELDS : SELF_FIELDS}
        organizations={props.organizations}
        segments={props.segments}
      />
    </>
  );
}
