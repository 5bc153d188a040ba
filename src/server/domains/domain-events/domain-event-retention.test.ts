// Audit trail retention: with `domainEventRetentionDays` set, domain events recorded longer ago
// are removed in batches, except what a consumer has not read yet, the changes of cases not yet
// closed, the deletion of a case still deleted (and its customer's), what a notification shows,
// and, for ever, the records of an erasure and of a personal-data export. Old changes are made old by moving their occurred_at back (the column the job reads);
// changes made afterwards are the recent ones.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { makeCase, makeCustomer, makeUser } from '../../../../test/helpers/factories.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { PASS_MS, POSITION_KEY, domainEventCutoff, removeOldDomainEvents } from './domain-event-retention.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof makeUser>>;
let agent: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.db, 'admin');
  agent = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

const setRetention = async (days: number | null) => {
  const res = await t.patch('/api/v1/settings', { domainEventRetentionDays: days }, admin.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.domainEventRetentionDays).toBe(days);
};
/**
 * Every change recorded so far becomes 400 days old. As if 400 days had passed, the retention's
 * pass is over too: the next run starts a new one from the oldest (where the last one stopped
 * would be in the future of changes moved back).
 */
const ageEverything = async () => {
  await t.db.execute(sql`update domain_events set occurred_at = occurred_at - interval '400 days'`);
  await t.db.execute(sql`delete from settings where key = ${POSITION_KEY}`);
};
const typesOf = async (entityId: string) =>
  (
    await rows<{ type: string }>(
      t.db,
      sql`select type from domain_events where entity_id = ${entityId} order by occurred_at, id`,
    )
  ).map((r) => r.type);
const removeAll = async (now = new Date()) => {
  let total = 0;
  for (;;) {
    const n = await removeOldDomainEvents(t.db, undefined, now);
    if (n === 0) return total;
    total += n;
  }
};
/** A day and a minute from now: the retention starts a new pass from the oldest. */
const dayOn = () => new Date(Date.now() + PASS_MS + 60_000);
const notify = () => consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));

describe('the retention cutoff', () => {
  it('is the retention ago; none without a setting', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(domainEventCutoff(null, now)).toBeNull();
    expect(domainEventCutoff(90, now)!.toISOString()).toBe('2026-09-02T12:00:00.000Z');
  });
});

describe('the domainEventRetentionDays setting', () => {
  it('is for ever by default; takes 90 to 3650 whole days or null; only admins change it', async () => {
    const read = await t.get('/api/v1/settings', agent.token);
    expect(read.status).toBe(200);
    expect(read.body.domainEventRetentionDays).toBeNull();
    for (const bad of [89, 3651, 90.5, '90', 0, -1, true]) {
      const res = await t.patch('/api/v1/settings', { domainEventRetentionDays: bad }, admin.token);
      expect(res.status, `${bad}`).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.message).toContain(
        'body.domainEventRetentionDays: a whole number of days from 90 to 3650, or none to keep them for ever',
      );
    }
    const byAgent = await t.patch('/api/v1/settings', { domainEventRetentionDays: 90 }, agent.token);
    expect(byAgent.status).toBe(403);
    expect((await t.get('/api/v1/settings', admin.token)).body.domainEventRetentionDays).toBeNull();

    await setRetention(90);
    await setRetention(3650);
    // The operational events' setting is its own.
    const other = await t.patch('/api/v1/settings', { eventRetentionDays: 30 }, admin.token);
    expect([other.body.eventRetentionDays, other.body.domainEventRetentionDays]).toEqual([30, 3650]);
    await t.patch('/api/v1/settings', { eventRetentionDays: null }, admin.token);
    await setRetention(null);
    const stored = await rows<{ key: string }>(
      t.db,
      sql`select key from settings where key = 'domainEventRetentionDays'`,
    );
    expect(stored).toEqual([]);
    // Without a setting nothing goes, however old.
    await ageEverything();
    expect(await removeOldDomainEvents(t.db)).toBe(0);
  });
});

