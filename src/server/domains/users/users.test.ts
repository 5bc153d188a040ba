import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { sql } from 'drizzle-orm';
import { rows } from '../../../db/client.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { mailSettings } from '../mail/outbox.js';

let t: TestApp;
let admin: { token: string; user: { id: string } };
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.db, 'admin');
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

describe('users', () => {
  it('admins create staff who can then sign in', async () => {
    const email = `new-agent-${unique()}@example.com`;
    const res = await t.post(
      '/api/v1/users',
      { email, name: 'New Agent', role: 'agent', password: 'long enough pw' },
      admin.token,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email, role: 'agent', active: true, customerId: null });
    expect(JSON.stringify(res.body)).not.toContain('password');
    expect((await t.post('/api/v1/auth/login', { email, password: 'long enough pw' })).status).toBe(200);
    const dup = await t.post(
      '/api/v1/users',
      { email: email.toUpperCase(), name: 'Again', role: 'agent' },
      admin.token,
    );
    expect(dup.status).toBe(409);
  });

  it('an agent cannot call admin routes', async () => {
    expect((await t.get('/api/v1/users', agent)).status).toBe(403);
    const res = await t.post(
      '/api/v1/users',
      { email: `x-${unique()}@example.com`, name: 'X', role: 'admin' },
      agent,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await t.post('/api/v1/imports/customers', undefined, agent)).status).toBe(403);
  });

  it('customer logins need a customer record, staff logins must not have one', async () => {
    const noCustomer = await t.post(
      '/api/v1/users',
      { email: `c-${unique()}@example.com`, name: 'C', role: 'customer' },
      admin.token,
    );
    expect(noCustomer.status).toBe(422);
    const c = await makeCustomer(t.db);
    const staffWith = await t.post(
      '/api/v1/users',
      { email: `s-${unique()}@example.com`, name: 'S', role: 'agent', customerId: c.id },
      admin.token,
    );
    expect(staffWith.status).toBe(422);
    const ok = await t.post(
      '/api/v1/users',
      { email: c.email, name: c.name, role: 'customer', customerId: c.id },
      admin.token,
    );
    expect(ok.status).toBe(201);
    const roleChange = await t.patch(`/api/v1/users/${ok.body.id}`, { role: 'agent' }, admin.token);
    expect(roleChange.status).toBe(422);
  });

  it('admins cannot lock themselves out', async () => {
    expect((await t.patch(`/api/v1/users/${admin.user.id}`, { active: false }, admin.token)).status).toBe(
      409,
    );
    expect((await t.patch(`/api/v1/users/${admin.user.id}`, { role: 'agent' }, admin.token)).status).toBe(
      409,
    );
    expect((await t.del(`/api/v1/users/${admin.user.id}`, admin.token)).status).toBe(409);
    // Their id in capitals is still their own (PostgreSQL finds the same row).
    const shouted = admin.user.id.toUpperCase();
    expect((await t.patch(`/api/v1/users/${shouted}`, { active: false }, admin.token)).status).toBe(409);
    expect((await t.del(`/api/v1/users/${shouted}`, admin.token)).status).toBe(409);
    expect((await t.get('/api/v1/auth/me', admin.token)).status).toBe(200);
  });

  it('deleting a user ends their sessions and lists no more', async () => {
    const victim = await makeUser(t.db, 'agent');
    expect((await t.del(`/api/v1/users/${victim.user.id}`, admin.token)).status).toBe(204);
    expect((await t.get('/api/v1/auth/me', victim.token)).status).toBe(401);
    const list = await t.get('/api/v1/users?role=agent', admin.token);
    expect(list.body.items.map((u: { id: string }) => u.id)).not.toContain(victim.user.id);
  });
});

