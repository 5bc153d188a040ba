// The live stream in the web UI: what others do shows on the screen that is open, within a few
// seconds and without a reload, far sooner than the screens' own polls (30 s for the bell and the
// queue, 15 s for a case's messages, 30 s for a portal request, 10 s for a signal's page; the
// Signals list, a customer's page, Commitments and the Event sources list had none), so these
// tests fail without it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/shared/schemas/users.js';
import type { Signal } from '../../src/shared/schemas/signals.js';
import {
  bellCount,
  createCase,
  createEventSource,
  findCustomer,
  postponeDemoPromises,
  sendEvents,
} from './fixtures.js';
import { DEMO, signIn, startStack, text, type Stack } from './harness.js';

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

  it('a signal fired meanwhile shows on the Signals list and the customer page; its page follows a dismissal made elsewhere', async () => {
    const admin = { login: DEMO.admin };
    const maria = await findCustomer(stack, DEMO.customer.email);
    const { token } = await createEventSource(stack, 'live-wms');
    const rule = await stack.api<{ id: string }>('/rules', {
      ...admin,
      method: 'POST',
      body: {
        kind: 'match',
        name: 'Parcel lost (live test)',
        severity: 'high',
        when: { type: 'shipment.exception', where: [{ field: 'data.code', op: 'eq', value: 'live-lost' }] },
        dedupe: { ref: 'shipmentId' },
      },
    });
    const lost = (n: number) => ({
      id: `live-lost-${n}`,
      type: 'shipment.exception',
      occurredAt: new Date().toISOString(),
      customer: { email: DEMO.customer.email },
      refs: { shipmentId: `SH-LIVE-${n}` },
      data: { code: 'live-lost' },
    });
    const ofRule = async () =>
      (await stack.api<{ items: Signal[] }>(`/signals?ruleId=${rule.id}`, admin)).items.length;
    const rows = (testId: string) =>
      page.getByTestId(testId).filter({ hasText: 'Parcel lost (live test)' }).count();

    // The board: the signal shows in its list, and the tile above counts it.
    await page.goto(`${stack.url}/board`);
    const tile = page.getByTestId('kpi-signals').getByTestId('kpi-value');
    await tile.waitFor();
    await page.waitForTimeout(1_000);
    const before = Number((await text(tile)).replace(/\D/g, ''));
    await sendEvents(stack, token, [lost(0)]);
    await soon(async () => Number((await text(tile)).replace(/\D/g, ''))).toBe(before + 1);

    // The Signals list.
    await page.goto(`${stack.url}/signals`);
    await page.getByTestId('signals').or(page.getByTestId('signals-empty')).first().waitFor();
    await page.waitForTimeout(1_000);
    await sendEvents(stack, token, [lost(1)]);
    await expect.poll(ofRule).toBe(2);
    await soon(() => rows('signal-row')).toBe(2);

    // The customer's page: their signals and their cases.
    await page.goto(`${stack.url}/customers/${maria.id}`);
    await page.getByTestId('customer-signals').waitFor();
    await page.getByTestId('record-cases').waitFor();
    await page.waitForTimeout(1_000);
    expect(await rows('customer-signal-row')).toBe(2);
    await sendEvents(stack, token, [lost(2)]);
    await soon(() => rows('customer-signal-row')).toBe(3);
    await createCase(stack, { subject: 'Lost parcel, second one this week', customerId: maria.id });
    await soon(() =>
      page.getByTestId('record-case-row').filter({ hasText: 'Lost parcel, second one this week' }).count(),
    ).toBe(1);

    // One signal's page, while a colleague dismisses it.
    const [signal] = (await stack.api<{ items: Signal[] }>(`/signals?ruleId=${rule.id}&limit=1`, admin))
      .items;
    await page.goto(`${stack.url}/signals/${signal!.id}`);
    const state = page.locator('.page-header').getByTestId('signal-state');
    expect(await state.getAttribute('data-state')).toBe('open');
    await page.waitForTimeout(1_000);
    await stack.api(`/signals/${signal!.id}/dismiss`, {
      ...admin,
      method: 'POST',
      body: { reason: 'Found in the depot.' },
    });
    await soon(() => state.getAttribute('data-state')).toBe('dismissed');
  });

  it('a busy desk: a burst of case changes reloads the Signals page (Case filter on) at most every half second, and the last change still gets its reload', async () => {
    const maria = await findCustomer(stack, DEMO.customer.email);
    const busy = await createCase(stack, { subject: 'A busy desk changes this case', customerId: maria.id });
    const other = await stack.newPage();
    try {
      await signIn(other, stack.url, DEMO.admin);
      // With the Case filter every case change may change the list: it reads again on any.
      await other.goto(`${stack.url}/signals?caseUnassigned=true`);
      await other.getByTestId('signal-total').waitFor();
      await other.waitForTimeout(1_500);
      const counts: number[] = []; // when each count read went out (the list's own read is alike)
      other.on('request', (r) => {
        const url = new URL(r.url());
        // The page's count ("N signals found"); the bulk bar counts the live ones apart, alike.
        if (
          url.pathname === '/api/v1/signals' &&
          url.searchParams.get('includeTotal') === 'true' &&
          !url.searchParams.has('state')
        )
          counts.push(Date.now());
      });
      const changes = 20;
      const start = Date.now();
      let lastSent = start;
      for (let i = 0; i < changes; i++) {
        lastSent = Date.now();
        await stack.api(`/cases/${busy.id}`, {
          login: DEMO.admin,
          method: 'PATCH',
          body: { tags: [`busy-${i}`] },
        });
      }
      const lastChange = Date.now();
      // The last change's news get a read of their own, however soon after the one before.
      await soon(async () => counts.filter((at) => at >= lastSent).length).toBeGreaterThan(0);
      await other.waitForTimeout(1_500);
      const spanMs = lastChange - start;
      // One reload per half second of the burst, plus the trailing one: never one per change.
      expect(counts.length, `${changes} changes over ${spanMs} ms`).toBeLessThanOrEqual(
        Math.ceil(spanMs / 500) + 2,
      );
      for (let i = 1; i < counts.length; i++)
        expect(counts[i]! - counts[i - 1]!, `reads at ${counts.join(', ')}`).toBeGreaterThanOrEqual(400);
    } finally {
      await other.close();
    }
  });

  it('a commitment opened meanwhile shows on Commitments', async () => {
    const { token } = await createEventSource(stack, 'live-erp');
    const order = `SO-LIVE-${Date.now()}`;
    // Latest due first (the page opens with what needs attention first: overdue ones).
    await page.goto(`${stack.url}/commitments?sort=-dueAt`);
    await page.getByTestId('commitments').or(page.getByTestId('commitments-empty')).first().waitFor();
    await page.waitForTimeout(1_000);
    await sendEvents(stack, token, [
      {
        id: `live-promise-${order}`,
        type: 'order.promised',
        occurredAt: new Date().toISOString(),
        customer: { email: DEMO.customer.email },
        refs: { orderId: order },
        // Due later than any of the demo's: first on the list (latest due first).
        data: { promisedAt: new Date(Date.now() + 400 * 24 * 3_600_000).toISOString() },
      },
    ]);
    await soon(() => page.getByTestId('commitment-row').filter({ hasText: order }).count()).toBe(1);
  });

  it('a source renamed by another admin shows on the Event sources list', async () => {
    const { key } = await createEventSource(stack, 'live-crm');
    const admin = await stack.newPage();
    try {
      await signIn(admin, stack.url, DEMO.admin);
      await admin.goto(`${stack.url}/admin/event-sources`);
      const row = (name: string) => admin.getByTestId('source-row').filter({ hasText: name }).count();
      await expect.poll(() => row('Browser tests live-crm')).toBe(1);
      await admin.waitForTimeout(1_000);
      await stack.api(`/event-sources/${key}`, {
        login: DEMO.admin,
        method: 'PATCH',
        body: { name: 'Live CRM, renamed' },
      });
      await soon(() => row('Live CRM, renamed')).toBe(1);
    } finally {
      await admin.close();
    }
  });
});
