// On a customer's page (staff): the customers merged into this one (why mail from another address
// lands here), and others who may be the same person, each one click from being merged in.
import { Link } from 'react-router-dom';
import type { Customer, CustomerDuplicates, CustomerMerged } from '../../shared/schemas/customers.js';
import { api } from '../lib/api.js';
import { formatDate } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { OutcomeNotice } from '../layout/page-parts.js';
import { useMergeIn } from '../layout/merging.js';
import { movedSummary } from './merge-customer-dialog.js';

const REASONS = { name: 'same name', phone: 'same phone number' } as const;

const contact = (d: { email: string | null; phone: string | null; externalId: string | null }) =>
  [d.email, d.phone, d.externalId && `ID ${d.externalId}`].filter(Boolean).join(' · ');

export function CustomerDuplicatesSection(props: { customer: Customer; onMerged(): void }) {
  const c = props.customer;
  const found = useApi<CustomerDuplicates>(`/customers/${c.id}/duplicates`);
  const { busy, outcome, mergeIn } = useMergeIn({
    question: (d) =>
      `Merge ${d.name} into ${c.name}? Their cases, login, signals and events move here. There is no undo.`,
    merge: async (d) => {
      const merged = await api.post<CustomerMerged>(`/customers/${d.id}/merge`, { intoId: c.id });
      return `${d.name} was merged into this customer. ${movedSummary(merged.moved)}`;
    },
    onMerged: () => {
      found.reload();
      props.onMerged();
    },
  });
  const data = found.data;
  if (!data || (data.merged.length === 0 && data.possible.length === 0 && !outcome)) return null;

  return (
    <section className="section" aria-labelledby="duplicates-title" data-testid="customer-duplicates">
      <h2 id="duplicates-title">Duplicates</h2>
      <OutcomeNotice outcome={outcome} />
      <div className="card">
        {data.possible.length > 0 && (
          <>
            <h3 className="duplicates__title">May be the same person</h3>
            <ul className="duplicates__list" data-testid="possible-duplicates">
              {data.possible.map((d) => (
                <li key={d.id} className="duplicates__row" data-testid="possible-duplicate">
                  <span>
                    <Link to={`/customers/${d.id}`}>{d.name}</Link>{' '}
                    <span className="muted">
                      {[contact(d), d.organizationName].filter(Boolean).join(' · ')} ·{' '}
                      {d.reasons.map((r) => REASONS[r]).join(', ')}
                    </span>
                  </span>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={busy !== null}
                    onClick={() => void mergeIn(d)}
                  >
                    {busy === d.id ? 'Merging…' : 'Merge into this customer'}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        {data.merged.length > 0 && (
          <>
            <h3 className="duplicates__title">Merged into this customer</h3>
            <p className="muted">Mail from these addresses and events naming these IDs come here.</p>
            <ul className="duplicates__list" data-testid="merged-customers">
              {data.merged.map((d) => (
                <li key={d.id} className="duplicates__row">
                  <span>
                    {d.name} <span className="muted">{contact(d)}</span>
                  </span>
                  <span className="muted">merged {formatDate(d.mergedAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
