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
/**
 * Every domain event type Steward records: a topic and what happened (`case.promise_breached`).
 * `recordDomainEvent` takes only these (`DomainEventType`), and the few statements that write
 * domain events in SQL name theirs through `domainEventType()`, so a type recorded is a type
 * listed: webhooks check exact types against it (`EventPattern`), and docs/webhooks.md lists
 * the case's from it (webhooks.test.ts compares the two).
 */
export const DOMAIN_EVENT_TYPES = [
  'agent.updated',
  'agreement.created',
  'agreement.deleted',
  'agreement.updated',
  'api_token.created',
  'api_token.revoked',
  'auth.magic_link_refused',
  'auth.magic_link_requested',
  'auth.magic_link_used',
  'blocked_sender.created',
  'blocked_sender.deleted',
  'calendar.created',
  'calendar.deleted',
  'calendar.updated',
  'case.attachment_uploaded',
  'case.attachments_added',
  'case.contact_joined',
  'case.conversation_logged',
  'case.created',
  'case.customer_message',
  'case.deleted',
  'case.imported',
  'case.linked',
  'case.merged',
  'case.merged_in',
  'case.note_added',
  'case.promise_breached',
  'case.promise_cancelled',
  'case.promise_met',
  'case.promise_paused',
  'case.promise_reopened',
  'case.promise_rescheduled',
  'case.promise_resumed',
  'case.promise_started',
  'case.promise_warning',
  'case.rated',
  'case.rating_changed',
  'case.replied',
  'case.restored',
  'case.side_conversation_started',
  'case.side_conversation_updated',
  'case.side_message_sent',
  'case.side_reply',
  'case.unlinked',
  'case.updated',
  'case.web_form_received',
  'case_field.created',
  'case_field.updated',
  'category.created',
  'category.updated',
  'commitment.broken',
  'commitment.cancelled',
  'commitment.case_opened',
  'commitment.late',
  'commitment.met',
  'commitment.opened',
  'commitment.overdue',
  'commitment.repromised',
  'conversation.logged',
  'customer.created',
  'customer.deleted',
  'customer.erased',
  'customer.merged',
  'customer.merged_into',
  'customer.personal_data_exported',
  'customer.restored',
  'customer.updated',
  'customer_field.created',
  'customer_field.updated',
  'event_source.created',
  'event_source.credentials_rotated',
  'event_source.deleted',
  'event_source.resumed',
  'event_source.silent',
  'event_source.updated',
  'events.removed',
  'export.downloaded',
  'export.finished',
  'kb_article.created',
  'kb_article.deleted',
  'kb_article.draft_saved',
  'kb_article.published',
  'kb_article.unpublished',
  'kb_article.updated',
  'kb_article.voted',
  'kb_category.created',
  'kb_category.deleted',
  'kb_category.updated',
  'mail.failed',
  'mail.held',
  'mail.ignored',
  'mail.queued',
  'mail.received',
  'mail.retried',
  'mail.retry_scheduled',
  'mail.sent',
  'mailbox.created',
  'mailbox.deleted',
  'mailbox.polled',
  'mailbox.updated',
  'organization.created',
  'organization.deleted',
  'organization.merged',
  'organization.merged_into',
  'organization.updated',
  'organization_field.created',
  'organization_field.updated',
  'reply_template.created',
  'reply_template.deleted',
  'reply_template.updated',
  'rule.created',
  'rule.deleted',
  'rule.disabled',
  'rule.enabled',
  'rule.updated',
  'segment.created',
  'segment.deleted',
  'segment.updated',
  'settings.audit_entries_removed',
  'settings.updated',
  'signal.action_done',
  'signal.action_failed',
  'signal.action_held',
  'signal.action_released',
  'signal.case_opened',
  'signal.dismissed',
  'signal.opened',
  'signal.resolved',
  'team.created',
  'team.deleted',
  'team.notified',
  'team.updated',
  'user.case_followed',
  'user.case_unfollowed',
  'user.created',
  'user.deleted',
  'user.notification_preferences_updated',
  'user.password_changed',
  'user.password_link_refused',
  'user.password_link_sent',
  'user.sessions_ended',
  'user.two_step_disabled',
  'user.two_step_enabled',
  'user.two_step_recovery_code_used',
  'user.two_step_recovery_codes_regenerated',
  'user.two_step_reset',
  'user.updated',
  'view.created',
  'view.deleted',
  'view.updated',
  'webhook.created',
  'webhook.deleted',
  'webhook.deliveries_retried',
  'webhook.disabled',
  'webhook.ping',
  'webhook.secret_rotated',
  'webhook.updated',
] as const satisfies readonly `${DomainEventTopic}.${string}`[];
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];
/** A type for a statement that writes domain events in SQL: checked against the list. */
export const domainEventType = (type: DomainEventType) => type;

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
  names: z
    .record(z.string(), z.string())
    .describe(
      'what the records whose ids `data` holds are called now, by id (an assignee, a team’s members, a case as "#42 Subject"); records gone are left out',
    ),
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
  names: AuditEntry.shape.names,
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
