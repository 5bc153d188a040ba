// Follow-ups: a waiting case (pending, on hold) opens again at the time its agent set, once,
// with its clocks running again and its assignee told; every way out of waiting clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { openDatabase, rows } from '../../../db/client.js';
import { MIGRATIONS_FOLDER } from '../../../db/migrate.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import {
  makeCalendar,
  makeCase,
  makeCustomer,
  makeCustomerWithAgreement,
  makeUser,
} from '../../../../test/helpers/factories.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import { notificationSentence } from '../../../shared/notification-text.js';
import { deliverNotifications } from '../notifications/notifications.service.js';
import { openFollowUps } from './case-jobs.js';

let t: TestApp;
let admin: string;
let agent: { token: string; user: { id: string; name: string } };
let colleague: { token: string; user: { id: string; name: string } };
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = await makeUser(t.db, 'agent');
  colleague = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function newCase(overrides: Record<string, unknown> = {}) {
  const customer = await makeCustomer(t.db);
  const c = await makeCase(t.db, customer.id, { message: { body: 'Hello' }, ...overrides });
  return { customer, c };
}

/** Makes the case's follow-up due now, as if its time had come. */
const makeDue = (caseId: string) =>
  t.db.execute(sql`update cases set follow_up_at = now() - interval '1 minute' where id = ${caseId}`);

/** The case's status and follow-up as stored (the time as an ISO string). */
const caseRow = async (id: string) => {
  const [row] = await rows<{ status: string; follow_up_at: string | Date | null }>(
    t.db,
    sql`select status, follow_up_at from cases where id = ${id}`,
  );
  return {
    status: row!.status,
    follow_up_at: row!.follow_up_at && new Date(row!.follow_up_at).toISOString(),
  };
};

const deliver = () => consumeToPresent(t.db, 'notifications', () => deliverNotifications(t.db));

/** The kinds of someone's notifications about one case. */
const kindsFor = async (token: string, caseId: string) => {
  const res = await t.get('/api/v1/notifications', token);
  return (res.body.items as { kind: string; case: { id: string } }[])
    .filter((n) => n.case.id === caseId)
    .map((n) => n.kind);
};

