import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';
import { pruneSignInRecords } from './sign-in-retention.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle.close();
});

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

describe('pruneSignInRecords', () => {
  it('removes finished sign-in records a month on and keeps the rest', async () => {
    const db = handle.db;
    const { user } = await makeUser(db, 'agent');
    const { user: customer } = await makeUser(db, 'customer');
    const email = `${unique()}@example.com`;
    await db.execute(sql`insert into login_attempts (email, ip, succeeded, at) values
      (${email}, 'old', false, ${daysAgo(31)}), (${email}, 'recent', false, ${daysAgo(29)})`);
    // Sessions: expired long ago, signed out long ago, signed out lately, live; an old API token.
    await db.execute(sql`insert into auth_tokens (id, user_id, kind, name, token_hash, expires_at, revoked_at) values
      (gen_random_uuid(), ${user.id}, 'session', 'expired-old', ${unique()}, ${daysAgo(40)}, null),
      (gen_random_uuid(), ${user.id}, 'session', 'revoked-old', ${unique()}, ${daysAgo(-1)}, ${daysAgo(31)}),
      (gen_random_uuid(), ${user.id}, 'session', 'revoked-recent', ${unique()}, ${daysAgo(-1)}, ${daysAgo(3)}),
      (gen_random_uuid(), ${user.id}, 'session', 'live', ${unique()}, ${daysAgo(-1)}, null),
      (gen_random_uuid(), ${user.id}, 'api', 'api-revoked-old', ${unique()}, null, ${daysAgo(90)})`);
    await db.execute(sql`insert into magic_links (id, user_id, token_hash, expires_at, requested_ip) values
      (gen_random_uuid(), ${customer.id}, ${unique()}, ${daysAgo(31)}, 'old'), (gen_random_uuid(), ${customer.id}, ${unique()}, ${daysAgo(2)}, 'recent')`);
    await db.execute(sql`insert into password_links (id, user_id, purpose, token_hash, expires_at, ended_at, ended_reason, requested_ip) values
      (gen_random_uuid(), ${user.id}, 'reset', ${unique()}, ${daysAgo(31)}, ${daysAgo(31)}, 'used', 'old'),
      (gen_random_uuid(), ${user.id}, 'invitation', ${unique()}, ${daysAgo(35)}, null, null, 'old'),
      (gen_random_uuid(), ${user.id}, 'invitation', ${unique()}, ${daysAgo(-7)}, null, null, 'live')`);

    expect(await pruneSignInRecords(db, { batch: 1 })).toBe(1);
    expect(await pruneSignInRecords(db)).toBeGreaterThanOrEqual(1);
    expect(await pruneSignInRecords(db)).toBe(0);

    const left = async (query: ReturnType<typeof sql>) =>
      (await rows<{ v: string }>(db, query)).map((r) => r.v).sort();
    expect(await left(sql`select ip as v from login_attempts where email = ${email}`)).toEqual(['recent']);
    expect(
      await left(sql`select name as v from auth_tokens where user_id = ${user.id} and name is not null`),
    ).toEqual(['api-revoked-old', 'live', 'revoked-recent']);
    expect(await left(sql`select requested_ip as v from magic_links where user_id = ${customer.id}`)).toEqual(
      ['recent'],
    );
    expect(await left(sql`select requested_ip as v from password_links where user_id = ${user.id}`)).toEqual([
      'live',
    ]);
  });
});
