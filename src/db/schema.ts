// Every table of every domain, for the typed Drizzle client and drizzle-kit.
export * from '../server/domains/segments/segments.table.js';
export * from '../server/domains/organizations/organizations.table.js';
export * from '../server/domains/customers/customers.table.js';
export * from '../server/domains/auth/auth.table.js';
export * from '../server/domains/domain-events/domain-events.table.js';
export * from '../server/domains/calendars/calendars.table.js';
export * from '../server/domains/agreements/agreements.table.js';
export * from '../server/domains/teams/teams.table.js';
export * from '../server/domains/cases/cases.table.js';
export * from '../server/domains/settings/settings.table.js';
export * from '../server/domains/events/events.table.js';
export * from '../server/domains/signals/signals.table.js';
export * from '../server/domains/commitments/commitments.table.js';
export * from '../server/domains/mail/mail.table.js';
export * from '../server/domains/kb/kb.table.js';
export * from '../server/domains/portal/portal.table.js';
export * from '../server/domains/notifications/notifications.table.js';
