import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { consumeToPresent } from '../../../../test/helpers/consumers.js';
import {
  makeCustomer,
  makeCustomerWithAgreement,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';
import { recordBreaches, recordWarnings } from '../cases/case-jobs.js';
import { skipPastDomainEvents } from '../domain-events/domain-event-consumers.js';
import { DateTime } from 'luxon';
import { deliverNotifications, pruneNotifications, sendDigests } from './notifications.service.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof makeUser>>;
let ava: Awaited<ReturnType<typeof makeUser>>;
let ben: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.db, 'admin');
  ava = await makeUser(t.db, 'agent');
  ben = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

const deliver = (db: Database = t.db) =>
  consumeToPresent(db, 'notifications', () => deliverNotifications(db));

const newCase = async (extra: Record<string, unknown> = {}, token = admin.token) => {
  const customer = await makeCustomer(t.db, { name: `Cora ${unique()}` });
  const res = await t.post(
    '/api/v1/cases',
    { subject: `Parcel ${unique()}`, customerId: customer.id, ...extra },
    token,
  );
  expect(res.status).toBe(201);
  return { ...(res.body as { id: string; number: number; subject: string }), customer };
};

const listOf = async (token: string, query = '') => {
  const res = await t.get(`/api/v1/notifications${query}`, token);
  expect(res.status).toBe(200);
  return res.body.items as {
    id: string;
    kind: string;
    case: { id: string; number: number; customerName: string | null };
    actor: { id: string; name: string } | null;
    promise: string | null;
    dueAt: string | null;
    readAt: string | null;
    excerpt: string | null;
  }[];
};
const forCase = async (token: string, caseId: string) =>
  (await listOf(token, '?limit=500')).filter((n) => n.case.id === caseId);

const mailsTo = (email: string) =>
  rows<{ subject: string; text_body: string }>(
    t.db,
    sql`select subject, text_body from mail_messages where ${email} = any(to_addresses) order by created_at, id`,
  );

