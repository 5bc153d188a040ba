// The Events page: staff look up everything the operational systems said about an order (by ref),
// narrow by type, source (admins) or warnings, and share the filtered list by its address.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event } from '../../src/shared/schemas/events.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(() => stack?.stop());

const ids = (events: Event[]) => events.map((e) => e.eventId);
/** The source's ids of the events listed, in order. */
const shownIds = () =>
  texts(page.getByTestId('event-row').locator('span[title="the source\'s id of the event"]'));

describe('events page', () => {
  it('finds every event about an order by its ref, newest first, and narrows by type', async () => {
    // The demo order whose ERP promise came again with "TBC".
    const [warned] = (await stack.api<{ items: Event[] }>('/events?warned=true', { login: DEMO.admin }))
      .items;
    const orderId = warned!.refs.orderId!;
    const about = (
      await stack.api<{ items: Event[] }>(`/events?ref=orderId:${orderId}&limit=200`, { login: DEMO.admin })
    ).items;
    expect(about.length).toBeGreaterThan(2);

    await page.goto(`${stack.url}/cases`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
    await eventually(() => page.getByTestId('event-row').count()).toBeGreaterThan(0);

    await page.getByLabel('Ref').fill(`orderId:${orderId}`);
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => page.url()).toContain(`ref=orderId%3A${orderId}`);
    await eventually(() => page.getByTestId('event-row').count()).toBe(about.length);
    expect(await shownIds()).toEqual(ids(about));
    expect(await texts(page.getByTestId('event-source'))).toEqual(about.map((e) => `from ${e.source}`));
    // The warned promise shows its warnings.
    expect(await texts(page.getByTestId('event-warnings').locator('li'))).toEqual(warned!.warnings);

    await page.getByLabel('Type').fill('order.promised');
    await page.getByRole('button', { name: 'Search' }).click();
    const promised = about.filter((e) => e.type === 'order.promised');
    await eventually(() => page.getByTestId('event-row').count()).toBe(promised.length);
    expect(await shownIds()).toEqual(ids(promised));

    await page.getByLabel('With warnings only').check();
    await eventually(() => page.getByTestId('event-row').count()).toBe(1);
    expect(await shownIds()).toEqual([warned!.eventId]);

    // The address carries the filters.
    await page.reload();
    await eventually(() => page.getByTestId('event-row').count()).toBe(1);
    expect(await page.getByLabel('Ref').inputValue()).toBe(`orderId:${orderId}`);
    expect(await page.getByLabel('With warnings only').isChecked()).toBe(true);
  });

  it('says what a ref must look like, and when nothing matches', async () => {
    await page.goto(`${stack.url}/events`);
    await page.getByLabel('Ref').fill('SO-1032');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => text(page.locator('#events-ref-error'))).toBe(
      'a ref as key:value, e.g. orderId:SO-1032',
    );
    expect(page.url()).toBe(`${stack.url}/events`);
    await page.getByLabel('Ref').fill('orderId:NO-SUCH-ORDER');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => text(page.getByTestId('events-empty'))).toBe('No events match.');
  });

  it('agents have no source filter; admins filter by source', async () => {
    await page.goto(`${stack.url}/events`);
    await eventually(() => page.getByTestId('event-row').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('Source').count()).toBe(0);

    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    await admin.goto(`${stack.url}/events`);
    await admin.getByLabel('Source').selectOption('wms');
    await eventually(async () => admin.url()).toContain('source=wms');
    await eventually(async () => new Set(await texts(admin.getByTestId('event-source')))).toEqual(
      new Set(['from wms']),
    );
  });

  it('says how long events are kept', async () => {
    await page.goto(`${stack.url}/events`);
    await eventually(() => text(page.getByTestId('event-retention'))).toBe('Events are kept for ever.');
    const patch = (days: number | null) =>
      stack.api('/settings', { login: DEMO.admin, method: 'PATCH', body: { eventRetentionDays: days } });
    await patch(400);
    await page.reload();
    await eventually(() => text(page.getByTestId('event-retention'))).toBe(
      'Events received more than 400 days ago are removed, except those behind a signal.',
    );
    await patch(null);
  });

  it('is not for customers', async () => {
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    await customer.goto(`${stack.url}/events`);
    // Sent to their start page, the portal.
    await eventually(async () => new URL(customer.url()).pathname).toBe('/portal');
    expect(await customer.getByTestId('event-row').count()).toBe(0);
    expect(
      await customer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).count(),
    ).toBe(0);
  });
});
