// Erasing a customer's personal data from their page (admins): what it will touch, the name typed to
// confirm, the list's notice, and their case afterwards. Agents do not get the section.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/shared/schemas/customers.js';
import { createCase, getCase } from './fixtures.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
const admin = { login: DEMO.admin };
beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
});
afterAll(() => stack?.stop());

async function someone() {
  const stamp = Date.now().toString(36);
  const customer = await stack.api<Customer>('/customers', {
    ...admin,
    method: 'POST',
    body: { name: `Frieda Forget ${stamp}`, email: `frieda-${stamp}@forget.example`, phone: '+49 40 123456' },
  });
  const c = await createCase(stack, {
    subject: `Frieda's parcel ${stamp}`,
    customerId: customer.id,
    message: 'Please deliver to my neighbour.',
  });
  return { customer, case: c };
}

describe('erasing personal data', () => {
  it('says what it will touch, waits for the exact name, and leaves the case nameless and empty', async () => {
    const { customer, case: c } = await someone();
    await signIn(page, stack.url, DEMO.admin);
    await page.goto(`${stack.url}/customers/${customer.id}`);
    const section = page.getByRole('region', { name: 'Personal data' });
    await section.getByRole('button', { name: 'Erase personal data…' }).click();
    const dialog = page.getByTestId('erase-customer-dialog');
    await eventually(() => texts(dialog.getByTestId('erasure-preview').locator('li'))).toEqual([
      `Addresses: ${customer.email}`,
      '1 case and 1 message (1 case not solved yet: closed, with no promise left running)',
    ]);
    const erase = dialog.getByRole('button', { name: 'Erase permanently' });
    expect(await erase.isDisabled()).toBe(true);
    const confirm = dialog.getByLabel(`Type “${customer.name}” to confirm`);
    await confirm.fill(customer.name.toLowerCase());
    expect(await erase.isDisabled()).toBe(true);
    await confirm.fill(customer.name);
    await erase.click();

    await eventually(async () => new URL(page.url()).pathname).toBe('/customers');
    expect(await text(page.getByTestId('notice'))).toBe(
      `The personal data of ${customer.name} was erased: 1 case and 1 message. 1 unsolved case closed.`,
    );
    const after = await getCase(stack, c.id);
    expect(after.subject).toBe('[erased]');
    // Erased is deleted too: the case says so (staff read `deletedAt`).
    expect(after.customer).toEqual({
      id: customer.id,
      name: 'Erased customer',
      email: null,
      deletedAt: expect.any(String),
    });
    expect([c.status, after.status]).toEqual(['new', 'closed']);
    // Their page is gone.
    await page.goto(`${stack.url}/customers/${customer.id}`);
    await eventually(() => page.getByTestId('not-found').count()).toBe(1);
  });

  it('is not offered to agents', async () => {
    const { customer } = await someone();
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/customers/${customer.id}`);
    await agentPage.getByTestId('customer-heading').waitFor();
    await agentPage.getByRole('heading', { name: 'History' }).waitFor();
    expect(await agentPage.getByRole('region', { name: 'Personal data' }).count()).toBe(0);
    expect(await agentPage.getByTestId('erase-customer').count()).toBe(0);
    const still = await stack.api<Customer>(`/customers/${customer.id}`, admin);
    expect(still).toMatchObject({ name: customer.name });
  });
});
