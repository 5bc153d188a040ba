// Merging a duplicate organization into the one that stays (admins): from its page ("Merge
// into…", pick the other), or from the survivor's Duplicates section (organizations with an alike
// name, one click each). Everything moves there; there is no undo.
import { useNavigate } from 'react-router-dom';
import type {
  Organization,
  OrganizationDuplicates,
  OrganizationMerged,
} from '../../shared/schemas/organizations.js';
import { api } from '../lib/api.js';
import { countOf } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { FlashState } from '../layout/flash.js';
import { MergeButton, MergeDialog, movedSentence, useMergeIn } from '../layout/merging.js';
import { DuplicatesSection } from '../layout/duplicates-section.js';
import { RecordSearch } from '../layout/record-search.js';

const MOVED_NOUNS = [
  ['customers', 'customer'],
  ['cases', 'case'],
  ['agreements', 'agreement'],
  ['signals', 'signal'],
  ['commitments', 'commitment'],
] as const;

/** "2 customers, 5 cases and 3 signals moved.", and what stayed behind. */
export function organizationMovedSummary(merged: Pick<OrganizationMerged, 'moved' | 'left'>) {
  const stayed = merged.left.agreements
    ? ` Its active agreement stayed with it: this organization has its own.`
    : '';
  return `${movedSentence(merged.moved, MOVED_NOUNS)}${stayed}`;
}

const domainsOf = (o: { domains: string[] }) => o.domains.join(', ');

async function mergeInto(from: { id: string }, intoId: string) {
  return api.post<OrganizationMerged>(`/organizations/${from.id}/merge`, { intoId });
}

export function MergeOrganizationButton({ organization: dup }: { organization: Organization }) {
  const navigate = useNavigate();
  return (
    <MergeButton
      testId="merge-organization"
      dialog={(onClose) => (
        <MergeDialog<Organization>
          from={dup}
          title={`Merge ${dup.name} into another organization`}
          testId="merge-organization-dialog"
          onClose={onClose}
          intro={
            <>
              For a duplicate: one business under two records (one made by hand, one by an import). Everything{' '}
              {dup.name} has moves to the organization you choose: its{' '}
              {countOf(dup.customerCount, 'customer')}, cases, agreements, signals and commitments. {dup.name}{' '}
              is then deleted; its e-mail domains join the other organization, and events and imports naming
              it lead there. There is no undo.
            </>
          }
          search={(id, onPick) => (
            <RecordSearch<Organization>
              id={id}
              path="/organizations"
              onPick={onPick}
              exclude={dup.id}
              minLength={2}
              placeholder="Name or domain"
              resultsLabel="Organizations found"
              detail={domainsOf}
            />
          )}
          detail={domainsOf}
          merge={async (into) => {
            const merged = await mergeInto(dup, into.id);
            const state: FlashState = {
              notice: `${dup.name} was merged into this organization. ${organizationMovedSummary(merged)}`,
            };
            navigate(`/organizations/${into.id}`, { state });
          }}
        />
      )}
    />
  );
}

/** On an organization's page (staff): the ones merged into it, and ones with an alike name. */
export function OrganizationDuplicatesSection(props: {
  organization: Organization;
  /** Admins merge; agents see the list. */
  canMerge: boolean;
  onMerged(): void;
}) {
  const o = props.organization;
  const found = useApi<OrganizationDuplicates>(`/organizations/${o.id}/duplicates`);
  const { busy, outcome, mergeIn } = useMergeIn({
    question: (d) =>
      `Merge ${d.name} into ${o.name}? Its customers, cases, agreements, signals and commitments move here. There is no undo.`,
    merge: async (d) =>
      `${d.name} was merged into this organization. ${organizationMovedSummary(await mergeInto(d, o.id))}`,
    onMerged: () => {
      found.reload();
      props.onMerged();
    },
  });
  const data = found.data;
  if (!data) return null;
  return (
    <DuplicatesSection
      noun="organization"
      possible={data.possible}
      possibleTitle="May be the same organization"
      possibleDetail={(d) => [domainsOf(d), countOf(d.customerCount, 'customer')].filter(Boolean).join(' · ')}
      link={(d) => `/organizations/${d.id}`}
      merged={data.merged}
      mergedHint="Events and customer imports naming these come here."
      mergedDetail={(d) => domainsOf(d)}
      canMerge={props.canMerge}
      busy={busy}
      outcome={outcome}
      onMerge={(d) => void mergeIn(d)}
    />
  );
}
