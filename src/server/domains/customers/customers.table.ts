import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { segments } from '../segments/segments.table.js';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { CustomFields } from '../../../shared/schemas/common.js';
import { organizations } from '../organizations/organizations.table.js';

export const customers = pgTable(
  'customers',
  {
    id: idColumn(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    organizationId: uuid('organization_id').references(() => organizations.id),
    /** Own segment; when null the organization's segment applies. */
    segment: text('segment').references(() => segments.key, { onUpdate: 'cascade' }),
    language: text('language'),
    timeZone: text('time_zone'),
    /** Identifier in an operational system (orders, CRM): events refer to customers by it. */
    externalId: text('external_id'),
    /** May this customer see their organization and its other customers (portal)? */
    organizationAccess: boolean('organization_access').notNull().default(false),
    /**
     * Mail preferences (the customer's own, in the portal; staff may set them when asked): whether
     * we mail them what we send on our own. An answer to their request and sign-in links are always
     * sent. Off: no acknowledgement of a new request (mail/acknowledgement.ts).
     */
    mailAcknowledgements: boolean('mail_acknowledgements').notNull().default(true),
    /** Off: a rule's `notify_customer` is skipped for them (signals/actions.ts), nothing written or mailed. */
    mailProactiveNotices: boolean('mail_proactive_notices').notNull().default(true),
    customFields: jsonb('custom_fields').$type<CustomFields>().notNull().default({}),
    /**
     * A duplicate merged into another customer: deleted, everything it had moved there. Its e-mail
     * address, external id and id still lead there (mail, events, links), unless a live customer
     * takes them. Always the live end: merging the survivor on moves these along.
     */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => customers.id),
    /**
     * Personal data erased (GDPR): the record stays, deleted and nameless, so the cases, signals
     * and commitments that were theirs still count in the KPIs. See customer-erasure.ts.
     */
    erasedAt: timestamptz('erased_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    uniqueIndex('customers_email_live_uq')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.deletedAt} is null and ${t.email} is not null`),
    uniqueIndex('customers_external_id_live_uq')
      .on(t.externalId)
      .where(sql`${t.deletedAt} is null and ${t.externalId} is not null`),
    // The custom field filters of the list (`custom_fields @> {"key": value}`).
    index('customers_custom_fields').using('gin', t.customFields.op('jsonb_path_ops')),
    index('customers_name_trgm').using('gin', sql`lower(${t.name}) gin_trgm_ops`),
    index('customers_email_trgm').using('gin', sql`lower(${t.email}) gin_trgm_ops`),
    index('customers_name_sort').on(t.name, t.id),
    index('customers_created_sort').on(t.createdAt, t.id),
    index('customers_organization').on(t.organizationId),
    index('customers_segment').on(t.segment),
    // Possible duplicates of a customer: the same name, the same phone digits.
    index('customers_name_lower')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
    index('customers_phone_digits')
      .on(sql`regexp_replace(${t.phone}, '[^0-9]', '', 'g')`)
      .where(sql`${t.deletedAt} is null and ${t.phone} is not null`),
    index('customers_merged_email')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.mergedIntoId} is not null`),
    index('customers_merged_external_id')
      .on(t.externalId)
      .where(sql`${t.mergedIntoId} is not null`),
    index('customers_merged_into')
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
  ],
);
