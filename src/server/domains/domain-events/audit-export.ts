// The columns of the audit log's CSV export: one row per change, as the Audit log page lists it.
import type { CsvColumn } from '../../lib/csv.js';
import type { listAuditLog } from './domain-events.repo.js';

/** A change as the audit log's list reads it. */
export type AuditRow = Awaited<ReturnType<typeof listAuditLog>>['items'][number];

export const auditColumns: CsvColumn<AuditRow>[] = [
  { header: 'When', value: (e, time) => time(e.occurredAt) },
  {
    header: 'Who',
    value: (e) => (e.actorKind === 'system' ? 'Steward' : (e.actorName ?? 'A deleted user')),
  },
  { header: 'Made by', value: (e) => (e.actorKind === 'system' ? 'system' : 'person') },
  { header: 'What', value: (e) => e.type },
  { header: 'Record', value: (e) => e.entityType },
  { header: 'Record name', value: (e) => e.entityName },
  { header: 'Record id', value: (e) => e.entityId },
  { header: 'Change', value: (e) => (Object.keys(e.data).length ? JSON.stringify(e.data) : '') },
  { header: 'User id', value: (e) => e.actorId },
  { header: 'Id', value: (e) => e.id },
];
