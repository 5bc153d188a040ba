import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { customers } from '../customers/customers.table.js';
import { authTokens, loginAttempts, passwordLinks, users } from './auth.table.js';
import type { TokenAccess } from '../../../shared/schemas/users.js';

export async function findLiveUserByEmail(db: Database, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email})`, isNull(users.deletedAt)))
    .limit(1);
  return user;
}

export async function findUserById(db: Database, id: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.id, id), isNull(users.deletedAt)))
    .limit(1);
  return user;
}

/** The token's row with its user and, for customers, their organization: one query per request. */
export async function findTokenWithUser(db: Database, tokenHash: string) {
  const [row] = await db
    .select({
      tokenId: authTokens.id,
      kind: authTokens.kind,
      access: authTokens.access,
      expiresAt: authTokens.expiresAt,
      revokedAt: authTokens.revokedAt,
      lastUsedAt: authTokens.lastUsedAt,
      userId: users.id,
      role: users.role,
      active: users.active,
      userDeletedAt: users.deletedAt,
      customerId: users.customerId,
      organizationId: customers.organizationId,
      organizationAccess: customers.organizationAccess,
      customerDeletedAt: customers.deletedAt,
    })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .leftJoin(customers, eq(customers.id, users.customerId))
    .where(eq(authTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

export async function insertToken(
  db: Database,
  values: {
    userId: string;
    kind: 'session' | 'api';
    name?: string | null;
    access?: TokenAccess;
    tokenHash: string;
    expiresAt: Date | null;
    ip?: string | null;
    userAgent?: string | null;
  },
) {
  const [row] = await db.insert(authTokens).values(values).returning();
  return row!;
}

export async function touchToken(
  db: Database,
  tokenId: string,
  client?: { ip: string; userAgent: string | null },
) {
  await db
    .update(authTokens)
    .set({
      lastUsedAt: sql`now()`,
      // A request without a User-Agent keeps the one known.
      ...(client
        ? { ip: client.ip, userAgent: sql`coalesce(${client.userAgent}, ${authTokens.userAgent})` }
        : {}),
    })
    .where(eq(authTokens.id, tokenId));
}

export async function revokeToken(db: Database, tokenId: string, userId?: string, kind?: 'session' | 'api') {
  const result = await db
    .update(authTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(authTokens.id, tokenId),
        isNull(authTokens.revokedAt),
        userId ? eq(authTokens.userId, userId) : undefined,
        kind ? eq(authTokens.kind, kind) : undefined,
      ),
    )
    .returning({ id: authTokens.id });
  return result.length > 0;
}

const liveToken = sql`(${authTokens.revokedAt} is null and (${authTokens.expiresAt} is null or ${authTokens.expiresAt} > now()))`;

/** The user's sign-in sessions that still work, the most recently used first. */
export async function listLiveSessions(db: Database, userId: string) {
  return db
    .select()
    .from(authTokens)
    .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, 'session'), liveToken))
    .orderBy(
      sql`coalesce(${authTokens.lastUsedAt}, ${authTokens.createdAt}) desc`,
      sql`${authTokens.createdAt} desc`,
    );
}

/**
 * Ends the user's live tokens: all of them, only their sign-in `sessions`, or the one `only`;
 * never the one `except` (the request's own). Expired ones are left as they are. Returns how many ended.
 * Ending all of them (a new password, a disabled or deleted account) also ends the e-mailed links
 * to choose a password that still work (`revoked`): none opens the account past that change.
 */
export async function revokeTokensOfUser(
  db: Database,
  userId: string,
  opts: { except?: string | null; sessionsOnly?: boolean; only?: string } = {},
) {
  if (!opts.sessionsOnly && !opts.only) {
    await db
      .update(passwordLinks)
      .set({ endedAt: sql`now()`, endedReason: 'revoked' })
      .where(and(eq(passwordLinks.userId, userId), isNull(passwordLinks.endedAt)));
  }
  const ended = await db
    .update(authTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(authTokens.userId, userId),
        liveToken,
        opts.sessionsOnly ? eq(authTokens.kind, 'session') : undefined,
        opts.only ? eq(authTokens.id, opts.only) : undefined,
        opts.except ? sql`${authTokens.id} <> ${opts.except}` : undefined,
      ),
    )
    .returning({ id: authTokens.id });
  return ended.length;
}

/** Sets a new password hash if the current one is still `expected` (false if it changed meanwhile). */
export async function replacePasswordHash(db: Database, userId: string, expected: string, next: string) {
  const changed = await db
    .update(users)
    .set({ passwordHash: next, updatedAt: sql`now()` })
    .where(and(eq(users.id, userId), eq(users.passwordHash, expected), isNull(users.deletedAt)))
    .returning({ id: users.id });
  return changed.length > 0;
}

export async function listApiTokens(db: Database, userId?: string) {
  return db
    .select()
    .from(authTokens)
    .where(and(eq(authTokens.kind, 'api'), userId ? eq(authTokens.userId, userId) : undefined))
    .orderBy(authTokens.createdAt);
}

/** Notes a sign-in on the user's row, leaving `updated_at` (their edit version) as it is. */
export async function markSignedIn(db: Database, userId: string) {
  await db.execute(sql`update ${users} set last_signed_in_at = now() where id = ${userId}`);
}

export async function recordLoginAttempt(db: Database, email: string, ip: string, succeeded: boolean) {
  await db.insert(loginAttempts).values({ email: email.toLowerCase(), ip, succeeded });
}

export interface LoginFailures {
  emailFailures: number;
  ipFailures: number;
  /** Seconds until the oldest counted failure leaves the window. */
  retryAfter: number;
}

/** Failures in the window: per e-mail since its last success, and per address. */
export async function countLoginFailures(db: Database, email: string, ip: string, windowSeconds: number) {
  const [row] = await rows<LoginFailures>(
    db,
    sql`
    with recent as (
      select lower(email) as email, ip, succeeded, at from ${loginAttempts}
      where at > now() - make_interval(secs => ${windowSeconds})
        and (lower(email) = lower(${email}) or ip = ${ip})
    ), last_ok as (
      select coalesce(max(at), '-infinity'::timestamptz) as at from recent where email = lower(${email}) and succeeded
    )
    select
      count(*) filter (where r.email = lower(${email}) and not r.succeeded and r.at > l.at)::int as "emailFailures",
      count(*) filter (where r.ip = ${ip} and not r.succeeded)::int as "ipFailures",
      coalesce(ceil(extract(epoch from (min(r.at) filter (where not r.succeeded)
        + make_interval(secs => ${windowSeconds}) - now()))), 0)::int as "retryAfter"
    from recent r cross join last_ok l`,
  );
  return row ?? { emailFailures: 0, ipFailures: 0, retryAfter: 0 };
}
