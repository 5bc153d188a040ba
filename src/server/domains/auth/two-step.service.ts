// Two-step sign-in for staff: after the password, a code from an authenticator app (TOTP, RFC
// 6238) or one of ten single-use recovery codes. Enrolment is two calls: begin (a new secret,
// shown as a QR code and as text; nothing changes at sign-in yet) and confirm with a code the app
// shows (it is on, and the recovery codes are shown once). Sign-in with it on answers the
// password with a five-minute single-use challenge (auth.service openSignIn); the challenge and a
// code then open the session the way a password alone would (issueToken). Code checks count per
// user in the shared rate limit, whichever call makes them, so guessing is slow from any node.
// At sign-in a wrong code (or recovery code) is also a failed sign-in of the e-mail, recorded and
// throttled as a wrong password is (auth.service throttleSignIn, login_attempts); the sign-in
// succeeds, for that count, when the session opens, not at the password before the second step.
// A code's time step, a recovery code and a challenge each work once, claimed by one UPDATE.
// The secret is stored sealed with STEWARD_SECRET_KEY when it is set (secret-box.ts): every
// function here that reads or writes one takes that key and the previous ones that still open
// secrets (`secretKey`: SecretKeys, its `key` undefined without one).
import QRCode from 'qrcode';
import type { Database } from '../../../db/client.js';
import type { DomainEventType } from '../../../shared/schemas/audit.js';
import type { TwoStepDisable, TwoStepSetup, TwoStepStatus } from '../../../shared/schemas/users.js';
import { SYSTEM_ACTOR, isAdmin, type Actor } from '../../lib/actor.js';
import { AppError, conflict, forbidden, notFound, unauthorized } from '../../lib/errors.js';
import { assertWithinRate } from '../../lib/rate-limit.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { readSettings } from '../settings/settings.service.js';
import * as repo from './auth.repo.js';
import { issueToken, throttleSignIn, type SignInClient } from './auth.service.js';
import { verifyPassword } from './passwords.js';
import { openStored, sealSecret, SecretKeyError, type SecretKeys } from './secret-box.js';
import { hashToken } from './tokens.js';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, stepOfCode, totpUri } from './totp.js';
import * as twoStep from './two-step.repo.js';

/** Code checks (right or wrong) a user may make in the window, over every call that checks one. */
export const TWO_STEP_CODE_RATE = { max: 10, windowSeconds: 15 * 60 } as const;

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUserById>>>;

const invalidChallenge = () =>
  unauthorized('invalid_challenge', 'this sign-in step has expired or was used: sign in again');
/** A wrong code: 401 at sign-in (no session yet), 403 for a signed-in user (their session is fine). */
const invalidCode = (status: 401 | 403) =>
  new AppError(status, 'invalid_code', 'the code is wrong or too old: enter the one the app shows now');
const codeUsed = (status: 401 | 403) =>
  new AppError(status, 'code_used', 'this code was used already: wait for the app to show the next one');

/**
 * The user's secret, opened with the server's keys. One no key opens (the server started without
 * the key it was sealed with) is the server's fault, not the person's: 503 `two_step_unreadable`,
 * logged with the reason, and the start's log and `steward secrets reseal` name every such account.
 */
function openOwnSecret(stored: string, userId: string, key: SecretKey) {
  try {
    return openStored(stored, userId, key);
  } catch (err) {
    if (!(err instanceof SecretKeyError)) throw err;
    const refused = new AppError(
      503,
      'two_step_unreadable',
      "this server cannot read your authenticator app's secret (it was stored with another key): sign in with a recovery code, or ask an admin to turn your two-step sign-in off and set it up again",
    );
    // The log says why (it names STEWARD_SECRET_KEY); the person is told what they can do.
    throw Object.assign(refused, { cause: err });
  }
}

const countCodeCheck = (db: Database, userId: string) =>
  assertWithinRate(db, { action: 'two_step_code', clientKey: userId, ...TWO_STEP_CODE_RATE });

