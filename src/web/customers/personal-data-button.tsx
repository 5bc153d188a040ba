// "Download personal data" (admins): the customer's subject-access export, a JSON file of
// everything Steward holds about them (GET /customers/:id/personal-data). Taking it is recorded
// in the customer's history.
import type { Customer } from '../../shared/schemas/customers.js';
import { API_BASE } from '../lib/api.js';
import { useDownload } from '../lib/download.js';

export function PersonalDataButton({ customer }: { customer: Pick<Customer, 'id'> }) {
  const { busy, error, download } = useDownload();
  return (
    <span className="export-button">
      <button
        type="button"
        className="button button--ghost"
        onClick={() =>
          void download(
            `${API_BASE}/customers/${customer.id}/personal-data`,
            `personal-data-${customer.id}.json`,
          )
        }
        disabled={busy}
        aria-busy={busy}
        data-testid="personal-data-download"
      >
        {busy ? 'Downloading…' : 'Download personal data'}
      </button>
      {error && (
        <span role="alert" className="field__error">
          {error}
        </span>
      )}
    </span>
  );
}
