import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, eventually, signIn, startStack, text, type Stack } from './harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const loginHeading = (page: Page) => page.getByRole('heading', { name: 'Sign in' });

describe('sign-in', () => {
  it('rejects a wrong password with a message and stays on the sign-in page', async () => {
    const page = await stack.newPage();
    await page.goto(stack.url);
    // Signed out, the app sends every screen to the sign-in page.
    await loginHeading(page).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await eventually(() => page.title()).toBe('Sign in · Steward Demo Shop');
    // A customer without an account finds the help center and the web form from here.
    const publicLinks = page.getByTestId('login-public-links').getByRole('link');
    expect(await publicLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '/help',
      '/form',
    ]);

    await page.getByLabel('E-mail address').fill(DEMO.admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByRole('alert');
    await eventually(() => text(error)).toBe(
      'The e-mail address or password is wrong, or the account is disabled.',
    );
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.evaluate(() => localStorage.getItem('steward.token'))).toBeNull();
  });

  it('signs an admin in onto the case queue; the customer list shows the total and the first page', async () => {
    const page = await stack.newPage();
    await signIn(page, stack.url, DEMO.admin);
    // Staff start in their workspace.
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');
    expect(await text(page.getByTestId('user-role'))).toBe('Administrator');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await eventually(() => text(page.getByTestId('customer-total'))).toBe('336 customers');
    expect(await page.getByTestId('customer-row').count()).toBe(50);
    expect(await text(page.getByTestId('pager-summary'))).toBe('1–50 of 336');
    // Staff screens say Steward, in the tab as in the top bar (the company's name is for customers).
    await eventually(() => page.title()).toBe('Customers · Steward');

    // The first row is the alphabetically first customer, as the API says.
    const first = await stack.api<{ items: { name: string }[] }>('/customers?limit=1', { login: DEMO.admin });
    expect(await text(page.getByTestId('customer-row').first().locator('td').first())).toBe(
      first.items[0]!.name,
    );
  });

  it('returns to the requested page after signing in', async () => {
    const page = await stack.newPage();
    await page.goto(`${stack.url}/organizations?q=contoso`);
    await loginHeading(page).waitFor();
    await page.getByLabel('E-mail address').fill(DEMO.agent.email);
    await page.getByLabel('Password').fill(DEMO.agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => text(page.getByTestId('organization-total'))).toBe('1 organization found');
    expect(await page.getByLabel('Search organizations').inputValue()).toBe('contoso');
    expect(await text(page.getByTestId('user-role'))).toBe('Agent');
  });

  it('signs out to the sign-in page, and the old session no longer works', async () => {
    const page = await stack.newPage();
    await signIn(page, stack.url, DEMO.admin);
    const token = await page.evaluate(() => localStorage.getItem('steward.token'));
    expect(token).toMatch(/^stw_/);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await loginHeading(page).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.evaluate(() => localStorage.getItem('steward.token'))).toBeNull();
    const me = await fetch(`${stack.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);

    // Back in history or by address, signed-out screens still lead to the sign-in page.
    await page.goto(`${stack.url}/customers`);
    await loginHeading(page).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('sends the user to sign in when the server ends the session', async () => {
    const page = await stack.newPage();
    await signIn(page, stack.url, DEMO.agent);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await eventually(() => text(page.getByTestId('customer-total'))).toBe('336 customers');
    // The session is revoked behind the page's back (as if it expired).
    const token = await page.evaluate(() => localStorage.getItem('steward.token'));
    await fetch(`${stack.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });

    await page.getByRole('link', { name: 'Organizations' }).click();
    await loginHeading(page).waitFor();
    expect(await text(page.getByRole('status'))).toBe('Your session has ended. Please sign in again.');
    await page.getByLabel('E-mail address').fill(DEMO.agent.email);
    await page.getByLabel('Password').fill(DEMO.agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // ...and brings them back to where they were going.
    await eventually(() => text(page.getByTestId('organization-total'))).toBe('8 organizations');
  });
});