/** The signed-in staff member (customers have no two-step sign-in: 403). */
async function staffUser(db: Database, actor: Actor): Promise<UserRow> {
  if (!actor.userId) throw forbidden('Steward itself does not sign in');
  if (actor.role === 'customer') throw forbidden('two-step sign-in is for staff accounts');
  const user = await repo.findUserById(db, actor.userId);
  if (!user) throw unauthorized('invalid_token', 'the user of this token no longer exists');
  return user;
}

/**
 * The key two-step secrets are sealed with (Config.secretKey; undefined: stored as they are) and
 * the previous keys that still open them (Config.previousSecretKeys).
 */
export type SecretKey = SecretKeys;

/**
 * Checks an authenticator code against the user's enabled secret and uses up its time step. A
 * secret stored before the key was set, or sealed with a previous key, is sealed with the key now,
 * with the step (the same transaction).
 */
async function useCode(tx: Database, userId: string, code: string, status: 401 | 403, key: SecretKey) {
  const secret = await twoStep.findSecret(tx, userId);
  if (!secret?.enabledAt) throw conflict('two_step_off', 'two-step sign-in is not on for this account');
  const { secret: plain, stale } = openOwnSecret(secret.secret, userId, key);
  const step = stepOfCode(plain, code);
  if (step === null) throw invalidCode(status);
  if (!(await twoStep.useStep(tx, userId, step))) throw codeUsed(status);
  if (stale) await twoStep.replaceSecret(tx, userId, secret.secret, sealSecret(plain, userId, key.key));
}

/** A wrong or used code at sign-in: a failed sign-in of the e-mail, as a wrong password is. */
const isWrongCode = (err: unknown) =>
  err instanceof AppError && (err.code === 'invalid_code' || err.code === 'code_used');

async function newRecoveryCodeSet(tx: Database, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await twoStep.replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode));
  return codes;
}

const event = (
  tx: Database,
  actor: Actor,
  type: DomainEventType,
  userId: string,
  data?: Record<string, unknown>,
) => recordDomainEvent(tx, actor, { type, entityType: 'user', entityId: userId, ...(data ? { data } : {}) });

// ---- the signed-in staff member's own -----------------------------------------------------------

export async function twoStepStatus(db: Database, actor: Actor): Promise<TwoStepStatus> {
  const user = await staffUser(db, actor);
  const secret = await twoStep.findSecret(db, user.id);
  const { requireTwoStepForStaff } = await readSettings(db);
  return {
    enabled: !!secret?.enabledAt,
    enabledAt: secret?.enabledAt?.toISOString() ?? null,
    recoveryCodesLeft: secret?.enabledAt ? await twoStep.countUnusedRecoveryCodes(db, user.id) : 0,
    required: requireTwoStepForStaff,
  };
}

/** A new secret for the user's app, not yet in force (409 `two_step_on` while it is on). */
async function beginFor(db: Database, user: UserRow, key: SecretKey): Promise<TwoStepSetup> {
  const secret = newTotpSecret();
  if (!(await twoStep.putPendingSecret(db, user.id, sealSecret(secret, user.id, key.key)))) {
    throw conflict('two_step_on', 'two-step sign-in is on already: turn it off first to set up another app');
  }
  const { companyName } = await readSettings(db);
  const uri = totpUri(secret, { issuer: companyName ?? 'Steward', account: user.email });
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, uri, qrSvg };
}

/** Turns the begun enrolment on with a code of its app; the recovery codes, shown once. */
async function confirmFor(
  tx: Database,
  actor: Actor,
  user: UserRow,
  code: string,
  status: 401 | 403,
  key: SecretKey,
) {
  const secret = await twoStep.findSecret(tx, user.id);
  if (secret?.enabledAt) throw conflict('two_step_on', 'two-step sign-in is on already');
  if (!secret) throw conflict('no_setup', 'set two-step sign-in up first: no app is waiting to be confirmed');
  const step = stepOfCode(openOwnSecret(secret.secret, user.id, key).secret, code);
  if (step === null) throw invalidCode(status);
  if (!(await twoStep.enable(tx, user.id, secret.secret, step))) {
    throw conflict('setup_changed', 'the setup was started again meanwhile: scan the newest QR code');
  }
  const recoveryCodes = await newRecoveryCodeSet(tx, user.id);
  await event(tx, actor, 'user.two_step_enabled', user.id, { recoveryCodes: recoveryCodes.length });
  return recoveryCodes;
}

