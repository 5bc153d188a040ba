// One real Steward (API + built web UI, demo data or an empty install, fresh PGlite folder) and one headless
// Chromium per test file. The UI must be built first (`npm run build`, or `npm run test:browser`).
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import type { Database } from '../../src/db/client.js';
import { DEFAULT_WEB_DIR, startServer } from '../../src/server/start.js';

export const DEMO = {
  admin: { email: 'admin@steward.demo', password: 'steward-admin', name: 'Alex Admin' },
  agent: { email: 'ava@steward.demo', password: 'steward-agent', name: 'Ava Agent' },
  customer: { email: 'maria.jensen@northwind.example', password: 'steward-customer', name: 'Maria Jensen' },
} as const;
/** The admin of an empty install (`startStack({ empty: true })`), as STEWARD_ADMIN_EMAIL makes it. */
export const FIRST_ADMIN = {
  email: 'it@first-run.example',
  password: 'first-run-admin',
  name: 'Administrator',
} as const;
export type Login = (typeof DEMO)[keyof typeof DEMO] | typeof FIRST_ADMIN;

/** How long a UI assertion waits for the page to get there. */
const WAIT_MS = 15_000;

export interface Stack {
  url: string;
  browser: Browser;
  /** A fresh browser context (own localStorage) and page; uncaught page errors fail `stop`. */
  newPage(): Promise<Page>;
  /** Calls the API directly, e.g. to learn the expected values of an assertion. */
  api<T = unknown>(path: string, opts?: { login?: Login; method?: string; body?: unknown }): Promise<T>;
  /** The server's database, for what the UI cannot do in a test's time (make a source quiet for an hour). */
  db: Database;
  stop(): Promise<void>;
}

/**
 * How old a data-folder template may be when a file copies it. The demo is dated from the minute it
 * was seeded (cases opened hours ago, promises falling due soon): a copy is that many minutes
 * older, as every file's data already is by its last test (a long file runs for minutes), so a
 * template serves only while it is a few minutes old and the next file makes a new one.
 */
const TEMPLATE_MAX_AGE_MS = 3 * 60_000;

/**
 * Fills `dataDir` with a copy of a started Steward's data folder (`kind`: demo data, or only the
 * first admin), made by `start` when there is none of this run younger than TEMPLATE_MAX_AGE_MS.
 * Opening a copy takes ~2 s; a new folder ~6 s and seeding the demo ~8 s more, per file.
 */
async function copyTemplate(
  kind: 'demo' | 'empty',
  dataDir: string,
  start: (dir: string) => Promise<{ stop(): Promise<void> }>,
) {
  const root = inject('browserTemplates');
  if (!root) return; // run without the browser config's global setup: each file starts from nothing
  const template = join(root, kind);
  const stamp = join(root, `${kind}.made`);
  const madeAt = Number(await readFile(stamp, 'utf8').catch(() => '0'));
  if (Date.now() - madeAt > TEMPLATE_MAX_AGE_MS) {
    await rm(stamp, { force: true });
    await rm(template, { recursive: true, force: true });
    const made = Date.now();
    await (await start(template)).stop();
    await writeFile(stamp, String(made));
  }
  await cp(template, dataDir, { recursive: true });
}

/** `empty`: no demo data, only the first admin (FIRST_ADMIN), as a new company starts. */
export async function startStack(opts: { empty?: boolean } = {}): Promise<Stack> {
  if (!existsSync(join(DEFAULT_WEB_DIR, 'index.html'))) {
    throw new Error(`no built web UI in ${DEFAULT_WEB_DIR}: run \`npm run build\` first`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'steward-browser-'));
  // Always a fresh embedded database: the demo seed must not land in a shared PostgreSQL.
  const env = (dir: string) => ({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    STEWARD_DATA_DIR: dir,
    DATABASE_URL: '',
    STEWARD_ADMIN_EMAIL: opts.empty ? FIRST_ADMIN.email : '',
    STEWARD_ADMIN_PASSWORD: opts.empty ? FIRST_ADMIN.password : '',
    // The webhook tests' receiver listens on 127.0.0.1.
    STEWARD_WEBHOOK_LOCAL_NETWORK: 'on',
  });
  const start = (dir: string) =>
    startServer(loadConfig(env(dir), { webDir: DEFAULT_WEB_DIR }), { demo: !opts.empty, logger: false });
  await copyTemplate(opts.empty ? 'empty' : 'demo', dataDir, start);
  const server = await start(dataDir);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (err) {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const tokens = new Map<string, string>();

  async function api<T>(
    path: string,
    opts: { login?: Login; method?: string; body?: unknown } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (opts.login) {
      let token = tokens.get(opts.login.email);
      if (!token) {
        const res = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: opts.login.email, password: opts.login.password }),
        });
        token = ((await res.json()) as { token: string }).token;
        tokens.set(opts.login.email, token);
      }
      headers.authorization = `Bearer ${token}`;
    }
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    if (!res.ok) throw new Error(`${opts.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    url: server.url,
    browser,
    api,
    db: server.handle.db,
    async newPage() {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
        timezoneId: 'UTC',
      });
      contexts.push(context);
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
      return page;
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
    },
  };
}

/** Waits until `read()` yields `expected` (UI updates are asynchronous). */
export function eventually<T>(read: () => Promise<T>) {
  return expect.poll(read, { timeout: WAIT_MS, interval: 100 });
}

export const text = (locator: Locator) => locator.innerText().then((t) => t.trim());
export const texts = (locator: Locator) => locator.allInnerTexts().then((all) => all.map((t) => t.trim()));

export async function signIn(page: Page, url: string, login: Login) {
  await page.goto(`${url}/login`);
  await page.getByLabel('E-mail address').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Playwright's own waiting, not expect.poll: this also runs in beforeAll hooks.
  await page.getByTestId('user-name').filter({ hasText: login.name }).waitFor();
}

/** The names in the customer table, once it has finished loading. */
export async function customerNames(page: Page): Promise<string[]> {
  const table = page.getByTestId('customer-table');
  await eventually(() => table.getAttribute('aria-busy')).toBe('false');
  return texts(table.getByTestId('customer-row').locator('td:first-child'));
}
