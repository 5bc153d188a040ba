// Editing a case while others do: tags added or removed on the case as it is (never an edit
// conflict), the whole list with If-Match, and a version step (updatedAt a millisecond on at least)
// for every writer of a case, so two changes never share a version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeOrganization, makeUser } from '../../../../test/helpers/factories.js';
import { rows } from '../../../db/client.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { closeSolvedCases } from './case-jobs.js';
import { reassignCasesOfAwayAgent } from './reassign.js';

let t: TestApp;
let admin: string;
let agent: { token: string; user: { id: string } };
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = await makeUser(t.db, 'agent');
});
afterAll(() => t?.close());

const patch = (id: string, body: unknown, ifMatch?: string) =>
  t.request('PATCH', `/api/v1/cases/${id}`, {
    body,
    token: agent.token,
    ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
  });
const read = async (id: string) => (await t.get(`/api/v1/cases/${id}`, agent.token)).body;

describe('tags on PATCH /cases/:id', () => {
  it('addTags and removeTags change the list as it is, without If-Match, after a message too', async () => {
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { tags: ['vip'] });
    const onScreen = await read(c.id);
    // The customer writes, a colleague tags: the copy on screen is two versions old.
    const said = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Any news?', public: true, from: 'customer' },
      agent.token,
    );
    expect(said.status).toBe(201);
    expect((await patch(c.id, { addTags: ['billing'] })).status).toBe(200);
    expect((await read(c.id)).updatedAt).not.toBe(onScreen.updatedAt);

    // Tags are read as everywhere (trimmed, lower case, once), added, then removed.
    const added = await patch(c.id, { addTags: ['  Refund ', 'refund', 'vip'], removeTags: ['billing'] });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.tags).toEqual(['vip', 'refund']);
    // Removing one that is not there, or adding one that is: nothing to write, no event.
    const same = await patch(c.id, { addTags: ['vip'], removeTags: ['nosuch'] });
    expect(same.status).toBe(200);
    expect(same.body.updatedAt).toBe(added.body.updatedAt);
    const events = await rows<{ data: { changes: { tags?: unknown } } }>(
      t.db,
      sql`select data from domain_events where entity_id = ${c.id} and type = 'case.updated' order by id`,
    );
    expect(events.map((e) => e.data.changes.tags)).toEqual([
      { from: ['vip'], to: ['vip', 'billing'] },
      { from: ['vip', 'billing'], to: ['vip', 'refund'] },
    ]);

    // The whole list made on the stale copy still asks first; sent on the current one it passes.
    const stale = await patch(c.id, { tags: ['vip'] }, onScreen.updatedAt);
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('edit_conflict');
    expect((await read(c.id)).tags).toEqual(['vip', 'refund']);
    const current = await patch(c.id, { tags: ['vip'] }, added.body.updatedAt);
    expect(current.status).toBe(200);
    expect(current.body.tags).toEqual(['vip']);
  });

  it.each([
    [{ tags: ['a'], addTags: ['b'] }, 'body.addTags'],
    [{ tags: ['a'], removeTags: ['b'] }, 'body.removeTags'],
    [{ tags: [], addTags: [], removeTags: [] }, 'body.addTags'],
    [{ addTags: ['Not A Tag!'] }, 'body.addTags.0'],
    [{ removeTags: 'vip' }, 'body.removeTags'],
  ])('%j is 400 validation_error naming %s, and writes nothing', async (body, path) => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id, { tags: ['keep'] });
    const res = await patch(c.id, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message.startsWith(`${path}: `), res.body.error.message).toBe(true);
    const after = await read(c.id);
    expect([after.tags, after.updatedAt]).toEqual([['keep'], c.updatedAt]);
  });

  it('adding past 50 tags is 422 too_many_tags; removing from a full list is fine', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id, { tags: fifty });
    const over = await patch(c.id, { addTags: ['one-more'] });
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('too_many_tags');
    expect((await read(c.id)).tags).toEqual(fifty);
    const swapped = await patch(c.id, { addTags: ['one-more'], removeTags: ['t0'] });
    expect(swapped.status).toBe(200);
    expect(swapped.body.tags).toHaveLength(50);
  });

  it('a bulk change past 50 tags names the field where the bulk body has it, and the case', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `t${i}`);
    const customer = await makeCustomer(t.db);
    const roomy = await makeCase(t.db, customer.id);
    const full = await makeCase(t.db, customer.id, { tags: fifty });
    const single = await patch(full.id, { addTags: ['one-more'] });
    const bulk = await t.post(
      '/api/v1/cases/bulk',
      { ids: [roomy.id, full.id], set: { addTags: ['one-more'] } },
      agent.token,
    );
    expect(bulk.status).toBe(422);
    expect(bulk.body.error.code).toBe('too_many_tags');
    expect(bulk.body.error.details).toEqual([{ path: 'body.set.addTags', message: 'at most 50 tags' }]);
    expect(single.body.error.details).toEqual([{ path: 'body.addTags', message: 'at most 50 tags' }]);
    expect(bulk.body.error.message).toBe(`body.set.addTags: case ${full.id}: a case has at most 50 tags`);
    // All or nothing: the case with room was not tagged either.
    expect([(await read(roomy.id)).tags, (await read(full.id)).tags]).toEqual([[], fifty]);
    // A refusal without a field still names the case.
    const closed = await makeCase(t.db, customer.id, { status: 'closed' });
    const refused = await t.post(
      '/api/v1/cases/bulk',
      { ids: [closed.id], set: { priority: 'low' } },
      agent.token,
    );
    expect([refused.status, refused.body.error.code]).toEqual([409, 'case_closed']);
    expect(refused.body.error.message.startsWith(`case ${closed.id}: `)).toBe(true);
  });

  it('customers may not change tags', async () => {
    const customer = await makeCustomer(t.db);
    const login = await makeUser(t.db, 'customer', { customerId: customer.id });
    const c = await makeCase(t.db, customer.id);
    const res = await t.patch(`/api/v1/cases/${c.id}`, { addTags: ['mine'] }, login.token);
    expect(res.status).toBe(403);
    expect((await read(c.id)).tags).toEqual([]);
  });
});