describe('removing old changes', () => {
  it('removes old changes in batches and keeps recent ones, unread ones, open cases’, deletions still undone and notified ones', async () => {
    // A customer's history.
    const customer = await makeCustomer(t.db);
    const renamed = await t.patch(`/api/v1/customers/${customer.id}`, { name: 'Ada First' }, admin.token);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    // A closed case and an open one.
    const closed = await makeCase(t.db, customer.id);
    expect((await t.patch(`/api/v1/cases/${closed.id}`, { status: 'closed' }, admin.token)).status).toBe(200);
    const open = await makeCase(t.db, customer.id);
    // A case marked as spam, deleting its customer with it (restoring brings both back).
    const spammer = await makeCustomer(t.db);
    const spam = await makeCase(t.db, spammer.id);
    const marked = await t.post(`/api/v1/cases/${spam.id}/spam`, {}, admin.token);
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(await typesOf(spammer.id)).toEqual(['customer.created', 'customer.deleted']);
    // A case assigned to the agent, who is notified; then closed.
    const assigned = await makeCase(t.db, customer.id);
    expect(
      (await t.patch(`/api/v1/cases/${assigned.id}`, { assigneeId: agent.user.id }, admin.token)).status,
    ).toBe(200);
    await notify();
    expect((await t.patch(`/api/v1/cases/${assigned.id}`, { status: 'closed' }, admin.token)).status).toBe(
      200,
    );
    const notified = await rows<{ id: string }>(
      t.db,
      sql`select domain_event_id as id from notifications where case_id = ${assigned.id}`,
    );
    expect(notified).toHaveLength(1);
    await notify();
    // A change the notifications have not read yet (their cursor is behind it).
    const unread = await t.patch(`/api/v1/customers/${customer.id}`, { name: 'Ada Second' }, admin.token);
    expect(unread.status).toBe(200);

    await ageEverything();
    // Recent: made after.
    await t.patch(`/api/v1/customers/${customer.id}`, { name: 'Ada Third' }, admin.token);
    const openBefore = await typesOf(open.id);
    const spamBefore = await typesOf(spam.id);
    expect(spamBefore).toContain('case.deleted');

    await setRetention(365);
    // In batches: two, then the rest.
    expect(await removeOldDomainEvents(t.db, 2)).toBe(2);
    const first = 2 + (await removeAll());

    expect(await typesOf(customer.id)).toEqual(['customer.updated', 'customer.updated']);
    const history = await t.get(`/api/v1/customers/${customer.id}/history`, admin.token);
    expect(history.status).toBe(200);
    expect(
      history.body.items.map((e: { data: { changes: { name: { to: string } } } }) => e.data.changes.name.to),
    ).toEqual(['Ada Second', 'Ada Third']);
    expect(await typesOf(closed.id)).toEqual([]);
    // An open case's timeline stays whole.
    expect(await typesOf(open.id)).toEqual(openBefore);
    const timeline = await t.get(`/api/v1/cases/${open.id}/timeline`, admin.token);
    expect(timeline.status).toBe(200);
    expect(timeline.body.items.map((e: { type: string }) => e.type)).toContain('case.created');
    // A deleted case keeps its deletion (who, why); the customer deleted with it keeps theirs.
    expect(await typesOf(spam.id)).toEqual(['case.deleted']);
    expect(await typesOf(spammer.id)).toEqual(['customer.deleted']);
    const deleted = await t.get('/api/v1/cases/deleted', admin.token);
    expect(deleted.body.items.find((d: { id: string }) => d.id === spam.id)).toMatchObject({
      reason: 'spam',
      deletedBy: admin.user.name,
    });
    // A closed case keeps the change a notification shows, and the notification its case.
    const kept = await rows<{ id: string }>(
      t.db,
      sql`select id from domain_events where entity_id = ${assigned.id}`,
    );
    expect(kept).toEqual(notified);
    const list = await t.get('/api/v1/notifications', agent.token);
    expect(list.body.items.map((n: { kind: string; case: { id: string } }) => [n.kind, n.case.id])).toEqual([
      ['case_assigned', assigned.id],
    ]);

    // Once read, the unread change goes too, at the next pass (a day on); the recent one stays.
    await notify();
    expect(await removeAll()).toBe(0);
    expect(await removeAll(dayOn())).toBe(1);
    expect(await typesOf(customer.id)).toEqual(['customer.updated']);

    // Restoring the spam case brings its customer back, from the deletion kept.
    const restored = await t.post(`/api/v1/cases/${spam.id}/restore`, {}, admin.token);
    expect(restored.status, JSON.stringify(restored.body)).toBeLessThan(300);
    const back = await t.get(`/api/v1/customers/${spammer.id}`, admin.token);
    expect([back.status, back.body.deletedAt ?? null]).toEqual([200, null]);

    // One entry per batch, by Steward, with the count and the cutoff; in the audit log.
    const audit = await t.get('/api/v1/audit-log?by=system&entityType=settings', admin.token);
    expect(audit.status).toBe(200);
    const entries = (
      audit.body.items as {
        type: string;
        actorKind: string;
        data: { count: number; occurredBefore: string };
      }[]
    ).filter((e) => e.type === 'settings.audit_entries_removed');
    expect(entries.map((e) => e.data.count).reverse()).toEqual([2, first - 2, 1].filter((n) => n > 0));
    expect(entries.every((e) => e.actorKind === 'system')).toBe(true);
    // The first batch's cutoff (the last was a day on).
    const before = Date.parse(entries.at(-1)!.data.occurredBefore);
    expect(Math.abs(before - (Date.now() - 365 * 86_400_000))).toBeLessThan(3_600_000);
  });
});

