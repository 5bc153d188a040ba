// On a customer's page (staff): the customers merged into this one (why mail from another address
// lands here), and others who may be the same person, each one click from being merged in.
import type { Customer, CustomerDuplicates, CustomerMerged } from '../../shared/schemas/customers.js';
import { api } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { DuplicatesSection } from '../layout/duplicates-section.js';
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
  if (!data) return null;
  return (
    <DuplicatesSection
      noun="customer"
      possible={data.possible}
      possibleTitle="May be the same person"
      possibleDetail={(d) =>
        [contact(d), d.organizationName, d.reasons.map((r) => REASONS[r]).join(', ')]
          .filter(Boolean)
          .join(' · ')
      }
      link={(d) => `/customers/${d.id}`}
      merged={data.merged}
      mergedHint="Mail from these addresses and events naming these IDs come here."
      mergedDetail={(d) => contact(d)}
      canMerge
      busy={busy}
      outcome={outcome}
      onMerge={(d) => void mergeIn(d)}
    />
  );
}