describe('a case’s version', () => {
  /** The case's version, moved into the future: a writer that only sets "now" would go back. */
  async function aheadOfTheClock(id: string) {
    const ahead = new Date(Date.now() + 3_600_000);
    await t.db.execute(
      sql`update cases set updated_at = ${ahead.toISOString()}::timestamptz where id = ${id}`,
    );
    return ahead.getTime();
  }
  const versionOf = async (id: string) => {
    const [c] = await rows<{ at: Date | string }>(
      t.db,
      sql`select updated_at as at from cases where id = ${id}`,
    );
    return new Date(c!.at).getTime();
  };

  it('steps at least a millisecond with every writer, even when the clock says otherwise', async () => {
    const customer = await makeCustomer(t.db);
    /** What changes the case, after what sets it up (the version is moved ahead in between). */
    const writers: [string, (id: string) => Promise<unknown>, ((id: string) => Promise<unknown>)?][] = [
      ['a save', (id) => patch(id, { priority: 'high' })],
      ['a tag added', (id) => patch(id, { addTags: ['stepped'] })],
      [
        'a reply',
        (id) => t.post(`/api/v1/cases/${id}/messages`, { body: 'On it', public: true }, agent.token),
      ],
      [
        'a customer message',
        (id) =>
          t.post(
            `/api/v1/cases/${id}/messages`,
            { body: 'Thanks', public: true, from: 'customer' },
            agent.token,
          ),
      ],
      [
        'the assignee going away',
        (_id) => t.db.transaction((tx) => reassignCasesOfAwayAgent(tx, SYSTEM_ACTOR, agent.user.id)),
        (id) => patch(id, { assigneeId: agent.user.id }),
      ],
      ['a delete', (id) => t.del(`/api/v1/cases/${id}`, admin)],
      [
        'a restore',
        (id) => t.post(`/api/v1/cases/${id}/restore`, {}, admin),
        (id) => t.del(`/api/v1/cases/${id}`, admin),
      ],
      [
        'the auto-close',
        () => closeSolvedCases(t.db),
        (id) =>
          t.db.execute(
            sql`update cases set status = 'solved', solved_at = now() - interval '1000 hours' where id = ${id}`,
          ),
      ],
    ];
    for (const [what, write, prepare] of writers) {
      const c = await makeCase(t.db, customer.id);
      await prepare?.(c.id);
      const ahead = await aheadOfTheClock(c.id);
      await write(c.id);
      // Past the version it had, not "now".
      expect(await versionOf(c.id), what).toBeGreaterThan(ahead);
    }

    // A merge moves both cases on.
    const keep = await makeCase(t.db, customer.id);
    const dup = await makeCase(t.db, customer.id);
    const [keepAhead, dupAhead] = [await aheadOfTheClock(keep.id), await aheadOfTheClock(dup.id)];
    expect((await t.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, agent.token)).status).toBe(
      200,
    );
    expect(await versionOf(keep.id)).toBeGreaterThan(keepAhead);
    expect(await versionOf(dup.id)).toBeGreaterThan(dupAhead);
  });

  it('a change that shows on the case makes a copy read before it stale (412): merges of the case, its customer, its organization', async () => {
    /** A save of the copy read before `change`, with If-Match: refused, and the case as it was after. */
    const staleAfter = async (id: string, change: () => Promise<{ status: number }>) => {
      const before = (await read(id)).updatedAt;
      expect((await change()).status).toBe(200);
      const stale = await patch(id, { subject: 'Edited on an old copy' }, `"${before}"`);
      expect([stale.status, stale.body.error.code]).toEqual([412, 'edit_conflict']);
      const after = await read(id);
      expect(after.subject).not.toBe('Edited on an old copy');
      expect(after.updatedAt).not.toBe(before);
      return after;
    };
    const customer = await makeCustomer(t.db);
    const keep = await makeCase(t.db, customer.id);
    const dup = await makeCase(t.db, customer.id);
    // A case merged into it: its messages show there now.
    await staleAfter(keep.id, () =>
      t.post(`/api/v1/cases/${dup.id}/merge`, { intoId: keep.id }, agent.token),
    );

    // Its customer merged into another: the case shows the survivor (and their organization).
    const org = await makeOrganization(t.db);
    const survivor = await makeCustomer(t.db, { organizationId: org.id });
    const theirs = await makeCase(t.db, customer.id);
    const merged = await staleAfter(theirs.id, () =>
      t.post(`/api/v1/customers/${customer.id}/merge`, { intoId: survivor.id }, admin),
    );
    expect([merged.customerId, merged.organizationId]).toEqual([survivor.id, org.id]);

    // Its organization merged into another.
    const into = await makeOrganization(t.db);
    const moved = await staleAfter(theirs.id, () =>
      t.post(`/api/v1/organizations/${org.id}/merge`, { intoId: into.id }, admin),
    );
    expect(moved.organizationId).toBe(into.id);
  });

  it('an internal note alone moves the case on: the queue’s Updated, and a copy read before it is stale', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    const before = (await read(c.id)).updatedAt;
    const note = await t.post(
      `/api/v1/cases/${c.id}/messages`,
      { body: 'Called the carrier', public: false },
      agent.token,
    );
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const after = (await read(c.id)).updatedAt;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    const stale = await patch(c.id, { subject: 'Edited on an old copy' }, `"${before}"`);
    expect([stale.status, stale.body.error.code]).toEqual([412, 'edit_conflict']);
  });

  it('a message that changes the case’s status steps its version once, and a copy read before is stale', async () => {
    const customer = await makeCustomer(t.db);
    const message = (id: string, body: Record<string, unknown>) =>
      t.post(`/api/v1/cases/${id}/messages`, { body: 'On it', public: true, ...body }, agent.token);
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000).toISOString();
    /** What the message is, the status the case is put in first, the message, the status after. */
    const steps: [string, string | null, Record<string, unknown>, string][] = [
      ['a reply that opens a new case', null, {}, 'open'],
      ['a reply that sets it pending', 'open', { status: 'pending' }, 'pending'],
      ['a reply that sets a follow-up', 'open', { status: 'pending', followUpAt: inThreeDays }, 'pending'],
      ['a reply that keeps the status', 'open', {}, 'open'],
      ['a note that puts it on hold', 'open', { public: false, status: 'on_hold' }, 'on_hold'],
      ['the customer writing back', 'pending', { from: 'customer' }, 'open'],
      ['the customer reopening it', 'solved', { from: 'customer' }, 'open'],
    ];
    for (const [what, first, body, status] of steps) {
      const c = await makeCase(t.db, customer.id);
      if (first) expect((await patch(c.id, { status: first })).status, what).toBe(200);
      const copy = (await read(c.id)).updatedAt;
      const ahead = await aheadOfTheClock(c.id);
      const res = await message(c.id, body);
      expect(res.status, what).toBe(201);
      const after = await read(c.id);
      expect(after.status, what).toBe(status);
      // One step past the version it had: the message and its change of status are one change.
      expect(Date.parse(after.updatedAt), what).toBe(ahead + 1);
      const stale = await patch(c.id, { subject: 'Edited on an old copy' }, `"${copy}"`);
      expect([stale.status, stale.body.error.code], what).toEqual([412, 'edit_conflict']);
    }
  });

  it('a message and a save one after the other are two versions, in order', async () => {
    const c = await makeCase(t.db, (await makeCustomer(t.db)).id);
    const versions = [c.updatedAt];
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Hello', public: true }, agent.token);
    versions.push((await read(c.id)).updatedAt);
    versions.push((await patch(c.id, { priority: 'low' })).body.updatedAt);
    const times = versions.map((v) => Date.parse(v));
    expect(new Set(versions).size).toBe(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
