// Moving every two-step secret to the current key at once (`steward secrets reseal`), and what a
// start says about secrets not on it. Without this a secret moves when its owner next enters a
// code (two-step.service.ts useCode): one staff member on holiday keeps a plain secret in the
// database, or keeps the old key needed, for weeks.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { openStored, sealSecret, SecretKeyError, type SecretKeys } from './secret-box.js';

const BATCH = 200;

export interface SecretsState {
  /** Secrets stored, enabled or an enrolment begun. */
  total: number;
  /** Sealed with the current key (or, without one, stored as they are). */
  current: number;
  /** Stored before the key was set, or sealed with a previous key: sealed again when next used. */
  stale: number;
  /** Sealed with a key that is neither the current nor a previous one: their codes fail. */
  unreadable: { userId: string; email: string }[];
}

interface Stored {
  user_id: string;
  secret: string;
  email: string;
}

const batchAfter = (db: Database, after: string) =>
  rows<Stored>(
    db,
    sql`select s.user_id, s.secret, u.email from two_step_secrets s join users u on u.id = s.user_id
      where s.user_id > ${after}::uuid order by s.user_id limit ${BATCH}`,
  );

const FIRST = '00000000-0000-0000-0000-000000000000';

/** Counts a stored secret in `state`; returns the secret itself when it is stale (to seal again). */
function countIn(state: SecretsState, row: Stored, keys: SecretKeys): string | null {
  state.total++;
  try {
    const opened = openStored(row.secret, row.user_id, keys);
    if (!opened.stale) {
      state.current++;
      return null;
    }
    state.stale++;
    return opened.secret;
  } catch (err) {
    if (!(err instanceof SecretKeyError)) throw err;
    state.unreadable.push({ userId: row.user_id, email: row.email });
    return null;
  }
}

/** Every stored secret, sorted by whether the keys open it and whether it is on the current key. */
export async function secretsState(db: Database, keys: SecretKeys): Promise<SecretsState> {
  const state: SecretsState = { total: 0, current: 0, stale: 0, unreadable: [] };
  for (let after = FIRST; ;) {
    const batch = await batchAfter(db, after);
    if (batch.length === 0) return state;
    after = batch[batch.length - 1]!.user_id;
    for (const row of batch) countIn(state, row, keys);
  }
}

export interface ResealReport extends SecretsState {
  /** Of the stale ones, sealed with the current key now. */
  resealed: number;
  /**
   * Of the stale ones, gone before they were written (their two-step sign-in turned off
   * meanwhile). The rest of the stale ones not resealed were changed meanwhile (sealed by their
   * owner's sign-in, or enrolled again).
   */
  removed: number;
}

/**
 * Seals every secret that is not on the current key with it, a batch per transaction. A secret
 * changed meanwhile (its owner entered a code, which seals it too, or enrolled again) is left as
 * the other transaction wrote it. Secrets no key opens are reported, not touched.
 */
export interface ResealOptions {
  /** After each batch: secrets looked at so far, of how many (the count at the start, or more). */
  onProgress?: (done: number, total: number) => void;
  /**
   * For tests only: runs in each batch's transaction after its secrets were read and before they
   * are written, so that a test can change one meanwhile, as a sign-in on another node would.
   */
  afterRead?: (tx: Database, userIds: string[]) => Promise<void>;
}

export async function resealSecrets(
  db: Database,
  keys: SecretKeys,
  options: ResealOptions = {},
): Promise<ResealReport> {
  const { onProgress, afterRead } = options;
  const key = keys.key;
  if (!key)
    throw new AppError(
      400,
      'no_secret_key',
      'STEWARD_SECRET_KEY is not set: there is no key to seal the two-step secrets with',
    );
  const [{ n: total } = { n: 0 }] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from two_step_secrets`,
  );
  const report: ResealReport = { total: 0, current: 0, stale: 0, unreadable: [], resealed: 0, removed: 0 };
  onProgress?.(0, total);
  for (let after = FIRST; ;) {
    const moved = await db.transaction(async (tx) => {
      const batch = await batchAfter(tx, after);
      if (batch.length === 0) return null;
      after = batch[batch.length - 1]!.user_id;
      const updates: { userId: string; old: string; next: string }[] = [];
      for (const row of batch) {
        const stale = countIn(report, row, keys);
        if (stale !== null)
          updates.push({ userId: row.user_id, old: row.secret, next: sealSecret(stale, row.user_id, key) });
      }
      if (updates.length === 0) return batch.length;
      await afterRead?.(
        tx,
        updates.map((u) => u.userId),
      );
      const values = sql.join(
        updates.map((u) => sql`(${u.userId}::uuid, ${u.old}, ${u.next})`),
        sql`, `,
      );
      // `gone`: rows this statement's snapshot no longer has (deleted since the batch was read).
      const [{ n, gone } = { n: 0, gone: 0 }] = await rows<{ n: number; gone: number }>(
        tx,
        sql`with v(user_id, old, next) as (values ${values}),
          u as (
            update two_step_secrets s set secret = v.next from v
            where s.user_id = v.user_id and s.secret = v.old
            returning 1)
        select (select count(*)::int from u) as n,
          (select count(*)::int from v
            where not exists (select 1 from two_step_secrets s where s.user_id = v.user_id)) as gone`,
      );
      report.resealed += n;
      report.removed += gone;
      return batch.length;
    });
    if (moved === null) return report;
    onProgress?.(report.total, Math.max(total, report.total));
  }
}
