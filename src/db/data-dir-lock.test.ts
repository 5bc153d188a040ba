import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client.js';
import { DataDirLockedError } from './data-dir-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'steward-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded data folder', () => {
  it('is opened by one process at a time, and released on close', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir: dir });
    await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(/in use by process \d+/);
    await first.close();
    expect(existsSync(join(dir, 'steward.lock'))).toBe(false);
    const again = await openDatabase({ kind: 'pglite', dataDir: dir });
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    writeFileSync(join(dir, 'steward.lock'), '2147483646');
    const handle = await openDatabase({ kind: 'pglite', dataDir: dir });
    await handle.close();
  });
});
