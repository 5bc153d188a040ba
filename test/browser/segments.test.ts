// Segments in the admin UI: the list with how many organizations and customers each has, a new
// segment that customers can then be put in, a renamed one, one in use that cannot be deleted,
// and an unused one that can.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Segment } from '../../src/shared/schemas/segments.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(() => stack?.stop());

const row = (name: string) => page.getByTestId('segment-row').filter({ hasText: name });

describe('segments (admin)', () => {
  it('lists the segments with their organizations and own customers', async () => {
    const { items } = await stack.api<{ items: Segment[] }>('/segments', { login: DEMO.admin });
    expect(items.length).toBe(3);
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Segments' })
      .click();
    await eventually(() => page.getByTestId('segment-row').count()).toBe(3);
    for (const s of items) {
      expect(await text(row(s.name).locator('code'))).toBe(s.key);
      expect(await text(row(s.name).getByTestId('segment-organizations'))).toBe(String(s.organizationCount));
      expect(await text(row(s.name).getByTestId('segment-customers'))).toBe(String(s.customerCount));
    }
    expect(items.some((s) => s.organizationCount > 0)).toBe(true);

    // Its customers: their own segment, or their organization's.
    const big = items.find((s) => s.organizationCount > 0)!;
    await row(big.name).getByRole('link', { name: 'All its customers' }).click();
    await eventually(async () => page.url()).toBe(`${stack.url}/customers?segment=${big.key}`);
    const listed = await stack.api<{ total: number }>(
      `/customers?segment=${big.key}&includeTotal=true&limit=1`,
      {
        login: DEMO.admin,
      },
    );
    expect(listed.total).toBeGreaterThan(big.customerCount);
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('Customers');
    await eventually(() => page.locator('tbody tr').count()).toBe(Math.min(listed.total, 50));
  });

  it('adds, renames and deletes a segment; one in use stays', async () => {
    await page.goto(`${stack.url}/admin/segments`);
    await page.getByRole('link', { name: 'New segment' }).click();
    const key = page.getByRole('textbox', { name: 'Key' });
    // Nothing written: the key's message says where it comes from and what to write.
    await page.getByRole('button', { name: 'Create segment' }).click();
    await eventually(() => text(page.locator('#segment-key-error'))).toBe(
      'is required: write a name (the key is made from it) or a key, e.g. public_sector',
    );
    expect(await text(page.locator('#segment-name-error'))).toBe('is required');
    // A name with no letters a-z makes no key.
    await page.getByLabel('Name', { exact: true }).fill('2026');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await eventually(() => text(page.locator('#segment-key-error'))).toBe(
      'is required: the name has no letters a-z to make one of, so write one, e.g. public_sector',
    );
    // The key follows the name until one is written.
    await page.getByLabel('Name', { exact: true }).fill('Public sector');
    expect(await key.inputValue()).toBe('public_sector');
    await key.fill('enterprise');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await eventually(() => text(page.locator('#segment-key-error'))).toContain('keys are never reused');
    await key.fill('public');
    await page.getByLabel('Description (optional)').fill('Schools, cities and agencies');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await eventually(() => text(row('Public sector'))).toContain('Schools, cities and agencies');
    expect(await text(page.getByRole('status'))).toBe('Segment created.');

    // A customer can be put in it.
    const { items } = await stack.api<{ items: { id: string }[] }>('/customers?limit=1', {
      login: DEMO.admin,
    });
    await stack.api(`/customers/${items[0]!.id}`, {
      login: DEMO.admin,
      method: 'PATCH',
      body: { segment: 'public' },
    });
    await page.reload();
    await eventually(() => text(row('Public sector').getByTestId('segment-customers'))).toBe('1');

    // Renamed; the key stays.
    await row('Public sector').getByRole('link', { name: 'Public sector' }).click();
    expect(await key.isDisabled()).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Public services');
    await page.getByRole('button', { name: 'Save segment' }).click();
    await eventually(() => text(row('Public services').locator('code'))).toBe('public');

    // In use: the delete is refused, with the reason.
    await row('Public services').getByRole('link', { name: 'Public services' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => text(page.getByRole('alert'))).toContain(
      'is used by 0 organizations and 1 customers',
    );

    // Unused: deleted.
    await stack.api(`/customers/${items[0]!.id}`, {
      login: DEMO.admin,
      method: 'PATCH',
      body: { segment: null },
    });
    await page.reload();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => page.getByTestId('segment-row').count()).toBe(3);
    expect(await texts(page.getByTestId('segment-row').locator('code'))).not.toContain('public');
  });

  it('is not for agents', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/admin/segments`);
    await eventually(() => text(agentPage.locator('main'))).toMatch(/not found/i);
    expect(await agentPage.getByTestId('segment-table').count()).toBe(0);
  });
});
