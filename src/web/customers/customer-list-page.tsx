import { Link } from 'react-router-dom';
import { CUSTOMER_SORTS, type Customer } from '../../shared/schemas/customers.js';
import { ListPager } from '../layout/page-parts.js';
import { DirectoryListHead, useDirectoryList } from '../layout/directory-list.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { CustomerTable } from './customer-table.js';

export function CustomerListPage() {
  useDocumentTitle('Customers');
  const state = useDirectoryList<Customer, (typeof CUSTOMER_SORTS)[number]>(
    '/customers',
    CUSTOMER_SORTS,
    'name',
  );
  const { me, staff, pager, sort, list, segmentName, onSort, items, total } = state;
  return (
    <>
      <DirectoryListHead
        state={state}
        noun="customer"
        title="Customers"
        searchPlaceholder="Search by name or e-mail"
        emptyText="There are no customers yet."
        actions={
          staff && (
            <>
              <Link className="button" to="/customers/duplicates" data-testid="duplicates-link">
                Possible duplicates
              </Link>
              {me.role === 'admin' && (
                <Link className="button" to="/customers/import">
                  Import CSV
                </Link>
              )}
              <Link className="button button--primary" to="/customers/new">
                New customer
              </Link>
            </>
          )
        }
        exportAs={
          me.role === 'admin'
            ? { path: '/customers/export.csv', name: 'customers', noTimeZone: true }
            : undefined
        }
      />
      {items.length > 0 && (
        <>
          <CustomerTable
            items={items}
            busy={list.loading}
            linkOrganization={staff || me.organizationAccess}
            sort={{ value: sort, onSort }}
            segmentName={segmentName}
          />
          <ListPager pager={pager} list={list} total={total} />
        </>
      )}
    </>
  );
}