describe('when each login was last active', () => {
  it('lists the latest session use (or sign-in), null for a login never used, API tokens aside', async () => {
    const email = `quiet-${unique()}@example.com`;
    const quiet = await t.post(
      '/api/v1/users',
      { email, name: 'Quiet', role: 'agent', password: 'long enough pw' },
      admin.token,
    );
    const busyEmail = `busy-${unique()}@example.com`;
    const busy = await t.post(
      '/api/v1/users',
      { email: busyEmail, name: 'Busy', role: 'agent', password: 'long enough pw' },
      admin.token,
    );
    // The quiet one only has an API token: that is an integration, not someone signing in.
    await t.post('/api/v1/auth/tokens', { name: 'erp', userId: quiet.body.id }, admin.token);
    const before = Date.now();
    const signedIn = await t.post('/api/v1/auth/login', { email: busyEmail, password: 'long enough pw' });
    expect((await t.get('/api/v1/auth/me', signedIn.body.token)).status).toBe(200);

    const list = await t.get('/api/v1/users?role=agent', admin.token);
    expect(list.status).toBe(200);
    const byId = new Map(
      list.body.items.map((u: { id: string; lastActiveAt: string | null }) => [u.id, u.lastActiveAt]),
    );
    expect(byId.get(quiet.body.id)).toBeNull();
    const last = Date.parse(byId.get(busy.body.id) as string);
    expect(last).toBeGreaterThanOrEqual(before - 1000);
    expect(last).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe('how each login stands (signInState)', () => {
  it('given a password and never used is not_signed_in, like an invited one is invited; signed in, active', async () => {
    const email = `given-${unique()}@example.com`;
    const given = await t.post(
      '/api/v1/users',
      { email, name: 'Given Password', role: 'agent', password: 'long enough pw' },
      admin.token,
    );
    const invited = await t.post(
      '/api/v1/users',
      { email: `invited-${unique()}@example.com`, name: 'Invited', role: 'agent', invite: true },
      admin.token,
    );
    const bare = await t.post(
      '/api/v1/users',
      { email: `bare-${unique()}@example.com`, name: 'Bare', role: 'admin' },
      admin.token,
    );
    expect([given.status, invited.status, bare.status]).toEqual([201, 201, 201]);
    const states = async () => {
      const all = [
        ...(await t.get('/api/v1/users?role=agent', admin.token)).body.items,
        ...(await t.get('/api/v1/users?role=admin', admin.token)).body.items,
      ] as { id: string; signInState: string; lastActiveAt: string | null }[];
      const of = (id: string) => all.find((u) => u.id === id)!;
      return [given, invited, bare].map((r) => [
        of(r.body.id).signInState,
        of(r.body.id).lastActiveAt === null,
      ]);
    };
    expect(await states()).toEqual([
      ['not_signed_in', true],
      ['invited', true],
      ['no_password', true],
    ]);
    expect((await t.get(`/api/v1/users/${given.body.id}`, admin.token)).body.signInState).toBe(
      'not_signed_in',
    );

    const version = (await t.get(`/api/v1/users/${given.body.id}`, admin.token)).body.updatedAt;
    expect((await t.post('/api/v1/auth/login', { email, password: 'long enough pw' })).status).toBe(200);
    expect((await states())[0]).toEqual(['active', false]);
    // Signing in is no edit of the user: an admin's change sent with the old version still fits.
    expect((await t.get(`/api/v1/users/${given.body.id}`, admin.token)).body.updatedAt).toBe(version);
    // Sessions are pruned a month after they end; the sign-in is still known then.
    await t.db.execute(sql`delete from auth_tokens where user_id = ${given.body.id}`);
    expect((await states())[0]).toEqual(['active', false]);
    const off = await t.patch(`/api/v1/users/${given.body.id}`, { active: false }, admin.token);
    expect([off.status, off.body.signInState]).toEqual([200, 'disabled']);
  });
});

describe('your signature', () => {
  it('staff keep one (trimmed, at most 10 lines); it goes under their e-mailed replies only', async () => {
    const me = await makeUser(t.db, 'agent');
    expect((await t.get('/api/v1/auth/me', me.token)).body.signature).toBeNull();
    const set = await t.patch(
      '/api/v1/auth/me',
      { signature: 'Ava Agent  \r\nNorthwind Support\n\n' },
      me.token,
    );
    expect(set.status).toBe(200);
    expect(set.body.signature).toBe('Ava Agent\nNorthwind Support');
    expect((await t.get('/api/v1/auth/me', me.token)).body.signature).toBe('Ava Agent\nNorthwind Support');
    const events = await rows<{ data: unknown }>(
      t.db,
      sql`select data from domain_events where entity_id = ${me.user.id} and type = 'user.updated'`,
    );
    expect(events).toEqual([
      { data: { changes: { signature: { from: null, to: 'Ava Agent\nNorthwind Support' } } } },
    ]);

    // Too long, too many lines, unknown fields: 400 and nothing changes.
    for (const body of [
      { signature: 'x'.repeat(1001) },
      { signature: Array.from({ length: 11 }, (_, i) => `line ${i}`).join('\n') },
      { name: '' },
      { email: 'someone@else.example' },
    ]) {
      const res = await t.patch('/api/v1/auth/me', body, me.token);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await t.get('/api/v1/auth/me', me.token)).body.signature).toBe('Ava Agent\nNorthwind Support');

    // A reply mailed to the customer carries it; a note and a logged call mail nothing.
    const customer = await makeCustomer(t.db);
    const c = await makeCase(t.db, customer.id, { message: { body: 'Where is my order?' } });
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'It left today.\n', public: true }, me.token);
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Checked.', public: false }, me.token);
    const mails = await rows<{ text_body: string }>(
      t.db,
      sql`select text_body from mail_messages where case_id = ${c.id} and direction = 'out'`,
    );
    expect(mails.map((m) => m.text_body)).toEqual([
      `It left today.\n\nSee this request online: ${mailSettings().publicUrl}/portal/cases/${c.id}\n\n-- \nAva Agent\nNorthwind Support`,
    ]);
    // The case keeps what was written, without the signature.
    const messages = (await t.get(`/api/v1/cases/${c.id}/messages`, me.token)).body.items;
    expect(messages.at(-2).body).toBe('It left today.');

    // Emptied, it is gone: the next reply has none.
    expect((await t.patch('/api/v1/auth/me', { signature: '  ' }, me.token)).body.signature).toBeNull();
    await t.post(`/api/v1/cases/${c.id}/messages`, { body: 'Delivered.', public: true }, me.token);
    const last = await rows<{ text_body: string }>(
      t.db,
      sql`select text_body from mail_messages where case_id = ${c.id} and direction = 'out' order by created_at desc, id desc limit 1`,
    );
    expect(last[0]!.text_body).toBe(
      `Delivered.\n\nSee this request online: ${mailSettings().publicUrl}/portal/cases/${c.id}`,
    );
  });

  it('customers have none: 403, and read null; nor do they rename their login here', async () => {
    const customer = await makeCustomer(t.db);
    const login = await makeUser(t.db, 'customer', { customerId: customer.id });
    const res = await t.patch('/api/v1/auth/me', { signature: 'Me' }, login.token);
    expect(res.status).toBe(403);
    expect((await t.get('/api/v1/auth/me', login.token)).body.signature).toBeNull();
    expect((await t.patch('/api/v1/auth/me', { name: 'Renamed' }, login.token)).status).toBe(403);
    expect((await t.get('/api/v1/auth/me', login.token)).body.name).toBe(login.user.name);
  });

  it('staff change their own name (one line), and only their own', async () => {
    const me = await makeUser(t.db, 'agent');
    const other = await makeUser(t.db, 'agent');
    const res = await t.patch('/api/v1/auth/me', { name: '  Ava\nAgent ' }, me.token);
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Ava Agent');
    expect((await t.get(`/api/v1/users/${me.user.id}`, admin.token)).body.name).toBe('Ava Agent');
    expect((await t.get(`/api/v1/users/${other.user.id}`, admin.token)).body.name).toBe(other.user.name);
    const [event] = await rows<{ data: unknown }>(
      t.db,
      sql`select data from domain_events where entity_id = ${me.user.id} and type = 'user.updated'`,
    );
    expect(event!.data).toEqual({ changes: { name: { from: me.user.name, to: 'Ava Agent' } } });
  });
});