export async function beginTwoStepSetup(db: Database, actor: Actor, key: SecretKey) {
  return beginFor(db, await staffUser(db, actor), key);
}

export async function confirmTwoStepSetup(db: Database, actor: Actor, code: string, key: SecretKey) {
  const user = await staffUser(db, actor);
  await countCodeCheck(db, user.id);
  return { recoveryCodes: await db.transaction((tx) => confirmFor(tx, actor, user, code, 403, key)) };
}

/**
 * Turns the user's own two-step sign-in off, proven by their password (wrong ones count as failed
 * sign-ins) or a current code. Refused (409 `two_step_required`) while the company requires it:
 * an admin turns it off for a lost phone, and the next sign-in sets it up again.
 */
export async function disableTwoStep(
  db: Database,
  actor: Actor,
  input: TwoStepDisable,
  ip: string,
  key: SecretKey,
) {
  const user = await staffUser(db, actor);
  if (!(await twoStep.isEnabled(db, user.id))) throw conflict('two_step_off', 'two-step sign-in is not on');
  if ((await readSettings(db)).requireTwoStepForStaff) {
    throw conflict(
      'two_step_required',
      'the company requires two-step sign-in of staff: it cannot be turned off (an admin can reset it for a lost phone)',
    );
  }
  if ('password' in input) {
    await throttleSignIn(db, user.email, ip);
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
      await repo.recordLoginAttempt(db, user.email, ip, false);
      throw new AppError(403, 'wrong_password', 'the password is wrong');
    }
  } else {
    await countCodeCheck(db, user.id);
  }
  await db.transaction(async (tx) => {
    if ('code' in input) await useCode(tx, user.id, input.code, 403, key);
    await twoStep.removeAll(tx, user.id);
    await event(tx, actor, 'user.two_step_disabled', user.id, {
      by: 'self',
      proof: 'password' in input ? 'password' : 'code',
    });
  });
}

/** A new set of recovery codes (the old ones stop working), proven by a current code. */
export async function regenerateRecoveryCodes(db: Database, actor: Actor, code: string, key: SecretKey) {
  const user = await staffUser(db, actor);
  await countCodeCheck(db, user.id);
  const recoveryCodes = await db.transaction(async (tx) => {
    await useCode(tx, user.id, code, 403, key);
    const codes = await newRecoveryCodeSet(tx, user.id);
    await event(tx, actor, 'user.two_step_recovery_codes_regenerated', user.id, {
      recoveryCodes: codes.length,
    });
    return codes;
  });
  return { recoveryCodes };
}

/**
 * An admin turns a colleague's two-step sign-in off (a lost phone). Whoever has the phone may
 * have a signed-in session on it, or the mail with a password link: as with a new password, every
 * session and API token of the user ends, and so do their password links (revokeTokensOfUser);
 * on an admin's own account, the session making the request stays. 404 unknown, 409 when off.
 */
export async function resetTwoStep(db: Database, actor: Actor, userId: string) {
  if (!isAdmin(actor)) throw forbidden('only admins reset two-step sign-in');
  await db.transaction(async (tx) => {
    const user = await repo.findUserById(tx, userId);
    if (!user) throw notFound('user');
    if (!(await twoStep.removeAll(tx, userId))) {
      throw conflict('two_step_off', 'two-step sign-in is not on for this user');
    }
    const endedTokens = await repo.revokeTokensOfUser(tx, userId, { except: actor.tokenId });
    await event(tx, actor, 'user.two_step_reset', userId, { by: 'admin', endedTokens });
  });
}

// ---- sign-in: the second step -------------------------------------------------------------------

/** The live challenge of this token for `purpose` with its user, who may still sign in; else 401. */
async function liveChallenge(db: Database, token: string, purpose: twoStep.ChallengePurpose) {
  const challenge = await twoStep.findLiveChallenge(db, hashToken(token));
  if (!challenge || challenge.purpose !== purpose) throw invalidChallenge();
  const user = await repo.findUserById(db, challenge.userId);
  if (!user || !user.active) throw invalidChallenge();
  return { challenge, user };
}