describe('setting a follow-up', () => {
  it('keeps it on a case set pending or on hold, shows it to staff, and records the change', async () => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    const at = inHours(48);
    const res = await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: at }, agent.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', followUpAt: at });
    // On hold keeps it; a new time replaces it.
    const later = inHours(72);
    const held = await t.patch(
      `/api/v1/cases/${c.id}`,
      { status: 'on_hold', followUpAt: later },
      agent.token,
    );
    expect(held.body).toMatchObject({ status: 'on_hold', followUpAt: later });
    const list = await t.get(`/api/v1/cases?status=on_hold&customerId=${c.customerId}`, agent.token);
    expect(list.body.items.map((x: { followUpAt: string }) => x.followUpAt)).toEqual([later]);
    const timeline = await t.get(`/api/v1/cases/${c.id}/timeline`, agent.token);
    const updates = timeline.body.items.filter((e: { type: string }) => e.type === 'case.updated');
    expect(updates.map((e: { data: unknown }) => e.data)).toEqual(
      expect.arrayContaining([
        { changes: { status: { from: 'open', to: 'pending' }, followUpAt: { from: null, to: at } } },
        {
          changes: { status: { from: 'pending', to: 'on_hold' }, followUpAt: { from: at, to: later } },
        },
      ]),
    );
    // The export has it, in the zone asked for.
    const csv = await t.get(
      `/api/v1/cases/export.csv?customerId=${c.customerId}&timezone=Europe/Berlin`,
      agent.token,
    );
    const records = parse(String(csv.body), { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((r) => r['Follow up (Europe/Berlin)'])).toEqual([
      DateTime.fromISO(later).setZone('Europe/Berlin').toFormat('yyyy-MM-dd HH:mm:ss'),
    ]);
    // The same time again is no change.
    await t.patch(`/api/v1/cases/${c.id}`, { followUpAt: later }, agent.token);
    const again = await t.get(`/api/v1/cases/${c.id}/timeline`, agent.token);
    expect(again.body.items.length).toBe(timeline.body.items.length);
    // Null clears it and the case keeps waiting.
    const cleared = await t.patch(`/api/v1/cases/${c.id}`, { followUpAt: null }, agent.token);
    expect(cleared.body).toMatchObject({ status: 'on_hold', followUpAt: null });
  });

  it.each([
    ['on a case that is not waiting', { followUpAt: 'in 24h' }, 422, 'follow_up_not_waiting'],
    [
      'with a status that does not wait',
      { status: 'solved', followUpAt: 'in 24h' },
      422,
      'follow_up_not_waiting',
    ],
    ['in the past', { status: 'pending', followUpAt: 'an hour ago' }, 422, 'invalid_follow_up'],
    ['more than a year ahead', { status: 'pending', followUpAt: 'in 400 days' }, 422, 'invalid_follow_up'],
    ['not a time', { status: 'pending', followUpAt: 'tomorrow' }, 400, 'validation_error'],
  ])('refuses a follow-up %s and changes nothing', async (_what, raw, status, code) => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    const times: Record<string, string> = {
      'in 24h': inHours(24),
      'an hour ago': inHours(-1),
      'in 400 days': inHours(400 * 24),
    };
    const body = { ...raw, followUpAt: times[raw.followUpAt] ?? raw.followUpAt };
    const res = await t.patch(`/api/v1/cases/${c.id}`, body, agent.token);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify(res.body.error)).toContain('followUpAt');
    expect(await caseRow(c.id)).toEqual({ status: 'open', follow_up_at: null });
  });

  it('is cleared whenever the case stops waiting: solved, opened by hand, or the customer writes', async () => {
    const cases = await Promise.all([1, 2, 3].map(() => newCase({ assigneeId: agent.user.id })));
    for (const { c } of cases) {
      const res = await t.patch(
        `/api/v1/cases/${c.id}`,
        { status: 'pending', followUpAt: inHours(5) },
        agent.token,
      );
      expect(res.body.followUpAt).not.toBeNull();
    }
    const [solved, opened, written] = cases.map((x) => x.c);
    expect(
      (await t.patch(`/api/v1/cases/${solved!.id}`, { status: 'solved' }, agent.token)).body,
    ).toMatchObject({
      status: 'solved',
      followUpAt: null,
    });
    expect(
      (await t.patch(`/api/v1/cases/${opened!.id}`, { status: 'open' }, agent.token)).body,
    ).toMatchObject({
      status: 'open',
      followUpAt: null,
    });
    const customer = await makeUser(t.db, 'customer', { customerId: cases[2]!.customer.id });
    const wrote = await t.post(
      `/api/v1/cases/${written!.id}/messages`,
      { body: 'Here it is', public: true },
      customer.token,
    );
    expect(wrote.status).toBe(201);
    expect(await caseRow(written!.id)).toEqual({ status: 'open', follow_up_at: null });
    // The timeline says what went: the follow-up, from its time to none.
    const timeline = await t.get(`/api/v1/cases/${solved!.id}/timeline`, agent.token);
    const last = timeline.body.items.filter((e: { type: string }) => e.type === 'case.updated').at(-1);
    expect(last.data.changes.followUpAt).toMatchObject({ to: null });
  });

  it('goes with a reply or a note that sets the case waiting, and with a bulk change', async () => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    const at = inHours(30);
    const reply = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Could you send a photo?', public: true, status: 'pending', followUpAt: at },
      agent.token,
    );
    expect(reply.status).toBe(201);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body).toMatchObject({
      status: 'pending',
      followUpAt: at,
    });
    // A follow-up with a reply that leaves the case open is refused, the reply with it.
    const { c: c2 } = await newCase({ assigneeId: agent.user.id });
    const refused = await t.post(
      `/api/v1/cases/${c2.id}/messages`,
      { body: 'On it', public: true, followUpAt: at },
      agent.token,
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('follow_up_not_waiting');
    const msgs = await t.get(`/api/v1/cases/${c2.id}/messages`, agent.token);
    expect(msgs.body.items.map((m: { body: string }) => m.body)).toEqual(['Hello']);

    const note = await t.post(
      `/api/v1/cases/${c2.id}/messages`,
      { body: 'Waiting for the carrier', public: false, status: 'on_hold', followUpAt: at },
      agent.token,
    );
    expect(note.status).toBe(201);
    expect(await caseRow(c2.id)).toEqual({ status: 'on_hold', follow_up_at: at });

    const { c: c3 } = await newCase();
    const { c: c4 } = await newCase();
    const bulk = await t.post(
      '/api/v1/cases/bulk',
      { ids: [c3.id, c4.id], set: { status: 'pending', followUpAt: at } },
      agent.token,
    );
    expect(bulk.status).toBe(200);
    for (const id of [c3.id, c4.id])
      expect(await caseRow(id)).toEqual({ status: 'pending', follow_up_at: at });
  });

  it('sorts a queue by the follow-up due first, cases without one last, page by page', async () => {
    const customer = await makeCustomer(t.db);
    const made: { id: string; hours: number | null }[] = [];
    for (const hours of [50, 5, null, 20]) {
      const c = await makeCase(t.db, customer.id, { message: { body: `In ${hours} h` } });
      const patch =
        hours === null ? { status: 'pending' } : { status: 'pending', followUpAt: inHours(hours) };
      expect((await t.patch(`/api/v1/cases/${c.id}`, patch, agent.token)).status).toBe(200);
      made.push({ id: c.id, hours });
    }
    const first = await t.get(`/api/v1/cases?customerId=${customer.id}&sort=followUpAt&limit=2`, agent.token);
    const second = await t.get(
      `/api/v1/cases?customerId=${customer.id}&sort=followUpAt&limit=2&cursor=${first.body.nextCursor}`,
      agent.token,
    );
    const order = [...first.body.items, ...second.body.items].map(
      (x: { id: string }) => made.find((m) => m.id === x.id)!.hours,
    );
    expect(order).toEqual([5, 20, 50, null]);
  });

  it('is staff business: customers neither see nor set it', async () => {
    const { customer, c } = await newCase({ assigneeId: agent.user.id });
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: inHours(10) }, agent.token);
    const me = await makeUser(t.db, 'customer', { customerId: customer.id });
    const seen = await t.get(`/api/v1/cases/${c.id}`, me.token);
    expect(seen.status).toBe(200);
    expect(seen.body.status).toBe('pending');
    expect(seen.body.followUpAt).toBeNull();
    const listed = await t.get('/api/v1/cases', me.token);
    expect(listed.body.items.map((x: { followUpAt: unknown }) => x.followUpAt)).toEqual([null]);
    expect((await t.patch(`/api/v1/cases/${c.id}`, { followUpAt: null }, me.token)).status).toBe(403);
    const post = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Any news?', public: true, status: 'pending', followUpAt: inHours(1) },
      me.token,
    );
    expect(post.status).toBe(403);
    const row = await caseRow(c.id);
    expect(row.status).toBe('pending');
    expect(row.follow_up_at).not.toBeNull();
  });

  it('leaves with a case merged into another', async () => {
    const { customer, c } = await newCase({ assigneeId: agent.user.id });
    const into = await makeCase(t.db, customer.id, { message: { body: 'Same thing' } });
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: inHours(3) }, agent.token);
    const merged = await t.post(`/api/v1/cases/${c.id}/merge`, { intoId: into.id }, agent.token);
    expect(merged.status).toBeLessThan(300);
    expect(await caseRow(c.id)).toEqual({ status: 'closed', follow_up_at: null });
  });
});

