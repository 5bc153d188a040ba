// The `steward` command as a user runs it: a real process, real environment variables, real
// signals. The data folder (PGlite) is used unless TEST_DATABASE_URL points at PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rows } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { loadConfig } from '../src/server/config.js';
import { findLiveUserByEmail } from '../src/server/domains/auth/auth.repo.js';
import { verifyPassword } from '../src/server/domains/auth/passwords.js';
import { openSecret, sealSecret } from '../src/server/domains/auth/secret-box.js';
import { createUser } from '../src/server/domains/users/users.service.js';
import { SYSTEM_ACTOR } from '../src/server/lib/actor.js';
import { openConfiguredDatabase } from '../src/server/database.js';
import { createTestDatabase } from './helpers/db.js';

const ROOT = new URL('..', import.meta.url).pathname;
let dir: string;
let env: NodeJS.ProcessEnv;
let closeDb: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-'));
  env = { ...process.env, STEWARD_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  if (process.env.TEST_DATABASE_URL) {
    const handle = await createTestDatabase();
    env.DATABASE_URL = handle.url;
    closeDb = handle.close;
  }
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeDb?.().catch(() => {});
});

function steward(args: string[], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = steward(args, extraEnv);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `steward start`, resolves once it prints its URL. */
function startServer(args: string[], extraEnv: NodeJS.ProcessEnv) {
  const child = steward(['start', ...args], extraEnv);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('close', (code) => reject(new Error(`steward start exited ${code}: ${out}`)));
  });
  return { child, url, exited, output: () => out };
}

