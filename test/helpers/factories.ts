// Builders for test data: each call makes a unique, valid record; pass overrides for what matters.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/client.js';
import { SYSTEM_ACTOR } from '../../src/server/lib/actor.js';
import { issueToken } from '../../src/server/domains/auth/auth.service.js';
import { createCustomer } from '../../src/server/domains/customers/customers.service.js';
import { createOrganization } from '../../src/server/domains/organizations/organizations.service.js';
import { createSegment } from '../../src/server/domains/segments/segments.service.js';
import { createUser } from '../../src/server/domains/users/users.service.js';
import type { CustomerCreate } from '../../src/shared/schemas/customers.js';
import type { OrganizationCreate } from '../../src/shared/schemas/organizations.js';
import type { Role } from '../../src/shared/schemas/users.js';
import { createCalendar } from '../../src/server/domains/calendars/calendars.service.js';
import { createAgreement } from '../../src/server/domains/agreements/agreements.service.js';
import { createCase } from '../../src/server/domains/cases/cases.service.js';
import type { AgreementCreate } from '../../src/shared/schemas/agreements.js';
import type { CaseCreate } from '../../src/shared/schemas/cases.js';

export const unique = () => randomBytes(4).toString('hex');

export const buildCustomer = (overrides: Partial<CustomerCreate> = {}): CustomerCreate => {
  const u = unique();
  return { name: `Customer ${u}`, email: `customer-${u}@example.com`, ...overrides };
};

export const buildOrganization = (overrides: Partial<OrganizationCreate> = {}): OrganizationCreate => {
  const u = unique();
  return { name: `Organization ${u}`, domains: [`org-${u}.example`], ...overrides };
};

export const makeCustomer = (db: Database, overrides: Partial<CustomerCreate> = {}) =>
  createCustomer(db, SYSTEM_ACTOR, buildCustomer(overrides));

export const makeOrganization = (db: Database, overrides: Partial<OrganizationCreate> = {}) =>
  createOrganization(db, SYSTEM_ACTOR, buildOrganization(overrides));

export const makeSegment = (db: Database, key = `seg-${unique()}`) =>
  createSegment(db, SYSTEM_ACTOR, { key, name: `Segment ${key}` });

export const TEST_PASSWORD = 'correct horse battery';

/** A user of the role with a session token; customers get (or are given) a customer record. */
export async function makeUser(db: Database, role: Role, opts: { customerId?: string; email?: string } = {}) {
  const customerId = role === 'customer' ? (opts.customerId ?? (await makeCustomer(db)).id) : undefined;
  const user = await createUser(db, SYSTEM_ACTOR, {
    email: opts.email ?? `${role}-${unique()}@example.com`,
    name: `${role} ${unique()}`,
    role,
    password: TEST_PASSWORD,
    customerId,
  });
  const { token } = await issueToken(db, { userId: user.id, kind: 'session', ttlSeconds: 3600 });
  return { user, token };
}

// ---- cases and agreements -------------------------------------------------------------------

export const ALWAYS_OPEN = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' }));
export const WEEKDAYS_9_TO_5 = [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' }));

export const makeCalendar = (
  db: Database,
  hours = ALWAYS_OPEN,
  timezone = 'Europe/Berlin',
  holidays: string[] = [],
) => createCalendar(db, SYSTEM_ACTOR, { name: `Calendar ${unique()}`, timezone, hours, holidays });

/** An agreement for one new customer, so tests do not see each other's agreements. */
export async function makeAgreement(
  db: Database,
  overrides: Partial<AgreementCreate> & { calendarId?: string } = {},
) {
  const calendarId = overrides.calendarId ?? (await makeCalendar(db)).id;
  return createAgreement(db, SYSTEM_ACTOR, {
    name: `PSA ${unique()}`,
    calendarId,
    targets: [
      { kind: 'first_response', minutes: 60 },
      { kind: 'resolution', minutes: 480 },
    ],
    ...overrides,
  });
}

/** A customer with their own agreement (targets as given), ready for cases. */
export async function makeCustomerWithAgreement(db: Database, overrides: Partial<AgreementCreate> = {}) {
  const customer = await makeCustomer(db);
  const agreement = await makeAgreement(db, { scope: { customerId: customer.id }, ...overrides });
  return { customer, agreement };
}

export const makeCase = (db: Database, customerId: string, overrides: Partial<CaseCreate> = {}) =>
  createCase(db, SYSTEM_ACTOR, { subject: `Case ${unique()}`, customerId, ...overrides });

export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