describe('a deleted case’s follow-up', () => {
  it('stays on the deleted case, unused, and goes again with the restore', async () => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    const at = inHours(5);
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: at }, agent.token);
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(204);
    expect(await caseRow(c.id)).toEqual({ status: 'pending', follow_up_at: at });
    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin)).status).toBe(204);
    expect(await caseRow(c.id)).toEqual({ status: 'pending', follow_up_at: at });
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.followUpAt).toBe(at);
    // The audit log says what the deletion ended and the restore brought back.
    const events = await rows<{ type: string; data: { followUpAt?: string } }>(
      t.db,
      sql`select type, data from domain_events where entity_type = 'case' and entity_id = ${c.id}
        and type in ('case.deleted', 'case.restored') order by occurred_at, id`,
    );
    expect(events.map((e) => [e.type, e.data.followUpAt])).toEqual([
      ['case.deleted', undefined],
      ['case.restored', at],
    ]);
  });

  it('due while the case was deleted, opens it at the next run after the restore, as it would have', async () => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: inHours(1) }, agent.token);
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(204);
    await makeDue(c.id);
    // Not while it is deleted.
    while ((await openFollowUps(t.db)) > 0);
    expect((await caseRow(c.id)).status).toBe('pending');
    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin)).status).toBe(204);
    expect((await caseRow(c.id)).follow_up_at).not.toBeNull();
    while ((await openFollowUps(t.db)) > 0);
    expect(await caseRow(c.id)).toEqual({ status: 'open', follow_up_at: null });
  });

  it('of a case deleted before deleted cases kept theirs comes back from the migration', async () => {
    const { c } = await newCase({ assigneeId: agent.user.id });
    const at = inHours(5);
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: at }, agent.token);
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(204);
    // As the deletion used to leave it: the follow-up on `case.deleted` only.
    await t.db.execute(sql`update cases set follow_up_at = null where id = ${c.id}`);
    await t.db
      .execute(sql`update domain_events set data = data || ${JSON.stringify({ followUpAt: at })}::jsonb
      where entity_type = 'case' and entity_id = ${c.id} and type = 'case.deleted'`);
    const file = readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith('_cases-follow-up-live.sql'))!;
    const steps = readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8').split('--> statement-breakpoint');
    for (const step of steps) await t.db.execute(sql.raw(step));
    expect(await caseRow(c.id)).toEqual({ status: 'pending', follow_up_at: at });
    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin)).status).toBe(204);
    expect((await t.get(`/api/v1/cases/${c.id}`, agent.token)).body.followUpAt).toBe(at);
  });

  it('is none on a restored case that was not waiting', async () => {
    const { c } = await newCase();
    expect((await t.del(`/api/v1/cases/${c.id}`, admin)).status).toBe(204);
    expect((await t.post(`/api/v1/cases/${c.id}/restore`, {}, admin)).status).toBe(204);
    expect((await caseRow(c.id)).follow_up_at).toBeNull();
  });
});

