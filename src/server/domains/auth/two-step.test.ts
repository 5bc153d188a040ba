// Two-step sign-in of staff through the API, on PGlite and PostgreSQL: enrolment, the second step
// at sign-in, replayed and wrong codes, recovery codes once (also when two race), the company's
// requirement, an admin's reset (which ends the user's sessions), that a password link does not
// pass the second step by, that wrong codes are failed sign-ins throttled as wrong passwords, and
// that with STEWARD_SECRET_KEY the stored secret is sealed; a change of key, and the reseal onto the
// new key (which leaves a secret that a sign-in sealed meanwhile as the sign-in wrote it).
// Codes are made here from the secret the API shows, with otpauth, as an authenticator app would.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { usingPostgres } from '../../../../test/helpers/db.js';
import { TEST_PASSWORD, makeUser, unique } from '../../../../test/helpers/factories.js';
import { MAX_FAILURES_PER_EMAIL } from './auth.service.js';
import { keysOf, openSecret, sealSecret } from './secret-box.js';
import { resealSecrets, secretsState } from './secret-reseal.js';
import { hashRecoveryCode } from './totp.js';
import { TWO_STEP_CODE_RATE } from './two-step.service.js';
import { replaceRecoveryCodes } from './two-step.repo.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

let ipCounter = 0;
const newIp = () => `198.51.100.${++ipCounter % 250}`;
const post = (path: string, body: unknown, token?: string) =>
  t.request('POST', `/api/v1${path}`, {
    body,
    ...(token ? { token } : {}),
    headers: { 'x-forwarded-for': newIp() },
  });

/** The code an authenticator app shows `steps` periods from now (0: now, 1: the next one). */
const codeOf = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + steps * 30_000,
  });

/** A 6-digit code the app does not show now (nor a step either side). */
const wrongCodeFor = (secret: string) =>
  ['123456', '654321', '111111'].find((c) => ![-1, 0, 1].some((k) => codeOf(secret, k) === c))!;

async function eventsOf(userId: string) {
  return rows<{ type: string; data: Record<string, unknown>; actor_id: string | null }>(
    t.db,
    sql`select type, data, actor_id from domain_events where entity_id = ${userId} and type like 'user.two_step%'
      order by occurred_at, id`,
  );
}

/** A staff member with two-step sign-in on (confirmed with the code of now): their secret and codes. */
async function enrolled(role: 'agent' | 'admin' = 'agent') {
  const made = await makeUser(t.db, role);
  const setup = await post('/auth/two-step/setup', {}, made.token);
  expect(setup.status).toBe(200);
  const confirmed = await post('/auth/two-step/confirm', { code: codeOf(setup.body.secret) }, made.token);
  expect(confirmed.status).toBe(200);
  return {
    ...made,
    secret: setup.body.secret as string,
    recoveryCodes: confirmed.body.recoveryCodes as string[],
  };
}

async function sessionsOf(userId: string) {
  const [row] = await rows<{ n: number }>(
    t.db,
    sql`select count(*)::int as n from auth_tokens where user_id = ${userId} and kind = 'session'`,
  );
  return row!.n;
}

/** The user's sign-in attempts recorded (login_attempts), oldest first: true for a success. */
async function attemptsOf(email: string) {
  const found = await rows<{ succeeded: boolean }>(
    t.db,
    sql`select succeeded from login_attempts where email = ${email.toLowerCase()} order by id`,
  );
  return found.map((r) => r.succeeded);
}

const login = (email: string, password = TEST_PASSWORD) => post('/auth/login', { email, password });
async function challengeOf(email: string) {
  const res = await login(email);
  expect([res.status, res.body.twoStepRequired, res.body.token]).toEqual([200, true, undefined]);
  return res.body.challenge as string;
}

