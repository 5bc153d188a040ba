// Rate limits for public endpoints (web form, magic links, votes, deflection reports), counted
// in the `public_requests` table so every node sees the same count. A transaction-scoped
// advisory lock on (action, client key) makes check-and-record atomic: two nodes racing for the
// last slot cannot both get it. Rejected requests are not recorded, so a client that keeps
// hammering is let in again as soon as its oldest counted request leaves the window.
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { rows } from '../../db/client.js';
import { publicRequests } from '../domains/portal/portal.table.js';
import { tooManyRequests } from './errors.js';

export interface RateLimit {
  /** What is asked for: `web_form`, `magic_link`, `kb_vote`, … */
  action: string;
  /** Whose requests count together: usually the client's IP, or an e-mail address. */
  clientKey: string;
  /** Requests allowed within the window. */
  max: number;
  windowSeconds: number;
}

/** Rows older than this are pruned by `prunePublicRequests`; keep windows shorter. */
export const PUBLIC_REQUEST_RETENTION_SECONDS = 7 * 24 * 3600;
export const PUBLIC_REQUEST_PRUNE_BATCH = 5_000;

/**
 * Whether this request of this action and client key is within `max` in the window, recording it
 * when it is (a refused one is not recorded). Pass the request's transaction if it has one: the
 * record then stands or falls with it. `retryAfter`: seconds until the oldest counted request
 * leaves the window.
 */
export async function withinRate(
  db: Database,
  limit: RateLimit,
): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  const { action, clientKey, max, windowSeconds } = limit;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${action}), hashtext(${clientKey}))`);
    const [row] = await rows<{ n: number; retryAfter: number | null }>(
      tx,
      sql`select count(*)::int as n,
            ceil(extract(epoch from (min(at) + make_interval(secs => ${windowSeconds}) - now())))::int as "retryAfter"
          from ${publicRequests}
          where action = ${action} and client_key = ${clientKey}
            and at > now() - make_interval(secs => ${windowSeconds})`,
    );
    if (row && row.n >= max) return { ok: false, retryAfter: Math.max(1, row.retryAfter ?? windowSeconds) };
    await tx.insert(publicRequests).values({ action, clientKey });
    return { ok: true };
  });
}

/** withinRate that throws a 429 (with `retry-after`) when the request is over the limit. */
export async function assertWithinRate(db: Database, limit: RateLimit): Promise<void> {
  const within = await withinRate(db, limit);
  if (!within.ok)
    throw tooManyRequests(`too many requests; try again in ${within.retryAfter} seconds`, within.retryAfter);
}

/**
 * An e-mailed link asked for (sign-in, password): counted per client IP and per address, before
 * anything is looked up, so unknown addresses use up the same allowance (429 beyond either).
 */
export async function assertLinkRequestRate(
  db: Database,
  action: string,
  who: { ip: string; email: string },
  rate: { perIp: number; perAddress: number; windowSeconds: number },
): Promise<void> {
  await assertWithinRate(db, {
    action,
    clientKey: who.ip,
    max: rate.perIp,
    windowSeconds: rate.windowSeconds,
  });
  await assertWithinRate(db, {
    action: `${action}_address`,
    clientKey: who.email,
    max: rate.perAddress,
    windowSeconds: rate.windowSeconds,
  });
}

/**
 * Waits until `minMs` have passed since `started` (a `Date.now()`): public answers that must not
 * tell a known address from an unknown one by their time (magic links, password resets).
 */
export async function answerNoSoonerThan(started: number, minMs: number): Promise<void> {
  const wait = minMs - (Date.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Deletes request records past the retention (a batch at a time); returns how many. */
export async function prunePublicRequests(db: Database, batch = PUBLIC_REQUEST_PRUNE_BATCH): Promise<number> {
  const deleted = await rows<{ id: string }>(
    db,
    sql`delete from ${publicRequests} where id in (
          select id from ${publicRequests}
          where at < now() - make_interval(secs => ${PUBLIC_REQUEST_RETENTION_SECONDS})
          limit ${batch})
        returning id`,
  );
  return deleted.length;
}
