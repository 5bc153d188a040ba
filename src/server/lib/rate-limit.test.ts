import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { unique } from '../../../test/helpers/factories.js';
import { publicRequests } from '../domains/portal/portal.table.js';
import { AppError } from './errors.js';
import { assertWithinRate, prunePublicRequests } from './rate-limit.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

async function outcome(p: Promise<void>) {
  try {
    await p;
    return 'ok' as const;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

describe('assertWithinRate', () => {
  it('lets max requests through, then answers 429 with retry-after within the window', async () => {
    const key = `ip-${unique()}`;
    const limit = { action: 'test_form', clientKey: key, max: 3, windowSeconds: 60 };
    for (let i = 0; i < 3; i++) expect(await outcome(assertWithinRate(handle.db, limit))).toBe('ok');
    const err = await outcome(assertWithinRate(handle.db, limit));
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.statusCode).toBe(429);
    expect(e.code).toBe('too_many_requests');
    const retry = Number(e.headers?.['retry-after']);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Rejected requests are not recorded: still 3 rows.
    const [counted] = await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ${publicRequests} where client_key = ${key}`,
    );
    expect(counted?.n).toBe(3);
  });

  it('counts per action and per client key', async () => {
    const key = `ip-${unique()}`;
    await assertWithinRate(handle.db, { action: 'a1', clientKey: key, max: 1, windowSeconds: 60 });
    expect(
      await outcome(assertWithinRate(handle.db, { action: 'a2', clientKey: key, max: 1, windowSeconds: 60 })),
    ).toBe('ok');
    expect(
      await outcome(
        assertWithinRate(handle.db, { action: 'a1', clientKey: `${key}-other`, max: 1, windowSeconds: 60 }),
      ),
    ).toBe('ok');
    expect(
      (await outcome(
        assertWithinRate(handle.db, { action: 'a1', clientKey: key, max: 1, windowSeconds: 60 }),
      )) as AppError,
    ).toMatchObject({ statusCode: 429 });
  });

  it('forgets requests older than the window, and retry-after says when the oldest leaves', async () => {
    const key = `ip-${unique()}`;
    await handle.db.insert(publicRequests).values([
      { action: 'old', clientKey: key, at: new Date(Date.now() - 120_000) },
      { action: 'old', clientKey: key, at: new Date(Date.now() - 50_000) },
    ]);
    const limit = { action: 'old', clientKey: key, max: 1, windowSeconds: 60 };
    const err = (await outcome(assertWithinRate(handle.db, limit))) as AppError;
    expect(err.statusCode).toBe(429);
    // The counted one is 50 s old: it leaves the 60 s window in about 10 s.
    expect(Number(err.headers?.['retry-after'])).toBeGreaterThanOrEqual(9);
    expect(Number(err.headers?.['retry-after'])).toBeLessThanOrEqual(11);
    expect(await outcome(assertWithinRate(handle.db, { ...limit, max: 2 }))).toBe('ok');
  });

  it('admits exactly max of many concurrent requests', async () => {
    const key = `ip-${unique()}`;
    const limit = { action: 'burst', clientKey: key, max: 4, windowSeconds: 60 };
    const results = await Promise.all(
      Array.from({ length: 12 }, () => outcome(assertWithinRate(handle.db, limit))),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(results.filter((r) => r instanceof AppError && r.statusCode === 429)).toHaveLength(8);
  });

  it('prunes records past the retention', async () => {
    const key = `ip-${unique()}`;
    await handle.db.insert(publicRequests).values([
      { action: 'prune', clientKey: key, at: new Date(Date.now() - 8 * 24 * 3600_000) },
      { action: 'prune', clientKey: key, at: new Date() },
    ]);
    expect(await prunePublicRequests(handle.db)).toBeGreaterThanOrEqual(1);
    const [counted] = await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ${publicRequests} where client_key = ${key}`,
    );
    expect(counted?.n).toBe(1);
  });
});
