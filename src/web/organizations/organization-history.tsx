// An organization's history in words: created (by hand or by an import), changed, merged; what
// each change holds as "Field: from → to" lines, ids by name.
import type { OrganizationMerged } from '../../shared/schemas/organizations.js';
import { RecordHistory, type DomainEvent, type HistoryWords } from '../layout/record-history.js';
import { organizationMovedSummary } from './merge-organization.js';

const LABELS: Record<string, string> = {
  domains: 'E-mail domains',
};

function describe(event: DomainEvent): HistoryWords | undefined {
  const { data, names } = event;
  // A record the change names, by its current name, else the name the change kept.
  const named = (id: unknown, kept: unknown) =>
    (typeof id === 'string' ? names[id.toLowerCase()] : undefined) ??
    (typeof kept === 'string' ? kept : undefined);
  switch (event.type) {
    case 'organization.created': {
      const { source, ...rest } = data;
      return {
        phrase:
          source === 'import' ? 'Created the organization (customer import)' : 'Created the organization',
        shown: rest,
      };
    }
    case 'organization.updated':
      return { phrase: 'Changed the organization' };
    case 'organization.deleted':
      return { phrase: 'Deleted the organization' };
    case 'organization.merged': {
      const merged = data as Partial<Pick<OrganizationMerged, 'moved' | 'left'>>;
      const summary =
        merged.moved && merged.left
          ? organizationMovedSummary({ moved: merged.moved, left: merged.left })
          : '';
      const which = named(data.mergedId, data.mergedName) ?? 'a duplicate organization';
      return {
        phrase: `Merged ${which} into this one. ${summary}`.trim(),
        shown: {},
      };
    }
    case 'organization.merged_into':
      return {
        phrase: `Merged this organization into ${named(data.intoId, data.intoName) ?? 'another'}`,
        shown: {},
      };
    default:
      return undefined;
  }
}

/** Every change to the organization record, newest first (staff only). */
export function OrganizationHistory({ organizationId }: { organizationId: string }) {
  return (
    <RecordHistory
      path={`/organizations/${organizationId}/history`}
      testId="organization-history"
      describe={describe}
      labels={LABELS}
    />
  );
}