describe('your account', () => {
  it('is one click from the top bar, on a narrow screen too (their name, the role in its title)', async () => {
    const page = await stack.newPage();
    await signIn(page, stack.url, DEMO.agent);
    await page.setViewportSize({ width: 700, height: 800 });
    expect(await page.getByTestId('user-role').isVisible()).toBe(false);
    await page.getByTestId('user-name').click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/account');
    await page.getByRole('form', { name: 'Change your password' }).waitFor();
  });

  it('changes your own password and signs out elsewhere; the other sessions end, this one stays', async () => {
    const login = { email: `pat-${Date.now()}@steward.demo`, password: 'first-password', name: 'Pat Agent' };
    await stack.api('/users', {
      login: DEMO.admin,
      method: 'POST',
      body: { ...login, role: 'agent' },
    });
    const signInApi = async (password: string) =>
      fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login.email, password }),
      });
    const other = ((await (await signInApi(login.password)).json()) as { token: string }).token;
    const page = await stack.newPage();
    await signIn(page, stack.url, login as unknown as typeof DEMO.agent);

    await page.getByTestId('user-name').click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/account');
    await eventually(() => page.title()).toBe('Your account · Steward');
    expect(await text(page.locator('.page-header__subtitle'))).toBe(`Pat Agent · ${login.email} · Agent`);

    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not-my-password');
    await form.getByLabel('New password', { exact: true }).fill('second-password');
    await form.getByLabel('New password again').fill('second-passwort');
    await form.getByRole('button', { name: 'Change password' }).click();
    await eventually(() => text(page.getByTestId('error-account-repeatPassword'))).toBe(
      'does not match the new password',
    );
    await form.getByLabel('New password again').fill('second-password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await eventually(() => text(page.getByTestId('error-account-currentPassword'))).toBe(
      'the current password is wrong',
    );
    // Nothing changed: the old password still signs in (a second session beside this page).
    expect((await signInApi(login.password)).status).toBe(200);

    await form.getByLabel('Current password').fill(login.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await eventually(() => text(page.getByTestId('password-changed'))).toBe(
      'Password changed. 2 other sessions and API tokens ended; you stay signed in here.',
    );
    expect(await form.getByLabel('Current password').inputValue()).toBe('');
    // The session made beside this page ended; this page goes on working.
    const ended = await fetch(`${stack.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(ended.status).toBe(401);
    expect((await signInApi(login.password)).status).toBe(401);
    const laptop = (await (await signInApi('second-password')).json()) as { token: string };

    // Signed in elsewhere with the new password: ended from here, this page stays signed in.
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await eventually(() => text(page.getByTestId('sessions-ended'))).toBe('Signed out of 1 other session.');
    const gone = await fetch(`${stack.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${laptop.token}` },
    });
    expect(gone.status).toBe(401);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await eventually(() => page.getByTestId('customer-row').count()).toBe(50);
  });

  it('shows where you are signed in, this browser marked, and signs out another one', async () => {
    const login = { email: `kim-${Date.now()}@steward.demo`, password: 'kims-password', name: 'Kim Agent' };
    await stack.api('/users', { login: DEMO.admin, method: 'POST', body: { ...login, role: 'agent' } });
    const phone = (await (
      await fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': IPHONE },
        body: JSON.stringify({ email: login.email, password: login.password }),
      })
    ).json()) as { token: string };
    const page = await stack.newPage();
    await signIn(page, stack.url, login as unknown as typeof DEMO.agent);
    await page.goto(`${stack.url}/account`);

    const rows = page.getByTestId('session-row');
    await eventually(() => rows.count()).toBe(2);
    // The most recently used first: this page, just now, in headless Chromium on Linux.
    expect(await text(rows.nth(0).getByTestId('session-device'))).toMatch(/^Chrome \d+ on Linux$/);
    expect(await text(rows.nth(0).getByTestId('session-current'))).toBe('This browser');
    expect(
      await rows
        .nth(0)
        .getByRole('button', { name: /^Sign out/ })
        .count(),
    ).toBe(0);
    expect(await text(rows.nth(1).getByTestId('session-device'))).toBe('Safari 17 on iOS 17.1');
    expect(await text(rows.nth(1).getByTestId('session-ip'))).toMatch(/127\.0\.0\.1|::1/);

    await rows
      .nth(1)
      .getByRole('button', { name: /^Sign out Safari 17 on iOS 17\.1/ })
      .click();
    await eventually(() => text(page.getByTestId('sessions-ended'))).toBe(
      'Signed out Safari 17 on iOS 17.1.',
    );
    await eventually(() => rows.count()).toBe(1);
    const gone = await fetch(`${stack.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${phone.token}` },
    });
    expect(gone.status).toBe(401);
    // This page goes on working.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await eventually(() => page.getByTestId('customer-row').count()).toBe(50);
  });

  it('keeps your e-mail signature; the reply box says it goes under your replies', async () => {
    const login = { email: `sam-${Date.now()}@steward.demo`, password: 'sams-password', name: 'Sam Agent' };
    await stack.api('/users', { login: DEMO.admin, method: 'POST', body: { ...login, role: 'agent' } });
    const sam = login as unknown as typeof DEMO.agent;
    const page = await stack.newPage();
    await signIn(page, stack.url, sam);
    await page.goto(`${stack.url}/account`);
    const field = page.getByLabel('Signature', { exact: true });
    await field.waitFor();
    expect(await field.inputValue()).toBe('');
    // Eleven lines are refused next to the field, before anything is sent.
    await field.fill(Array.from({ length: 11 }, (_, i) => `line ${i + 1}`).join('\n'));
    await page.getByRole('button', { name: 'Save signature' }).click();
    await eventually(() => text(page.getByTestId('error-account-signature'))).toBe('at most 10 lines');
    await field.fill('Sam Agent\nCustomer service');
    await page.getByRole('button', { name: 'Save signature' }).click();
    await eventually(() => text(page.getByTestId('signature-saved'))).toBe(
      'Signature saved: it goes under your next e-mailed replies.',
    );
    const me = await stack.api<{ signature: string | null }>('/auth/me', { login: sam });
    expect(me.signature).toBe('Sam Agent\nCustomer service');

    // A case whose customer has an address: the reply box says so, without reloading the app.
    const cases = await stack.api<{ items: { id: string; customer: { email: string | null } }[] }>(
      '/cases?status=open&limit=50',
      { login: sam },
    );
    const withMail = cases.items.find((c) => c.customer.email)!;
    // Moved to within the app (the router hears popstate), so the app's own copy of "me" is read.
    await page.evaluate((path) => {
      history.pushState({}, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/cases/${withMail.id}`);
    await eventually(() => text(page.getByTestId('composer-recipients'))).toContain(
      'with your signature under it',
    );
  });
});
