// The columns of the audit log's CSV export: one row per change, in the words the Audit log page
// shows (the event as a phrase, the record's kind, the change as "Field: from → to" with the
// records it names by name), then the codes and ids a program filtering the file would want.
import { changeText, eventLabel, recordKindLabel } from '../../../shared/audit-text.js';
import type { CsvColumn } from '../../lib/csv.js';
import type { listAuditLog } from './domain-events.repo.js';

/** A change as the audit log's list reads it. */
export type AuditRow = Awaited<ReturnType<typeof listAuditLog>>['items'][number];

export const auditColumns: CsvColumn<AuditRow>[] = [
  { header: 'When', value: (e, time) => time(e.occurredAt), zoned: true },
  {
    header: 'Who',
    value: (e) => (e.actorKind === 'system' ? 'Steward' : (e.actorName ?? 'A deleted user')),
  },
  { header: 'Made by', value: (e) => (e.actorKind === 'system' ? 'Steward' : 'Person') },
  { header: 'What', value: (e) => eventLabel(e.type) },
  { header: 'Record', value: (e) => recordKindLabel(e.entityType) },
  { header: 'Record name', value: (e) => e.entityName },
  {
    header: 'Change',
    // Times in the change as in the When column: the file's zone.
    value: (e, time) => changeText(e.data, { time, names: e.names }),
  },
  // Stable keys for a program reading the file: the event code webhooks use, the ids.
  { header: 'Event code', value: (e) => e.type },
  { header: 'Record id', value: (e) => e.entityId },
  { header: 'User id', value: (e) => e.actorId },
  { header: 'Id', value: (e) => e.id },
];
