// Tests that send operational events through POST /api/v1/events: a started app with an admin,
// an agent and an event source, event types of their own per test, and the sending itself.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { startTestApp, type TestApp } from './app.js';
import { rows, type Database } from '../../src/db/client.js';
import type { AgreementCreate } from '../../src/shared/schemas/agreements.js';
import { makeAgreement, makeCustomer, makeUser, minutesAgo, unique } from './factories.js';

export interface EventsApp {
  t: TestApp;
  admin: string;
  agent: string;
  /** The source the events come from; its token sends them. */
  source: { key: string; token: string };
}

export async function startEventsApp(): Promise<EventsApp> {
  const t = await startTestApp();
  const admin = (await makeUser(t.db, 'admin')).token;
  const agent = (await makeUser(t.db, 'agent')).token;
  const res = await t.post('/api/v1/event-sources', { key: `src-${unique()}`, name: 'ERP' }, admin);
  expect(res.status).toBe(201);
  return { t, admin, agent, source: res.body };
}

/** Event types of one test, `x<hex>.<name>`: the rules and agreements of one test see only its events. */
export const typesFor = () => {
  const p = `x${unique()}`;
  return (name: string) => `${p}.${name}`;
};

let seq = 0;
/** An event of this type, a minute ago, with a fresh id. */
export const eventOf = (type: string, overrides: Record<string, unknown> = {}) => ({
  id: `e-${unique()}-${++seq}`,
  type,
  occurredAt: minutesAgo(1),
  ...overrides,
});

/** Sends events as the source; every one must be accepted or a duplicate. */
export async function sendEvents(app: EventsApp, events: Record<string, unknown>[]) {
  const res = await app.t.post('/api/v1/events', { events }, app.source.token);
  expect(res.status).toBe(200);
  expect(res.body.rejected, JSON.stringify(res.body)).toBe(0);
  return res.body;
}

/** An event source made through the API by the app's admin (a fresh key); must be created. */
export async function postSource(app: EventsApp, body: Record<string, unknown> = {}) {
  const res = await app.t.post(
    '/api/v1/event-sources',
    { key: `s-${unique()}`, name: 'Warehouse', ...body },
    app.admin,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; key: string; token: string; silenceAlertMinutes: number | null };
}

/** A signal rule made through the API by the app's admin; every one must be accepted. */
export async function postRule(app: EventsApp, body: Record<string, unknown>) {
  const res = await app.t.post('/api/v1/rules', body, app.admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

/**
 * A customer events can name (by external id) under an agreement of their own with these
 * commitments (on a Berlin calendar unless `calendarId` says otherwise).
 */
export async function customerWithCommitments(
  db: Database,
  commitments: AgreementCreate['commitments'],
  calendarId?: string,
) {
  const customer = await makeCustomer(db, { externalId: `C-${unique()}` });
  const agreement = await makeAgreement(db, {
    scope: { customerId: customer.id },
    commitments,
    ...(calendarId ? { calendarId } : {}),
  });
  return { customer, agreement, who: { customer: { externalId: customer.externalId } } };
}

/** A fulfil commitment: an order (`promised`) delivered by its `data.promisedAt`. */
export const deliveryCommitment = (
  at: (name: string) => string,
  more: Partial<NonNullable<AgreementCreate['commitments']>[number]> = {},
) =>
  ({
    key: 'delivery',
    name: 'Delivery by the promised date',
    mode: 'fulfil',
    opens: at('promised'),
    ref: 'orderId',
    dueFrom: 'data.promisedAt',
    fulfilledBy: at('delivered'),
    ...more,
  }) as NonNullable<AgreementCreate['commitments']>[number];

/** An avoid commitment: an invoice (`issued`) not disputed within the hour. */
export const invoiceRightCommitment = (
  at: (name: string) => string,
  more: Partial<NonNullable<AgreementCreate['commitments']>[number]> = {},
) =>
  ({
    key: 'invoice_right',
    name: 'Invoice correct first time',
    mode: 'avoid',
    opens: at('issued'),
    ref: 'invoiceId',
    within: 'PT1H',
    brokenBy: at('disputed'),
    ...more,
  }) as NonNullable<AgreementCreate['commitments']>[number];

/**
 * An event as a concurrent call stores it: in `events` only, unseen by the engine of this call
 * (on PostgreSQL, two calls at once each commit without seeing the other). Returns our id of it.
 */
export async function storeAlongside(
  app: EventsApp,
  e: { type: string; customerId?: string | null; refs: Record<string, string>; occurredAt: string },
): Promise<string> {
  const [row] = await rows<{ id: string }>(
    app.t.db,
    sql`
    insert into events (id, source_id, event_id, type, occurred_at, customer_id, refs, data)
    select gen_random_uuid(), s.id, ${`e-${unique()}`}, ${e.type}, ${e.occurredAt}::timestamptz, ${e.customerId ?? null},
      ${JSON.stringify(e.refs)}::jsonb, '{}'::jsonb
    from event_sources s where s.key = ${app.source.key}
    returning id`,
  );
  return row!.id;
}
