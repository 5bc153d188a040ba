// Pages that count days in the zone the person works in wait for it (WorkZoneGate): a browser in
// Los Angeles, the company in Berlin, and the settings slow to come. Until they come the Proactive
// board, the Commitments and the Workload page say they are reading the zone and ask nothing; then
// every period they ask for and show starts at midnight in Berlin. Never Los Angeles on the way;
// and with no company zone, the browser's (Los Angeles), not the server's UTC.
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, eventually, signIn, startStack, text, type Stack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** A page in Los Angeles, signed in, whose GET /settings waits until `release()`. */
async function slowZonePage() {
  const context = await stack.browser.newContext({ locale: 'en-US', timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  await signIn(page, stack.url, DEMO.agent);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/settings', async (route) => {
    await released;
    await route.continue();
  });
  const asked: URL[] = [];
  page.on('request', (r: Request) => {
    if (r.url().includes('/api/v1/')) asked.push(new URL(r.url()));
  });
  return { page, release, asked, close: () => context.close() };
}

/** Nothing on the page names the browser's zone, or says a day counted in it. */
async function noBrowserZone(page: Page) {
  const body = await page.locator('body').innerText();
  expect(body).not.toContain('Los_Angeles');
  expect(body).not.toContain('this browser');
}

/** Midnight in Berlin in December (CET): 23:00 UTC the day before. */
const BERLIN_MIDNIGHT = /T23:00:00\.000Z$/;

