// Sign-in records that have served their purpose, removed a month on: login attempts (the
// throttle looks back 15 minutes), sessions expired or signed out, and e-mailed links
// (password and sign-in) and two-step sign-in challenges past their expiry. A user's last sign-in stays on their row
// (`last_signed_in_at`), password changes and ended sessions in the domain events
// (user.password_changed, user.sessions_ended); API tokens stay, revoked or not, as their owners
// named them and may look back at them.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';

/** Days a finished sign-in record is kept. */
export const SIGN_IN_RECORDS_DAYS = 30;
export const SIGN_IN_PRUNE_BATCH = 2_000;

/** Removes up to `batch` finished records of each kind; returns how many went. */
export async function pruneSignInRecords(
  db: Database,
  opts: { batch?: number; days?: number } = {},
): Promise<number> {
  const batch = opts.batch ?? SIGN_IN_PRUNE_BATCH;
  const cutoff = sql`now() - make_interval(days => ${opts.days ?? SIGN_IN_RECORDS_DAYS})`;
  const prune = async (table: string, older: SQL, order = sql``) => {
    const gone = await rows<{ n: number }>(
      db,
      sql`with gone as (
            delete from ${sql.identifier(table)} where id in (
              select id from ${sql.identifier(table)} where ${older} ${order} limit ${batch})
            returning 1)
          select count(*)::int as n from gone`,
    );
    return gone[0]?.n ?? 0;
  };
  // Attempts by id: it grows with time, so the oldest are found first without an index on `at`.
  const counts = [
    await prune('login_attempts', sql`at < ${cutoff}`, sql`order by id`),
    await prune('auth_tokens', sql`kind = 'session' and (expires_at < ${cutoff} or revoked_at < ${cutoff})`),
    await prune('magic_links', sql`expires_at < ${cutoff}`),
    await prune('password_links', sql`expires_at < ${cutoff}`),
    await prune('two_step_challenges', sql`expires_at < ${cutoff}`),
  ];
  // A full batch of any kind: the scheduler runs again at once.
  return Math.max(...counts);
}
