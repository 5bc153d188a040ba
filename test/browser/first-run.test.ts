// A new company's first steps on an empty install (no demo data): the forms that need a record
// made elsewhere first say so and link there, a commitment's key comes from its name, and
// Settings says where links in mail point (and warns when no browser can open them).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agreement } from '../../src/web/lib/types.js';
import { configureMail, mailSettings } from '../../src/server/domains/mail/outbox.js';
import { FIRST_ADMIN, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({ empty: true });
  page = await stack.newPage();
  await signIn(page, stack.url, FIRST_ADMIN);
});
afterAll(() => stack?.stop());

describe('an empty install, set up by its first admin', () => {
  it('a team without agents to add says to invite them first, and links there', async () => {
    await page.goto(`${stack.url}/admin/teams/new`);
    const hint = page.getByTestId('no-agents-hint');
    expect(await text(hint)).toBe('No agents yet: invite them under Users, then add them here.');
    await hint.getByRole('link', { name: 'invite them' }).click();
    await page.getByRole('heading', { name: 'New user' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users/new');
  });

  it('a second team of the same name is refused at its Name field', async () => {
    for (const name of ['Customer care', 'customer care']) {
      await page.goto(`${stack.url}/admin/teams/new`);
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Create team' }).click();
      // The first is made before the form is opened again (leaving at once could abort it).
      if (name === 'Customer care')
        await eventually(async () => new URL(page.url()).pathname).not.toBe('/admin/teams/new');
    }
    await eventually(() => text(page.getByTestId('error-team-name'))).toBe(
      'a team named "Customer care" exists already',
    );
    expect(new URL(page.url()).pathname).toBe('/admin/teams/new');
    const { items } = await stack.api<{ items: { name: string }[] }>('/teams', { login: FIRST_ADMIN });
    expect(items.map((t) => t.name)).toEqual(['Customer care']);
  });

  it('an agreement for a segment or an organization, when there is none yet, says to create one first', async () => {
    await stack.api('/calendars', {
      login: FIRST_ADMIN,
      method: 'POST',
      body: {
        name: 'Office hours',
        timezone: 'Europe/Berlin',
        hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
        holidays: ['2026-12-25'],
      },
    });
    await page.goto(`${stack.url}/admin/agreements/new`);
    await page.getByRole('radio', { name: 'A segment' }).check();
    const segment = page.getByLabel('Segment', { exact: true });
    expect(await texts(segment.locator('option'))).toEqual(['Choose a segment…']);
    await eventually(() => segment.getAttribute('aria-describedby')).toBe('agreement-segment-hint');
    expect(await text(page.locator('#agreement-segment-hint'))).toBe(
      'No segments yet: create one first, or make the agreement for an organization.',
    );
    await page.getByRole('radio', { name: 'An organization' }).check();
    const organization = page.getByLabel('Organization', { exact: true });
    expect(await organization.getAttribute('aria-describedby')).toBe('agreement-organization-hint');
    expect(await text(page.locator('#agreement-organization-hint'))).toBe(
      'No organizations yet: create one first (with the e-mail domains that bring its people to it).',
    );
    await page.locator('#agreement-organization-hint').getByRole('link', { name: 'create one' }).click();
    await page.getByRole('heading', { name: 'New organization' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/organizations/new');
  });

  it('the empty organization list says what to do next, and links there', async () => {
    await page.goto(`${stack.url}/organizations`);
    const empty = page.getByTestId('organizations-empty');
    await eventually(() => text(empty)).toBe(
      'No organizations yet: add one with its e-mail domains, and a new customer who writes in from an address at one of them (or a subdomain) joins it on their own.',
    );
    await empty.getByRole('link', { name: 'add one' }).click();
    await page.getByRole('heading', { name: 'New organization' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/organizations/new');
  });

  it('a commitment’s key is made from its name, as a segment’s or a field’s', async () => {
    await page.goto(`${stack.url}/admin/agreements/new`);
    await page.getByLabel('Name', { exact: true }).fill('Standard PSA');
    await page.getByRole('button', { name: 'Add commitment' }).click();
    const row = page.getByTestId('commitment-row');
    await row.getByLabel('Name', { exact: true }).fill('Delivery by the promised date');
    const key = row.getByLabel('Key', { exact: true });
    expect(await key.inputValue()).toBe('delivery_by_the_promised_date');
    await page.getByRole('button', { name: 'Create agreement' }).click();
    await page.getByText('Agreement created.').waitFor();
    const { items } = await stack.api<{ items: Agreement[] }>('/agreements', { login: FIRST_ADMIN });
    const made = items.find((a) => a.name === 'Standard PSA')!;
    expect(made.commitments.map((c) => [c.key, c.name])).toEqual([
      ['delivery_by_the_promised_date', 'Delivery by the promised date'],
    ]);

    // A key typed by hand is kept as typed.
    await page.goto(`${stack.url}/admin/agreements/${made.id}`);
    await page.getByRole('button', { name: 'Add commitment' }).click();
    const second = page.getByTestId('commitment-row').nth(1);
    await second.getByLabel('Name', { exact: true }).fill('Correct invoice');
    await second.getByLabel('Key', { exact: true }).fill('invoice');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await page.getByText(/Agreement saved/).waitFor();
    const saved = await stack.api<Agreement>(`/agreements/${made.id}`, { login: FIRST_ADMIN });
    expect(saved.commitments.map((c) => c.key)).toEqual(['delivery_by_the_promised_date', 'invoice']);
  });

  it('a rule’s proactive case without a team says where it lands: no team, unassigned', async () => {
    await page.goto(`${stack.url}/admin/rules/new`);
    await page.getByRole('button', { name: '+ Open a proactive case' }).click();
    const team = page.getByLabel('Team', { exact: true });
    await eventually(() => texts(team.locator('option'))).toEqual([
      'No team: the case waits unassigned',
      'Customer care',
    ]);
  });

  it('Settings says where links in mail point, and warns when no browser can open them', async () => {
    await page.goto(`${stack.url}/admin/settings`);
    expect(await text(page.getByTestId('mail-setup-links'))).toBe(stack.url);
    const warnings = page.getByTestId('mail-setup-warning');
    await eventually(() => warnings.count()).toBe(2); // not sending, and the placeholder From
    expect((await texts(warnings)).some((w) => w.startsWith('Links in mail'))).toBe(false);

    const before = mailSettings();
    configureMail({ ...before, publicUrl: 'http://0.0.0.0:3000' });
    try {
      await page.reload();
      expect(await text(page.getByTestId('mail-setup-links'))).toBe('http://0.0.0.0:3000');
      await eventually(() => warnings.count()).toBe(3);
      expect(await text(warnings.nth(2))).toBe(
        'Links in mail (invitations, sign-in links, the customer portal) point at http://0.0.0.0:3000, an address no browser can open. Your operator sets the address people use (STEWARD_PUBLIC_URL), e.g. https://support.example.com.',
      );
    } finally {
      configureMail(before);
    }
  });
});
