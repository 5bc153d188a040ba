// A signed-in customer's own account in the portal: their name, language, time zone and mail
// preferences (what we mail them on our own, which they may turn off) (fields of their
// customer record, changed through the same update as staff's edits, with its policy, If-Match and
// `customer.updated` event), and whether they have a password to change (POST /auth/password).
// There is no id in these routes: a customer can only ever name themselves.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { PortalAccount, PortalAccountUpdate } from '../../../shared/schemas/portal.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { users } from '../auth/auth.table.js';
import { updateCustomer } from '../customers/customers.service.js';
import { customers } from '../customers/customers.table.js';
import { selectAgreementFor } from '../agreements/agreements.repo.js';
import { organizations } from '../organizations/organizations.table.js';
import { plainStateZone } from '../../../core/portal/plain-state.js';
import { isTimeZone } from '../../../shared/schemas/common.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';

function customerOf(actor: Actor): string {
  if (actor.role !== 'customer' || !actor.customerId || !actor.userId)
    throw forbidden('the portal account is for customers');
  return actor.customerId;
}

export async function getPortalAccount(db: Database, actor: Actor): Promise<PortalAccount> {
  const customerId = customerOf(actor);
  const [row] = await db
    .select({
      organizationId: customers.organizationId,
      effectiveSegment: sql<string | null>`coalesce(${customers.segment}, ${organizations.segment})`,
      name: customers.name,
      email: customers.email,
      timeZone: customers.timeZone,
      companyTimeZone: sql<string>`${COMPANY_TIME_ZONE}`,
      language: customers.language,
      mailAcknowledgements: customers.mailAcknowledgements,
      mailProactiveNotices: customers.mailProactiveNotices,
      updatedAt: customers.updatedAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
    })
    .from(customers)
    .innerJoin(users, eq(users.customerId, customers.id))
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(and(eq(customers.id, customerId), isNull(customers.deletedAt), eq(users.id, actor.userId!)));
  if (!row) throw notFound('customer');
  const { organizationId, effectiveSegment, companyTimeZone, ...account } = row;
  // Without a zone of their own: the calendar's of the agreement a new request of theirs gets, as
  // their requests' pages (plainStateZone) and the acknowledgement mail use, else the company's.
  const agreement =
    account.timeZone && isTimeZone(account.timeZone)
      ? undefined
      : await selectAgreementFor(db, { customerId, organizationId, segment: effectiveSegment });
  return {
    ...account,
    shownTimeZone: plainStateZone({
      timeZone: account.timeZone,
      calendarTimeZone: agreement?.calendar.timezone,
      companyTimeZone,
    }),
    hasPassword: !!account.hasPassword,
    updatedAt: account.updatedAt.toISOString(),
  };
}

/** Name, language, time zone and mail preferences; `expected` is the If-Match version (412 edit_conflict when stale). */
export async function updatePortalAccount(
  db: Database,
  actor: Actor,
  input: PortalAccountUpdate,
  expected?: string,
): Promise<PortalAccount> {
  const customerId = customerOf(actor);
  await updateCustomer(db, actor, customerId, input, expected);
  return getPortalAccount(db, actor);
}
