// Event sources in the admin UI: the list says what each system sent lately; a source's page shows
// its events accepted with warnings; an admin adds a source and sees its token and webhook secret
// once, makes new ones (the old token stops working), deactivates and deletes it.
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { checkSourceSilence } from '../../src/server/domains/events/source-silence.js';
import { makeSourceSilent } from './fixtures.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(() => stack?.stop());

interface Source {
  key: string;
  name: string;
  lastEventAt: string | null;
  activity: { eventsLast24h: number; warnedLast7d: number };
}

/** Sends one event with a source's token; answers the HTTP status. */
async function sendWith(token: string, id: string) {
  const res = await fetch(`${stack.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      type: 'cart.abandoned',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      customer: { email: DEMO.customer.email },
      refs: { cartId: id },
    }),
  });
  return res.status;
}

const row = (name: string) => page.getByTestId('source-row').filter({ hasText: name });

describe('event sources (admin)', () => {
  it('lists the sources with what they sent lately, and a source’s events accepted with warnings', async () => {
    const { items } = await stack.api<{ items: Source[] }>('/event-sources', { login: DEMO.admin });
    const erp = items.find((s) => s.key === 'erp')!;
    expect(erp.activity.warnedLast7d).toBe(1);
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Event sources' })
      .click();
    await eventually(() => texts(page.getByTestId('source-row').locator('code'))).toEqual(['erp', 'wms']);
    for (const s of items) {
      expect(await text(row(s.name).getByTestId('source-events-24h'))).toBe(
        s.activity.eventsLast24h.toLocaleString('en-US'),
      );
      expect(await text(row(s.name).getByTestId('source-last-event'))).not.toBe('Never');
    }
    expect(await text(row(erp.name).getByTestId('source-warned'))).toBe('1');
    expect(await text(row(erp.name).locator('td').nth(4))).toBe('Rejected');

    // The demo's ERP sent one promise again with the date "TBC".
    await row(erp.name).getByTestId('source-warned').getByRole('link').click();
    await eventually(() => page.getByTestId('warned-row').count()).toBe(1);
    const [event] = (
      await stack.api<{ items: { eventId: string; warnings: string[] }[] }>(
        '/events?source=erp&warned=true',
        { login: DEMO.admin },
      )
    ).items;
    expect(await text(page.getByTestId('warned-row').locator('.cell-sub'))).toBe(event!.eventId);
    expect(await texts(page.getByTestId('warned-warnings').locator('li'))).toEqual(event!.warnings);
    expect(event!.warnings.some((w) => w.endsWith('data.promisedAt is not a time: "TBC"'))).toBe(true);
  });

  it('the Proactive board tells agents of a source whose events came with warnings, and shows them', async () => {
    const [event] = (
      await stack.api<{ items: { eventId: string; warnings: string[] }[] }>(
        '/events?source=erp&warned=true',
        {
          login: DEMO.admin,
        },
      )
    ).items;
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/board`);
    const notice = agentPage.getByTestId('warned-sources');
    // One line on the board; the sources, the warning and the link once opened.
    await eventually(() => text(notice)).toBe(
      'Some events could not do what they were sent for: 1 event in the last 7 days, from ERP (orders, invoices, customer service).',
    );
    expect(await notice.getByTestId('warned-source').isVisible()).toBe(false);
    await notice.getByText('Some events could not do what they were sent for').click();
    // The demo's ERP sent one promise again with the date "TBC".
    expect(await text(notice.getByTestId('warned-source'))).toMatch(
      /^ERP \(orders, invoices, customer service\): 1 event, the latest .+ \(.+: data\.promisedAt is not a time: "TBC"\)\. See it$/,
    );
    expect(await text(notice.getByTestId('warned-source'))).toContain(`(${event!.warnings[0]})`);
    // Agents get no link to the source's admin page; the events are theirs to read.
    expect(await notice.getByRole('link').count()).toBe(1);
    await notice.getByRole('link', { name: 'See it' }).click();
    await eventually(async () => agentPage.url()).toBe(`${stack.url}/events?source=erp&warned=true`);
    await eventually(() => agentPage.getByTestId('event-row').count()).toBe(1);
    expect(await texts(agentPage.getByTestId('event-warnings').locator('li'))).toEqual(event!.warnings);
    await agentPage.close();
  });

  it('charts what a source sent per hour over two days, in the zone the admin works in', async () => {
    await page.goto(`${stack.url}/admin/event-sources/wms`);
    const chart = page.getByTestId('source-activity-chart');
    await eventually(() => chart.locator('canvas').count()).toBe(1);
    // The demo admin names no zone of their own: the company's (Europe/Berlin), as the KPI pages
    // count; not the browser's.
    const timezone = (await stack.api<{ timeZone: string | null }>('/settings', { login: DEMO.admin }))
      .timeZone!;
    expect(timezone).toBe('Europe/Berlin');
    const note = `${timezone} (the company’s)`;
    const activity = await stack.api<{ hours: { events: number }[] }>(
      `/event-sources/wms/activity?hours=48&timezone=${encodeURIComponent(timezone)}`,
      { login: DEMO.admin },
    );
    const total = activity.hours.reduce((n, h) => n + h.events, 0);
    // The demo's warehouse feed sent its events when the demo was seeded.
    expect(total).toBeGreaterThan(0);
    expect(await text(page.getByText(/^The last 48 hours: /))).toBe(
      `The last 48 hours: ${total.toLocaleString('en-US')} events`,
    );
    const quiet = activity.hours.filter((h) => h.events === 0).length;
    const hours = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'hour' : 'hours'}`;
    const busy = activity.hours.length - quiet;
    expect(await text(page.getByTestId('source-activity-summary'))).toBe(
      `${hours(busy)} of ${activity.hours.length} with events, ${hours(quiet)} without; hours in ${note}.`,
    );
    expect(await texts(chart.locator('.u-legend .u-label'))).toEqual(['Time', 'Events', 'With warnings']);
    // The current hour is not over: shaded as "so far".
    expect(await chart.getAttribute('data-last-partial')).toBe('true');
  });

  it('adds a source, shows its credentials once, makes new ones, deactivates and deletes it', async () => {
    await page.goto(`${stack.url}/admin/event-sources`);
    await page.getByRole('link', { name: 'New source' }).click();

    // The key is checked before sending, and a key in use is refused by the server.
    await page.getByRole('textbox', { name: 'Key' }).fill('new');
    await page.getByLabel('Name', { exact: true }).fill('Web shop');
    await page.getByRole('button', { name: 'Create source' }).click();
    await eventually(() => text(page.locator('#source-key-error'))).toBe('the key "new" is reserved');
    await page.getByRole('textbox', { name: 'Key' }).fill('erp');
    await page.getByRole('button', { name: 'Create source' }).click();
    await eventually(() => text(page.locator('#source-key-error'))).toContain('keys are never reused');

    await page.getByRole('textbox', { name: 'Key' }).fill('shop');
    await page.getByLabel('Create a customer for an event naming an unknown one').uncheck();
    await page.getByRole('button', { name: 'Create source' }).click();
    const shown = page.getByTestId('source-credentials');
    await eventually(() => text(shown)).toContain('they are not shown again');
    const token = await text(page.getByTestId('source-token'));
    expect(token).toMatch(/^stw_src_[A-Za-z0-9_-]{43}$/);
    expect(await text(page.getByTestId('source-webhook-secret'))).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(await text(shown)).toContain(`POST ${stack.url}/api/v1/webhooks/shop`);

    // The token works at once; the list then counts the event.
    expect(await sendWith(token, 'cart-1')).toBe(200);
    await page.getByRole('button', { name: 'I have copied them' }).click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('Web shop');
    expect(await page.content()).not.toContain(token);
    await page.getByRole('link', { name: 'Event sources' }).first().click();
    await eventually(() => text(row('Web shop').getByTestId('source-events-24h'))).toBe('1');
    expect(await text(row('Web shop').locator('td').nth(4))).toBe('Rejected');
    expect(await text(row('Web shop').getByTestId('source-last-event'))).not.toBe('Never');

    // New credentials: shown once more; the old token stops working.
    await row('Web shop').getByRole('link', { name: 'Web shop' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'New token and webhook secret' }).click();
    await eventually(() => text(page.getByTestId('source-credentials'))).toContain(
      'the old ones no longer work',
    );
    const rotated = await text(page.getByTestId('source-token'));
    expect(rotated).not.toBe(token);
    expect(await sendWith(token, 'cart-2')).toBe(401);
    expect(await sendWith(rotated, 'cart-3')).toBe(200);

    // Inactive: its events are refused. The page reads the source again after new credentials; a
    // slow answer must not undo a change made in the form meanwhile (it used to reset the form).
    // (Once: that read is the next request to the source's address.)
    const slowRead = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    };
    await page.route(`${stack.url}/api/v1/event-sources/shop`, slowRead, { times: 1 });
    await page.getByRole('button', { name: 'I have copied them' }).click();
    const active = page.getByLabel('Active (an inactive source’s events are refused)');
    await active.uncheck();
    await page.waitForTimeout(2_000); // the slow answer is in by now
    expect(await active.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Save source' }).click();
    await eventually(() => text(row('Web shop'))).toContain('inactive');
    expect(await sendWith(rotated, 'cart-4')).toBe(403);

    // Deleted: gone from the list, and its token with it.
    await row('Web shop').getByRole('link', { name: 'Web shop' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => page.getByTestId('source-row').count()).toBe(2);
    expect(await texts(page.getByTestId('source-row').locator('code'))).toEqual(['erp', 'wms']);
    expect(await sendWith(rotated, 'cart-5')).toBe(401);
  });

  it('warns on the board when a source with a silence alert has sent nothing for that long', async () => {
    await page.goto(`${stack.url}/admin/event-sources/wms`);
    const silence = page.getByLabel('Warn when silent for (minutes)');
    // The demo's warehouse feed warns after four hours.
    await eventually(() => silence.inputValue()).toBe('240');
    await silence.fill('3');
    await page.getByRole('button', { name: 'Save source' }).click();
    await eventually(() => text(page.locator('#source-silence-error'))).toBe(
      'a whole number of minutes from 5 to 10080, or none for no alert',
    );
    await silence.fill('30');
    await page.getByRole('button', { name: 'Save source' }).click();
    await eventually(
      async () =>
        (await stack.api<{ silenceAlertMinutes: number }>('/event-sources/wms', { login: DEMO.admin }))
          .silenceAlertMinutes,
    ).toBe(30);

    // Nothing from the warehouse for 45 minutes; the check notices (run here rather than waiting
    // for the server's own, every minute, which may also come first).
    await stack.db.execute(
      sql`update event_sources set last_event_at = now() - interval '45 minutes' where key = 'wms'`,
    );
    await checkSourceSilence(stack.db);
    expect(
      (await stack.api<{ silentSince: string | null }>('/event-sources/wms', { login: DEMO.admin }))
        .silentSince,
    ).not.toBeNull();

    // Agents see it on the board (without the admin's link); 45 minutes, or more on a slow machine.
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/board`);
    const notice = agentPage.getByTestId('silent-sources');
    await eventually(() => text(notice)).toContain('Events may be missing.');
    expect(await text(notice.getByTestId('silent-source'))).toMatch(
      /^Warehouse and carriers has sent nothing for 4\d\u00a0min \(since .+; the alert is set at 30\u00a0min\)\.$/,
    );
    expect(await notice.getByRole('link').count()).toBe(0);
    // Admins get a link to the source, and the list says it is silent.
    await page.goto(`${stack.url}/board`);
    await page.getByTestId('silent-sources').getByRole('link', { name: 'Warehouse and carriers' }).click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('Warehouse and carriers');
    await page.getByRole('link', { name: 'Event sources' }).first().click();
    await eventually(() => text(row('Warehouse and carriers').getByTestId('source-silent'))).toBe('Silent');
    expect(await row('ERP').getByTestId('source-silent').count()).toBe(0);

    // The alert switched off: the board's warning goes with the next refresh.
    await row('Warehouse and carriers').getByRole('link', { name: 'Warehouse and carriers' }).click();
    await silence.fill('');
    await page.getByRole('button', { name: 'Save source' }).click();
    await eventually(
      async () =>
        (await stack.api<{ silenceAlertMinutes: number | null }>('/event-sources/wms', { login: DEMO.admin }))
          .silenceAlertMinutes,
    ).toBe(null);
    await eventually(() => agentPage.getByTestId('silent-sources').count()).toBe(0);
  });

  it('holds a customer mail while the warehouse feed is silent, and says so on the signal and the board', async () => {
    // The warehouse feed sends the scans the demo's "not scanned" rule waits for.
    await page.goto(`${stack.url}/admin/event-sources/wms`);
    await eventually(() => texts(page.getByTestId('source-event-types').getByRole('listitem'))).toEqual([
      'shipment.delivered',
      'shipment.dispatched',
      'shipment.exception',
      'shipment.scanned',
    ]);
    // Silent for 45 minutes, its alert at 30. (The last test may have left it marked silent since a
    // little earlier, which the server's check has not cleared yet: a fresh silence.)
    await makeSourceSilent(stack, 'wms', { alertMinutes: 30, quietMinutes: 45 });

    // Another system reports a dispatch two days and an hour ago, and no scan came since: the rule
    // fires at once; the server opens the case but holds the mail.
    const feed = await stack.api<{ token: string }>('/event-sources', {
      login: DEMO.admin,
      method: 'POST',
      body: { key: 'dispatch-test', name: 'Dispatch test' },
    });
    const res = await fetch(`${stack.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${feed.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'held-1',
        type: 'shipment.dispatched',
        occurredAt: new Date(Date.now() - 49 * 3_600_000).toISOString(),
        customer: { email: DEMO.customer.email },
        refs: { shipmentId: 'SH-HELD-1', orderId: 'ORD-HELD-1' },
        data: { carrier: 'DHL', location: 'Hamburg hub' },
      }),
    });
    expect(res.status).toBe(200);
    type Found = { items: { id: string; refValue: string | null }[] };
    let signalId: string | undefined;
    await eventually(
      async () =>
        (signalId = (await stack.api<Found>('/signals?state=open,acted', { login: DEMO.agent })).items.find(
          (s) => s.refValue === 'SH-HELD-1',
        )?.id),
    ).toBeTruthy();
    await page.goto(`${stack.url}/signals/${signalId}`);
    const mail = page.getByTestId('signal-action').filter({ hasText: 'Notify the customer' });
    await eventually(() => text(mail.getByTestId('action-state'))).toBe('Held');
    expect(await text(mail.getByTestId('action-held'))).toMatch(
      /^Held back since .+: Warehouse and carriers \(wms\) sends shipment\.delivered, shipment\.exception, shipment\.scanned and has sent nothing since \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin\. The event may have happened/,
    );
    // The proactive case is opened by the same job, maybe a turn later under load (the page refreshes).
    await eventually(() => text(page.getByTestId('signal-action').first().getByTestId('action-state'))).toBe(
      'Done',
    );

    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/board`);
    await eventually(() => text(agentPage.getByTestId('held-mails'))).toMatch(
      /^\d+ mails? to customers (is|are) held back until the feed is back \(15 minutes after\), and dropped if the awaited event comes\.$/,
    );

    // The agent knows better (the carrier lost it): "Send now", confirmed. The mail goes out
    // although the warehouse is still silent, and the page says it was held and sent on request.
    await agentPage.goto(`${stack.url}/signals/${signalId}`);
    const agentMail = agentPage.getByTestId('signal-action').filter({ hasText: 'Notify the customer' });
    agentPage.once('dialog', (dialog) => void dialog.accept());
    await agentMail.getByRole('button', { name: 'Send now' }).click();
    await eventually(() => text(agentMail.getByTestId('action-state'))).toBe('Done');
    expect(await text(agentMail.getByTestId('action-held'))).toMatch(
      /^Was held back from .+: Warehouse and carriers \(wms\) sends .+\. Sent on request at .+\.$/,
    );
    expect(await agentMail.getByRole('button', { name: 'Send now' }).count()).toBe(0);
  });

  it('is not for agents', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/admin/event-sources`);
    await eventually(() => agentPage.getByTestId('source-table').count()).toBe(0);
    await eventually(() => text(agentPage.locator('main'))).toMatch(/not found/i);
  });
});
