// Two-step sign-in through the UI, as a new agent would do it on a phone-sized screen: set up on
// the account page (the key read off the page, the app's code made here with otpauth), recovery
// codes shown once, sign out, sign in with the password and a code. Then an admin turns it off
// for them (a lost phone) on their user page. Another agent turns their own off on the account
// page with their password, and then signs in with the password alone.
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, eventually, startStack, text, type Login, type Stack } from './harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const codeOf = (secret: string, steps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: Date.now() + steps * 30_000,
  });

describe('two-step sign-in', () => {
  it('an agent sets it up at 375 px, signs out, and signs in with a code; an admin turns it off', async () => {
    const agent = {
      email: `two-step-${Date.now()}@steward.demo`,
      password: 'two-step agent 1',
      name: 'Tess Twostep',
    };
    const created = await stack.api<{ id: string }>('/users', {
      login: DEMO.admin,
      method: 'POST',
      body: { ...agent, role: 'agent' },
    });

    const page = await stack.newPage();
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('E-mail address').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user-name').filter({ hasText: agent.name }).waitFor();

    // Set up on a phone-sized screen.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${stack.url}/account`);
    const section = page.getByTestId('two-step-section');
    await section.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    expect(await text(section.getByTestId('two-step-state'))).toBe('Off');
    await section.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const secret = await text(section.getByTestId('two-step-secret'));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(
      await section.getByRole('img', { name: 'QR code to scan with your authenticator app' }).count(),
    ).toBe(1);
    // Nothing wider than the phone.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    const setupCode = codeOf(secret);
    await section.getByLabel('Code from your authenticator app').fill(setupCode);
    await section.getByRole('button', { name: 'Turn on two-step sign-in' }).click();

    const codes = section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await eventually(() => codes.count()).toBe(10);
    expect(await text(codes.first())).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await section.getByRole('button', { name: 'I have saved them' }).click();
    await eventually(() => text(section.getByTestId('two-step-state'))).toMatch(
      /^On since .* 10 of 10 recovery codes left$/,
    );

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail address').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const second = page.getByTestId('two-step-sign-in');
    await second.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    // The code the set-up used cannot sign in again; the app's next one can.
    await second.getByLabel('Code', { exact: true }).fill(setupCode);
    await second.getByRole('button', { name: 'Sign in', exact: true }).click();
    await eventually(() => text(page.getByRole('alert'))).toBe(
      'That code was used already. Wait for the app to show the next one.',
    );
    expect(await second.getByRole('button', { name: 'Use a recovery code' }).count()).toBe(1);
    await second.getByLabel('Code', { exact: true }).fill(codeOf(secret, 1));
    await second.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('user-name').filter({ hasText: agent.name }).waitFor();

    // An admin sees it on, and turns it off for them.
    const admin = await stack.newPage();
    await admin.goto(`${stack.url}/login`);
    await admin.getByLabel('E-mail address').fill(DEMO.admin.email);
    await admin.getByLabel('Password').fill(DEMO.admin.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByTestId('user-name').filter({ hasText: DEMO.admin.name }).waitFor();
    await admin.goto(`${stack.url}/admin/users`);
    const row = admin.getByTestId('user-row').filter({ hasText: agent.email });
    await eventually(() => text(row.getByTestId('user-two-step'))).toBe('On');
    await admin.goto(`${stack.url}/admin/users/${created.id}`);
    const panel = admin.getByTestId('two-step-reset');
    await panel.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await panel.getByRole('button', { name: `Yes, turn it off for ${agent.name}` }).click();
    await eventually(() => text(panel.getByRole('status'))).toMatch(
      /^Two-step sign-in is off for Tess Twostep, and their sessions and API tokens have ended\./,
    );
    const after = await stack.api<{ twoStepEnabled: boolean }>(`/users/${created.id}`, { login: DEMO.admin });
    expect(after.twoStepEnabled).toBe(false);
    // The agent's browser (the phone, say) is signed out: its session ended with the reset.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  it('an agent turns their own off on the account page with their password, then signs in with it alone', async () => {
    const agent = {
      email: `two-step-off-${Date.now()}@steward.demo`,
      password: 'two-step agent 2',
      name: 'Otto Offswitch',
    };
    await stack.api('/users', { login: DEMO.admin, method: 'POST', body: { ...agent, role: 'agent' } });
    // Set up through the API (the first test does it through the page).
    const login = agent as unknown as Login;
    const setup = await stack.api<{ secret: string }>('/auth/two-step/setup', {
      login,
      method: 'POST',
      body: {},
    });
    await stack.api('/auth/two-step/confirm', {
      login,
      method: 'POST',
      body: { code: codeOf(setup.secret) },
    });

    const page = await stack.newPage();
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('E-mail address').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const second = page.getByTestId('two-step-sign-in');
    await second.getByLabel('Code', { exact: true }).fill(codeOf(setup.secret, 1));
    await second.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByTestId('user-name').filter({ hasText: agent.name }).waitFor();

    await page.goto(`${stack.url}/account`);
    const section = page.getByTestId('two-step-section');
    await eventually(() => text(section.getByTestId('two-step-state'))).toMatch(/^On since /);
    await section.getByRole('button', { name: 'Turn off…' }).click();
    const proof = section.getByLabel('Your password, or a code from the app');
    await proof.fill('not my password');
    await section.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await eventually(() => text(section.getByRole('alert'))).toBe('The password is wrong.');
    await proof.fill(agent.password);
    await section.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
    await eventually(() => text(section.getByRole('status'))).toBe(
      'Two-step sign-in is off: you sign in with your password alone.',
    );
    await eventually(() => text(section.getByTestId('two-step-state'))).toBe('Off');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail address').fill(agent.email);
    await page.getByLabel('Password').fill(agent.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('user-name').filter({ hasText: agent.name }).waitFor();
    expect(await page.getByTestId('two-step-sign-in').count()).toBe(0);
  });
});
