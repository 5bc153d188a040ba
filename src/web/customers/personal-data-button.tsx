// "Download personal data" (admins): the customer's subject-access export, a JSON file of
// everything Steward holds about them (GET /customers/:id/personal-data). Taking it is recorded
// in the customer's history.
import type { Customer } from '../../shared/schemas/customers.js';
import { API_BASE } from '../lib/api.js';
import { DownloadButton } from '../layout/export-button.js';

export function PersonalDataButton({ customer }: { customer: Pick<Customer, 'id'> }) {
  return (
    <DownloadButton
      file={() => ({
        url: `${API_BASE}/customers/${customer.id}/personal-data`,
        filename: `personal-data-${customer.id}.json`,
      })}
      label="Download personal data"
      busyLabel="Downloading…"
      testId="personal-data-download"
    />
  );
}