const login = (url: string, email: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

// Each test starts the CLI several times (tsx, then PGlite: seconds each); on a machine busy with
// other suites one took over the default 30 s, so the file allows two minutes a test.
describe('steward CLI', { timeout: 120_000 }, () => {
  it('migrate applies migrations and exits 0', async () => {
    const res = await run(['migrate']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('migrations applied');
  });

  it('start honours PORT, HOST and the admin variables; SIGTERM lets an in-flight request finish; restart keeps the data', async () => {
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const adminEnv = {
      PORT: port,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      STEWARD_ADMIN_EMAIL: 'root@example.com',
      STEWARD_ADMIN_PASSWORD: 'first start pw',
    };
    const first = startServer([], adminEnv);
    const url = await first.url;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const res = await login(url, 'root@example.com', 'first start pw');
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };

    // A slow request (a 20,000-row import), then SIGTERM while it runs: it must still complete.
    const rows = ['name,email'];
    for (let i = 0; i < 20000; i++) rows.push(`Person ${i},p${i}@inflight.example`);
    const inFlight = fetch(`${url}/api/v1/imports/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: rows.join('\n'),
    });
    await new Promise((r) => setTimeout(r, 150));
    first.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { imported: number }).imported).toBe(20000);
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('shut down cleanly');

    // Restart with other admin variables: the first admin and the data are still there.
    const second = startServer([], { ...adminEnv, STEWARD_ADMIN_EMAIL: 'other@example.com' });
    const url2 = await second.url;
    expect((await login(url2, 'root@example.com', 'first start pw')).status).toBe(200);
    expect((await login(url2, 'other@example.com', 'first start pw')).status).toBe(401);
    const { token: t2 } = (await (await login(url2, 'root@example.com', 'first start pw')).json()) as {
      token: string;
    };
    const list = await fetch(`${url2}/api/v1/customers?q=inflight.example&includeTotal=true&limit=1`, {
      headers: { authorization: `Bearer ${t2}` },
    });
    expect(((await list.json()) as { total: number }).total).toBe(20000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  // Nine runs of the command, each opening the database: minutes on a loaded machine.
  it(
    'user create makes a user who can sign in; bad input exits 2 with a message',
    { timeout: 300_000 },
    async () => {
      const ok = await run([
        'user',
        'create',
        '--email',
        'Agent.K@example.com',
        '--name',
        'Agent K',
        '--role',
        'agent',
        '--password',
        'men in black',
      ]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('created agent agent.k@example.com');
      const generated = await run([
        'user',
        'create',
        '--email',
        'gen@example.com',
        '--name',
        'Gen',
        '--role',
        'admin',
      ]);
      expect(generated.stdout).toMatch(/password: \S{12,}/);
      const bad = await run(['user', 'create', '--email', 'nope', '--name', 'X', '--role', 'agent']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--email');
      const badRole = await run([
        'user',
        'create',
        '--email',
        'r@example.com',
        '--name',
        'X',
        '--role',
        'king',
      ]);
      expect(badRole.code).not.toBe(0);
      expect(badRole.stderr).toContain('king');
      const dup = await run([
        'user',
        'create',
        '--email',
        'agent.k@example.com',
        '--name',
        'Again',
        '--role',
        'agent',
      ]);
      expect(dup.code).toBe(2);
      expect(dup.stderr).toContain('already exists');

      // Invited: no password; a mail with the link waits in the outbox (sent once the server runs).
      const invited = await run([
        'user',
        'create',
        '--email',
        'inv@example.com',
        '--name',
        'Inv',
        '--role',
        'agent',
        '--invite',
      ]);
      expect(invited.code, invited.stderr).toBe(0);
      // No outgoing mail server set: the invitation is held, and the command says so.
      expect(invited.stdout).toContain(
        'invitation to inv@example.com held: no outgoing mail server is set (STEWARD_SMTP_URL)',
      );
      expect(invited.stdout).not.toContain('password:');
      const both = await run([
        'user',
        'create',
        '--email',
        'inv2@example.com',
        '--name',
        'Inv',
        '--role',
        'agent',
        '--invite',
        '--password',
        'a password 1',
      ]);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give a password or invite, not both');

      // A lost password: an operator sets a new one; the old one no longer signs in.
      const reset = await run([
        'user',
        'password',
        '--email',
        'AGENT.K@example.com',
        '--password',
        'a new secret',
      ]);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toContain('new password set for agent agent.k@example.com');
      const missing = await run(['user', 'password', '--email', 'nobody@example.com']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no user with the e-mail nobody@example.com');
      const handle = await openConfiguredDatabase(loadConfig(env));
      try {
        const row = await findLiveUserByEmail(handle.db, 'agent.k@example.com');
        expect(await verifyPassword(row!.passwordHash!, 'a new secret')).toBe(true);
        expect(await verifyPassword(row!.passwordHash!, 'men in black')).toBe(false);
        const invitee = await findLiveUserByEmail(handle.db, 'inv@example.com');
        expect(invitee!.passwordHash).toBeNull();
        const mails = await rows<{ subject: string; status: string }>(
          handle.db,
          sql`select subject, status from mail_messages where 'inv@example.com' = any(to_addresses)`,
        );
        expect(mails).toEqual([{ subject: 'You are invited to Steward', status: 'held' }]);
      } finally {
        await handle.close();
      }
    },
  );

  it('user create --invite queues the invitation for the outgoing mail server when one is set', async () => {
    // As the server would: its outbox sends it (the command itself sends nothing).
    const queued = await run(
      ['user', 'create', '--email', 'inv3@example.com', '--name', 'Inv', '--role', 'agent', '--invite'],
      { STEWARD_SMTP_URL: 'smtp://127.0.0.1:9' },
    );
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toContain('invitation queued to inv3@example.com');
    const handle = await openConfiguredDatabase(loadConfig(env));
    try {
      const mails = await rows<{ subject: string; status: string }>(
        handle.db,
        sql`select subject, status from mail_messages where 'inv3@example.com' = any(to_addresses)`,
      );
      expect(mails).toEqual([{ subject: 'You are invited to Steward', status: 'queued' }]);
    } finally {
      await handle.close();
    }
  });

  it('secrets reseal: every two-step secret onto the new key at once; one no key opens is named', async () => {
    const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const stores: [string, (userId: string) => string][] = [
      ['plain', () => secret], // stored before the key was set
      ['old', (id) => sealSecret(secret, id, oldKey)],
      ['lost', (id) => sealSecret(secret, id, randomBytes(32))],
    ];
    const ids = new Map<string, string>();
    let handle = await openConfiguredDatabase(loadConfig(env));
    try {
      await migrateDatabase(handle); // (when this test runs alone)
      for (const [name, store] of stores) {
        const u = await createUser(handle.db, SYSTEM_ACTOR, {
          email: `two-step-${name}@example.com`,
          name,
          role: 'agent',
          password: 'correct horse battery',
        });
        ids.set(name, u.id);
        await handle.db.execute(
          sql`insert into two_step_secrets (user_id, secret, enabled_at) values (${u.id}, ${store(u.id)}, now())`,
        );
      }
    } finally {
      await handle.close();
    }

    const noKey = await run(['secrets', 'reseal']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('STEWARD_SECRET_KEY is not set: there is no key to seal');
    const keys = {
      STEWARD_SECRET_KEY: newKey.toString('hex'),
      STEWARD_SECRET_KEY_PREVIOUS: oldKey.toString('base64'),
    };
    const resealed = await run(['secrets', 'reseal'], keys);
    expect(resealed.code, resealed.stderr).toBe(1);
    expect(resealed.stdout).toContain(
      '3 two-step secrets: 2 sealed with STEWARD_SECRET_KEY now, 0 already were, 1 no key opens',
    );
    expect(resealed.stderr).toContain('cannot open the secret of two-step-lost@example.com');
    expect(resealed.stderr).toContain('secrets: 3/3 rows (100%)');

    handle = await openConfiguredDatabase(loadConfig(env));
    try {
      const stored = new Map(
        (
          await rows<{ user_id: string; secret: string }>(
            handle.db,
            sql`select user_id, secret from two_step_secrets`,
          )
        ).map((r) => [r.user_id, r.secret]),
      );
      for (const name of ['plain', 'old'])
        expect(openSecret(stored.get(ids.get(name)!)!, ids.get(name)!, newKey)).toBe(secret);
      expect(() => openSecret(stored.get(ids.get('lost')!)!, ids.get('lost')!, newKey, [oldKey])).toThrow();
    } finally {
      await handle.close();
    }
    // Run again: nothing left to move.
    const again = await run(['secrets', 'reseal'], keys);
    expect(again.stdout).toContain(
      '3 two-step secrets: 0 sealed with STEWARD_SECRET_KEY now, 2 already were',
    );
  });

  it('import customers: progress, per-row errors, nothing written unless --skip-invalid', async () => {
    const file = join(dir, 'customers.csv');
    const errorsFile = join(dir, 'errors.csv');
    const lines = ['name,email,organization'];
    for (let i = 0; i < 2500; i++) lines.push(`Imported ${i},imp${i}@cli.example,CLI Org`);
    lines.push('Broken,not-an-email,CLI Org');
    writeFileSync(file, lines.join('\n'));

    const strict = await run(['import', 'customers', file, '--errors', errorsFile]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('line 2502: email: must be an e-mail address');
    expect(strict.stderr).toMatch(/validate: 2501\/2501 rows \(100%\)/);
    expect(strict.stdout).toContain('nothing imported');
    expect(readFileSync(errorsFile, 'utf8')).toContain('2502,email,"must be an e-mail address"');

    const lenient = await run(['import', 'customers', file, '--skip-invalid']);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/write: 2500\/2500 rows \(100%\)/);
    expect(lenient.stdout).toContain('imported 2500 customers, created 1 organizations');

    const again = await run(['import', 'customers', file, '--dry-run']);
    expect(again.stdout).toContain('0 valid, 2501 invalid');
  });

  it('start on an empty install says what is missing: a first admin, and a public URL behind HOST=0.0.0.0', async () => {
    const extra = { PORT: '0', HOST: '0.0.0.0', STEWARD_DATA_DIR: join(dir, 'empty-data'), DATABASE_URL: '' };
    const bare = startServer([], extra);
    await bare.url;
    expect(bare.output()).toContain('note: No one can sign in yet: there is no user.');
    expect(bare.output()).toContain('steward user create --role admin');
    expect(bare.output()).toMatch(
      /note: Links in mail .* would point at http:\/\/0\.0\.0\.0:\d+, which no browser/,
    );
    expect(bare.output()).toContain('Set STEWARD_PUBLIC_URL');
    bare.child.kill('SIGTERM');
    expect(await bare.exited).toBe(0);

    const made = await run(
      ['user', 'create', '--email', 'first@example.com', '--name', 'First Admin', '--role', 'admin'],
      extra,
    );
    expect(made.code).toBe(0);
    const set = startServer([], { ...extra, STEWARD_PUBLIC_URL: 'https://support.example.com' });
    await set.url;
    expect(set.output()).not.toContain('note:');
    set.child.kill('SIGTERM');
    expect(await set.exited).toBe(0);
  });

  it('start --demo seeds the demo company once and prints the logins', async () => {
    const demoDir = join(dir, 'demo-data');
    const extra = { PORT: '0', STEWARD_DATA_DIR: demoDir, DATABASE_URL: '' };
    const server = startServer(['--demo'], extra);
    const url = await server.url;
    expect(server.output()).toContain('admin@steward.demo');
    expect(server.output()).toContain('steward-agent');
    // Every case the queues list: the desk's 60, and the order flow's proactive cases and contacts.
    const cases = Number(/336 customers, (\d+) cases/.exec(server.output())?.[1]);
    expect(cases).toBeGreaterThan(60);
    // It says what it is seeding as it goes (a first start waits for it).
    expect(server.output()).toContain('seeding the demo: the service desk and 60 cases…');
    expect(server.output().indexOf('seeding the demo: the help center…')).toBeLessThan(
      server.output().indexOf('Steward is running'),
    );
    const res = await login(url, 'admin@steward.demo', 'steward-admin');
    const { token } = (await res.json()) as { token: string };
    const customers = await fetch(`${url}/api/v1/customers?includeTotal=true&limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await customers.json()) as { total: number }).total).toBe(336);
    const orgs = await fetch(`${url}/api/v1/organizations?includeTotal=true&limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await orgs.json()) as { total: number }).total).toBe(8);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Once: the next start finds the demo and seeds nothing.
    const again = startServer(['--demo'], extra);
    await again.url;
    expect(again.output()).toContain(`336 customers, ${cases} cases`);
    expect(again.output()).not.toContain('seeding the demo');
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
