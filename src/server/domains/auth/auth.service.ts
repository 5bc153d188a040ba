// Sign-in, sessions and API tokens. Tokens are opaque random strings stored hashed; sessions
// expire, API tokens live until revoked or their own expiry. Failed sign-ins are throttled
// through the database so every node counts the same attempts.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../../db/client.js';
import type { Actor } from '../../lib/actor.js';
import type { TokenAccess } from '../../../shared/schemas/users.js';
import {
  AppError,
  conflict,
  forbidden,
  notFound,
  tooManyRequests,
  unauthorized,
  unprocessable,
} from '../../lib/errors.js';
import { TWO_STEP_CHALLENGE_MINUTES } from '../../../shared/schemas/users.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { readSettings } from '../settings/settings.service.js';
import { findUserById } from './auth.repo.js';
import * as repo from './auth.repo.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { describeDevice } from './devices.js';
import { hashToken, newToken } from './tokens.js';
import * as twoStep from './two-step.repo.js';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 50;
const TOUCH_EVERY_MS = 60_000;

/** Where a sign-in comes from, kept with its session so the user can tell their devices apart. */
export interface SignInClient {
  ip: string;
  userAgent: string | null;
}

export async function login(
  db: Database,
  opts: { email: string; password: string; ttlSeconds: number } & SignInClient,
) {
  await throttleSignIn(db, opts.email, opts.ip);
  const user = await repo.findLiveUserByEmail(db, opts.email);
  const ok = user?.passwordHash
    ? await verifyPassword(user.passwordHash, opts.password)
    : (await verifyPassword(await dummyPasswordHash(), opts.password), false);
  if (!user || !ok || !user.active) {
    await repo.recordLoginAttempt(db, opts.email, opts.ip, false);
    throw unauthorized('invalid_credentials', 'e-mail or password is wrong, or the account is disabled');
  }
  const step = await openSignIn(db, user, {
    ttlSeconds: opts.ttlSeconds,
    client: { ip: opts.ip, userAgent: opts.userAgent },
  });
  // With a second step to come, the sign-in has not succeeded yet: a success would clear the
  // e-mail's failures, and the wrong codes that follow count with them (two-step.service).
  if (step.kind !== 'two_step') await repo.recordLoginAttempt(db, opts.email, opts.ip, true);
  return { step, user };
}

/** What a proven password (or e-mailed link) leads to: a session, or the second step first. */
export type SignInStep =
  | { kind: 'session'; token: string; tokenId: string; expiresAt: Date }
  | { kind: 'two_step' | 'two_step_setup'; challenge: string; challengeId: string; expiresAt: Date };

/**
 * Opens a session for a user who proved who they are, or, when they have two-step sign-in (or
 * the company requires it of staff and they have none yet), a five-minute single-use challenge
 * for the second step instead. Every way in (password, password link, magic link) goes through
 * here, so none of them passes the second step by.
 */
export async function openSignIn(
  db: Database,
  user: { id: string; role: string },
  opts: { ttlSeconds: number; client: SignInClient },
): Promise<SignInStep> {
  const staff = user.role !== 'customer';
  const purpose = !staff
    ? null
    : (await twoStep.isEnabled(db, user.id))
      ? 'sign_in'
      : (await readSettings(db)).requireTwoStepForStaff
        ? 'setup'
        : null;
  if (purpose) {
    const challenge = `tsc_${randomBytes(32).toString('base64url')}`;
    const row = await twoStep.insertChallenge(db, {
      userId: user.id,
      purpose,
      tokenHash: hashToken(challenge),
      expiresAt: new Date(Date.now() + TWO_STEP_CHALLENGE_MINUTES * 60_000),
      ip: opts.client.ip,
      userAgent: opts.client.userAgent,
    });
    return {
      kind: purpose === 'sign_in' ? 'two_step' : 'two_step_setup',
      challenge,
      challengeId: row.id,
      expiresAt: row.expiresAt,
    };
  }
  const issued = await issueToken(db, {
    userId: user.id,
    kind: 'session',
    ttlSeconds: opts.ttlSeconds,
    client: opts.client,
  });
  return { kind: 'session', token: issued.token, tokenId: issued.tokenId, expiresAt: issued.expiresAt! };
}

/** Refuses a sign-in check for `email` from `ip` while it has failed too often (429). */
export async function throttleSignIn(db: Database, email: string, ip: string) {
  const failures = await repo.countLoginFailures(db, email, ip, LOGIN_WINDOW_SECONDS);
  if (failures.emailFailures >= MAX_FAILURES_PER_EMAIL || failures.ipFailures >= MAX_FAILURES_PER_IP) {
    throw tooManyRequests('too many failed sign-ins; wait and try again', Math.max(1, failures.retryAfter));
  }
}

