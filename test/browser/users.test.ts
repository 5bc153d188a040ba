// Staff users and API tokens in the admin UI: an admin adds an agent who can then sign in, makes
// them an admin, sets a new password (the old one stops working), disables and deletes them; an
// admin cannot lock themselves out; an API token acting as an agent is shown once, works, and
// stops working when revoked; an admin sees where a user is signed in and signs them out everywhere.
// Invitations: a new agent invited by e-mail chooses a password on the link's page and is signed in;
// "Forgot your password?" on the sign-in page; an admin sends a link from a user's page.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/shared/schemas/users.js';
import type { MailMessage, MailMessageDetail } from '../../src/shared/schemas/mail.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(() => stack?.stop());

const row = (name: string) => page.getByTestId('user-row').filter({ hasText: name });

/** The status of signing in through the API with these credentials. */
const loginStatus = (email: string, password: string) =>
  fetch(`${stack.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }).then((r) => r.status);

const meWith = (token: string) =>
  fetch(`${stack.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) =>
    r.ok ? ((await r.json()) as User).email : r.status,
  );

describe('users (admin)', () => {
  it('lists the staff, not the customers’ portal logins', async () => {
    const staff = [
      ...(await stack.api<{ items: User[] }>('/users?role=admin', { login: DEMO.admin })).items,
      ...(await stack.api<{ items: User[] }>('/users?role=agent', { login: DEMO.admin })).items,
    ];
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Users' })
      .click();
    await eventually(() => page.getByTestId('user-row').count()).toBe(staff.length);
    const shown = await texts(page.getByTestId('user-row').locator('.cell-sub'));
    expect(shown.sort()).toEqual(staff.map((u) => u.email).sort());
    expect(shown).not.toContain(DEMO.customer.email);
    expect(await text(row(DEMO.admin.name).getByTestId('user-role'))).toBe('Administrator');
  });

  it('adds an agent who signs in, promotes them, sets a new password, disables and deletes them', async () => {
    await page.goto(`${stack.url}/admin/users`);
    await page.getByRole('link', { name: 'New user' }).click();
    await page.getByLabel('E-mail address').fill(DEMO.agent.email);
    await page.getByLabel('Name', { exact: true }).fill('Nina New');
    // An invitation is the default; this admin sets the first password instead.
    await page.getByLabel('Set it now and tell them yourself').check();
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create user' }).click();
    await eventually(() => text(page.locator('#user-password-error'))).toBe('must be at least 8 characters');
    await page.getByLabel('Password').fill('nina-first-pw');
    await page.getByRole('button', { name: 'Create user' }).click();
    // The e-mail address is taken: said next to it.
    await eventually(() => page.locator('#user-email-error').count()).toBe(1);
    await page.getByLabel('E-mail address').fill('nina@steward.demo');
    await page.getByRole('button', { name: 'Create user' }).click();
    await eventually(() => text(row('Nina New').getByTestId('user-role'))).toBe('Agent');
    // Never signed in yet; the admin using this page is active now.
    expect(await text(row('Nina New').getByTestId('user-last-active'))).toBe('Never');
    // Given a password, not invited: marked as never signed in all the same.
    expect(await text(row('Nina New').getByTestId('user-state'))).toBe('Not signed in yet');
    expect(await text(row(DEMO.admin.name).getByTestId('user-last-active'))).not.toBe('Never');
    expect(await loginStatus('nina@steward.demo', 'nina-first-pw')).toBe(200);

    await row('Nina New').getByRole('link', { name: 'Nina New' }).click();
    expect(await page.getByLabel('E-mail address').isDisabled()).toBe(true);
    await page.getByLabel('Role').selectOption('admin');
    await page.getByLabel('New password (optional)').fill('nina-second-pw');
    await page.getByRole('button', { name: 'Save user' }).click();
    await eventually(() => text(row('Nina New').getByTestId('user-role'))).toBe('Administrator');
    expect(await loginStatus('nina@steward.demo', 'nina-first-pw')).toBe(401);
    expect(await loginStatus('nina@steward.demo', 'nina-second-pw')).toBe(200);

    await row('Nina New').getByRole('link', { name: 'Nina New' }).click();
    await page.getByLabel('Can sign in').uncheck();
    await page.getByRole('button', { name: 'Save user' }).click();
    await eventually(() => text(row('Nina New').getByTestId('user-state'))).toBe('Disabled');
    expect(await loginStatus('nina@steward.demo', 'nina-second-pw')).toBe(401);

    await row('Nina New').getByRole('link', { name: 'Nina New' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => row('Nina New').count()).toBe(0);
  });

  it('an admin cannot disable, demote or delete themselves here', async () => {
    await page.goto(`${stack.url}/admin/users`);
    await row(DEMO.admin.name).getByRole('link', { name: DEMO.admin.name }).click();
    await eventually(() => page.getByLabel('Role').isDisabled()).toBe(true);
    expect(await page.getByLabel('Can sign in').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
  });

  it('shows where a user is signed in and signs them out everywhere, without disabling them', async () => {
    const login = {
      email: `omar-${Date.now()}@steward.demo`,
      password: 'omars-password',
      name: 'Omar Agent',
    };
    await stack.api('/users', { login: DEMO.admin, method: 'POST', body: { ...login, role: 'agent' } });
    const signInAs = async (userAgent: string) =>
      (
        (await (
          await fetch(`${stack.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': userAgent },
            body: JSON.stringify({ email: login.email, password: login.password }),
          })
        ).json()) as { token: string }
      ).token;
    const desk = await signInAs(
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    );
    const script = await signInAs('curl/8.4.0');

    await page.goto(`${stack.url}/admin/users`);
    await row('Omar Agent').getByRole('link', { name: 'Omar Agent' }).click();
    const sessions = page.getByRole('region', { name: 'Where Omar Agent is signed in' });
    await eventually(() => texts(sessions.getByTestId('session-device'))).toEqual([
      'curl/8.4.0',
      'Firefox 121 on Linux',
    ]);
    // Not the admin's to mark: none of these is "this browser".
    expect(await sessions.getByTestId('session-current').count()).toBe(0);

    await sessions.getByRole('button', { name: 'Sign out everywhere' }).click();
    await eventually(() => text(sessions.getByTestId('sessions-ended'))).toBe(
      'Signed Omar Agent out of 2 sessions.',
    );
    await eventually(() => text(sessions.getByTestId('sessions-empty'))).toBe('Not signed in anywhere.');
    expect(await meWith(desk)).toBe(401);
    expect(await meWith(script)).toBe(401);
    // Still a working login: they sign in again with their password.
    expect(await loginStatus(login.email, login.password)).toBe(200);
    expect(await page.getByLabel('Can sign in').isChecked()).toBe(true);
  });
});

describe('API tokens (admin)', () => {
  it('makes a read-only token: it reads, and every write is refused', async () => {
    await page.goto(`${stack.url}/admin/api-tokens`);
    await page.getByLabel('Name', { exact: true }).fill('BI reports');
    await page.getByLabel('Access').selectOption({ label: 'Read only' });
    await page.getByRole('button', { name: 'Make token' }).click();
    await eventually(() => text(page.getByTestId('token-created'))).toContain('it is not shown again');
    const token = await text(page.getByTestId('token-value'));
    expect(await meWith(token)).toBe(DEMO.admin.email);
    const write = await fetch(`${stack.url}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Written by a reader' }),
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe('read_only_token');
    // The list has the new token at once; its secret is only on the card above.
    const row = page.getByTestId('token-row').filter({ hasText: 'BI reports' });
    await eventually(() => text(row.getByTestId('token-state'))).toBe('Active');
    expect(await text(page.getByTestId('token-table'))).not.toContain(token);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    await eventually(() => text(row.getByTestId('token-access'))).toBe('Read only');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => text(row.getByTestId('token-state'))).toBe('Revoked');
  });

  it('makes a token acting as an agent, shows it once, and revokes it', async () => {
    // The demo's agent has signed in (one given a password who never has is marked: see below).
    await stack.api('/auth/me', { login: DEMO.agent });
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'API tokens' })
      .click();
    await page.getByRole('button', { name: 'Make token' }).click();
    await eventually(() => text(page.locator('#token-name-error'))).toBe('is required');
    // The field to fix has the focus.
    await eventually(() => page.evaluate(() => document.activeElement?.id ?? '')).toBe('token-name');
    await page.getByLabel('Name', { exact: true }).fill('Telephony');
    await page.getByLabel('Acts as').selectOption({ label: `${DEMO.agent.name} (Agent)` });
    await page.getByRole('button', { name: 'Make token' }).click();
    await eventually(() => text(page.getByTestId('token-created'))).toContain('it is not shown again');
    const token = await text(page.getByTestId('token-value'));
    expect(await meWith(token)).toBe(DEMO.agent.email);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    const mine = page.getByTestId('token-row').filter({ hasText: 'Telephony' });
    await eventually(() => text(mine.getByTestId('token-state'))).toBe('Active');
    expect(await text(mine.locator('td').nth(1))).toContain(DEMO.agent.name);
    expect(await text(mine.getByTestId('token-access'))).toBe('Full');
    expect(await page.content()).not.toContain(token);
    // It was used just now.
    await page.reload();
    await eventually(() => text(mine.getByTestId('token-last-used'))).not.toBe('Never');

    page.once('dialog', (d) => void d.accept());
    await mine.getByRole('button', { name: 'Revoke' }).click();
    await eventually(() => text(mine.getByTestId('token-state'))).toBe('Revoked');
    expect(await text(page.getByRole('status'))).toBe('Token “Telephony” revoked.');
    expect(await meWith(token)).toBe(401);
  });

  it('refuses a last day in the past', async () => {
    await page.goto(`${stack.url}/admin/api-tokens`);
    await page.getByLabel('Name', { exact: true }).fill('Old');
    await page.getByLabel('Last day (optional)').fill('2001-01-01');
    await page.getByRole('button', { name: 'Make token' }).click();
    await eventually(() => text(page.locator('#token-expires-error'))).toBe('must be in the future');
    expect(await page.getByTestId('token-row').filter({ hasText: 'Old' }).count()).toBe(0);
  });
});

describe('audit log (admin)', () => {
  it('shows who changed what, newest first, by people or by Steward, for one kind of record', async () => {
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    // The tests above ended with a token revoked by the admin.
    const rows = page.getByTestId('audit-row');
    // The event in words; its code kept for the curious (and for these tests) on the cell.
    const codes = () =>
      rows.getByTestId('audit-type').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-type')));
    await eventually(() => text(rows.first().getByTestId('audit-type'))).toBe('API token revoked');
    expect(await rows.first().getByTestId('audit-type').getAttribute('title')).toBe('api_token.revoked');
    expect(await text(rows.first().getByTestId('audit-who'))).toBe(DEMO.admin.name);

    await page.getByLabel('Record').selectOption('user');
    await eventually(async () => new Set(await codes())).toEqual(
      new Set(['user.deleted', 'user.updated', 'user.created', 'user.sessions_ended']),
    );
    expect(new Set(await texts(rows.getByTestId('audit-type')))).toEqual(
      new Set(['User deleted', 'User updated', 'User created', 'User sessions ended']),
    );
    // Nina's promotion, as a change of field values (the password never shows).
    const promoted = rows.filter({ hasText: /Role: \w+ →/ });
    expect(await text(promoted.getByTestId('audit-change'))).toContain('Role: agent → admin');
    // A created record's fields, one a line (not one line of JSON).
    const created = rows.filter({
      has: page.getByTestId('audit-type').getByText('User created', { exact: true }),
    });
    const lines = await texts(created.first().getByTestId('audit-change').locator('li'));
    expect(lines).toContain('Role: agent');
    expect(lines.some((l) => l.startsWith('Email: '))).toBe(true);
    expect(await page.content()).not.toContain('nina-second-pw');
    // The record by the name it has now, a link to its page.
    const named = rows.getByTestId('audit-record-name');
    await eventually(() => named.count()).toBeGreaterThan(0);
    const link = named.first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
    expect((await text(link)).length).toBeGreaterThan(0);

    await page.getByLabel('Made by').selectOption('system');
    await page.getByLabel('Record').selectOption('');
    await eventually(async () => new Set(await texts(rows.getByTestId('audit-who')))).toEqual(
      new Set(['Steward']),
    );
    expect(page.url()).toContain('by=system');

    // The last 24 hours, as a file: the rows the filters select, the export itself on record.
    await page.getByLabel('When').selectOption('1');
    await eventually(async () => page.url()).toContain('days=1');
    await eventually(() => page.getByTestId('audit-table').getAttribute('aria-busy')).toBe('false');
    const firstShown = await text(rows.first().getByTestId('audit-type'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-audit-log').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d\d-\d\d\.csv$/);
    const file = parse(await readFile((await download.path())!, 'utf8'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(file.length).toBeGreaterThan(0);
    expect(new Set(file.map((r) => r.Who))).toEqual(new Set(['Steward']));
    expect(file[0]!.What).toBe(firstShown);
    // The file in the page's words, its times' zone in the header, the code in a column of its own.
    expect(file[0]!['Event code']).toMatch(/^[a-z_]+\.[a-z_]+$/);
    expect(Object.keys(file[0]!).some((h) => /^When \(.+\)$/.test(h))).toBe(true);
    expect(file.every((r) => !r.Change?.startsWith('{'))).toBe(true);

    await page.getByLabel('Made by').selectOption('people');
    await page.getByLabel('Record').selectOption('export');
    // The export taken, then its size once the file was whole.
    await eventually(() => codes()).toEqual(['export.finished', 'export.downloaded']);
    expect(await texts(rows.getByTestId('audit-type'))).toEqual(['Export finished', 'Export downloaded']);
    expect(await text(rows.first().getByTestId('audit-change'))).toContain(`Rows: ${file.length}`);
    expect(await text(rows.nth(1).getByTestId('audit-change'))).toContain('List: audit-log');
  });
});

/** The newest held mail to an address with this subject: its link to choose a password. */
async function passwordLink(email: string, subject: string): Promise<string> {
  const held = await stack.api<{ items: MailMessage[] }>('/mail?direction=out&status=held&limit=50', {
    login: DEMO.admin,
  });
  const mail = held.items.find((m) => m.toAddresses.includes(email) && m.subject === subject);
  if (!mail) throw new Error(`no mail "${subject}" to ${email}`);
  const detail = await stack.api<MailMessageDetail>(`/mail/${mail.id}`, { login: DEMO.admin });
  const url = new URL(/https?:\/\/\S+\/login\/password#token=\S+/.exec(detail.textBody ?? '')![0]);
  // The link names STEWARD_PUBLIC_URL; the test server listens on its own port.
  return `${stack.url}${url.pathname}${url.hash}`;
}

describe('choosing a password by e-mailed link', () => {
  it('an invited agent chooses their password on the link’s page and is signed in', async () => {
    await page.goto(`${stack.url}/admin/users/new`);
    await page.getByLabel('E-mail address').fill('ida@steward.demo');
    await page.getByLabel('Name', { exact: true }).fill('Ida Invited');
    // The invitation is the default: no password field.
    expect(await page.getByLabel('E-mail them an invitation', { exact: false }).isChecked()).toBe(true);
    expect(await page.locator('#user-password').count()).toBe(0);
    // The notice is the server's word on the mail (held: no SMTP here), not a guess from the mail
    // set-up read beside the form: that read never comes back here, and the notice is right.
    await page.route('**/api/v1/mail/setup', () => new Promise<void>(() => {}));
    await page.getByRole('button', { name: 'Create user' }).click();
    await eventually(() => text(row('Ida Invited').getByTestId('user-state'))).toBe('Invited');
    expect(await text(page.getByTestId('notice'))).toBe(
      'User added. Their invitation is held on the Mail page (outgoing mail is not set up): open it there and send them its link yourself.',
    );
    await page.unroute('**/api/v1/mail/setup');

    const link = await passwordLink('ida@steward.demo', 'You are invited to Steward Demo Shop');
    const ida = await stack.newPage();
    await ida.goto(link);
    // In the company's name, as the mail that led here.
    await eventually(() => text(ida.getByRole('heading', { level: 1 }))).toBe('Welcome to Steward Demo Shop');
    expect(await text(ida.locator('.login-card .brand__name'))).toBe('Steward Demo Shop');
    await eventually(() => ida.title()).toBe('Welcome to Steward Demo Shop');
    expect(await text(ida.getByTestId('password-link-whose'))).toBe(
      'Hello Ida Invited: choose the password you will sign in with, as ida@steward.demo.',
    );
    await ida.getByLabel('New password', { exact: true }).fill('short');
    await ida.getByRole('button', { name: 'Save and sign in' }).click();
    expect(await text(ida.locator('#password-error'))).toBe('At least 8 characters.');
    expect(await ida.evaluate(() => document.activeElement?.id)).toBe('new-password');
    await ida.getByLabel('New password', { exact: true }).fill('ida-chose-this');
    await ida.getByLabel('The same again').fill('ida-chose-that');
    await ida.getByRole('button', { name: 'Save and sign in' }).click();
    expect(await text(ida.locator('#repeat-error'))).toBe('The two passwords differ.');
    await ida.getByLabel('The same again').fill('ida-chose-this');
    await ida.getByRole('button', { name: 'Save and sign in' }).click();
    await ida.getByTestId('user-name').filter({ hasText: 'Ida Invited' }).waitFor();
    expect(new URL(ida.url()).hash).toBe('');
    expect(await loginStatus('ida@steward.demo', 'ida-chose-this')).toBe(200);

    // Her name as she writes it, on Your account.
    await ida.goto(`${stack.url}/account`);
    await ida.getByLabel('Name', { exact: true }).fill('Ida Invited-Berg');
    await ida.getByRole('button', { name: 'Save name' }).click();
    await eventually(() => text(ida.getByTestId('name-saved'))).toBe('Name saved.');
    await eventually(() => text(ida.getByTestId('user-name'))).toBe('Ida Invited-Berg');

    await page.reload();
    await eventually(() => text(row('Ida Invited').getByTestId('user-state'))).toBe('Active');
    // The link worked once.
    const again = await stack.newPage();
    await again.goto(link);
    await eventually(() => text(again.getByTestId('password-link-error'))).toBe(
      'This link was used already: each link works once.',
    );
  });

  it('"Forgot your password?" e-mails a link; an admin sends one from the user’s page', async () => {
    const signedOut = await stack.newPage();
    await signedOut.goto(`${stack.url}/login`);
    await signedOut.getByLabel('E-mail address').waitFor();
    await signedOut.getByLabel('E-mail address').fill('ida@steward.demo');
    await signedOut.getByRole('button', { name: 'Forgot your password?' }).click();
    // The address typed so far is taken along.
    expect(await signedOut.getByLabel('Your e-mail address').inputValue()).toBe('ida@steward.demo');
    await signedOut.getByRole('button', { name: 'E-mail me a link' }).click();
    await eventually(() => text(signedOut.getByTestId('password-reset-sent'))).toBe(
      'If this address belongs to a staff account, a link to choose a new password is on its way. It works once, for an hour.',
    );
    const link = await passwordLink('ida@steward.demo', 'Choose a new Steward Demo Shop password');
    await signedOut.goto(link);
    // In the company's name, as the mail's subject, the heading and the tab.
    await eventually(() => text(signedOut.getByRole('heading', { level: 1 }))).toBe(
      'Choose a new Steward Demo Shop password',
    );
    await eventually(() => signedOut.title()).toBe('Choose a new Steward Demo Shop password');

    // Meanwhile an admin sends another link: the one above stops working.
    await page.goto(`${stack.url}/admin/users`);
    await row('Ida Invited').getByRole('link', { name: 'Ida Invited' }).click();
    await page.getByRole('button', { name: 'Send a link to choose a new password' }).click();
    await eventually(() => text(page.getByTestId('password-link-sent'))).toMatch(
      /^Link for ida@steward\.demo held on the Mail page \(outgoing mail is not set up\): send them its link yourself\. It works once, until /,
    );
    await signedOut.getByLabel('New password', { exact: true }).fill('ida-second-pw');
    await signedOut.getByLabel('The same again').fill('ida-second-pw');
    await signedOut.getByRole('button', { name: 'Save and sign in' }).click();
    await eventually(() => text(signedOut.getByTestId('password-link-error'))).toBe(
      'A newer link was sent since: use the one in the latest mail.',
    );
    expect(await loginStatus('ida@steward.demo', 'ida-chose-this')).toBe(200);
  });
});

// After the audit log's tests: the user made here would be its newest change.
describe('API tokens for staff not signed in yet', () => {
  it('marks a user who has not signed in yet among those a token can act as', async () => {
    const name = `Ivo Invited ${Date.now()}`;
    await stack.api('/users', {
      login: DEMO.admin,
      method: 'POST',
      body: { email: `ivo-${Date.now()}@steward.demo`, name, role: 'agent', invite: true },
    });
    // Given a password by an admin and never used: marked as well, in its own words.
    const given = `Gus Given ${Date.now()}`;
    await stack.api('/users', {
      login: DEMO.admin,
      method: 'POST',
      body: { email: `gus-${Date.now()}@steward.demo`, name: given, role: 'agent', password: 'gus-first-pw' },
    });
    await stack.api('/auth/me', { login: DEMO.agent });
    await page.goto(`${stack.url}/admin/api-tokens`);
    const option = page.getByLabel('Acts as').locator('option', { hasText: name });
    await eventually(() => text(option)).toBe(`${name} (Agent) (invited, not signed in yet)`);
    expect(await page.getByLabel('Acts as').locator('option', { hasText: given }).textContent()).toBe(
      `${given} (Agent) (not signed in yet)`,
    );
    expect(
      await page.getByLabel('Acts as').locator('option', { hasText: DEMO.agent.name }).textContent(),
    ).toBe(`${DEMO.agent.name} (Agent)`);
    await page.getByLabel('Acts as').selectOption({ label: `${name} (Agent) (invited, not signed in yet)` });
    expect(await text(page.locator('#token-user-hint'))).toBe(
      `It can do what this user can. ${name} has not signed in yet: check the token is for the right person.`,
    );
  });
});
