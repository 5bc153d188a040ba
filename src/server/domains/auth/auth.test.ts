import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { TEST_PASSWORD, makeUser, unique } from '../../../../test/helpers/factories.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { bootstrapAdmin } from '../users/users.service.js';
import { MAX_FAILURES_PER_EMAIL, issueToken } from './auth.service.js';
import { authTokens } from './auth.table.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('sign-in', () => {
  it('returns a working session token for the right password', async () => {
    const { user } = await makeUser(t.db, 'agent');
    const res = await t.post('/api/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^stw_/);
    expect(res.body.user).toMatchObject({ id: user.id, role: 'agent' });
    expect(new Date(res.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3600_000);
    const me = await t.get('/api/v1/auth/me', res.body.token);
    expect(me.body).toMatchObject({ id: user.id, email: user.email, role: 'agent' });
  });

  it('stores only a hash of the token', async () => {
    const { user } = await makeUser(t.db, 'agent');
    const res = await t.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    const stored = await t.db
      .select({ h: authTokens.tokenHash })
      .from(authTokens)
      .where(sql`${authTokens.userId} = ${user.id}`);
    expect(stored.map((s) => s.h)).not.toContain(res.body.token);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.h))).toBe(true);
  });

  it('gives the same answer for a wrong password and an unknown user', async () => {
    const { user } = await makeUser(t.db, 'agent');
    const wrong = await t.post('/api/v1/auth/login', { email: user.email, password: 'not the password' });
    const unknown = await t.post('/api/v1/auth/login', {
      email: `nobody-${unique()}@example.com`,
      password: 'whatever1',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('rejects a malformed body with the field named', async () => {
    const res = await t.post('/api/v1/auth/login', { email: 'a@b.c' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_error' });
    expect(res.body.error.message).toContain('body.password');
  });

  it('throttles repeated failures for one e-mail, even with the right password, with Retry-After', async () => {
    const { user } = await makeUser(t.db, 'agent');
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      const r = await t.post('/api/v1/auth/login', { email: user.email, password: `wrong-${i}-pass` });
      expect(r.status).toBe(401);
    }
    const blocked = await t.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account is not affected.
    const other = await makeUser(t.db, 'agent');
    const ok = await t.post('/api/v1/auth/login', { email: other.user.email, password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
  });

  it('refuses a disabled user', async () => {
    const admin = await makeUser(t.db, 'admin');
    const { user } = await makeUser(t.db, 'agent');
    await t.patch(`/api/v1/users/${user.id}`, { active: false }, admin.token);
    const res = await t.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(401);
  });
});

describe('tokens', () => {
  it('401 without a token, with a malformed header, and with an unknown token', async () => {
    const none = await t.get('/api/v1/customers');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    const basic = await t.request('GET', '/api/v1/customers', { headers: { authorization: 'Basic abc' } });
    expect(basic.status).toBe(401);
    const unknown = await t.get('/api/v1/customers', `stw_${'x'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_token');
  });

  it('401 token_expired for an expired session', async () => {
    const { user } = await makeUser(t.db, 'agent');
    const { token } = await issueToken(t.db, { userId: user.id, kind: 'session', ttlSeconds: -1 });
    const res = await t.get('/api/v1/auth/me', token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('token_expired');
  });

  it('logout revokes the token used', async () => {
    const { token } = await makeUser(t.db, 'agent');
    expect((await t.get('/api/v1/auth/me', token)).status).toBe(200);
    expect((await t.post('/api/v1/auth/logout', undefined, token)).status).toBe(204);
    expect((await t.get('/api/v1/auth/me', token)).status).toBe(401);
  });

  it('a password change ends the user’s sessions', async () => {
    const admin = await makeUser(t.db, 'admin');
    const agent = await makeUser(t.db, 'agent');
    const res = await t.patch(
      `/api/v1/users/${agent.user.id}`,
      { password: 'a whole new password' },
      admin.token,
    );
    expect(res.status).toBe(200);
    expect((await t.get('/api/v1/auth/me', agent.token)).status).toBe(401);
  });

  it('admins create long-lived API tokens that work until revoked; agents may not', async () => {
    const admin = await makeUser(t.db, 'admin');
    const agent = await makeUser(t.db, 'agent');
    const denied = await t.post('/api/v1/auth/tokens', { name: 'erp' }, agent.token);
    expect(denied.status).toBe(403);
    const created = await t.post('/api/v1/auth/tokens', { name: 'erp', userId: agent.user.id }, admin.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'erp',
      userId: agent.user.id,
      access: 'full',
      expiresAt: null,
    });
    const me = await t.get('/api/v1/auth/me', created.body.token);
    expect(me.body.id).toBe(agent.user.id);
    const list = await t.get('/api/v1/auth/tokens', admin.token);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect((await t.del(`/api/v1/auth/tokens/${created.body.id}`, admin.token)).status).toBe(204);
    expect((await t.get('/api/v1/auth/me', created.body.token)).status).toBe(401);
    expect((await t.del(`/api/v1/auth/tokens/${created.body.id}`, admin.token)).status).toBe(404);
  });

  it('creating and revoking an API token are in the audit trail, without the token; a session is no API token', async () => {
    const admin = await makeUser(t.db, 'admin');
    const agent = await makeUser(t.db, 'agent');
    const created = await t.post(
      '/api/v1/auth/tokens',
      { name: 'Telephony', userId: agent.user.id, expiresAt: '2099-01-01T00:00:00Z' },
      admin.token,
    );
    expect(created.status).toBe(201);
    expect((await t.del(`/api/v1/auth/tokens/${created.body.id}`, admin.token)).status).toBe(204);
    const trail = await t.db.execute(
      sql`select type, actor_id, data from domain_events where entity_type = 'api_token' and entity_id = ${created.body.id} order by id`,
    );
    expect((trail as unknown as { rows: unknown[] }).rows).toEqual([
      {
        type: 'api_token.created',
        actor_id: admin.user.id,
        data: {
          name: 'Telephony',
          userId: agent.user.id,
          access: 'full',
          expiresAt: '2099-01-01T00:00:00.000Z',
        },
      },
      { type: 'api_token.revoked', actor_id: admin.user.id, data: {} },
    ]);
    expect(JSON.stringify((trail as unknown as { rows: unknown[] }).rows)).not.toContain(created.body.token);

    // The agent's sign-in session is not an API token: DELETE /auth/tokens/:id does not end it.
    const [session] = await t.db
      .select({ id: authTokens.id })
      .from(authTokens)
      .where(sql`${authTokens.userId} = ${agent.user.id} and ${authTokens.kind} = 'session'`);
    expect((await t.del(`/api/v1/auth/tokens/${session!.id}`, admin.token)).status).toBe(404);
    expect((await t.get('/api/v1/auth/me', agent.token)).status).toBe(200);
  });

  it('a read-only API token reads what its user may read, and changes nothing', async () => {
    const admin = await makeUser(t.db, 'admin');
    const created = await t.post('/api/v1/auth/tokens', { name: 'BI export', access: 'read' }, admin.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'BI export', userId: admin.user.id, access: 'read' });
    const reader = created.body.token as string;
    const listed = await t.get('/api/v1/auth/tokens', admin.token);
    expect(listed.body.items.find((i: { id: string }) => i.id === created.body.id).access).toBe('read');

    // Reads: the same answers as its user's own session (admin-only reads included).
    const customer = await t.post('/api/v1/customers', { name: `Reader ${unique()}` }, admin.token);
    for (const path of [
      `/api/v1/customers/${customer.body.id}`,
      '/api/v1/audit-log?limit=5',
      '/api/v1/auth/me',
    ]) {
      const [asReader, asAdmin] = [await t.get(path, reader), await t.get(path, admin.token)];
      expect(asReader.status, path).toBe(200);
      expect(asReader.body, path).toEqual(asAdmin.body);
    }

    // Writes of every method are refused before anything is read or written, with the reason.
    const tries = [
      () => t.post('/api/v1/customers', { name: 'Should not exist' }, reader),
      () => t.patch(`/api/v1/customers/${customer.body.id}`, { name: 'Renamed' }, reader),
      () => t.del(`/api/v1/customers/${customer.body.id}`, reader),
      () => t.post('/api/v1/auth/tokens', { name: 'escalated' }, reader),
      () => t.del(`/api/v1/auth/tokens/${created.body.id}`, reader),
      () => t.post('/api/v1/auth/logout', {}, reader),
      () => t.post('/api/v1/customers', { nonsense: true }, reader),
    ];
    for (const attempt of tries) {
      const res = await attempt();
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('read_only_token');
      expect(res.body.error.message).toMatch(
        /^this API token may only read \(GET\); (POST|PATCH|DELETE) needs a token with full access$/,
      );
    }
    const after = await t.get(`/api/v1/customers/${customer.body.id}`, admin.token);
    expect(after.body.name).toBe(customer.body.name);
    const counts = await t.db.execute(
      sql`select (select count(*) from customers where name = 'Should not exist')::int as customers,
                 (select count(*) from auth_tokens where name = 'escalated')::int as tokens`,
    );
    expect((counts as unknown as { rows: unknown[] }).rows).toEqual([{ customers: 0, tokens: 0 }]);
    expect((await t.get('/api/v1/auth/me', reader)).status).toBe(200); // logout did not end it

    // A read-only token keeps its user's limits: an agent's cannot read what agents may not.
    const agent = await makeUser(t.db, 'agent');
    const agentReader = await t.post(
      '/api/v1/auth/tokens',
      { name: 'agent reader', userId: agent.user.id, access: 'read' },
      admin.token,
    );
    const refused = await t.get('/api/v1/audit-log', agentReader.body.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');

    const bad = await t.post('/api/v1/auth/tokens', { name: 'x', access: 'write' }, admin.token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.access');
  });

  it('an API token for no such user is 422 invalid_reference, for a disabled one 409 account_disabled', async () => {
    const admin = await makeUser(t.db, 'admin');
    const unknown = await t.post(
      '/api/v1/auth/tokens',
      { name: 'erp', userId: '01a24727-0000-7000-8000-000000000000' },
      admin.token,
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({
      code: 'invalid_reference',
      details: [{ path: 'body.userId', message: 'no such user' }],
    });
    // Made while the account is off, it would come alive unnoticed when the account is enabled.
    const agent = await makeUser(t.db, 'agent');
    expect((await t.patch(`/api/v1/users/${agent.user.id}`, { active: false }, admin.token)).status).toBe(
      200,
    );
    const disabled = await t.post('/api/v1/auth/tokens', { name: 'erp', userId: agent.user.id }, admin.token);
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.code).toBe('account_disabled');
    expect((await t.get('/api/v1/auth/tokens', admin.token)).body.items).not.toContainEqual(
      expect.objectContaining({ userId: agent.user.id }),
    );
  });

  it('an API token with a past expiry is refused at creation', async () => {
    const admin = await makeUser(t.db, 'admin');
    const res = await t.post(
      '/api/v1/auth/tokens',
      { name: 'old', expiresAt: '2001-01-01T00:00:00Z' },
      admin.token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('expiresAt');
  });
});

describe('first admin', () => {
  it('is created from the environment only when there is no user at all', async () => {
    const fresh = await startTestApp();
    try {
      const created = await bootstrapAdmin(fresh.db, SYSTEM_ACTOR, 'Boss@Example.com', 'first-admin-pw');
      expect(created).toMatchObject({ email: 'boss@example.com', role: 'admin' });
      const again = await bootstrapAdmin(fresh.db, SYSTEM_ACTOR, 'other@example.com', 'first-admin-pw');
      expect(again).toBeUndefined();
      const login = await fresh.post('/api/v1/auth/login', {
        email: 'boss@example.com',
        password: 'first-admin-pw',
      });
      expect(login.status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});

describe('changing your own password', () => {
  const NEW_PASSWORD = 'a-new-long-password';
  const change = (token: string, body: Record<string, unknown>) =>
    t.post('/api/v1/auth/password', body, token);
  const signIn = (email: string, password: string) => t.post('/api/v1/auth/login', { email, password });

  it('proves the current password, ends every other session and token, and keeps the one used', async () => {
    const admin = await makeUser(t.db, 'admin');
    const { user, token: older } = await makeUser(t.db, 'agent');
    const session = (await signIn(user.email, TEST_PASSWORD)).body.token as string;
    const api = await t.post('/api/v1/auth/tokens', { name: 'sync', userId: user.id }, admin.token);
    expect(api.status).toBe(201);
    // Another user's sessions are not touched.
    expect((await t.get('/api/v1/auth/me', admin.token)).status).toBe(200);

    const res = await change(session, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ endedTokens: 2 });
    expect((await t.get('/api/v1/auth/me', session)).body.id).toBe(user.id);
    for (const ended of [older, api.body.token as string]) {
      expect((await t.get('/api/v1/auth/me', ended)).status).toBe(401);
    }
    expect((await t.get('/api/v1/auth/me', admin.token)).status).toBe(200);
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(user.email, NEW_PASSWORD)).status).toBe(200);

    // On record, without the password.
    const log = await t.get(`/api/v1/audit-log?entityType=user&entityId=${user.id}`, admin.token);
    expect(log.body.items.filter((e: { type: string }) => e.type !== 'user.created')).toEqual([
      expect.objectContaining({
        type: 'user.password_changed',
        actorId: user.id,
        data: { by: 'self', endedTokens: 2 },
      }),
    ]);
    expect(JSON.stringify(log.body)).not.toContain(NEW_PASSWORD);
  });

  it('refuses a wrong current password (counted as a failed sign-in), and changes nothing', async () => {
    const { user, token } = await makeUser(t.db, 'agent');
    const wrong = await change(token, { currentPassword: 'not-the-password', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({
      code: 'wrong_password',
      message: 'the current password is wrong',
    });
    expect((await signIn(user.email, NEW_PASSWORD)).status).toBe(401);
    expect((await t.get('/api/v1/auth/me', token)).status).toBe(200);
    // Guessing is throttled as signing in is: with the wrong guess and the failed sign-in above,
    // the fifth failure of the e-mail closes both doors.
    for (let i = 2; i < MAX_FAILURES_PER_EMAIL; i++) {
      expect(
        (await change(token, { currentPassword: `guess-${i}-pass`, newPassword: NEW_PASSWORD })).status,
      ).toBe(403);
    }
    const blocked = await change(token, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_requests');
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it('refuses the same password, a short one, and a body naming another user', async () => {
    const other = await makeUser(t.db, 'agent');
    const { token } = await makeUser(t.db, 'agent');
    const same = await change(token, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('same_password');
    const short = await change(token, { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toContain('body.newPassword');
    const someoneElse = await change(token, {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
      userId: other.user.id,
    });
    expect(someoneElse.status).toBe(400);
    expect((await signIn(other.user.email, TEST_PASSWORD)).status).toBe(200);
    expect(
      (await t.post('/api/v1/auth/password', { currentPassword: 'x', newPassword: NEW_PASSWORD })).status,
    ).toBe(401);
  });

  it('a read-only token cannot, and a login without a password is told it has none', async () => {
    const admin = await makeUser(t.db, 'admin');
    const reader = await t.post('/api/v1/auth/tokens', { name: 'reader', access: 'read' }, admin.token);
    const refused = await change(reader.body.token, {
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(refused.status).toBe(403);
    expect((await signIn(admin.user.email, TEST_PASSWORD)).status).toBe(200);

    const created = await t.post(
      '/api/v1/users',
      { email: `nopass-${unique()}@example.com`, name: 'No Password', role: 'agent' },
      admin.token,
    );
    expect(created.status).toBe(201);
    const { token } = await issueToken(t.db, { userId: created.body.id, kind: 'session', ttlSeconds: 600 });
    const none = await change(token, { currentPassword: 'anything-at-all', newPassword: NEW_PASSWORD });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('no_password');
  });
});

describe('signing out everywhere else', () => {
  it('ends your other sessions only: this one, your API tokens and other users stay', async () => {
    const admin = await makeUser(t.db, 'admin');
    const { user, token: older } = await makeUser(t.db, 'agent');
    const signIn = async () =>
      (await t.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).body
        .token as string;
    const here = await signIn();
    const laptop = await signIn();
    const api = await t.post('/api/v1/auth/tokens', { name: 'sync', userId: user.id }, admin.token);

    const res = await t.post('/api/v1/auth/logout-others', {}, here);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ endedSessions: 2 });
    for (const ended of [older, laptop]) expect((await t.get('/api/v1/auth/me', ended)).status).toBe(401);
    for (const kept of [here, api.body.token as string, admin.token]) {
      expect((await t.get('/api/v1/auth/me', kept)).status).toBe(200);
    }
    // Nothing else to end the second time.
    expect((await t.post('/api/v1/auth/logout-others', {}, here)).body).toEqual({ endedSessions: 0 });
    const log = await t.get(`/api/v1/audit-log?entityType=user&entityId=${user.id}&by=people`, admin.token);
    expect(log.body.items.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([
      ['user.sessions_ended', { by: 'self', endedSessions: 0 }],
      ['user.sessions_ended', { by: 'self', endedSessions: 2 }],
    ]);
    expect((await t.post('/api/v1/auth/logout-others', {})).status).toBe(401);
  });
});

describe('where you are signed in', () => {
  it('a session shows the browser of its latest use (recorded at most once a minute)', async () => {
    const { user } = await makeUser(t.db, 'agent');
    const session = await signInWith(user.email, FIREFOX);
    // An empty User-Agent is a request without one (fetch sends "node" otherwise).
    const me = (userAgent = '') =>
      t.request('GET', '/api/v1/auth/me', { token: session, headers: { 'user-agent': userAgent } });
    // Asked without a User-Agent: the list's own request changes nothing.
    const listed = async () =>
      (await t.request('GET', '/api/v1/auth/sessions', { token: session, headers: { 'user-agent': '' } }))
        .body.items[0];
    const stale = () =>
      t.db.execute(sql`update auth_tokens set last_used_at = now() - interval '2 minutes'
        where user_id = ${user.id} and kind = 'session'`);
    expect((await me(FIREFOX)).status).toBe(200);
    // Within the minute another browser's request is not recorded; after it, it is.
    expect((await me(IPHONE)).status).toBe(200);
    expect(await listed()).toMatchObject({ device: 'Firefox 121 on Linux', userAgent: FIREFOX });
    await stale();
    expect((await me(IPHONE)).status).toBe(200);
    expect(await listed()).toMatchObject({ device: 'Safari 17 on iOS 17.1', userAgent: IPHONE });
    // A request without a User-Agent keeps the one known.
    await stale();
    expect((await me()).status).toBe(200);
    expect((await listed()).userAgent).toBe(IPHONE);
  });

  const FIREFOX = 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
  const IPHONE =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
  const signInWith = async (email: string, userAgent: string) =>
    (
      await t.request('POST', '/api/v1/auth/login', {
        body: { email, password: TEST_PASSWORD },
        headers: { 'user-agent': userAgent },
      })
    ).body.token as string;

  it('lists your live sessions with their browser and address, this one marked; ends one of them', async () => {
    const admin = await makeUser(t.db, 'admin');
    const { user, token: older } = await makeUser(t.db, 'agent');
    const desk = await signInWith(user.email, FIREFOX);
    const phone = await signInWith(user.email, IPHONE);
    await t.post('/api/v1/auth/tokens', { name: 'sync', userId: user.id }, admin.token);
    // One that ended and one that expired are not listed.
    const gone = await signInWith(user.email, FIREFOX);
    await t.post('/api/v1/auth/logout', {}, gone);
    await issueToken(t.db, { userId: user.id, kind: 'session', ttlSeconds: -1 });
    await t.request('GET', '/api/v1/auth/me', { token: phone, headers: { 'user-agent': IPHONE } });

    // The most recently used first: this one (it just asked), then the phone, then one never used.
    const res = await t.request('GET', '/api/v1/auth/sessions', {
      token: desk,
      headers: { 'user-agent': FIREFOX },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(3);
    const [mine, first, unknown] = res.body.items;
    expect(mine).toMatchObject({ device: 'Firefox 121 on Linux', userAgent: FIREFOX, current: true });
    expect(first).toMatchObject({ device: 'Safari 17 on iOS 17.1', userAgent: IPHONE, current: false });
    expect(first.ip).toMatch(/127\.0\.0\.1|::1/);
    expect(first.lastUsedAt).not.toBeNull();
    expect(new Date(first.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // Made before Steward kept devices (or by a script): shown as unknown.
    expect(unknown).toMatchObject({ device: 'Unknown device', userAgent: null, ip: null, current: false });

    // End the phone: it is signed out, the others stay.
    expect((await t.del(`/api/v1/auth/sessions/${first.id}`, desk)).status).toBe(204);
    expect((await t.get('/api/v1/auth/me', phone)).status).toBe(401);
    expect((await t.get('/api/v1/auth/me', older)).status).toBe(200);
    const after = await t.get('/api/v1/auth/sessions', desk);
    expect(after.body.items.map((s: { id: string }) => s.id)).not.toContain(first.id);
    expect(after.body.items).toHaveLength(2);
    // Again: it has ended.
    const again = await t.del(`/api/v1/auth/sessions/${first.id}`, desk);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
    // Ending the session in use is signing out.
    expect((await t.del(`/api/v1/auth/sessions/${mine.id}`, desk)).status).toBe(204);
    expect((await t.get('/api/v1/auth/me', desk)).status).toBe(401);

    const log = await t.get(`/api/v1/audit-log?entityType=user&entityId=${user.id}&by=people`, admin.token);
    expect(
      log.body.items
        .filter((e: { type: string }) => e.type === 'user.sessions_ended')
        .map((e: { data: unknown }) => e.data),
    ).toEqual([
      { by: 'self', endedSessions: 1, sessionId: mine.id },
      { by: 'self', endedSessions: 1, sessionId: first.id },
    ]);
  });

  it('cannot see or end another user’s sessions, nor an API token, as a session', async () => {
    const admin = await makeUser(t.db, 'admin');
    const a = await makeUser(t.db, 'agent');
    const b = await makeUser(t.db, 'agent');
    const customer = await makeUser(t.db, 'customer');
    const bSession = (await t.get('/api/v1/auth/sessions', b.token)).body.items[0].id as string;
    // Nobody's list shows b's session but b's.
    for (const other of [a, customer, admin]) {
      const list = await t.get('/api/v1/auth/sessions', other.token);
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([
        (await t.get('/api/v1/auth/sessions', other.token)).body.items[0].id,
      ]);
      expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(bSession);
      // Not even an admin ends it through their own sessions.
      const res = await t.del(`/api/v1/auth/sessions/${bSession}`, other.token);
      expect(res.status).toBe(404);
    }
    expect((await t.get('/api/v1/auth/me', b.token)).status).toBe(200);
    // An API token is no session to end here.
    const api = await t.post('/api/v1/auth/tokens', { name: 'sync', userId: a.user.id }, admin.token);
    expect((await t.del(`/api/v1/auth/sessions/${api.body.id}`, a.token)).status).toBe(404);
    expect((await t.get('/api/v1/auth/me', api.body.token)).status).toBe(200);
    expect((await t.get('/api/v1/auth/sessions')).status).toBe(401);
  });

  it('an admin sees where a user is signed in and signs them out everywhere, API tokens kept; agents may not', async () => {
    const admin = await makeUser(t.db, 'admin');
    const { user, token: older } = await makeUser(t.db, 'agent');
    const laptop = await signInWith(user.email, FIREFOX);
    const api = await t.post('/api/v1/auth/tokens', { name: 'sync', userId: user.id }, admin.token);

    const list = await t.get(`/api/v1/users/${user.id}/sessions`, admin.token);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { device: string; current: boolean }) => [s.device, s.current])).toEqual([
      ['Firefox 121 on Linux', false],
      ['Unknown device', false],
    ]);
    // An agent can neither look nor sign anyone out, themselves included.
    for (const path of [`/api/v1/users/${user.id}/sessions`, `/api/v1/users/${admin.user.id}/sessions`]) {
      expect((await t.get(path, older)).status).toBe(403);
    }
    expect((await t.post(`/api/v1/users/${admin.user.id}/sessions/end`, {}, older)).status).toBe(403);
    expect((await t.get('/api/v1/auth/me', admin.token)).status).toBe(200);

    const res = await t.post(`/api/v1/users/${user.id}/sessions/end`, {}, admin.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ endedSessions: 2 });
    for (const ended of [older, laptop]) expect((await t.get('/api/v1/auth/me', ended)).status).toBe(401);
    expect((await t.get('/api/v1/auth/me', api.body.token)).status).toBe(200);
    expect((await t.get(`/api/v1/users/${user.id}/sessions`, admin.token)).body.items).toEqual([]);
    // The user can still sign in: nothing was disabled.
    expect((await t.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(
      200,
    );
    // An admin signing themselves out everywhere stays signed in here.
    const adminElsewhere = await signInWith(admin.user.email, IPHONE);
    const self = await t.post(`/api/v1/users/${admin.user.id}/sessions/end`, {}, admin.token);
    expect(self.body).toEqual({ endedSessions: 1 });
    expect((await t.get('/api/v1/auth/me', adminElsewhere)).status).toBe(401);
    expect((await t.get('/api/v1/auth/me', admin.token)).status).toBe(200);

    const missing = await t.post(`/api/v1/users/${crypto.randomUUID()}/sessions/end`, {}, admin.token);
    expect(missing.status).toBe(404);
    expect((await t.get(`/api/v1/users/${crypto.randomUUID()}/sessions`, admin.token)).status).toBe(404);
    const log = await t.get(`/api/v1/audit-log?entityType=user&entityId=${user.id}&by=people`, admin.token);
    expect(log.body.items[0]).toMatchObject({
      type: 'user.sessions_ended',
      actorId: admin.user.id,
      data: { by: 'admin', endedSessions: 2 },
    });
  });
});