describe('follow-up presets on the case’s calendar', () => {
  it('land on open days at 09:00 in the calendar’s zone, for staff only; none without a calendar', async () => {
    const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '17:00' }));
    // Every day of the next three weeks but the weekends is open; the day after tomorrow is a holiday.
    const tokyo = 'Asia/Tokyo';
    const holiday = DateTime.now().setZone(tokyo).plus({ days: 2 }).toISODate()!;
    const calendar = await makeCalendar(t.db, weekdays, tokyo, [holiday]);
    const { customer } = await makeCustomerWithAgreement(t.db, { calendarId: calendar.id });
    const c = await makeCase(t.db, customer.id, { message: { body: 'Hi' } });

    const res = await t.get(`/api/v1/cases/${c.id}/follow-up-times`, agent.token);
    expect(res.status).toBe(200);
    expect(res.body.calendar).toEqual({ id: calendar.id, name: calendar.name, timezone: tokyo });
    const times = res.body.times as { key: string; label: string; at: string }[];
    expect(times.map((x) => [x.key, x.label])).toEqual([
      ['next_business_day', 'Next business day'],
      ['in_3_business_days', 'In 3 business days'],
      ['in_1_week', 'In a week'],
      ['in_2_weeks', 'In two weeks'],
    ]);
    const local = times.map((x) => DateTime.fromISO(x.at, { zone: tokyo }));
    const today = DateTime.now().setZone(tokyo).startOf('day');
    for (const at of local) {
      expect(at.toFormat('HH:mm')).toBe('09:00');
      expect(at.weekday).toBeLessThanOrEqual(5);
      expect(at.toISODate()).not.toBe(holiday);
      expect(at > today.plus({ days: 1 }).minus({ milliseconds: 1 })).toBe(true);
    }
    // Next business day: the first weekday after today that is not the holiday.
    let next = today.plus({ days: 1 });
    while (next.weekday > 5 || next.toISODate() === holiday) next = next.plus({ days: 1 });
    expect(local[0]!.toISODate()).toBe(next.toISODate());
    // A week: today + 7 or the first open day after it.
    let week = today.plus({ days: 7 });
    while (week.weekday > 5) week = week.plus({ days: 1 });
    expect(local[2]!.toISODate()).toBe(week.toISODate());
    // …and a follow-up set to one of them is accepted as it is.
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: times[0]!.at }, agent.token);
    expect((await caseRow(c.id)).follow_up_at).toBe(new Date(times[0]!.at).toISOString());

    // A case without an agreement: none (the agent picks calendar days).
    const { c: plain } = await newCase();
    const none = await t.get(`/api/v1/cases/${plain.id}/follow-up-times`, agent.token);
    expect(none.body).toEqual({ calendar: null, times: [] });

    // Customers do not plan staff follow-ups, not even on their own case; unknown cases are 404.
    const own = await makeUser(t.db, 'customer', { customerId: customer.id });
    expect((await t.get(`/api/v1/cases/${c.id}/follow-up-times`, own.token)).status).toBe(403);
    expect((await t.get(`/api/v1/cases/${c.id}/follow-up-times`)).status).toBe(401);
    const missing = await t.get(`/api/v1/cases/${crypto.randomUUID()}/follow-up-times`, admin);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
  });
});