describe('the records of data-protection requests', () => {
  it('keep an erasure and a personal-data export for ever; the ordinary changes beside them and list exports go', async () => {
    await setRetention(365);
    const erased = await makeCustomer(t.db);
    const ordinary = await makeCustomer(t.db);
    const renamed = await t.patch(
      `/api/v1/customers/${ordinary.id}`,
      { name: 'Ordinary Renamed' },
      admin.token,
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    // An open case of theirs: the erasure closes it (an ordinary change, which goes).
    const theirs = await makeCase(t.db, erased.id);
    const copy = await t.get(`/api/v1/customers/${erased.id}/personal-data`, admin.token);
    expect(copy.status).toBe(200);
    const list = await t.get('/api/v1/customers/export.csv', admin.token);
    expect(list.status).toBe(200);
    const done = await t.post(`/api/v1/customers/${erased.id}/erase`, { confirm: erased.name }, admin.token);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await typesOf(erased.id)).toEqual([
      'customer.created',
      'customer.personal_data_exported',
      'customer.erased',
    ]);
    const exports = await rows<{ id: string }>(
      t.db,
      sql`select entity_id as id from domain_events where type = 'export.downloaded'
        and data ->> 'list' = 'customers'`,
    );
    expect(exports.length).toBeGreaterThan(0);
    await notify();
    await ageEverything();

    await removeAll();
    expect(await typesOf(ordinary.id)).toEqual([]);
    expect(await typesOf(theirs.id)).toEqual([]);
    for (const { id } of exports) expect(await typesOf(id)).toEqual([]);
    expect(await typesOf(erased.id)).toEqual(['customer.personal_data_exported', 'customer.erased']);
    // Who erased them, when, and what it touched: in the audit log (the customer is deleted).
    const audit = await t.get(`/api/v1/audit-log?entityType=customer&entityId=${erased.id}`, admin.token);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { type: string; actorName: string }) => [e.type, e.actorName])).toEqual([
      ['customer.erased', admin.user.name],
      ['customer.personal_data_exported', admin.user.name],
    ]);
    expect(audit.body.items[0].data).toEqual(done.body);
  });
});

describe('where the last run stopped', () => {
  it('the next run reads on from there, not the kept ones again; what was kept and may go now goes at the next pass, a day on', async () => {
    await setRetention(365);
    const customer = await makeCustomer(t.db);
    const open = await makeCase(t.db, customer.id);
    await notify();
    await ageEverything();
    await removeAll();
    expect(await typesOf(customer.id)).toEqual([]);
    const kept = await typesOf(open.id);
    expect(kept).toContain('case.created');
    const [position] = await rows<{ pass: string; at: string }>(
      t.db,
      sql`select value ->> 'pass' as pass, value ->> 'occurredAt' as at from settings where key = ${POSITION_KEY}`,
    );
    expect(Math.abs(Date.parse(position!.at) - (Date.now() - 365 * 86_400_000))).toBeLessThan(3_600_000);

    // The case closes: its old changes may go now. And an old change lies behind the position
    // (only a test makes one: changes are recorded at the time they are made).
    const closed = await t.patch(`/api/v1/cases/${open.id}`, { status: 'closed' }, admin.token);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const other = await makeCustomer(t.db);
    await notify();
    await t.db.execute(
      sql`update domain_events set occurred_at = occurred_at - interval '400 days' where entity_id = ${other.id}`,
    );
    // The runs of this pass do not read behind where the last one stopped.
    expect(await removeAll()).toBe(0);
    expect(await typesOf(other.id)).toEqual(['customer.created']);
    expect((await typesOf(open.id)).slice(0, kept.length)).toEqual(kept);
    // A day on, a new pass from the oldest: both go; the recent close stays.
    expect(await removeAll(dayOn())).toBeGreaterThanOrEqual(kept.length + 1);
    expect(await typesOf(other.id)).toEqual([]);
    expect(await typesOf(open.id)).toEqual(['case.updated']);
  });
});

describe('a consumer Steward no longer has', () => {
  it('does not hold the trail back: its cursor, far behind, is read by no one', async () => {
    await setRetention(365);
    // A cursor left by a consumer an upgrade removed, behind every change there is.
    await t.db.execute(sql`insert into domain_event_cursors (consumer, tx, id)
      values ('automations-retired', '1'::xid8, '00000000-0000-0000-0000-000000000000')`);
    const customer = await makeCustomer(t.db);
    await notify();
    await ageEverything();
    await removeAll();
    expect(await typesOf(customer.id)).toEqual([]);
  });
});

describe.runIf(usingPostgres())('removing old changes on many nodes (PostgreSQL)', () => {
  it('two runs at once remove each change once, and record exactly what each removed', async () => {
    await setRetention(365);
    for (let i = 0; i < 30; i++) await makeCustomer(t.db);
    await notify();
    await ageEverything();
    const counted = async () =>
      (
        await rows<{ n: number }>(
          t.db,
          sql`select coalesce(sum((data ->> 'count')::int), 0)::int as n from domain_events
            where type = 'settings.audit_entries_removed' and occurred_at > now() - interval '1 day'`,
        )
      )[0]!.n;
    const recorded = await counted();
    let removed = 0;
    for (;;) {
      const [a, b] = await Promise.all([removeOldDomainEvents(t.db, 7), removeOldDomainEvents(t.db, 7)]);
      removed += a + b;
      if (a + b === 0) break;
    }
    expect(removed).toBeGreaterThanOrEqual(30);
    const [old] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from domain_events where type = 'customer.created'
        and occurred_at < now() - interval '365 days'`,
    );
    expect(old!.n).toBe(0);
    expect((await counted()) - recorded).toBe(removed);
  });
});
