import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Organization } from '../../src/shared/schemas/organizations.js';
import type { Commitment, Signal } from '../../src/shared/schemas/signals.js';
import { DEMO, customerNames, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(async () => {
  await stack?.stop();
});

describe('organizations', () => {
  it('lists the organizations with their customer counts', async () => {
    await page.getByRole('link', { name: 'Organizations' }).click();
    await eventually(() => text(page.getByTestId('organization-total'))).toBe('8 organizations');
    const rows = page.getByTestId('organization-row');
    expect(await texts(rows.locator('td:first-child'))).toEqual([
      'Alpine Ski House',
      'Blue Yonder Pharmacy',
      'Coho Winery',
      'Contoso Retail',
      'Fabrikam Manufacturing',
      'Northwind Traders',
      'Tailspin Outfitters',
      'Wingtip Hardware',
    ]);
    const northwind = rows.filter({ hasText: 'Northwind Traders' });
    // The segment's name comes with the segment list, which may answer after the organizations.
    await eventually(() => texts(northwind.locator('td'))).toEqual([
      'Northwind Traders',
      'northwind.example',
      'Enterprise',
      '61',
      expect.any(String),
    ]);
    // One page only: no paging buttons.
    expect(await page.getByRole('button', { name: 'Next' }).count()).toBe(0);
  });

  it('searches by name and filters by segment', async () => {
    await page.goto(`${stack.url}/organizations`);
    await page.getByLabel('Search organizations').fill('wing');
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Wingtip Hardware',
    ]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Segment').selectOption('enterprise');
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Contoso Retail',
      'Fabrikam Manufacturing',
      'Northwind Traders',
    ]);
    // Sorting by name the other way round.
    await page.getByRole('button', { name: 'Name' }).click();
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Northwind Traders',
      'Fabrikam Manufacturing',
      'Contoso Retail',
    ]);
  });

  it('opens an organization, which lists its customers page by page', async () => {
    const orgs = await stack.api<{ items: Organization[] }>('/organizations?q=northwind', {
      login: DEMO.agent,
    });
    const northwind = orgs.items[0]!;
    const expected = await stack.api<{ items: Customer[] }>(
      `/customers?organizationId=${northwind.id}&limit=500`,
      {
        login: DEMO.agent,
      },
    );
    expect(expected.items).toHaveLength(61);

    await page.goto(`${stack.url}/organizations`);
    await page.getByRole('link', { name: 'Northwind Traders' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Northwind Traders');
    expect(new URL(page.url()).pathname).toBe(`/organizations/${northwind.id}`);
    // The segment's name comes with the segment list, which may answer after the organization.
    await eventually(() => text(page.getByTestId('organization-segment'))).toBe('Enterprise');
    expect(await text(page.getByTestId('organization-customer-count'))).toBe('61 customers');
    await eventually(() => text(page.getByTestId('organization-customer-total'))).toBe('61 customers');

    expect(await customerNames(page)).toEqual(expected.items.slice(0, 50).map((c) => c.name));
    expect(await text(page.getByTestId('pager-summary'))).toBe('1–50 of 61');
    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(() => text(page.getByTestId('pager-summary'))).toBe('51–61 of 61');
    await eventually(() => customerNames(page)).toEqual(expected.items.slice(50).map((c) => c.name));

    // A customer row leads to the customer, whose page links back to the organization.
    await page.getByRole('link', { name: expected.items[55]!.name }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(expected.items[55]!.name);
    await page.getByTestId('customer-organization').getByRole('link', { name: 'Northwind Traders' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Northwind Traders');
  });

  it('lists the organization’s cases, newest first, with the customer each is for', async () => {
    const orgs = await stack.api<{ items: Organization[] }>('/organizations?q=tailspin', {
      login: DEMO.agent,
    });
    const tailspin = orgs.items[0]!;
    const theirs = await stack.api<{ items: CaseSummary[] }>(
      `/cases?organizationId=${tailspin.id}&sort=-createdAt&limit=10`,
      { login: DEMO.agent },
    );
    expect(theirs.items.length).toBeGreaterThan(1);
    expect(new Set(theirs.items.map((c) => c.organizationId))).toEqual(new Set([tailspin.id]));

    await page.goto(`${stack.url}/organizations/${tailspin.id}`);
    const rows = page.getByTestId('record-case-row');
    await eventually(() => texts(rows.locator('td:first-child a'))).toEqual(
      theirs.items.map((c) => `#${c.number} ${c.subject}`),
    );
    expect(await texts(rows.locator('td:nth-child(2)'))).toEqual(theirs.items.map((c) => c.customer.name));
    // The customer link leads to the customer, whose page lists the same case.
    const first = theirs.items[0]!;
    await rows.first().getByRole('link', { name: first.customer.name }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(first.customer.name);
    await eventually(() => texts(page.getByTestId('record-case-row').locator('td:first-child a'))).toContain(
      `#${first.number} ${first.subject}`,
    );
  });

  it('lists the signals and commitments of the organization’s customers, as the API does', async () => {
    const login = { login: DEMO.agent };
    const northwind = (await stack.api<{ items: Organization[] }>('/organizations?q=northwind', login))
      .items[0]!;
    const signals = (
      await stack.api<{ items: Signal[] }>(`/signals?organizationId=${northwind.id}&limit=10`, login)
    ).items;
    const commitments = (
      await stack.api<{ items: Commitment[] }>(`/commitments?organizationId=${northwind.id}&limit=10`, login)
    ).items;
    expect(signals.length).toBeGreaterThan(1);
    expect(commitments.length).toBeGreaterThan(1);
    expect(new Set(signals.map((s) => s.organizationId))).toEqual(new Set([northwind.id]));

    await page.goto(`${stack.url}/organizations/${northwind.id}`);
    const signalRows = page.getByTestId('organization-signal-row');
    await eventually(() => texts(signalRows.locator('td.cell-primary a'))).toEqual(
      signals.map((s) => s.title),
    );
    expect(await texts(signalRows.locator('td:nth-child(3) a'))).toEqual(signals.map((s) => s.customerName!));
    const commitmentRows = page.getByTestId('organization-commitment-row');
    await eventually(() => texts(commitmentRows.locator('td:nth-child(3)'))).toEqual(
      commitments.map((c) => c.customerName ?? 'No customer'),
    );
    expect(await commitmentRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual(
      commitments.map((c) => c.state),
    );
  });

  it('says so when an organization does not exist', async () => {
    await page.goto(`${stack.url}/organizations/00000000-0000-7000-8000-000000000000`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Organization not found');
  });
});