/**
 * A signed-in user changes their own password, proving the current one (wrong guesses count as
 * failed sign-ins, so this is no way around the sign-in throttle). Every other session and API
 * token of the user ends, as when an admin sets a password; the one making the request stays.
 */
export async function changeOwnPassword(
  db: Database,
  actor: Actor,
  opts: { currentPassword: string; newPassword: string; ip: string },
) {
  if (!actor.userId) throw forbidden('Steward itself has no password');
  const user = await findUserById(db, actor.userId);
  if (!user) throw unauthorized('invalid_token', 'the user of this token no longer exists');
  if (!user.passwordHash) {
    throw conflict('no_password', 'this login has no password: it signs in with a link sent by e-mail');
  }
  await throttleSignIn(db, user.email, opts.ip);
  if (!(await verifyPassword(user.passwordHash, opts.currentPassword))) {
    await repo.recordLoginAttempt(db, user.email, opts.ip, false);
    throw new AppError(403, 'wrong_password', 'the current password is wrong');
  }
  if (opts.newPassword === opts.currentPassword) {
    throw unprocessable('same_password', 'body.newPassword: must differ from the current password', [
      { path: 'body.newPassword', message: 'must differ from the current password' },
    ]);
  }
  const next = await hashPassword(opts.newPassword);
  return db.transaction(async (tx) => {
    if (!(await repo.replacePasswordHash(tx, user.id, user.passwordHash!, next))) {
      throw conflict('password_changed', 'the password was changed meanwhile: sign in again');
    }
    const endedTokens = await repo.revokeTokensOfUser(tx, user.id, { except: actor.tokenId });
    await recordDomainEvent(tx, actor, {
      type: 'user.password_changed',
      entityType: 'user',
      entityId: user.id,
      data: { by: 'self', endedTokens },
    });
    return { endedTokens };
  });
}

export async function issueToken(
  db: Database,
  opts: {
    userId: string;
    kind: 'session' | 'api';
    name?: string;
    access?: TokenAccess;
    ttlSeconds?: number;
    expiresAt?: Date | null;
    client?: SignInClient;
  },
) {
  const { token, tokenHash } = newToken();
  const expiresAt =
    opts.expiresAt !== undefined
      ? opts.expiresAt
      : opts.ttlSeconds !== undefined
        ? new Date(Date.now() + opts.ttlSeconds * 1000)
        : null;
  const row = await repo.insertToken(db, {
    userId: opts.userId,
    kind: opts.kind,
    name: opts.name,
    access: opts.access,
    tokenHash,
    expiresAt,
    ip: opts.client?.ip ?? null,
    userAgent: opts.client?.userAgent ?? null,
  });
  // A sign-in is remembered on the user (not their version: an admin's edit does not conflict
  // with it), so "never signed in" stays true to the fact after the sessions are pruned.
  if (opts.kind === 'session') await repo.markSignedIn(db, opts.userId);
  return { token, tokenId: row.id, expiresAt: row.expiresAt, row };
}

/**
 * The actor behind a bearer token, or a 401 saying why not. The token's use is recorded at most
 * once a minute, with the address and browser it came from (`client`): a session's are its latest.
 */
export async function authenticate(
  db: Database,
  token: string,
  client?: { ip: string; userAgent: string | null },
): Promise<Actor> {
  if (!token.startsWith('stw_') || token.length > 100)
    throw unauthorized('invalid_token', 'the token is not valid');
  const row = await repo.findTokenWithUser(db, hashToken(token));
  if (!row || row.revokedAt || row.userDeletedAt || !row.active) {
    throw unauthorized('invalid_token', 'the token is not valid, revoked, or its user is disabled');
  }
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw unauthorized('token_expired', 'the token has expired: sign in again');
  }
  if (row.role === 'customer' && (!row.customerId || row.customerDeletedAt)) {
    throw unauthorized('invalid_token', 'the customer record of this login no longer exists');
  }
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await repo.touchToken(db, row.tokenId, client);
  }
  return {
    kind: 'user',
    userId: row.userId,
    role: row.role,
    customerId: row.customerId,
    organizationId: row.organizationId ?? null,
    organizationAccess: row.organizationAccess ?? false,
    tokenId: row.tokenId,
    readOnly: row.access === 'read',
  };
}

export async function logout(db: Database, actor: Actor) {
  if (actor.tokenId) await repo.revokeToken(db, actor.tokenId);
}

