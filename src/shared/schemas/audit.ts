import { z } from 'zod';
import { Cursor, ExportTimeZone, Id, IsoDateTime, Limit } from './common.js';

/** What the audit log can be narrowed to: the kinds of records Steward writes changes for. */
export const AUDITED_ENTITIES = [
  'agreement',
  'api_token',
  'blocked_sender',
  'calendar',
  'case',
  'category',
  'case_field',
  'commitment',
  'conversation',
  'customer',
  'customer_field',
  'event_source',
  'export',
  'kb_article',
  'kb_category',
  'mail',
  'mailbox',
  'organization',
  'organization_field',
  'reply_template',
  'segment',
  'settings',
  'signal',
  'signal_rule',
  'team',
  'user',
  'view',
  'webhook',
] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];

/**
 * The first word of every domain event's type (`case` in `case.created`, `rule` in
 * `rule.updated`): what a webhook's pattern `case.*` names. Mostly the entity written; a few
 * types say more than their record (`agent.updated` and `auth.magic_link_requested` are about a
 * user, `events.removed` about an event source, `rule.*` about a signal rule). Recording a
 * domain event of another topic does not compile (`DomainEventType`), so this list is complete.
 */
export const DOMAIN_EVENT_TOPICS = [
  ...AUDITED_ENTITIES.filter((e) => e !== 'signal_rule'),
  'agent',
  'auth',
  'events',
  'rule',
] as const satisfies readonly string[];
export type DomainEventTopic = Exclude<AuditedEntity, 'signal_rule'> | 'agent' | 'auth' | 'events' | 'rule';
/** A domain event's type: a topic and what happened (`case.promise_breached`). */
export type DomainEventType = `${DomainEventTopic}.${string}`;

export const AuditQuery = z.strictObject({
  by: z
    .enum(['people', 'system'])
    .optional()
    .describe(
      'people: changes made by a signed-in user or token; system: by Steward itself (jobs, rules, ingest)',
    ),
  actorId: Id.optional().describe('changes made by this user'),
  entityType: z.enum(AUDITED_ENTITIES).optional(),
  entityId: Id.optional().describe('one record’s changes (with entityType)'),
  from: IsoDateTime.optional().describe('changes at or after this time'),
  to: IsoDateTime.optional().describe('changes before this time'),
  limit: Limit,
  cursor: Cursor.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** The audit log as a file: its filters and period, every matching change, times in a zone. */
export const AuditExportQuery = AuditQuery.omit({ limit: true, cursor: true }).extend({
  timezone: ExportTimeZone,
});

/** One change, newest first in the log. */
export const AuditEntry = z.object({
  id: Id,
  type: z.string().describe('what happened, e.g. agreement.updated'),
  entityType: z.string(),
  entityId: Id,
  actorId: Id.nullable(),
  actorName: z.string().nullable().describe('the user’s name; null for Steward itself'),
  actorKind: z.enum(['user', 'system']),
  entityName: z
    .string()
    .nullable()
    .describe('what the record is called now: a case as "#42 Subject", else its name; null when it has none'),
  data: z
    .record(z.string(), z.unknown())
    .describe('the change: {"changes": {field: {from, to}}} for updates'),
  occurredAt: IsoDateTime,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One change in a record's history (`GET /customers/:id/history`, `/organizations/:id/history`). */
export const HistoryEntry = z.object({
  id: z.string(),
  type: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorKind: z.string(),
  data: z.record(z.string(), z.unknown()),
  occurredAt: IsoDateTime,
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The number of changes a history page holds at most. */
export const HISTORY_PAGE = 200;

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE).default(HISTORY_PAGE),
  cursor: Cursor.optional().describe('`olderCursor` of the previous page: the changes before it'),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** A page of a record's history: the latest changes (or those before `cursor`), oldest first. */
export const HistoryPage = z.object({
  items: z.array(HistoryEntry),
  olderCursor: Cursor.nullable().describe('there are older changes: pass it as `cursor` to read them'),
});
export type HistoryPage = z.infer<typeof HistoryPage>;
