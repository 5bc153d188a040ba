// The live stream in the web UI: what others do shows on the screen that is open, within a few
// seconds and without a reload, far sooner than the screens' own polls (30 s for the bell and the
// queue, 15 s for a case's messages, 30 s for a portal request), so these tests fail without it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/shared/schemas/users.js';
import { bellCount, createCase, findCustomer, postponeDemoPromises } from './fixtures.js';
import { DEMO, signIn, startStack, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
let ava: User;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
  ava = await stack.api<User>('/auth/me', { login: DEMO.agent });
  await postponeDemoPromises(stack);
});
afterAll(() => stack?.stop());

/** Sooner than any screen's poll: only the live stream gets there in time. */
const soon = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 6_000, interval: 100 });

const bell = () => bellCount(page);

describe('live updates', () => {
  it('a case assigned to Ava shows on her bell and in her queue while she stays on it', async () => {
    await stack.api('/notifications/read', { login: DEMO.agent, method: 'POST', body: { all: true } });
    await page.goto(`${stack.url}/cases`);
    await page.getByTestId('view-list').waitFor();
    await soon(bell).toBe(0);
    // The page has settled and read everything once; from here only the stream can bring news.
    await page.waitForTimeout(1_000);
    const maria = await findCustomer(stack, DEMO.customer.email);
    await stack.api('/cases', {
      login: DEMO.admin,
      method: 'POST',
      body: { subject: 'Forklift battery dead', customerId: maria.id, assigneeId: ava.id },
    });
    await soon(bell).toBe(1);
    await soon(() => page.getByText('Forklift battery dead').count()).toBeGreaterThan(0);
  });

  it("the customer's message shows on the open case; our reply on the customer's open request", async () => {
    const maria = await findCustomer(stack, DEMO.customer.email);
    const c = await createCase(stack, { subject: 'Missing pallet', customerId: maria.id });
    await page.goto(`${stack.url}/cases/${c.id}`);
    await page.getByTestId('composer-body').waitFor();
    const portal = await stack.newPage();
    await signIn(portal, stack.url, DEMO.customer);
    await portal.goto(`${stack.url}/portal/cases/${c.id}`);
    await portal.getByText('Missing pallet: please help.').first().waitFor();
    await page.waitForTimeout(1_000);

    await stack.api(`/cases/${c.id}/messages`, {
      login: DEMO.customer,
      method: 'POST',
      body: { body: 'It was due on Monday.', public: true },
    });
    await soon(() => page.getByText('It was due on Monday.').count()).toBe(1);

    await stack.api(`/cases/${c.id}/messages`, {
      login: DEMO.agent,
      method: 'POST',
      body: { body: 'The carrier delivers it tomorrow morning.', public: true },
    });
    await soon(() => portal.getByText('The carrier delivers it tomorrow morning.').count()).toBe(1);
  });
});