describe('enrolment', () => {
  it('begins with a secret, its URI and QR code; nothing changes until a right code confirms it', async () => {
    const { user, token } = await makeUser(t.db, 'agent');
    const setup = await post('/auth/two-step/setup', {}, token);
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.uri).toBe(
      `otpauth://totp/Steward:${encodeURIComponent(user.email)}?issuer=Steward&secret=${setup.body.secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(setup.body.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Begun, not on: the password alone still signs in.
    expect((await t.get('/api/v1/auth/two-step', token)).body).toEqual({
      enabled: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
      required: false,
    });
    expect((await login(user.email)).body.token).toMatch(/^stw_/);

    const wrong = await post('/auth/two-step/confirm', { code: wrongCodeFor(setup.body.secret) }, token);
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'invalid_code']);
    const malformed = await post('/auth/two-step/confirm', { code: 'abc' }, token);
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'validation_error']);

    const ok = await post('/auth/two-step/confirm', { code: codeOf(setup.body.secret) }, token);
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    expect(new Set(ok.body.recoveryCodes).size).toBe(10);
    for (const c of ok.body.recoveryCodes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const status = await t.get('/api/v1/auth/two-step', token);
    expect([status.body.enabled, status.body.recoveryCodesLeft]).toEqual([true, 10]);
    expect(status.body.enabledAt).toMatch(/Z$/);
    // The secret is kept on the server only; the recovery codes only as hashes.
    const stored = await rows<{ code_hash: string }>(
      t.db,
      sql`select code_hash from two_step_recovery_codes where user_id = ${user.id}`,
    );
    expect(stored).toHaveLength(10);
    for (const row of stored) {
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(ok.body.recoveryCodes).not.toContain(row.code_hash);
    }
    // A second app cannot be begun over the first.
    const again = await post('/auth/two-step/setup', {}, token);
    expect([again.status, again.body.error.code]).toEqual([409, 'two_step_on']);
    // Admins see it in the list; the secret appears nowhere in it.
    const list = await t.get('/api/v1/users', admin);
    const listed = list.body.items.find((u: any) => u.id === user.id);
    expect(listed.twoStepEnabled).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(setup.body.secret);
    expect((await eventsOf(user.id)).map((e) => [e.type, e.data])).toEqual([
      ['user.two_step_enabled', { recoveryCodes: 10 }],
    ]);
  });

  it('customers get 403 on every two-step route', async () => {
    const { token } = await makeUser(t.db, 'customer');
    for (const [method, path, body] of [
      ['GET', '/auth/two-step', undefined],
      ['POST', '/auth/two-step/setup', {}],
      ['POST', '/auth/two-step/confirm', { code: '123456' }],
      ['POST', '/auth/two-step/disable', { password: TEST_PASSWORD }],
      ['POST', '/auth/two-step/recovery-codes', { code: '123456' }],
    ] as const) {
      const res = await t.request(method, `/api/v1${path}`, { token, ...(body ? { body } : {}) });
      expect([path, res.status]).toEqual([path, 403]);
    }
  });
});

describe('signing in with two-step sign-in on', () => {
  it('the password answers a challenge, not a session; a right code opens it as a password alone would', async () => {
    const { user, secret } = await enrolled();
    const first = await login(user.email);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['challenge', 'expiresAt', 'twoStepRequired']);
    const minutes = (new Date(first.body.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(4);
    expect(minutes).toBeLessThanOrEqual(5);
    // The challenge is no token.
    expect((await t.get('/api/v1/auth/me', first.body.challenge)).status).toBe(401);

    const wrong = await post('/auth/login/two-step', {
      challenge: first.body.challenge,
      code: wrongCodeFor(secret),
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_code']);
    // A wrong code does not use the challenge up.
    const next = codeOf(secret, 1);
    const ok = await post('/auth/login/two-step', { challenge: first.body.challenge, code: next });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: user.id, role: 'agent' });
    expect((await t.get('/api/v1/auth/me', ok.body.token)).body.id).toBe(user.id);
    // The session is recorded like any other: with the browser's address, and the last sign-in.
    const [session] = await rows<{ ip: string; signed_in: boolean }>(
      t.db,
      sql`select t.ip, u.last_signed_in_at > now() - interval '1 minute' as signed_in
        from auth_tokens t join users u on u.id = t.user_id
        where t.user_id = ${user.id} and t.kind = 'session' order by t.created_at desc limit 1`,
    );
    expect(session!.signed_in).toBe(true);
    expect(session!.ip).toBe('127.0.0.1');

    // The challenge works once.
    const reused = await post('/auth/login/two-step', {
      challenge: first.body.challenge,
      code: codeOf(secret, 0),
    });
    expect([reused.status, reused.body.error.code]).toEqual([401, 'invalid_challenge']);
    // The same code again, with a new challenge: refused (its time step was used).
    const replay = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      code: next,
    });
    expect([replay.status, replay.body.error.code]).toEqual([401, 'code_used']);
    // So is an older one (the step before the one used).
    const older = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      code: codeOf(secret, 0),
    });
    expect([older.status, older.body.error.code]).toEqual([401, 'code_used']);
  });

  it("a challenge is its user's: another staff member's code does not open it", async () => {
    const a = await enrolled();
    const b = await enrolled();
    const res = await post('/auth/login/two-step', {
      challenge: await challengeOf(a.user.email),
      code: codeOf(b.secret, 1),
    });
    // (One in a million the two codes are equal.)
    if (codeOf(a.secret, 1) !== codeOf(b.secret, 1))
      expect([res.status, res.body.error.code]).toEqual([401, 'invalid_code']);
    const unknown = await post('/auth/login/two-step', { challenge: `tsc_${unique()}`, code: '123456' });
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'invalid_challenge']);
  });

  it('a recovery code works once, and its use is recorded', async () => {
    const { user, recoveryCodes } = await enrolled();
    const ok = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      recoveryCode: recoveryCodes[0]!.toUpperCase().replace('-', ' '),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^stw_/);
    const again = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      recoveryCode: recoveryCodes[0],
    });
    expect([again.status, again.body.error.code]).toEqual([401, 'invalid_code']);
    expect((await t.get('/api/v1/auth/two-step', ok.body.token)).body.recoveryCodesLeft).toBe(9);
    const used = (await eventsOf(user.id)).filter((e) => e.type === 'user.two_step_recovery_code_used');
    expect(used.map((e) => e.data.recoveryCodesLeft)).toEqual([9]);
  });

  it('of two sign-ins racing with the same recovery code, exactly one gets in', async () => {
    const { user, recoveryCodes } = await enrolled();
    const [c1, c2] = [await challengeOf(user.email), await challengeOf(user.email)];
    const before = await sessionsOf(user.id);
    const results = await Promise.all([
      post('/auth/login/two-step', { challenge: c1, recoveryCode: recoveryCodes[3] }),
      post('/auth/login/two-step', { challenge: c2, recoveryCode: recoveryCodes[3] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(results.find((r) => r.status === 401)!.body.error.code).toBe('invalid_code');
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it('a wrong code or recovery code is a failed sign-in: recorded and throttled as a wrong password', async () => {
    const { user, secret } = await enrolled();
    const challenge = await challengeOf(user.email);
    // The right password before the second step is no success yet (it would clear the failures).
    expect(await attemptsOf(user.email)).toEqual([]);
    const wrongCode = wrongCodeFor(secret);
    for (let i = 1; i < MAX_FAILURES_PER_EMAIL; i++) {
      const r = await post('/auth/login/two-step', { challenge, code: wrongCode });
      expect([r.status, r.body.error.code]).toEqual([401, 'invalid_code']);
    }
    const wrongRecovery = await post('/auth/login/two-step', { challenge, recoveryCode: 'aaaaa-bbbbb' });
    expect([wrongRecovery.status, wrongRecovery.body.error.code]).toEqual([401, 'invalid_code']);
    expect(await attemptsOf(user.email)).toEqual(Array(MAX_FAILURES_PER_EMAIL).fill(false));
    // Locked as after as many wrong passwords: a right code, and the password itself, wait.
    const blocked = await post('/auth/login/two-step', { challenge, code: codeOf(secret, 1) });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'too_many_requests']);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const password = await login(user.email);
    expect([password.status, password.body.error.code]).toEqual([429, 'too_many_requests']);
    expect(await attemptsOf(user.email)).toHaveLength(MAX_FAILURES_PER_EMAIL);
  });

  it('a replayed code is a failed sign-in too; the session opening is the success', async () => {
    const { user, secret } = await enrolled();
    const code = codeOf(secret, 1);
    expect(
      (await post('/auth/login/two-step', { challenge: await challengeOf(user.email), code })).status,
    ).toBe(200);
    const replay = await post('/auth/login/two-step', { challenge: await challengeOf(user.email), code });
    expect([replay.status, replay.body.error.code]).toEqual([401, 'code_used']);
    // An expired or unknown challenge is no guess at the user's code: not recorded.
    await post('/auth/login/two-step', { challenge: `tsc_${unique()}`, code });
    expect(await attemptsOf(user.email)).toEqual([true, false]);
  });

  it(`refuses more than ${TWO_STEP_CODE_RATE.max} code checks of a user in the window, whichever route (429)`, async () => {
    const { token, secret } = await enrolled();
    const wrongCode = wrongCodeFor(secret);
    // One check was the confirmation; these are signed in, so no failed sign-ins.
    for (let i = 1; i < TWO_STEP_CODE_RATE.max; i++) {
      const r = await post('/auth/two-step/recovery-codes', { code: wrongCode }, token);
      expect(r.status).toBe(403);
    }
    const blocked = await post('/auth/two-step/recovery-codes', { code: codeOf(secret, 1) }, token);
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'too_many_requests']);
  });

  it('a password link sets the password but the second step stays', async () => {
    const { user, secret } = await enrolled();
    const { token: adminToken } = await makeUser(t.db, 'admin');
    expect((await post(`/users/${user.id}/password-link`, {}, adminToken)).status).toBe(200);
    const [mail] = await rows<{ text_body: string }>(
      t.db,
      sql`select text_body from mail_messages where direction = 'out' and ${user.email.toLowerCase()} = any(to_addresses)
        order by created_at desc limit 1`,
    );
    const linkToken = decodeURIComponent(/\/login\/password#token=([^\s]+)/.exec(mail!.text_body)![1]!);
    const done = await post('/auth/password-link/complete', {
      token: linkToken,
      password: 'a brand new secret 9',
    });
    expect(done.status).toBe(200);
    expect([done.body.twoStepRequired, done.body.token]).toEqual([true, undefined]);
    const ok = await post('/auth/login/two-step', {
      challenge: done.body.challenge,
      code: codeOf(secret, 1),
    });
    expect(ok.status).toBe(200);
    // And the new password leads to the second step too.
    const next = await login(user.email, 'a brand new secret 9');
    expect(next.body.twoStepRequired).toBe(true);
  });
});

describe('changing it', () => {
  it('new recovery codes need a code; the old ones stop working', async () => {
    const { user, token, secret, recoveryCodes } = await enrolled();
    const wrong = await post('/auth/two-step/recovery-codes', { code: wrongCodeFor(secret) }, token);
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'invalid_code']);
    const fresh = await post('/auth/two-step/recovery-codes', { code: codeOf(secret, 1) }, token);
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(recoveryCodes[0]);
    const old = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      recoveryCode: recoveryCodes[0],
    });
    expect(old.body.error.code).toBe('invalid_code');
    const ok = await post('/auth/login/two-step', {
      challenge: await challengeOf(user.email),
      recoveryCode: fresh.body.recoveryCodes[0],
    });
    expect(ok.status).toBe(200);
    expect((await eventsOf(user.id)).map((e) => e.type)).toEqual([
      'user.two_step_enabled',
      'user.two_step_recovery_codes_regenerated',
      'user.two_step_recovery_code_used',
    ]);
  });

  it('turning it off needs the password (or a code); then the password alone signs in', async () => {
    const { user, token } = await enrolled();
    const wrong = await post('/auth/two-step/disable', { password: 'not my password' }, token);
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_password']);
    const off = await post('/auth/two-step/disable', { password: TEST_PASSWORD }, token);
    expect(off.status).toBe(204);
    expect((await login(user.email)).body.token).toMatch(/^stw_/);
    const again = await post('/auth/two-step/disable', { password: TEST_PASSWORD }, token);
    expect([again.status, again.body.error.code]).toEqual([409, 'two_step_off']);
    const byCode = await enrolled();
    expect(
      (await post('/auth/two-step/disable', { code: codeOf(byCode.secret, 1) }, byCode.token)).status,
    ).toBe(204);
    expect((await eventsOf(byCode.user.id)).at(-1)).toMatchObject({
      type: 'user.two_step_disabled',
      data: { by: 'self', proof: 'code' },
    });
  });

  it("an admin turns a colleague's off (a lost phone); an agent may not; it is recorded", async () => {
    const { user, secret, token: session } = await enrolled();
    const { token: agent } = await makeUser(t.db, 'agent');
    const { user: adminUser, token: adminToken } = await makeUser(t.db, 'admin');
    const apiToken = await post('/auth/tokens', { name: `phone ${unique()}`, userId: user.id }, adminToken);
    expect(apiToken.status).toBe(201);
    const pending = await challengeOf(user.email);
    const refused = await post(`/users/${user.id}/two-step/reset`, {}, agent);
    expect(refused.status).toBe(403);
    expect((await t.get('/api/v1/auth/me', session)).status).toBe(200);
    const reset = await post(`/users/${user.id}/two-step/reset`, {}, adminToken);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ id: user.id, twoStepEnabled: false });
    // Whoever has the phone may be signed in on it: every session and API token of theirs ends,
    // as with a new password.
    for (const token of [session, apiToken.body.token]) {
      expect((await t.get('/api/v1/auth/me', token)).status).toBe(401);
    }
    expect((await eventsOf(user.id)).at(-1)).toMatchObject({
      type: 'user.two_step_reset',
      actor_id: adminUser.id,
      data: { by: 'admin', endedTokens: 2 },
    });
    // A challenge from before the reset is gone; the password alone signs in now.
    const late = await post('/auth/login/two-step', { challenge: pending, code: codeOf(secret, 1) });
    expect([late.status, late.body.error.code]).toEqual([401, 'invalid_challenge']);
    expect((await login(user.email)).body.token).toMatch(/^stw_/);
    const twice = await post(`/users/${user.id}/two-step/reset`, {}, adminToken);
    expect([twice.status, twice.body.error.code]).toEqual([409, 'two_step_off']);
    const nobody = await post(`/users/0190a000-0000-7000-8000-000000000000/two-step/reset`, {}, adminToken);
    expect(nobody.status).toBe(404);
  });
});

describe('the company requires it of staff', () => {
  it('staff without it set it up after their password before they get a session; customers are not asked', async () => {
    const settingsOn = await t.patch('/api/v1/settings', { requireTwoStepForStaff: true }, admin);
    expect([settingsOn.status, settingsOn.body.requireTwoStepForStaff]).toEqual([200, true]);
    try {
      const { user } = await makeUser(t.db, 'agent');
      const first = await login(user.email);
      expect(first.status).toBe(200);
      expect(Object.keys(first.body).sort()).toEqual(['challenge', 'expiresAt', 'twoStepSetupRequired']);
      const challenge = first.body.challenge as string;
      // The setup challenge opens no session by itself.
      const asCode = await post('/auth/login/two-step', { challenge, code: '123456' });
      expect([asCode.status, asCode.body.error.code]).toEqual([401, 'invalid_challenge']);
      const early = await post('/auth/login/two-step/setup/confirm', { challenge, code: '123456' });
      expect([early.status, early.body.error.code]).toEqual([409, 'no_setup']);

      const setup = await post('/auth/login/two-step/setup', { challenge });
      expect(setup.status).toBe(200);
      expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
      const done = await post('/auth/login/two-step/setup/confirm', {
        challenge,
        code: codeOf(setup.body.secret),
      });
      expect(done.status).toBe(200);
      expect(done.body.token).toMatch(/^stw_/);
      expect(done.body.recoveryCodes).toHaveLength(10);
      const status = await t.get('/api/v1/auth/two-step', done.body.token);
      expect([status.body.enabled, status.body.required]).toEqual([true, true]);
      // Used up; and from now on the normal second step.
      expect((await post('/auth/login/two-step/setup', { challenge })).status).toBe(401);
      expect((await login(user.email)).body.twoStepRequired).toBe(true);
      // It cannot be turned off by its user while required.
      const off = await post('/auth/two-step/disable', { password: TEST_PASSWORD }, done.body.token);
      expect([off.status, off.body.error.code]).toEqual([409, 'two_step_required']);

      const customer = await makeUser(t.db, 'customer');
      expect((await login(customer.user.email)).body.token).toMatch(/^stw_/);
    } finally {
      await t.patch('/api/v1/settings', { requireTwoStepForStaff: false }, admin);
    }
  });
});

describe('with STEWARD_SECRET_KEY set', () => {
  let keyed: TestApp;
  const secretKey = randomBytes(32);
  beforeAll(async () => {
    // The key reaches the app through its config, as loadConfig reads it from the environment.
    keyed = await startTestApp({ secretKey });
  });
  afterAll(() => keyed?.close());

  const storedSecretOf = async (userId: string) =>
    (
      await rows<{ secret: string }>(
        keyed.db,
        sql`select secret from two_step_secrets where user_id = ${userId}`,
      )
    )[0]!.secret;

  it('stores the secret sealed, not as the key the app shows; codes still sign in', async () => {
    const { user, token } = await makeUser(keyed.db, 'agent');
    const setup = await keyed.post('/api/v1/auth/two-step/setup', {}, token);
    expect(setup.status).toBe(200);
    const pending = await storedSecretOf(user.id);
    expect(pending).toMatch(/^aes256gcm:v1:/);
    expect(pending).not.toContain(setup.body.secret);
    expect(openSecret(pending, user.id, secretKey)).toBe(setup.body.secret);
    // What the start checks, to warn when the key is missing: none on the server without a key.
    const unreadableWithoutKey = async (db: Database) =>
      (await secretsState(db, keysOf(undefined))).unreadable.length > 0;
    expect([await unreadableWithoutKey(keyed.db), await unreadableWithoutKey(t.db)]).toEqual([true, false]);
    const confirmed = await keyed.post(
      '/api/v1/auth/two-step/confirm',
      { code: codeOf(setup.body.secret) },
      token,
    );
    expect(confirmed.status).toBe(200);
    expect(await storedSecretOf(user.id)).toBe(pending);

    const first = await keyed.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(first.body.twoStepRequired).toBe(true);
    const wrong = await keyed.post('/api/v1/auth/login/two-step', {
      challenge: first.body.challenge,
      code: wrongCodeFor(setup.body.secret),
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_code']);
    const ok = await keyed.post('/api/v1/auth/login/two-step', {
      challenge: first.body.challenge,
      code: codeOf(setup.body.secret, 1),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.token).toMatch(/^stw_/);
  });

  it('reads a secret stored before the key was set, and seals it at its next use', async () => {
    const { user, token } = await makeUser(keyed.db, 'agent');
    const setup = await keyed.post('/api/v1/auth/two-step/setup', {}, token);
    await keyed.post('/api/v1/auth/two-step/confirm', { code: codeOf(setup.body.secret) }, token);
    // As a server without the key stored it.
    await keyed.db.execute(
      sql`update two_step_secrets set secret = ${setup.body.secret} where user_id = ${user.id}`,
    );
    const regenerated = await keyed.post(
      '/api/v1/auth/two-step/recovery-codes',
      { code: codeOf(setup.body.secret, 1) },
      token,
    );
    expect(regenerated.status).toBe(200);
    const stored = await storedSecretOf(user.id);
    expect(stored).toMatch(/^aes256gcm:v1:/);
    expect(openSecret(stored, user.id, secretKey)).toBe(setup.body.secret);
  });
});

describe('changing STEWARD_SECRET_KEY (STEWARD_SECRET_KEY_PREVIOUS)', () => {
  let rotated: TestApp;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  beforeAll(async () => {
    rotated = await startTestApp({ secretKey: newKey, previousSecretKeys: [oldKey] });
  });
  afterAll(() => rotated?.close());

  /** A staff member with two-step sign-in on, their secret stored as `store` makes it. */
  async function enrolled(store: (secret: string, userId: string) => string) {
    const { user } = await makeUser(rotated.db, 'agent');
    const secret = new Secret().base32;
    await rotated.db.execute(
      sql`insert into two_step_secrets (user_id, secret, enabled_at) values (${user.id}, ${store(secret, user.id)}, now())`,
    );
    return { user, secret };
  }
  const storedOf = async (userId: string) =>
    (
      await rows<{ secret: string }>(
        rotated.db,
        sql`select secret from two_step_secrets where user_id = ${userId}`,
      )
    )[0]!.secret;

  it('a secret sealed with the previous key signs in, and is sealed with the new key at its use', async () => {
    const { user, secret } = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const first = await rotated.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    const ok = await rotated.post('/api/v1/auth/login/two-step', {
      challenge: first.body.challenge,
      code: codeOf(secret),
    });
    expect(ok.status).toBe(200);
    const stored = await storedOf(user.id);
    expect(openSecret(stored, user.id, newKey)).toBe(secret);
    expect(() => openSecret(stored, user.id, oldKey)).toThrow(/does not open/);
  });

  it('reseal moves every secret to the new key at once and names those no key opens', async () => {
    const plain = await enrolled((s) => s);
    const old = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const current = await enrolled((s, id) => sealSecret(s, id, newKey));
    const lost = await enrolled((s, id) => sealSecret(s, id, randomBytes(32)));
    const keys = keysOf(newKey, [oldKey]);
    const before = await secretsState(rotated.db, keys);
    expect(before.unreadable).toContainEqual({ userId: lost.user.id, email: lost.user.email });

    const progress: [number, number][] = [];
    const report = await resealSecrets(rotated.db, keys, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    // (The previous test's secret, if it ran, is on the new key already.)
    const n = before.total;
    expect([before.stale, before.unreadable.length]).toEqual([2, 1]);
    expect(report).toMatchObject({ total: n, current: n - 3, stale: 2, resealed: 2 });
    expect(report.unreadable).toEqual([{ userId: lost.user.id, email: lost.user.email }]);
    expect(progress).toEqual([
      [0, n],
      [n, n],
    ]);
    for (const { user, secret } of [plain, old, current])
      expect(openSecret(await storedOf(user.id), user.id, newKey)).toBe(secret);
    // Without the previous key now, only the lost one is left unread; nothing is stale.
    const after = await secretsState(rotated.db, keysOf(newKey));
    expect([after.total, after.current, after.stale, after.unreadable.length]).toEqual([n, n - 1, 0, 1]);
    expect(await storedOf(lost.user.id)).toMatch(/^aes256gcm:v1:/);
    // Nothing to seal with: refused, nothing changed.
    await expect(resealSecrets(rotated.db, keysOf(undefined))).rejects.toMatchObject({
      statusCode: 400,
      code: 'no_secret_key',
    });
  });

  // A secret its owner's sign-in sealed again (or that they enrolled anew) after the reseal read it
  // keeps what the sign-in wrote: the reseal writes only where the stored value is still the one it
  // read. PGlite has one connection, so nothing can come between there but what `afterRead` does;
  // on PostgreSQL the sign-in is a real one, through the API, on its own connection.
  it('reseal leaves a secret that a sign-in sealed between its read and its write as the sign-in left it', async () => {
    const signingIn = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const other = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const keys = keysOf(newKey, [oldKey]);
    const before = await secretsState(rotated.db, keys);
    expect(before.stale).toBe(2);

    let signedIn: string | undefined;
    const report = await resealSecrets(rotated.db, keys, {
      afterRead: async (tx, userIds) => {
        expect(userIds).toEqual(expect.arrayContaining([signingIn.user.id, other.user.id]));
        if (usingPostgres()) {
          const first = await rotated.post('/api/v1/auth/login', {
            email: signingIn.user.email,
            password: TEST_PASSWORD,
          });
          const ok = await rotated.post('/api/v1/auth/login/two-step', {
            challenge: first.body.challenge,
            code: codeOf(signingIn.secret),
          });
          expect(ok.status).toBe(200);
          signedIn = await storedOf(signingIn.user.id);
        } else {
          // What the sign-in writes (two-step.service useCode), in the only connection there is.
          signedIn = sealSecret(signingIn.secret, signingIn.user.id, newKey);
          await tx.execute(
            sql`update two_step_secrets set secret = ${signedIn} where user_id = ${signingIn.user.id}`,
          );
        }
      },
    });

    // The sign-in's seal stays (a reseal over it would be another ciphertext: each seal has its own nonce).
    expect(signedIn).toMatch(/^aes256gcm:v1:/);
    expect(await storedOf(signingIn.user.id)).toBe(signedIn);
    expect(openSecret(signedIn!, signingIn.user.id, newKey)).toBe(signingIn.secret);
    // The other one in the same batch moved; the report counts both stale, one sealed by it.
    expect(openSecret(await storedOf(other.user.id), other.user.id, newKey)).toBe(other.secret);
    expect(report).toMatchObject({
      total: before.total,
      current: before.current,
      stale: 2,
      resealed: 1,
      removed: 0,
      unreadable: before.unreadable,
    });
    const after = await secretsState(rotated.db, keysOf(newKey));
    expect([after.current, after.stale]).toEqual([before.current + 2, 0]);
  });

  it('reseal counts a secret removed between its read and its write apart from one changed', async () => {
    const turnedOff = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const other = await enrolled((s, id) => sealSecret(s, id, oldKey));
    const keys = keysOf(newKey, [oldKey]);
    const before = await secretsState(rotated.db, keys);
    expect(before.stale).toBe(2);
    const report = await resealSecrets(rotated.db, keys, {
      // What turning two-step sign-in off does (two-step.repo disable), meanwhile.
      afterRead: async (tx) => {
        await tx.execute(sql`delete from two_step_secrets where user_id = ${turnedOff.user.id}`);
      },
    });
    expect(report).toMatchObject({ total: before.total, stale: 2, resealed: 1, removed: 1 });
    expect(openSecret(await storedOf(other.user.id), other.user.id, newKey)).toBe(other.secret);
    const left = await rows(
      rotated.db,
      sql`select 1 from two_step_secrets where user_id = ${turnedOff.user.id}`,
    );
    expect(left).toHaveLength(0);
  });

  it.runIf(usingPostgres())(
    'reseal waiting on a row that a sign-in holds writes nothing there once the sign-in commits (PostgreSQL)',
    async () => {
      const target = await enrolled((s, id) => sealSecret(s, id, oldKey));
      const keys = keysOf(newKey, [oldKey]);
      const before = await secretsState(rotated.db, keys);
      const connect = async () => {
        const client = new pg.Client({ connectionString: rotated.handle.url });
        await client.connect();
        return client;
      };
      const [signIn, monitor] = [await connect(), await connect()];
      try {
        // A sign-in on another node has sealed the secret again and not yet committed: the reseal
        // reads the old value, and its write waits for the row.
        const signedIn = sealSecret(target.secret, target.user.id, newKey);
        await signIn.query('begin');
        await signIn.query('update two_step_secrets set secret = $1 where user_id = $2', [
          signedIn,
          target.user.id,
        ]);
        const resealing = resealSecrets(rotated.db, keys);
        for (let i = 0; ; i++) {
          const { rows: waiting } = await monitor.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`,
          );
          if (waiting[0]!.n > 0) break;
          if (i > 500) throw new Error('the reseal never waited for the row');
          await new Promise((r) => setTimeout(r, 20));
        }
        await signIn.query('commit');
        const report = await resealing;
        expect(await storedOf(target.user.id)).toBe(signedIn);
        expect(report).toMatchObject({ total: before.total, stale: 1, resealed: 0, removed: 0 });
      } finally {
        await signIn.query('rollback').catch(() => {});
        await Promise.all([signIn.end(), monitor.end()]);
      }
    },
  );

  // (Last in this block: the others count the secrets no key opens.)
  it("a secret no key opens is the server's fault: 503 two_step_unreadable, and a recovery code or the password still works", async () => {
    const lost = await enrolled((s, id) => sealSecret(s, id, randomBytes(32)));
    await replaceRecoveryCodes(rotated.db, lost.user.id, [hashRecoveryCode('abcd-efgh-ijkl')]);
    const signIn = () =>
      rotated.post('/api/v1/auth/login', { email: lost.user.email, password: TEST_PASSWORD });
    const first = await signIn();
    expect(first.body.twoStepRequired).toBe(true);
    const refused = await rotated.post('/api/v1/auth/login/two-step', {
      challenge: first.body.challenge,
      code: codeOf(lost.secret),
    });
    expect([refused.status, refused.body.error.code]).toEqual([503, 'two_step_unreadable']);
    expect(refused.body.error.message).toMatch(/recovery code/);
    // Not the person's failed sign-in: the challenge still takes the recovery code.
    const recovered = await rotated.post('/api/v1/auth/login/two-step', {
      challenge: first.body.challenge,
      recoveryCode: 'abcd-efgh-ijkl',
    });
    expect(recovered.status).toBe(200);
    const token = recovered.body.token as string;
    const withCode = await rotated.post(
      '/api/v1/auth/two-step/recovery-codes',
      { code: codeOf(lost.secret) },
      token,
    );
    expect([withCode.status, withCode.body.error.code]).toEqual([503, 'two_step_unreadable']);
    const off = await rotated.post('/api/v1/auth/two-step/disable', { password: TEST_PASSWORD }, token);
    expect(off.status).toBe(204);
    expect((await signIn()).body.token).toMatch(/^stw_/);
  });
});