describe('pages that count days wait for the zone the person works in', () => {
  it('the Proactive board asks for its KPI tiles only once the company’s zone is known', async () => {
    const slow = await slowZonePage();
    try {
      await slow.page.goto(`${stack.url}/board`);
      const waiting = slow.page.getByTestId('work-zone-waiting');
      await eventually(() => text(waiting)).toContain('Reading the zone you work in…');
      expect(await text(slow.page.getByRole('heading', { level: 1 }))).toBe('Proactive board');
      await noBrowserZone(slow.page);
      const early = slow.asked.filter((u) => /\/(board|kpis)\b/.test(u.pathname));
      expect(early.map((u) => u.pathname)).toEqual([]);

      slow.release();
      await slow.page.getByTestId('board-kpis-link').waitFor();
      await eventually(
        async () => slow.asked.filter((u) => u.pathname === '/api/v1/kpis/proactive').length,
      ).toBeGreaterThan(0);
      const froms = slow.asked
        .filter((u) => u.pathname === '/api/v1/kpis/proactive')
        .map((u) => u.searchParams.get('from'));
      for (const from of froms) expect(from).toMatch(BERLIN_MIDNIGHT);
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }
  });

  it('the Commitments page counts its period in Berlin from the first request and word', async () => {
    const slow = await slowZonePage();
    try {
      await slow.page.goto(`${stack.url}/commitments?days=30`);
      const waiting = slow.page.getByTestId('work-zone-waiting');
      await eventually(() => text(waiting)).toContain('Reading the zone you work in…');
      expect(await text(slow.page.getByRole('heading', { level: 1 }))).toBe('Commitments');
      await noBrowserZone(slow.page);
      expect(await slow.page.getByTestId('rates-period').count()).toBe(0);
      expect(slow.asked.filter((u) => u.pathname.startsWith('/api/v1/commitments'))).toEqual([]);

      slow.release();
      const zone = slow.page.getByTestId('rates-zone');
      await eventually(() => text(zone)).toBe('Days in Europe/Berlin (the company’s)');
      const from = (await slow.page.getByTestId('rates-section').getAttribute('data-from'))!;
      expect(from).toMatch(BERLIN_MIDNIGHT);
      // The period's first day, as Berlin names it (in Los Angeles it is the day before).
      const day = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', dateStyle: 'medium' });
      expect(await text(slow.page.getByTestId('rates-period'))).toContain(day.format(new Date(from)));
      await eventually(
        async () => slow.asked.filter((u) => u.pathname === '/api/v1/commitments/rates').length,
      ).toBeGreaterThan(0);
      const rates = slow.asked.filter((u) => u.pathname === '/api/v1/commitments/rates');
      expect(new Set(rates.map((u) => u.searchParams.get('from')))).toEqual(new Set([from]));

      // The list's due and closing times are Berlin's too, as the page says: not Los Angeles'.
      expect(await text(slow.page.getByTestId('commitments-zone'))).toBe(
        'Times in Europe/Berlin (the company’s)',
      );
      const table = slow.page.getByTestId('commitments');
      await table.locator('td[data-label="Due"] time').first().waitFor();
      const times = await table.locator('tbody tr').evaluateAll((rows) =>
        rows.slice(0, 20).flatMap((r) =>
          ['Due', 'Closed'].flatMap((column) => {
            const t = r.querySelector(`td[data-label="${column}"] time`);
            if (!t) return [];
            const iso = t.getAttribute('datetime')!;
            const zone = (timeZone: string) =>
              column === 'Closed'
                ? new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone })
                : new Intl.DateTimeFormat(undefined, {
                    weekday: 'short',
                    month: 'short',
                    day: 'numeric',
                    hour: 'numeric',
                    minute: '2-digit',
                    // A deadline more than about six months away names its year (formatDue).
                    ...(Math.abs(Date.parse(iso) - Date.now()) > 182 * 86_400_000 ? { year: 'numeric' } : {}),
                    timeZone,
                  });
            return [
              {
                column,
                shown: t.textContent,
                berlin: zone('Europe/Berlin').format(new Date(iso)),
                browser: zone('America/Los_Angeles').format(new Date(iso)),
              },
            ];
          }),
        ),
      );
      expect(times.map((t) => t.column)).toContain('Due');
      for (const t of times) {
        expect(t.shown, t.column).toBe(t.berlin);
        expect(t.shown, t.column).not.toBe(t.browser);
      }
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }
  });

  it('the Workload page counts "solved today" in Berlin from its first request and word', async () => {
    const slow = await slowZonePage();
    try {
      await slow.page.goto(`${stack.url}/kpis/workload`);
      const waiting = slow.page.getByTestId('work-zone-waiting');
      await eventually(() => text(waiting)).toContain('Reading the zone you work in…');
      expect(await text(slow.page.getByRole('heading', { level: 1 }))).toBe('Workload');
      await noBrowserZone(slow.page);
      expect(slow.asked.filter((u) => u.pathname === '/api/v1/workload')).toEqual([]);

      slow.release();
      await eventually(() => text(slow.page.getByTestId('workload-zone'))).toBe(
        'Europe/Berlin (the company’s)',
      );
      const asked = slow.asked.filter((u) => u.pathname === '/api/v1/workload');
      expect(new Set(asked.map((u) => u.searchParams.get('timezone')))).toEqual(new Set(['Europe/Berlin']));
      // "Solved today: since …": midnight, as Berlin names it.
      expect(await text(slow.page.getByTestId('workload-note'))).toMatch(
        /since .*12:00\sAM in Europe\/Berlin/,
      );
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }
  });

  // Last: it takes the company's zone away.
  it('with no zone of the company, the Workload page counts in the browser’s, not in UTC', async () => {
    await stack.api('/settings', { login: DEMO.admin, method: 'PATCH', body: { timeZone: null } });
    const slow = await slowZonePage();
    try {
      slow.release();
      await slow.page.goto(`${stack.url}/kpis/workload`);
      await eventually(() => text(slow.page.getByTestId('workload-zone'))).toBe(
        'America/Los_Angeles (this browser’s)',
      );
      const asked = slow.asked.filter((u) => u.pathname === '/api/v1/workload');
      expect(new Set(asked.map((u) => u.searchParams.get('timezone')))).toEqual(
        new Set(['America/Los_Angeles']),
      );
      expect(await text(slow.page.getByTestId('workload-note'))).not.toContain('UTC');
    } finally {
      await slow.close();
    }
  });
});
