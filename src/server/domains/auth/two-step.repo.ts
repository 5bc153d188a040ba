// The SQL of two-step sign-in: secrets, recovery codes and sign-in challenges. Every "use once"
// is one UPDATE … WHERE not yet used, so of two requests racing for the same code, step or
// challenge exactly one gets it.
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { twoStepChallenges, twoStepRecoveryCodes, twoStepSecrets } from './auth.table.js';

export type ChallengePurpose = 'sign_in' | 'setup';

export async function findSecret(db: Database, userId: string) {
  const [row] = await db.select().from(twoStepSecrets).where(eq(twoStepSecrets.userId, userId));
  return row;
}

/** Whether the user has two-step sign-in on (an enrolment begun and not confirmed is not). */
export async function isEnabled(db: Database, userId: string): Promise<boolean> {
  const row = await findSecret(db, userId);
  return !!row?.enabledAt;
}

/** Begins (or begins again) an enrolment with a new secret; refused (false) while one is enabled. */
export async function putPendingSecret(db: Database, userId: string, secret: string): Promise<boolean> {
  const written = await db
    .insert(twoStepSecrets)
    .values({ userId, secret })
    .onConflictDoUpdate({
      target: twoStepSecrets.userId,
      set: { secret, lastUsedStep: null, createdAt: sql`now()` },
      setWhere: isNull(twoStepSecrets.enabledAt),
    })
    .returning({ userId: twoStepSecrets.userId });
  return written.length > 0;
}

/** Turns a pending enrolment on, with its first code's step used; false if it is not pending now. */
export async function enable(db: Database, userId: string, secret: string, step: number): Promise<boolean> {
  const done = await db
    .update(twoStepSecrets)
    .set({ enabledAt: sql`now()`, lastUsedStep: step })
    .where(
      and(
        eq(twoStepSecrets.userId, userId),
        eq(twoStepSecrets.secret, secret),
        isNull(twoStepSecrets.enabledAt),
      ),
    )
    .returning({ userId: twoStepSecrets.userId });
  return done.length > 0;
}

/** Replaces the stored form of the secret (sealing one stored plain), if it is still `expected`. */
export async function replaceSecret(db: Database, userId: string, expected: string, next: string) {
  await db
    .update(twoStepSecrets)
    .set({ secret: next })
    .where(and(eq(twoStepSecrets.userId, userId), eq(twoStepSecrets.secret, expected)));
}

/**
 * Takes the time step of an accepted code: false if it, or a later one, was used already (the
 * same code again, or an older one after a newer).
 */
export async function useStep(db: Database, userId: string, step: number): Promise<boolean> {
  const taken = await db
    .update(twoStepSecrets)
    .set({ lastUsedStep: step })
    .where(
      and(
        eq(twoStepSecrets.userId, userId),
        sql`${twoStepSecrets.enabledAt} is not null`,
        sql`(${twoStepSecrets.lastUsedStep} is null or ${twoStepSecrets.lastUsedStep} < ${step})`,
      ),
    )
    .returning({ userId: twoStepSecrets.userId });
  return taken.length > 0;
}

/** Removes the secret and the recovery codes; whether two-step sign-in was on. */
export async function removeAll(db: Database, userId: string): Promise<boolean> {
  await db.delete(twoStepRecoveryCodes).where(eq(twoStepRecoveryCodes.userId, userId));
  const gone = await db
    .delete(twoStepSecrets)
    .where(eq(twoStepSecrets.userId, userId))
    .returning({ enabledAt: twoStepSecrets.enabledAt });
  return !!gone[0]?.enabledAt;
}

/** Replaces the user's recovery codes with these (hashes). */
export async function replaceRecoveryCodes(db: Database, userId: string, hashes: string[]) {
  await db.delete(twoStepRecoveryCodes).where(eq(twoStepRecoveryCodes.userId, userId));
  await db.insert(twoStepRecoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
}

/** Uses up one unused recovery code of the user; its id, or null when none matches. */
export async function useRecoveryCode(db: Database, userId: string, codeHash: string) {
  const [used] = await db
    .update(twoStepRecoveryCodes)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(twoStepRecoveryCodes.userId, userId),
        eq(twoStepRecoveryCodes.codeHash, codeHash),
        isNull(twoStepRecoveryCodes.usedAt),
      ),
    )
    .returning({ id: twoStepRecoveryCodes.id });
  return used?.id ?? null;
}

export async function countUnusedRecoveryCodes(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(twoStepRecoveryCodes)
    .where(and(eq(twoStepRecoveryCodes.userId, userId), isNull(twoStepRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}

export async function insertChallenge(
  db: Database,
  values: {
    userId: string;
    purpose: ChallengePurpose;
    tokenHash: string;
    expiresAt: Date;
    ip: string | null;
    userAgent: string | null;
  },
) {
  const [row] = await db.insert(twoStepChallenges).values(values).returning();
  return row!;
}

/** The live (unused, unexpired) challenge of this token hash, whatever its purpose. */
export async function findLiveChallenge(db: Database, tokenHash: string) {
  const [row] = await db
    .select()
    .from(twoStepChallenges)
    .where(
      and(
        eq(twoStepChallenges.tokenHash, tokenHash),
        isNull(twoStepChallenges.usedAt),
        gt(twoStepChallenges.expiresAt, sql`now()`),
      ),
    );
  return row;
}

/** Uses the challenge up; false when another request did first (or it expired meanwhile). */
export async function claimChallenge(db: Database, id: string): Promise<boolean> {
  const claimed = await db
    .update(twoStepChallenges)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(twoStepChallenges.id, id),
        isNull(twoStepChallenges.usedAt),
        gt(twoStepChallenges.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: twoStepChallenges.id });
  return claimed.length > 0;
}