describe('when the follow-up time comes', () => {
  it('opens the case again once, runs its clocks again, and tells its assignee and followers', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'resolution', minutes: 600 }],
      pauseOn: ['pending'],
    });
    const c = await makeCase(t.db, customer.id, { assigneeId: agent.user.id, message: { body: 'Hi' } });
    await t.post(`/api/v1/cases/${c.id}/follow`, {}, colleague.token);
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'pending', followUpAt: inHours(2) }, agent.token);
    const paused = await t.get(`/api/v1/cases/${c.id}`, agent.token);
    expect(paused.body.promises.map((p: { state: string }) => p.state)).toEqual(['paused']);
    // Not yet due: nothing happens.
    while ((await openFollowUps(t.db)) > 0);
    expect((await caseRow(c.id)).status).toBe('pending');

    await makeDue(c.id);
    let opened = 0;
    for (let n = await openFollowUps(t.db); n > 0; n = await openFollowUps(t.db)) opened += n;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(await openFollowUps(t.db)).toBe(0);
    const after = await t.get(`/api/v1/cases/${c.id}`, agent.token);
    expect(after.body).toMatchObject({ status: 'open', followUpAt: null });
    expect(after.body.promises.map((p: { state: string }) => p.state)).toEqual(['active']);
    const events = await rows<{
      actor_kind: string;
      data: { reason: string; changes: Record<string, unknown> };
    }>(
      t.db,
      sql`select actor_kind, data from domain_events
        where entity_id = ${c.id} and type = 'case.updated' and data->>'reason' = 'follow_up'`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.actor_kind).toBe('system');
    expect(events[0]!.data.changes.status).toEqual({ from: 'pending', to: 'open' });

    await deliver();
    for (const person of [agent, colleague])
      expect(await kindsFor(person.token, c.id)).toContain('follow_up_due');
    expect(
      notificationSentence({ kind: 'follow_up_due', actorName: null, customerName: null, promise: null }),
    ).toBe('Time to follow up: this case is open again');
  });

  it('tells the team when nobody is assigned', async () => {
    const team = await t.post(
      '/api/v1/teams',
      { name: `Follow-ups ${Date.now()}`, memberIds: [colleague.user.id] },
      admin,
    );
    expect(team.status).toBe(201);
    const { c } = await newCase();
    await t.patch(`/api/v1/cases/${c.id}`, { teamId: team.body.id, assigneeId: null }, admin);
    await t.patch(`/api/v1/cases/${c.id}`, { status: 'on_hold', followUpAt: inHours(1) }, admin);
    await makeDue(c.id);
    while ((await openFollowUps(t.db)) > 0);
    expect((await caseRow(c.id)).status).toBe('open');
    await deliver();
    expect(await kindsFor(colleague.token, c.id)).toEqual(['follow_up_due', 'case_queued']);
  });
});

describe.runIf(usingPostgres())('follow-ups on several nodes', () => {
  it('open each due case exactly once', async () => {
    const customer = await makeCustomer(t.db);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const c = await makeCase(t.db, customer.id, { message: { body: `Case ${i}` } });
      ids.push(c.id);
    }
    await t.db.execute(sql`update cases set status = 'pending', follow_up_at = now() - interval '1 minute'
      where id = any(${sql.param(ids)}::uuid[])`);
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() =>
        openDatabase({ kind: 'postgres', url: (t.handle as { url?: string }).url!, poolSize: 2 }),
      ),
    );
    try {
      const counts = await Promise.all(
        nodes.map(async (n) => {
          let total = 0;
          for (let k = await openFollowUps(n.db, 7); k > 0; k = await openFollowUps(n.db, 7)) total += k;
          return total;
        }),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(60);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
    const [done] = await rows<{ open: number; events: number }>(
      t.db,
      sql`select
        (select count(*)::int from cases where id = any(${sql.param(ids)}::uuid[]) and status = 'open' and follow_up_at is null) as open,
        (select count(*)::int from domain_events where entity_id = any(${sql.param(ids)}::uuid[])
          and type = 'case.updated' and data->>'reason' = 'follow_up') as events`,
    );
    expect(done).toEqual({ open: 60, events: 60 });
  });
});