describe('notifications', () => {
  it('tell an agent a case was assigned to them, by whom; not the one who assigned it', async () => {
    const c = await newCase({ assigneeId: ava.user.id });
    const mine = await newCase({ assigneeId: admin.user.id });
    await deliver();
    const got = await forCase(ava.token, c.id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      kind: 'case_assigned',
      actor: { id: admin.user.id, name: admin.user.name },
      case: { id: c.id, number: c.number, customerName: c.customer.name },
      readAt: null,
    });
    expect(await forCase(admin.token, mine.id)).toEqual([]);

    // Reassigned to Ben by Ava: Ben is told, Ava is not told of her own change.
    expect((await t.patch(`/api/v1/cases/${c.id}`, { assigneeId: ben.user.id }, ava.token)).status).toBe(200);
    await deliver();
    const bens = await forCase(ben.token, c.id);
    expect(bens.map((n) => [n.kind, n.actor?.name])).toEqual([['case_assigned', ava.user.name]]);
    expect(await forCase(ava.token, c.id)).toHaveLength(1);
  });

  it("tell a team's members of a case waiting in their queue, new or moved there", async () => {
    const [amy, bob] = [await makeUser(t.db, 'agent'), await makeUser(t.db, 'agent')];
    const queue = await t.post(
      '/api/v1/teams',
      { name: `Queue ${unique()}`, assignmentMode: 'manual', memberIds: [amy.user.id, bob.user.id] },
      admin.token,
    );
    const waiting = await newCase({ teamId: queue.body.id });
    const moved = await newCase();
    expect((await t.patch(`/api/v1/cases/${moved.id}`, { teamId: queue.body.id }, amy.token)).status).toBe(
      200,
    );
    const taken = await newCase({ teamId: queue.body.id, assigneeId: bob.user.id });
    await deliver();
    const kinds = async (token: string) =>
      (await listOf(token, '?limit=500'))
        .filter((n) => [waiting.id, moved.id, taken.id].includes(n.case.id))
        .map((n) => [n.case.id, n.kind]);
    // Amy moved `moved` there herself: not told. `taken` was assigned to Bob: not queued.
    expect(await kinds(amy.token)).toEqual([[waiting.id, 'case_queued']]);
    expect(await kinds(bob.token)).toEqual([
      [taken.id, 'case_assigned'],
      [moved.id, 'case_queued'],
      [waiting.id, 'case_queued'],
    ]);
  });

  it('tell the assignee when the customer writes or a colleague adds a note, not of their own notes', async () => {
    const c = await newCase({ assigneeId: ava.user.id });
    const customerLogin = await makeUser(t.db, 'customer', { customerId: c.customer.id });
    const long = `Where is it?\n\n   It was due   on Monday. ${'Still nothing. '.repeat(12)}`;
    const wrote = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: long, public: true },
      customerLogin.token,
    );
    expect(wrote.status).toBe(201);
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Checked the carrier', public: false }, ben.token);
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'My own note', public: false }, ava.token);
    await deliver();
    const got = await forCase(ava.token, c.id);
    expect(got.map((n) => [n.kind, n.actor?.name ?? null]).sort()).toEqual([
      ['case_assigned', admin.user.name],
      ['customer_replied', null],
      ['note_added', ben.user.name],
    ]);
    // Each says what was written: its start, on one line.
    const excerpts = Object.fromEntries(got.map((n) => [n.kind, n.excerpt]));
    expect(excerpts.case_assigned).toBeNull();
    expect(excerpts.note_added).toBe('Checked the carrier');
    expect(excerpts.customer_replied).toHaveLength(140);
    expect(excerpts.customer_replied).toMatch(/^Where is it\? It was due on Monday\. Still nothing\. .*…$/);
  });

  it('tell a team when the customer writes on its case with nobody assigned; not of notes', async () => {
    const team = await t.post(
      '/api/v1/teams',
      { name: `Returns ${unique()}`, assignmentMode: 'manual', memberIds: [ava.user.id, ben.user.id] },
      admin.token,
    );
    expect(team.status).toBe(201);
    const c = await newCase({ teamId: team.body.id });
    const customerLogin = await makeUser(t.db, 'customer', { customerId: c.customer.id });
    const write = async () => {
      const res = await t.post(
        `/api/v1/cases/${c.id}/messages`,
        { body: 'Any news?', public: true },
        customerLogin.token,
      );
      expect(res.status).toBe(201);
    };
    await write();
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Looking', public: false }, admin.token);
    await deliver();
    for (const member of [ava, ben])
      expect((await forCase(member.token, c.id)).map((n) => n.kind).sort()).toEqual([
        'case_queued',
        'customer_replied',
      ]);
    // Assigned, the next message tells the assignee only.
    expect((await t.patch(`/api/v1/cases/${c.id}`, { assigneeId: ava.user.id }, admin.token)).status).toBe(
      200,
    );
    await write();
    await deliver();
    const count = async (who: typeof ava) =>
      (await forCase(who.token, c.id)).filter((n) => n.kind === 'customer_replied').length;
    expect(await count(ava)).toBe(2);
    expect(await count(ben)).toBe(1);
  });

  it('tell colleagues named in a note (@Full Name or @address), on any case', async () => {
    const zoe = await makeUser(t.db, 'agent', { email: `zoe.k-${unique()}@example.com` });
    const name = zoe.user.name; // "agent 1a2b3c4d"
    const local = zoe.user.email.split('@')[0]!;
    const c = await newCase({ assigneeId: ava.user.id });
    const note = (body: string, token = ben.token) =>
      t.post(`/api/v1/cases/${c.id}/messages`, { body, public: false }, token);
    await note(`Can you look, @${name.toUpperCase()}? And @${ava.user.name}.`);
    await note(`Again @${local}: the label`);
    await note(`Not a mention: @${local}x, @${local}.lee, ${name}, or mail ${local}@example.com`);
    // A reply to the customer mentions nobody.
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: `@${name} hello`, public: true }, ben.token);
    await note(`@${zoe.user.name} my own note`, zoe.token);
    await deliver();
    const zoes = await forCase(zoe.token, c.id);
    expect(zoes.map((n) => [n.kind, n.actor?.name])).toEqual([
      ['mentioned', ben.user.name],
      ['mentioned', ben.user.name],
    ]);
    // Ava is the assignee and was named: one notification for that note, the mention.
    const avas = (await forCase(ava.token, c.id)).filter((n) => n.actor?.id === ben.user.id);
    expect(avas.map((n) => n.kind).sort()).toEqual(['mentioned', 'note_added', 'note_added']);
  });

  it('tell those following a case of its messages, notes and promises, until they stop', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'resolution', minutes: 600 }],
    });
    const res = await t.post(
      '/api/v1/cases',
      { subject: `Followed ${unique()}`, customerId: customer.id, assigneeId: ava.user.id },
      admin.token,
    );
    const c = res.body as { id: string };
    const lead = await makeUser(t.db, 'admin');
    const followed = await t.post(`/api/v1/cases/${c.id}/follow`, {}, lead.token);
    expect(followed.status).toBe(200);
    expect(followed.body).toEqual({
      items: [{ userId: lead.user.id, name: lead.user.name }],
      following: true,
    });
    expect((await t.post(`/api/v1/cases/${c.id}/follow`, {}, lead.token)).body.items).toHaveLength(1); // again: no change
    expect((await t.post(`/api/v1/cases/${c.id}/follow`, {}, ava.token)).status).toBe(200); // the assignee too
    expect((await t.get(`/api/v1/cases/${c.id}/followers`, ben.token)).body).toMatchObject({
      following: false,
    });

    const customerLogin = await makeUser(t.db, 'customer', { customerId: customer.id });
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Any news?', public: true }, customerLogin.token);
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Asked the depot', public: false }, ben.token);
    await t.db.execute(
      sql`update case_promises set warn_at = now() - interval '1 second' where case_id = ${c.id}`,
    );
    await recordWarnings(t.db);
    await deliver();
    const leads = (await forCase(lead.token, c.id)).map((n) => n.kind).sort();
    expect(leads).toEqual(['customer_replied', 'note_added', 'promise_warning']);
    // Ava follows her own case: still one notification per event.
    expect((await forCase(ava.token, c.id)).map((n) => n.kind).sort()).toEqual([
      'case_assigned',
      'customer_replied',
      'note_added',
      'promise_warning',
    ]);

    const stopped = await t.del(`/api/v1/cases/${c.id}/follow`, lead.token);
    expect(stopped.body.following).toBe(false);
    await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Still waiting', public: true },
      customerLogin.token,
    );
    await deliver();
    expect((await forCase(lead.token, c.id)).map((n) => n.kind).sort()).toEqual(leads);
    const [audit] = await rows<{ types: string[] }>(
      t.db,
      sql`select array_agg(type order by occurred_at, id) as types from domain_events
        where entity_id = ${lead.user.id} and type like 'user.case_%'`,
    );
    expect(audit!.types).toEqual(['user.case_followed', 'user.case_unfollowed']);
    // Unknown case; a customer may not follow.
    const none = '0190a000-0000-7000-8000-000000000000';
    expect((await t.post(`/api/v1/cases/${none}/follow`, {}, lead.token)).status).toBe(404);
    expect((await t.post(`/api/v1/cases/${c.id}/follow`, {}, customerLogin.token)).status).toBe(403);
  });

  it('follow the surviving case when the one they followed is merged into it', async () => {
    const lead = await makeUser(t.db, 'agent');
    const both = await makeUser(t.db, 'agent');
    const dup = await newCase();
    const keep = await newCase({ customerId: dup.customer.id });
    for (const token of [lead.token, both.token]) {
      expect((await t.post(`/api/v1/cases/${dup.id}/follow`, {}, token)).status).toBe(200);
    }
    expect((await t.post(`/api/v1/cases/${keep.id}/follow`, {}, both.token)).status).toBe(200);
    expect((await t.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, admin.token)).status).toBe(
      200,
    );
    const followers = await t.get(`/api/v1/cases/${keep.id}/followers`, lead.token);
    expect(followers.body.following).toBe(true);
    expect(followers.body.items.map((f: { userId: string }) => f.userId).sort()).toEqual(
      [lead.user.id, both.user.id].sort(),
    );
    expect((await t.get(`/api/v1/cases/${dup.id}/followers`, lead.token)).body).toEqual({
      items: [],
      following: false,
    });
    const [merged] = await rows<{ data: { followersMoved: number } }>(
      t.db,
      sql`select data from domain_events where type = 'case.merged_in' and entity_id = ${keep.id}`,
    );
    expect(merged!.data.followersMoved).toBe(1);
    // The lead now hears of the surviving case.
    await deliver();
    expect(
      (
        await t.post(
          `/api/v1/cases/${keep.id}/messages`,
          { body: 'Checked the depot', public: false },
          admin.token,
        )
      ).status,
    ).toBe(201);
    await deliver();
    expect((await forCase(lead.token, keep.id)).map((n) => n.kind)).toEqual(['note_added']);
  });

  it('warn the assignee of a promise due soon and missed; an unassigned case warns its team', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'first_response', minutes: 60 }],
    });
    const team = await t.post(
      '/api/v1/teams',
      { name: `Night ${unique()}`, assignmentMode: 'manual', memberIds: [ava.user.id, ben.user.id] },
      admin.token,
    );
    expect(team.status).toBe(201);
    const assigned = await t.post(
      '/api/v1/cases',
      { subject: 'Assigned', customerId: customer.id, assigneeId: ben.user.id },
      admin.token,
    );
    const queued = await t.post(
      '/api/v1/cases',
      { subject: 'In the queue', customerId: customer.id, teamId: team.body.id },
      admin.token,
    );
    const ids = [assigned.body.id as string, queued.body.id as string];
    await t.db.execute(sql`update case_promises set warn_at = now() - interval '1 second'
      where case_id = any(${sql.param(ids)}::uuid[])`);
    expect(await recordWarnings(t.db)).toBeGreaterThanOrEqual(2);
    await t.db.execute(sql`update case_promises set due_at = now() - interval '1 second'
      where case_id = any(${sql.param(ids)}::uuid[])`);
    expect(await recordBreaches(t.db)).toBeGreaterThanOrEqual(2);
    await deliver();

    const kinds = async (token: string, caseId: string) =>
      (await forCase(token, caseId))
        .filter((n) => n.kind.startsWith('promise'))
        .map((n) => [n.kind, n.promise, n.actor])
        .sort();
    const both = [
      ['promise_breached', 'first_response', null],
      ['promise_warning', 'first_response', null],
    ];
    expect(await kinds(ben.token, ids[0]!)).toEqual(both);
    expect(await kinds(ava.token, ids[0]!)).toEqual([]);
    expect(await kinds(ava.token, ids[1]!)).toEqual(both);
    expect(await kinds(ben.token, ids[1]!)).toEqual(both);
    expect(await kinds(admin.token, ids[1]!)).toEqual([]); // not a member
    const [warning] = (await forCase(ben.token, ids[0]!)).filter((n) => n.kind === 'promise_warning');
    expect(Date.parse(warning!.dueAt!)).toBeGreaterThan(Date.now() - 120_000);
  });

  it('count unread ones and mark one, a few or all read', async () => {
    const agent = await makeUser(t.db, 'agent');
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await newCase({ assigneeId: agent.user.id }));
    await deliver();
    expect((await t.get('/api/v1/notifications/unread-count', agent.token)).body).toEqual({ unread: 3 });
    const [newest] = await listOf(agent.token);
    expect(newest!.case.id).toBe(made[2]!.id); // newest first
    const one = await t.post('/api/v1/notifications/read', { ids: [newest!.id] }, agent.token);
    expect(one.body).toEqual({ marked: 1 });
    expect((await t.post('/api/v1/notifications/read', { ids: [newest!.id] }, agent.token)).body).toEqual({
      marked: 0,
    });
    expect((await listOf(agent.token, '?unread=true')).map((n) => n.case.id)).toEqual([
      made[1]!.id,
      made[0]!.id,
    ]);
    // A case's: what opening the case does in the web UI.
    expect((await t.post('/api/v1/notifications/read', { caseId: made[1]!.id }, agent.token)).body).toEqual({
      marked: 1,
    });
    expect((await t.post('/api/v1/notifications/read', { all: true }, agent.token)).body).toEqual({
      marked: 1,
    });
    expect((await t.get('/api/v1/notifications/unread-count', agent.token)).body).toEqual({ unread: 0 });
    expect((await listOf(agent.token)).every((n) => n.readAt !== null)).toBe(true);
  });

  it('page through many, newest first, without a gap or a repeat', async () => {
    const agent = await makeUser(t.db, 'agent');
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await newCase({ assigneeId: agent.user.id })).id);
    await deliver();
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res: { body: { items: { case: { id: string } }[]; nextCursor: string | null } } = await t.get(
        `/api/v1/notifications?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        agent.token,
      );
      seen.push(...res.body.items.map((n) => n.case.id));
      cursor = res.body.nextCursor;
    }
    expect(seen).toEqual([...made].reverse());
  });

  it('are e-mailed per kind as each person chooses', async () => {
    const agent = await makeUser(t.db, 'agent');
    const prefs = await t.get('/api/v1/notifications/preferences', agent.token);
    expect(prefs.body.email).toEqual({
      case_assigned: true,
      case_queued: false,
      customer_replied: true,
      note_added: false,
      mentioned: true,
      promise_warning: true,
      promise_breached: true,
      follow_up_due: true,
      side_reply: true,
    });
    const first = await newCase({ assigneeId: agent.user.id });
    await t.post(`/api/v1/cases/${first.id}/messages`, { body: 'A note', public: false }, ben.token);
    await deliver();
    const mails = await mailsTo(agent.user.email);
    expect(mails).toHaveLength(1); // the assignment; notes are not e-mailed by default
    expect(mails[0]!.subject).toBe(
      `[#${first.number}] ${admin.user.name} assigned this case to you: ${first.subject}`,
    );
    expect(mails[0]!.text_body).toContain(`/cases/${first.id}`);

    const off = await t.patch(
      '/api/v1/notifications/preferences',
      { email: { case_assigned: false, note_added: true } },
      agent.token,
    );
    expect(off.status).toBe(200);
    expect(off.body.email).toMatchObject({ case_assigned: false, note_added: true, customer_replied: true });
    const second = await newCase({ assigneeId: agent.user.id });
    await t.post(`/api/v1/cases/${second.id}/messages`, { body: 'Another note', public: false }, ben.token);
    await deliver();
    const after = await mailsTo(agent.user.email);
    expect(after.map((m) => m.subject)).toEqual([
      mails[0]!.subject,
      `[#${second.number}] ${ben.user.name} added an internal note: ${second.subject}`,
    ]);
    // In the app, all four are there whatever the e-mail setting.
    expect((await t.get('/api/v1/notifications/unread-count', agent.token)).body).toEqual({ unread: 4 });
    const [audit] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from domain_events where type = 'user.notification_preferences_updated' and entity_id = ${agent.user.id}`,
    );
    expect(audit!.n).toBe(1);
  });

  it('an admin sets up a colleague’s e-mail notifications; agents cannot; a customer’s login has none', async () => {
    const zoe = await makeUser(t.db, 'agent');
    const path = `/api/v1/users/${zoe.user.id}/notification-preferences`;
    const read = await t.get(path, admin.token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ digest: 'none', email: { note_added: false, case_assigned: true } });
    const set = await t.patch(
      path,
      { email: { note_added: true }, digest: 'daily', digestHour: 7, timeZone: 'Europe/Berlin' },
      admin.token,
    );
    expect(set.status).toBe(200);
    const own = await t.get('/api/v1/notifications/preferences', zoe.token);
    expect(own.body).toMatchObject({
      digest: 'daily',
      digestHour: 7,
      timeZone: 'Europe/Berlin',
      email: { note_added: true, case_assigned: true },
    });
    // Recorded as the admin's doing, on Zoe's record.
    const [audit] = await rows<{ actor_id: string }>(
      t.db,
      sql`select actor_id from domain_events where type = 'user.notification_preferences_updated' and entity_id = ${zoe.user.id}`,
    );
    expect(audit?.actor_id).toBe(admin.user.id);
    // Agents, even for themselves on this route; a customer's login; nobody.
    expect((await t.get(path, ben.token)).status).toBe(403);
    expect((await t.patch(path, { digest: 'none' }, ben.token)).status).toBe(403);
    expect((await t.get(`/api/v1/users/${ben.user.id}/notification-preferences`, ben.token)).status).toBe(
      403,
    );
    const customer = await makeUser(t.db, 'customer');
    const notStaff = await t.get(`/api/v1/users/${customer.user.id}/notification-preferences`, admin.token);
    expect(notStaff.status).toBe(422);
    expect(notStaff.body.error.code).toBe('not_staff');
    const nobody = await t.patch(
      `/api/v1/users/${crypto.randomUUID()}/notification-preferences`,
      { digest: 'hourly' },
      admin.token,
    );
    expect(nobody.status).toBe(404);
    // Nothing changed by the refusals.
    expect((await t.get('/api/v1/notifications/preferences', zoe.token)).body.digest).toBe('daily');
  });

  it('give a promise’s due time in the person’s own time zone', async () => {
    const agent = await makeUser(t.db, 'agent');
    const zone = await t.patch(
      '/api/v1/notifications/preferences',
      { timeZone: 'America/New_York' },
      agent.token,
    );
    expect(zone.status).toBe(200);
    const { customer } = await makeCustomerWithAgreement(t.db, {
      targets: [{ kind: 'first_response', minutes: 60 }],
    });
    const c = await t.post(
      '/api/v1/cases',
      { subject: `Zoned ${unique()}`, customerId: customer.id, assigneeId: agent.user.id },
      admin.token,
    );
    expect(c.status).toBe(201);
    const due = new Date(Date.now() + 3 * 24 * 3600_000);
    due.setUTCHours(15, 30, 0, 0);
    await t.db
      .execute(sql`update case_promises set warn_at = now() - interval '1 second', due_at = ${due.toISOString()}
      where case_id = ${c.body.id}`);
    expect(await recordWarnings(t.db)).toBeGreaterThanOrEqual(1);
    await deliver();
    const warning = (await mailsTo(agent.user.email)).find((m) => m.text_body.includes('(due '));
    const local = DateTime.fromJSDate(due).setZone('America/New_York').setLocale('en-GB');
    expect(local.toFormat('HH:mm')).not.toBe('15:30');
    expect(warning?.text_body).toContain(`(due ${local.toFormat('d LLL yyyy, HH:mm')} America/New_York).`);
  });

  it('gather e-mails in an hourly digest of what is still unread, sent once', async () => {
    const agent = await makeUser(t.db, 'agent');
    const set = await t.patch('/api/v1/notifications/preferences', { digest: 'hourly' }, agent.token);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ digest: 'hourly', digestHour: 8, timeZone: 'UTC', ownTimeZone: false });
    expect(set.body.email.case_assigned).toBe(true);

    const first = await newCase({ assigneeId: agent.user.id });
    const second = await newCase({ assigneeId: agent.user.id });
    const note = await t.post(
      `/api/v1/cases/${first.id}/messages`,
      { body: `@${agent.user.name} can you call them?`, public: false },
      ben.token,
    );
    expect(note.status).toBe(201);
    await deliver();
    expect(await mailsTo(agent.user.email)).toEqual([]);
    const due = await rows<{ at: Date }>(
      t.db,
      sql`select distinct mail_due_at as at from notifications where user_id = ${agent.user.id}`,
    );
    expect(due).toHaveLength(1);
    const at = new Date(due[0]!.at).getTime();
    expect(at % 3_600_000).toBe(0); // the top of an hour…
    expect(at - Date.now()).toBeGreaterThan(0); // …the next one
    expect(at - Date.now()).toBeLessThanOrEqual(3_600_000);

    // Not due yet: nothing goes.
    expect(await sendDigests(t.db)).toBe(0);
    // The second case is read in the app meanwhile: the digest leaves it out.
    await t.post('/api/v1/notifications/read', { caseId: second.id }, agent.token);
    await t.db.execute(
      sql`update notifications set mail_due_at = now() - interval '1 second' where user_id = ${agent.user.id}`,
    );
    expect(await sendDigests(t.db)).toBeGreaterThanOrEqual(1);
    const mails = await mailsTo(agent.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Steward: 2 notifications on 1 case');
    const text = mails[0]!.text_body;
    expect(text).toContain('Still unread (times in UTC)');
    expect(text).toContain(`#${first.number} ${first.subject}`);
    expect(text).toContain(`${admin.user.name} assigned this case to you`);
    expect(text).toContain(`${ben.user.name} mentioned you in a note`);
    expect(text).toContain(`/cases/${first.id}`);
    expect(text).not.toContain(second.subject);
    // Sent once: nothing waits any more.
    expect(await sendDigests(t.db)).toBe(0);
    expect(await mailsTo(agent.user.email)).toHaveLength(1);
    const [waiting] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from notifications where user_id = ${agent.user.id} and mail_due_at is not null`,
    );
    expect(waiting!.n).toBe(0);
  });

  it('send a daily digest at its hour in the chosen zone; back to each at once, what waits goes now', async () => {
    const agent = await makeUser(t.db, 'agent');
    const set = await t.patch(
      '/api/v1/notifications/preferences',
      { digest: 'daily', digestHour: 7, timeZone: 'America/New_York' },
      agent.token,
    );
    expect(set.body).toMatchObject({ digest: 'daily', digestHour: 7, timeZone: 'America/New_York' });
    const c = await newCase({ assigneeId: agent.user.id });
    await deliver();
    const now = DateTime.now().setZone('America/New_York');
    let expected = now.startOf('day').set({ hour: 7 });
    if (expected <= now) expected = expected.plus({ days: 1 });
    const [due] = await rows<{ at: Date }>(
      t.db,
      sql`select mail_due_at as at from notifications where user_id = ${agent.user.id}`,
    );
    expect(new Date(due!.at).toISOString()).toBe(expected.toUTC().toISO({ suppressMilliseconds: false }));
    expect(await mailsTo(agent.user.email)).toEqual([]);
    // Another hour: the waiting one moves to it (two hours on: today's, unless that is past midnight).
    const hour = (now.hour + 2) % 24;
    await t.patch('/api/v1/notifications/preferences', { digestHour: hour }, agent.token);
    let again = now.startOf('day').set({ hour });
    if (again <= now) again = again.plus({ days: 1 });
    const [moved2] = await rows<{ at: Date }>(
      t.db,
      sql`select mail_due_at as at from notifications where user_id = ${agent.user.id}`,
    );
    expect(new Date(moved2!.at).toISOString()).toBe(again.toUTC().toISO({ suppressMilliseconds: false }));

    // Hourly instead: the waiting one moves to the next hour.
    await t.patch('/api/v1/notifications/preferences', { digest: 'hourly' }, agent.token);
    const [moved] = await rows<{ at: Date }>(
      t.db,
      sql`select mail_due_at as at from notifications where user_id = ${agent.user.id}`,
    );
    expect(new Date(moved!.at).getTime() % 3_600_000).toBe(0);
    expect(new Date(moved!.at).getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);

    // Each at once again: what waited goes in the next run, and new ones at once.
    await t.patch('/api/v1/notifications/preferences', { digest: 'none' }, agent.token);
    expect(await sendDigests(t.db)).toBeGreaterThanOrEqual(1);
    const later = await newCase({ assigneeId: agent.user.id });
    await deliver();
    expect((await mailsTo(agent.user.email)).map((m) => m.subject)).toEqual([
      'Steward: 1 notification on 1 case',
      `[#${later.number}] ${admin.user.name} assigned this case to you: ${later.subject}`,
    ]);
    expect((await mailsTo(agent.user.email))[0]!.text_body).toContain(`#${c.number} ${c.subject}`);
    expect((await mailsTo(agent.user.email))[0]!.text_body).toContain('times in America/New_York');
  });

  it('follow the company’s time zone until the person chooses their own, and again after', async () => {
    const path = '/api/v1/notifications/preferences';
    const agent = await makeUser(t.db, 'agent');
    const own = await makeUser(t.db, 'agent');
    expect((await t.patch(path, { timeZone: 'America/New_York' }, own.token)).body).toMatchObject({
      timeZone: 'America/New_York',
      ownTimeZone: true,
    });
    // A digest chosen, no zone: the company's, and none is set (UTC).
    const set = await t.patch(path, { digest: 'daily', digestHour: 7 }, agent.token);
    expect(set.body).toMatchObject({ digest: 'daily', digestHour: 7, timeZone: 'UTC', ownTimeZone: false });
    const c = await newCase({ assigneeId: agent.user.id });
    await deliver();
    const dueAt = async () => {
      const [due] = await rows<{ at: Date }>(
        t.db,
        sql`select mail_due_at as at from notifications where user_id = ${agent.user.id}`,
      );
      return new Date(due!.at).toISOString();
    };
    const nextSeven = (zone: string) => {
      const now = DateTime.now().setZone(zone);
      const at = now.startOf('day').set({ hour: 7 });
      return (at <= now ? at.plus({ days: 1 }) : at).toUTC().toISO({ suppressMilliseconds: false });
    };
    expect(await dueAt()).toBe(nextSeven('UTC'));
    try {
      const company = await t.patch('/api/v1/settings', { timeZone: 'Asia/Tokyo' }, admin.token);
      expect(company.status).toBe(200);
      // The digest waiting moves to 07:00 in the company's zone; a zone of one's own wins.
      expect(await dueAt()).toBe(nextSeven('Asia/Tokyo'));
      expect((await t.get(path, agent.token)).body).toMatchObject({
        timeZone: 'Asia/Tokyo',
        ownTimeZone: false,
      });
      expect((await t.get(path, own.token)).body).toMatchObject({
        timeZone: 'America/New_York',
        ownTimeZone: true,
      });
      await t.db.execute(
        sql`update notifications set mail_due_at = now() - interval '1 second' where user_id = ${agent.user.id}`,
      );
      expect(await sendDigests(t.db)).toBeGreaterThanOrEqual(1);
      const [digest] = await mailsTo(agent.user.email);
      expect(digest!.text_body).toContain('Still unread (times in Asia/Tokyo)');
      expect(digest!.text_body).toContain(`#${c.number} ${c.subject}`);
      // Giving one's own zone up (null): the company's again.
      const back = await t.patch(path, { timeZone: null }, own.token);
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ timeZone: 'Asia/Tokyo', ownTimeZone: false });
    } finally {
      await t.patch('/api/v1/settings', { timeZone: null }, admin.token);
    }
    expect((await t.get(path, agent.token)).body).toMatchObject({ timeZone: 'UTC', ownTimeZone: false });
  });

  it('refuse a digest setting that is not one, and change nothing', async () => {
    const agent = await makeUser(t.db, 'agent');
    const before = (await t.get('/api/v1/notifications/preferences', agent.token)).body;
    for (const [body, path] of [
      [{ digest: 'weekly' }, 'body.digest'],
      [{ digestHour: 24 }, 'body.digestHour'],
      [{ digestHour: 7.5 }, 'body.digestHour'],
      [{ timeZone: 'Mars/Olympus' }, 'body.timeZone'],
      [{ digest: 'daily', timeZone: 'Atlantis/Capital' }, 'body.timeZone'],
      // The browser takes any case; the database names zones exactly (its own check refuses it).
      [{ timeZone: 'europe/berlin' }, 'body.timeZone'],
    ] as const) {
      const res = await t.patch('/api/v1/notifications/preferences', body, agent.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await t.get('/api/v1/notifications/preferences', agent.token)).body).toEqual(before);
  });

  it.runIf(usingPostgres())('two nodes sending digests at once send each one once', async () => {
    const agents = await Promise.all([1, 2, 3].map(() => makeUser(t.db, 'agent')));
    for (const a of agents) {
      await t.patch('/api/v1/notifications/preferences', { digest: 'hourly' }, a.token);
      for (let i = 0; i < 3; i++) await newCase({ assigneeId: a.user.id });
    }
    await deliver();
    await t.db.execute(sql`update notifications set mail_due_at = now() where mail_due_at is not null`);
    const url = (t.handle as { url?: string }).url!;
    const nodes = await Promise.all([1, 2].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })));
    try {
      await Promise.all(nodes.map((n) => sendDigests(n.db, 1)));
      await Promise.all(nodes.map((n) => sendDigests(n.db)));
      for (const a of agents) {
        const mails = await mailsTo(a.user.email);
        expect(mails.map((m) => m.subject)).toEqual(['Steward: 3 notifications on 3 cases']);
      }
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it('skip people who cannot act: deactivated agents, customers, deleted cases', async () => {
    const gone = await makeUser(t.db, 'agent');
    const c = await newCase({ assigneeId: gone.user.id });
    expect((await t.patch(`/api/v1/users/${gone.user.id}`, { active: false }, admin.token)).status).toBe(200);
    await deliver();
    const [n] = await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from notifications where case_id = ${c.id}`,
    );
    expect(n!.n).toBe(0);
  });

  it("are each person's own: nobody reads or marks another's, customers have none", async () => {
    const c = await newCase({ assigneeId: ava.user.id });
    await deliver();
    const [avas] = await forCase(ava.token, c.id);
    expect(avas).toBeDefined();
    expect(await forCase(ben.token, c.id)).toEqual([]);
    // Ben marking Ava's notification changes nothing.
    expect((await t.post('/api/v1/notifications/read', { ids: [avas!.id] }, ben.token)).body).toEqual({
      marked: 0,
    });
    expect((await forCase(ava.token, c.id))[0]!.readAt).toBeNull();
    const customer = await makeUser(t.db, 'customer');
    for (const [method, path, body] of [
      ['GET', '/api/v1/notifications', undefined],
      ['GET', '/api/v1/notifications/unread-count', undefined],
      ['POST', '/api/v1/notifications/read', { all: true }],
      ['GET', '/api/v1/notifications/preferences', undefined],
      ['PATCH', '/api/v1/notifications/preferences', { email: { case_assigned: false } }],
    ] as const) {
      const res = await t.request(method, path, { token: customer.token, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await t.request(method, path, { body })).status).toBe(401);
    }
  });

  it('refuse bad input with a 400 and change nothing', async () => {
    for (const body of [
      {},
      { ids: [] },
      { ids: ['nope'] },
      { all: false },
      { all: true, ids: [] },
      { caseId: 'nope' },
      { caseId: ava.user.id, all: true },
    ]) {
      const res = await t.post('/api/v1/notifications/read', body, ava.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    const before = (await t.get('/api/v1/notifications/preferences', ava.token)).body;
    for (const body of [{ email: { bogus: true } }, { email: { case_assigned: 'yes' } }, {}]) {
      const res = await t.patch('/api/v1/notifications/preferences', body, ava.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.get('/api/v1/notifications/preferences', ava.token)).body).toEqual(before);
    expect((await t.get('/api/v1/notifications?unread=maybe', ava.token)).status).toBe(400);
  });

  it('are kept 90 days, read or not', async () => {
    const agent = await makeUser(t.db, 'agent');
    const old = await newCase({ assigneeId: agent.user.id });
    const recent = await newCase({ assigneeId: agent.user.id });
    await deliver();
    await t.db.execute(
      sql`update notifications set created_at = now() - interval '91 days' where case_id = ${old.id}`,
    );
    await t.db.execute(
      sql`update notifications set created_at = now() - interval '89 days' where case_id = ${recent.id}`,
    );
    expect(await pruneNotifications(t.db)).toBeGreaterThanOrEqual(1);
    expect((await listOf(agent.token)).map((n) => n.case.id)).toEqual([recent.id]);
  });

  it('are made once per event, however often and in however small batches the consumer runs', async () => {
    const agent = await makeUser(t.db, 'agent');
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await newCase({ assigneeId: agent.user.id }));
    // Batches of two: the cursor stops after each batch's last event and goes on from there.
    for (let i = 0; i < 20; i++) await deliverNotifications(t.db, 2);
    await deliver();
    await deliver();
    const [n] = await rows<{ n: number; cases: number }>(
      t.db,
      sql`select count(*)::int as n, count(distinct case_id)::int as cases from notifications where user_id = ${agent.user.id}`,
    );
    expect(n).toEqual({ n: 5, cases: 5 });
  });

  it('skipping the past moves a cursor forward, never back', async () => {
    const cursor = async () =>
      (
        await rows<{ tx: string; id: string }>(
          t.db,
          sql`select tx::text, id::text from domain_event_cursors where consumer = 'notifications'`,
        )
      )[0]!;
    await deliver();
    const was = await cursor();
    // A cursor mid-transaction (ahead of the horizon) keeps its place, id included.
    const ahead = { tx: String(BigInt(was.tx) + 1_000_000n), id: '01900000-0000-7000-8000-000000000001' };
    await t.db.execute(
      sql`update domain_event_cursors set tx = ${ahead.tx}::xid8, id = ${ahead.id}::uuid where consumer = 'notifications'`,
    );
    await skipPastDomainEvents(t.db, 'notifications');
    expect(await cursor()).toEqual(ahead);
    // Behind the present, it jumps there.
    await t.db.execute(
      sql`update domain_event_cursors set tx = ${was.tx}::xid8, id = ${ahead.id}::uuid where consumer = 'notifications'`,
    );
    await newCase();
    // (On PostgreSQL another test file's open transaction can hold the present back a moment.)
    let now = was;
    for (let i = 0; i < 200 && now.tx === was.tx; i++) {
      await skipPastDomainEvents(t.db, 'notifications');
      now = await cursor();
      if (now.tx === was.tx) await new Promise((r) => setTimeout(r, 50));
    }
    expect(BigInt(now.tx)).toBeGreaterThan(BigInt(was.tx));
    expect(now.id).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('an idle consumer writes nothing: its cursor row is not locked or changed', async () => {
    await newCase();
    await deliver();
    // The row's version (xmin) and its last locker or deleter (xmax): a write or a FOR UPDATE
    // changes one of them, and takes a transaction id.
    const version = async () =>
      (
        await rows<{ xmin: string; xmax: string; tx: string }>(
          t.db,
          sql`select xmin::text, xmax::text, tx::text from domain_event_cursors where consumer = 'notifications'`,
        )
      )[0]!;
    const before = await version();
    for (let i = 0; i < 3; i++) {
      expect(await deliverNotifications(t.db)).toBe(0);
      await skipPastDomainEvents(t.db, 'notifications');
    }
    expect(await version()).toEqual(before);
    // Something new: it moves again, and what it reads is handed on.
    await newCase();
    await deliver();
    expect(BigInt((await version()).tx)).toBeGreaterThan(BigInt(before.tx));
  });
});

describe.runIf(usingPostgres())('notifications on several nodes', () => {
  it('an event committed after later ones is not skipped', async () => {
    const url = (t.handle as { url?: string }).url!;
    const other = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
    try {
      const early = await newCase();
      const late = await newCase();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const inTx = new Promise<void>((r) => (started = r));
      // A transaction assigns `early` and stays open while `late` is assigned and committed.
      const slow = other.db.transaction(async (tx) => {
        await tx.execute(sql`update cases set assignee_id = ${ava.user.id} where id = ${early.id}`);
        await tx.execute(sql`insert into domain_events (id, type, entity_type, entity_id, actor_kind, data)
          values (gen_random_uuid(), 'case.updated', 'case', ${early.id}, 'system',
            jsonb_build_object('changes', jsonb_build_object('assigneeId', jsonb_build_object('from', null, 'to', ${ava.user.id}::text))))`);
        started();
        await held;
      });
      await inTx;
      try {
        const patched = await t.patch(`/api/v1/cases/${late.id}`, { assigneeId: ava.user.id }, admin.token);
        expect(patched.status).toBe(200);
        // The consumer runs while the early transaction is open: it must not pass it.
        for (let i = 0; i < 3; i++) await deliverNotifications(t.db);
        expect([...(await forCase(ava.token, late.id)), ...(await forCase(ava.token, early.id))]).toEqual([]);
      } finally {
        release();
        await slow;
      }
      await deliver();
      expect((await forCase(ava.token, early.id)).map((n) => n.kind)).toEqual(['case_assigned']);
      expect((await forCase(ava.token, late.id)).map((n) => n.kind)).toEqual(['case_assigned']);
    } finally {
      await other.close();
    }
  });

  it('four nodes consuming at once make each notification once', async () => {
    const agent = await makeUser(t.db, 'agent');
    const customer = await makeCustomer(t.db);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const c = await t.post('/api/v1/cases', { subject: `Bulk ${i}`, customerId: customer.id }, admin.token);
      ids.push(c.body.id as string);
    }
    const bulk = await t.post('/api/v1/cases/bulk', { ids, set: { assigneeId: agent.user.id } }, admin.token);
    expect(bulk.status).toBe(200);
    const url = (t.handle as { url?: string }).url!;
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(() => openDatabase({ kind: 'postgres', url, poolSize: 2 })),
    );
    try {
      await Promise.all(
        nodes.map(async (n) => {
          for (let i = 0; i < 30; i++) await deliverNotifications(n.db, 7);
        }),
      );
      await deliver();
      const [n] = await rows<{ n: number; cases: number }>(
        t.db,
        sql`select count(*)::int as n, count(distinct case_id)::int as cases from notifications where user_id = ${agent.user.id}`,
      );
      expect(n).toEqual({ n: 60, cases: 60 });
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});