/**
 * Ends sign-in sessions of `userId` in one transaction, never the request's own, and records
 * `user.sessions_ended` with `by` and what ended: all of them, or the one `only` (404 if it is
 * not a live session of theirs). API tokens stay.
 */
async function endSessions(
  db: Database,
  actor: Actor,
  userId: string,
  opts: { by: 'self' | 'admin'; only?: string },
) {
  return db.transaction(async (tx) => {
    if (opts.by === 'admin' && !(await findUserById(tx, userId))) throw notFound('user');
    const endedSessions = await repo.revokeTokensOfUser(tx, userId, {
      sessionsOnly: true,
      ...(opts.only ? { only: opts.only } : { except: actor.tokenId }),
    });
    if (opts.only && endedSessions === 0) throw notFound('session');
    await recordDomainEvent(tx, actor, {
      type: 'user.sessions_ended',
      entityType: 'user',
      entityId: userId,
      data: { by: opts.by, endedSessions, ...(opts.only ? { sessionId: opts.only } : {}) },
    });
    return { endedSessions };
  });
}

/** "Sign out everywhere else": the user's other sessions end (a shared computer, a lost laptop). */
export async function endOtherSessions(db: Database, actor: Actor) {
  if (!actor.userId) throw forbidden('Steward itself has no sessions');
  return endSessions(db, actor, actor.userId, { by: 'self' });
}

export async function createApiToken(
  db: Database,
  actor: Actor,
  opts: { name: string; userId?: string; access?: TokenAccess; expiresAt?: string },
) {
  const userId = opts.userId ?? actor.userId;
  if (!userId) throw forbidden('the system has no tokens');
  const user = await findUserById(db, userId);
  // A user named in the body is a reference, as elsewhere (422), not the route's record (404).
  if (!user) {
    throw unprocessable('invalid_reference', 'body.userId: no such user', [
      { path: 'body.userId', message: 'no such user' },
    ]);
  }
  // A token made for a disabled user would do nothing now and come alive, unnoticed, the day
  // the account is enabled again: refused, as a password link for them is.
  if (!user.active)
    throw conflict('account_disabled', 'body.userId: this account is disabled: enable it first');
  if (opts.expiresAt && new Date(opts.expiresAt).getTime() <= Date.now()) {
    throw new AppError(400, 'validation_error', 'body.expiresAt: must be in the future', [
      { path: 'body.expiresAt', message: 'must be in the future' },
    ]);
  }
  return db.transaction(async (tx) => {
    const issued = await issueToken(tx, {
      userId,
      kind: 'api',
      name: opts.name,
      access: opts.access ?? 'full',
      expiresAt: opts.expiresAt ? new Date(opts.expiresAt) : null,
    });
    // The audit trail names the token and whom it acts as; never the token itself.
    await recordDomainEvent(tx, actor, {
      type: 'api_token.created',
      entityType: 'api_token',
      entityId: issued.row.id,
      data: {
        name: opts.name,
        userId,
        access: issued.row.access,
        expiresAt: issued.row.expiresAt?.toISOString() ?? null,
      },
    });
    return { token: issued.token, row: issued.row };
  });
}

/** Revokes an API token (sessions end by signing out, or with their user's deactivation). */
export async function revokeApiToken(db: Database, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    if (!(await repo.revokeToken(tx, id, undefined, 'api'))) throw notFound('token');
    await recordDomainEvent(tx, actor, { type: 'api_token.revoked', entityType: 'api_token', entityId: id });
  });
}

export const listApiTokens = (db: Database) => repo.listApiTokens(db);

/** The user's sign-in sessions that still work, the one of `currentTokenId` marked. */
export async function listSessions(db: Database, userId: string, currentTokenId: string | null) {
  const rows = await repo.listLiveSessions(db, userId);
  return rows.map((t) => ({
    id: t.id,
    device: describeDevice(t.userAgent),
    userAgent: t.userAgent,
    ip: t.ip,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    current: t.id === currentTokenId,
  }));
}

/** Ends one of your own sessions (the one in use too: that is signing out). 404 if it is not yours or not live. */
export async function endOwnSession(db: Database, actor: Actor, sessionId: string) {
  if (!actor.userId) throw forbidden('Steward itself has no sessions');
  await endSessions(db, actor, actor.userId, { by: 'self', only: sessionId });
}

/** An admin signs a user out everywhere (a lost laptop) without disabling the login; API tokens stay. */
export const endSessionsOfUser = (db: Database, actor: Actor, userId: string) =>
  endSessions(db, actor, userId, { by: 'admin' });
