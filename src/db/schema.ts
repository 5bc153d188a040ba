// Every table of every domain, for the typed Drizzle client and drizzle-kit.
export * from '../server/domains/segments/segments.table.js';
export * from '../server/domains/organizations/organizations.table.js';
export * from '../server/domains/customers/customers.table.js';
export * from '../server/domains/auth/auth.table.js';
export * from '../server/domains/domain-events/domain-events.table.js';
