// An organization's history in words: created (by hand or by an import), changed, merged.
import type { OrganizationMerged } from '../../shared/schemas/organizations.js';
import { RecordHistory, type DomainEvent } from '../layout/record-history.js';
import { organizationMovedSummary } from './merge-organization.js';

const LABELS: Record<string, string> = {
  name: 'name',
  domains: 'e-mail domains',
  segment: 'segment',
  notes: 'notes',
  customFields: 'custom fields',
};

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'empty';
  if (Array.isArray(value)) return value.length ? `“${value.join(', ')}”` : 'none';
  if (typeof value === 'object') return JSON.stringify(value);
  return `“${String(value)}”`;
}

function describe(event: DomainEvent): string[] {
  const d = event.data;
  switch (event.type) {
    case 'organization.created':
      return [
        d.source === 'import' ? 'Created the organization (customer import)' : 'Created the organization',
      ];
    case 'organization.deleted':
      return ['Deleted the organization'];
    case 'organization.merged': {
      const merged = d as Partial<Pick<OrganizationMerged, 'moved' | 'left'>> & { mergedName?: string };
      const summary =
        merged.moved && merged.left
          ? organizationMovedSummary({ moved: merged.moved, left: merged.left })
          : '';
      return [`Merged ${merged.mergedName ?? 'a duplicate organization'} into this one. ${summary}`.trim()];
    }
    case 'organization.merged_into':
      return [`Merged this organization into ${typeof d.intoName === 'string' ? d.intoName : 'another'}`];
    case 'organization.updated': {
      const changes = (d.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
      const lines = Object.entries(changes).map(
        ([field, { from, to }]) => `Changed ${LABELS[field] ?? field} from ${show(from)} to ${show(to)}`,
      );
      return lines.length > 0 ? lines : ['Updated the organization'];
    }
    default:
      return [event.type];
  }
}

/** Every change to the organization record, newest first (staff only). */
export function OrganizationHistory({ organizationId }: { organizationId: string }) {
  return (
    <RecordHistory
      path={`/organizations/${organizationId}/history`}
      testId="organization-history"
      describe={describe}
    />
  );
}
