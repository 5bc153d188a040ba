// The data migration that put the ref key of older signal titles in words
// (drizzle/*_signal-titles-in-words.sql) does in SQL what refNoun does in TypeScript: run again
// over titles written the old way, it must give exactly what signalTitleOf gives new signals,
// and leave alone what it cannot safely rewrite.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../../db/migrate.js';
import { rows, type Database } from '../../../db/client.js';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { makeRule, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { signalTitleOf } from '../../../shared/ref-labels.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
beforeAll(async () => {
  handle = await createTestDatabase();
  db = handle.db;
});
afterAll(() => handle?.close());

const file = readdirSync(MIGRATIONS_FOLDER).find((f) => f.endsWith('_signal-titles-in-words.sql'))!;
const migration = readFileSync(join(MIGRATIONS_FOLDER, file), 'utf8');

const KEYS = [
  'shipmentId',
  'orderId',
  'invoiceId',
  'rmaId',
  'sku',
  'poNumber',
  'trackingNumber',
  'tracking_number',
  'meter_id',
  'accountID',
  'parcel-id',
  'deviceIMEI',
  'IMEINumber',
  'warehouse_code',
  'carrier.code',
  'id',
  'Id',
  'customerRef',
  'ABC',
  'a1B2c',
  ' spaced key ',
  '_id',
];

describe('signal titles in words, for signals named before', () => {
  it('rewrites each old title as a new signal would be named; leaves other titles alone', async () => {
    const rule = await makeRule(db);
    const written: { id: string; expected: string }[] = [];
    for (const [i, key] of KEYS.entries()) {
      const value = `V-${i}`;
      const s = await makeSignal(db, {
        ruleId: rule.id,
        refKey: key,
        refValue: value,
        title: `Late · ${key} ${value}`,
      });
      written.push({ id: s.id, expected: signalTitleOf('Late', key, value) });
    }
    const keep = [
      // Not ending with its own ref (renamed by hand, another ref), no ref, a key beyond ASCII.
      await makeSignal(db, {
        ruleId: rule.id,
        refKey: 'orderId',
        refValue: 'SO-1',
        title: 'orderId SO-1 was late',
      }),
      await makeSignal(db, {
        ruleId: rule.id,
        refKey: 'shipmentId',
        refValue: 'SH-1',
        title: 'Late · orderId SO-1',
      }),
      await makeSignal(db, { ruleId: rule.id, title: 'Three complaints in 30 days' }),
      await makeSignal(db, {
        ruleId: rule.id,
        refKey: 'größeId',
        refValue: 'G-1',
        title: 'Late · größeId G-1',
      }),
    ];
    await db.execute(sql.raw(migration));
    const titleOf = async (id: string) =>
      (await rows<{ title: string }>(db, sql`select title from signals where id = ${id}`))[0]!.title;
    for (const w of written) expect(await titleOf(w.id)).toBe(w.expected);
    expect(await Promise.all(keep.map((s) => titleOf(s.id)))).toEqual(keep.map((s) => s.title));
    // Run again, it finds nothing left to rewrite.
    await db.execute(sql.raw(migration));
    for (const w of written) expect(await titleOf(w.id)).toBe(w.expected);
  });
});