/** Claims the challenge (once) and opens the session, as a password alone would. */
async function openSession(
  tx: Database,
  challengeId: string,
  user: UserRow,
  opts: { ttlSeconds: number; client: SignInClient },
) {
  if (!(await twoStep.claimChallenge(tx, challengeId))) throw invalidChallenge();
  const issued = await issueToken(tx, {
    userId: user.id,
    kind: 'session',
    ttlSeconds: opts.ttlSeconds,
    client: opts.client,
  });
  return { token: issued.token, expiresAt: issued.expiresAt!, user };
}

/**
 * The second step: the challenge of a right password and a current code (or an unused recovery
 * code) open the session. 401 `invalid_challenge` (expired, used, or two-step reset since),
 * `invalid_code`, `code_used` (its time step was used): both failed sign-ins of the e-mail, in
 * login_attempts as a wrong password; 429 while the e-mail or address is throttled (as at
 * /auth/login) or past the user's code-check rate.
 */
export async function completeTwoStepSignIn(
  db: Database,
  opts: {
    challenge: string;
    code?: string;
    recoveryCode?: string;
    ttlSeconds: number;
    client: SignInClient;
    secretKey: SecretKey;
  },
) {
  const { challenge, user } = await liveChallenge(db, opts.challenge, 'sign_in');
  await throttleSignIn(db, user.email, opts.client.ip);
  await countCodeCheck(db, user.id);
  try {
    return await db.transaction((tx) => secondStep(tx, challenge.id, user, opts));
  } catch (err) {
    // Recorded after the transaction rolled back, so the failure stays.
    if (isWrongCode(err)) await repo.recordLoginAttempt(db, user.email, opts.client.ip, false);
    throw err;
  }
}

/** In the transaction of completeTwoStepSignIn: checks the code or recovery code, opens the session. */
async function secondStep(
  tx: Database,
  challengeId: string,
  user: UserRow,
  opts: Parameters<typeof completeTwoStepSignIn>[1],
) {
  if (opts.recoveryCode !== undefined) {
    if (!(await twoStep.isEnabled(tx, user.id))) throw invalidChallenge();
    const used = await twoStep.useRecoveryCode(tx, user.id, hashRecoveryCode(opts.recoveryCode));
    if (!used) throw invalidCode(401);
    await event(tx, SYSTEM_ACTOR, 'user.two_step_recovery_code_used', user.id, {
      recoveryCodesLeft: await twoStep.countUnusedRecoveryCodes(tx, user.id),
      ip: opts.client.ip,
    });
  } else {
    try {
      await useCode(tx, user.id, opts.code ?? '', 401, opts.secretKey);
    } catch (err) {
      // Reset by an admin since the password: the step is gone, sign in again.
      if (err instanceof AppError && err.code === 'two_step_off') throw invalidChallenge();
      throw err;
    }
  }
  const session = await openSession(tx, challengeId, user, opts);
  await repo.recordLoginAttempt(tx, user.email, opts.client.ip, true);
  return session;
}

/** Setting up with a `setup` challenge (the company requires it): the QR code to scan. */
export async function beginTwoStepSetupByChallenge(db: Database, challenge: string, key: SecretKey) {
  const { user } = await liveChallenge(db, challenge, 'setup');
  return beginFor(db, user, key);
}

/** Confirms the setup of a `setup` challenge with a code, and opens the session. */
export async function confirmTwoStepSetupByChallenge(
  db: Database,
  opts: { challenge: string; code: string; ttlSeconds: number; client: SignInClient; secretKey: SecretKey },
) {
  const { challenge, user } = await liveChallenge(db, opts.challenge, 'setup');
  await countCodeCheck(db, user.id);
  return db.transaction(async (tx) => {
    const actor: Actor = { ...SYSTEM_ACTOR, kind: 'user', userId: user.id, role: user.role };
    const recoveryCodes = await confirmFor(tx, actor, user, opts.code, 401, opts.secretKey);
    return { ...(await openSession(tx, challenge.id, user, opts)), recoveryCodes };
  });
}
