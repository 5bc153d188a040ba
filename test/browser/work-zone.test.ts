// Pages that count days in the zone the person works in wait for it (WorkZoneGate): a browser in
// Los Angeles, the company in Berlin, and the settings slow to come. Until they come the Proactive
// board, the Commitments and the Workload page say they are reading the zone and ask nothing; then
// every period they ask for and show starts at midnight in Berlin. Never Los Angeles on the way;
// and with no company zone, the browser's (Los Angeles), not the server's UTC. Commitment times
// follow the same zone on every staff page that shows them (the Commitments page, a customer's and
// an organization's page, the board, a signal's page), named there the same way; the board's other
// times (its "Updated" clock, when a source went silent or last sent a warned event) too; so do
// the signal lists (the Signals page names the zone with its rows, before their count), the Events
// page and the event sources' admin pages, which wait for the zone as the board does, and a
// customer's recent events, a case's Events tab and the signals on a case's side.
import type { Locator, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, Commitment, Signal } from '../../src/shared/schemas/signals.js';
import { makeSourceSilent } from './fixtures.js';
import { DEMO, eventually, signIn, startStack, text, type Login, type Stack } from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** A page in Los Angeles, signed in (as Ava, the agent), whose GET /settings waits until `release()`. */
async function slowZonePage(login: Login = DEMO.agent) {
  const context = await stack.browser.newContext({ locale: 'en-US', timezoneId: 'America/Los_Angeles' });
  const page = await context.newPage();
  await signIn(page, stack.url, login);
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

/** The company's zone, named as every page with commitment times names it. */
const TIMES_IN_BERLIN = 'Times in Europe/Berlin (the company’s)';

interface ShownTime {
  column: string;
  iso: string;
  shown: string | null;
  berlin: string;
  browser: string;
}

/**
 * The commitment times under `scope` (a table's Due and Closed columns, a signal's promise due):
 * each as shown, and as Berlin and the browser (Los Angeles) would write it.
 */
function shownTimes(scope: Locator): Promise<ShownTime[]> {
  return scope
    .locator('td[data-label="Due"] time, td[data-label="Closed"] time, [data-testid="signal-due"] time')
    .evaluateAll((times) =>
      times.slice(0, 40).map((t) => {
        const iso = t.getAttribute('datetime')!;
        const column = t.closest('td')?.getAttribute('data-label') ?? 'Due';
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
        return {
          column,
          iso,
          shown: t.textContent,
          berlin: zone('Europe/Berlin').format(new Date(iso)),
          browser: zone('America/Los_Angeles').format(new Date(iso)),
        };
      }),
    );
}

/** Every time is written as Berlin writes it, not as Los Angeles does. */
function inBerlin(times: ShownTime[]) {
  for (const t of times) {
    expect(t.shown, `${t.column} ${t.iso}`).toBe(t.berlin);
    expect(t.shown, `${t.column} ${t.iso}`).not.toBe(t.browser);
  }
}

/** The times (dates with a time of day) `times` shows, as shown and as Berlin and Los Angeles write them. */
const dateTimes = (times: Locator) =>
  times.evaluateAll((all) =>
    all.slice(0, 40).map((t) => {
      const at = new Date(t.getAttribute('datetime')!);
      const zone = (timeZone: string) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
      return {
        what: t.closest('[data-testid]')?.getAttribute('data-testid'),
        shown: t.textContent,
        berlin: zone('Europe/Berlin'),
        browser: zone('America/Los_Angeles'),
      };
    }),
  );

/** Every one of `times` is written as Berlin writes it, not as Los Angeles does. */
function inBerlinOnly(times: Awaited<ReturnType<typeof dateTimes>>) {
  for (const t of times) {
    expect(t.shown, t.what ?? '').toBe(t.berlin);
    expect(t.shown, t.what ?? '').not.toBe(t.browser);
  }
}

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
      expect(await text(slow.page.getByTestId('commitments-zone'))).toBe(TIMES_IN_BERLIN);
      const table = slow.page.getByTestId('commitments');
      await table.locator('td[data-label="Due"] time').first().waitFor();
      const times = await shownTimes(table);
      expect(times.map((t) => t.column)).toContain('Due');
      inBerlin(times);
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }
  });

  it('a customer’s and an organization’s page write commitment times as the Commitments page does, and say so', async () => {
    const closed = await stack.api<{ items: Commitment[] }>(
      '/commitments?state=met,late,broken&sort=-dueAt&limit=100',
      { login: DEMO.agent },
    );
    const one = closed.items.find((c) => c.customerId && c.organizationId && c.closedAt);
    expect(one, 'a closed commitment of an organization’s customer').toBeDefined();
    for (const about of ['customer', 'organization'] as const) {
      const id = about === 'customer' ? one!.customerId! : one!.organizationId!;
      const slow = await slowZonePage();
      try {
        await slow.page.goto(`${stack.url}/${about}s/${id}`);
        // Until the zone is read the commitments wait for it: no time in the browser's zone first.
        const section = slow.page.locator(`section[aria-labelledby="${about}-commitments-title"]`);
        await eventually(() => text(section)).toContain('Reading the zone you work in…');
        expect(await section.locator('time').count()).toBe(0);
        await noBrowserZone(slow.page);

        slow.release();
        await eventually(() => text(slow.page.getByTestId(`${about}-commitments-zone`))).toBe(
          TIMES_IN_BERLIN,
        );
        const kept = slow.page.getByTestId(`${about}-closed-commitments`);
        await kept.locator('td[data-label="Closed"] time').first().waitFor();
        const theirs = await shownTimes(kept);
        expect(theirs.map((t) => t.column)).toEqual(expect.arrayContaining(['Due', 'Closed']));
        inBerlin(theirs);
        inBerlin(await shownTimes(slow.page.getByTestId(`${about}-commitments`)));
        await noBrowserZone(slow.page);

        // The Commitments page, narrowed to them and to the same list: the same times, word for word.
        await slow.page.goto(
          `${stack.url}/commitments?${about}Id=${id}&state=met,late,broken,cancelled&sort=-dueAt`,
        );
        await eventually(() => text(slow.page.getByTestId('commitments-zone'))).toBe(TIMES_IN_BERLIN);
        const list = slow.page.getByTestId('commitments');
        await list.locator('td[data-label="Closed"] time').first().waitFor();
        const all = await shownTimes(list);
        expect(all.slice(0, theirs.length)).toEqual(theirs);
      } finally {
        await slow.close();
      }
    }
  });

  it('the Proactive board and a signal’s page write due times in Berlin, and say so; every time of a signal’s page too', async () => {
    const slow = await slowZonePage();
    try {
      slow.release();
      await slow.page.goto(`${stack.url}/board?horizon=P7D`);
      await eventually(() => text(slow.page.getByTestId('board-commitments-zone'))).toBe(TIMES_IN_BERLIN);
      expect(await text(slow.page.getByTestId('board-signals-zone'))).toBe(TIMES_IN_BERLIN);
      await slow.page.locator('td[data-label="Due"] time').first().waitFor();
      const board = await shownTimes(slow.page.locator('body'));
      expect(board.length).toBeGreaterThan(0);
      inBerlin(board);
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }

    const due = await stack.api<{ items: Signal[] }>('/signals?hasDueTime=true&limit=1', {
      login: DEMO.agent,
    });
    expect(due.items.length, 'a signal with a due time').toBe(1);
    const slowSignal = await slowZonePage();
    try {
      await slowSignal.page.goto(`${stack.url}/signals/${due.items[0]!.id}`);
      // Until the zone is read the page waits for it: no time in Los Angeles' zone first.
      await eventually(() => text(slowSignal.page.getByTestId('work-zone-waiting'))).toContain(
        'Reading the zone you work in…',
      );
      expect(await slowSignal.page.locator('time').count()).toBe(0);
      await noBrowserZone(slowSignal.page);

      slowSignal.release();
      await eventually(() => text(slowSignal.page.getByTestId('signal-zone'))).toBe(TIMES_IN_BERLIN);
      const times = await shownTimes(slowSignal.page.locator('body'));
      expect(times.length).toBe(1);
      inBerlin(times);
      // Its other times (detected, the evidence's) are Berlin's too: one zone on the page.
      const others = await slowSignal.page
        .locator('[data-testid="signal-detected"] time, [data-testid="evidence-occurred"] time')
        .evaluateAll((all) =>
          all.map((t) => {
            const at = new Date(t.getAttribute('datetime')!);
            const zone = (timeZone: string) =>
              new Intl.DateTimeFormat(undefined, {
                dateStyle: 'medium',
                timeStyle: 'short',
                timeZone,
              }).format(at);
            return {
              shown: t.textContent,
              berlin: zone('Europe/Berlin'),
              browser: zone('America/Los_Angeles'),
            };
          }),
        );
      expect(others.length).toBeGreaterThan(1);
      for (const t of others) {
        expect(t.shown).toBe(t.berlin);
        expect(t.shown).not.toBe(t.browser);
      }
      expect(await text(slowSignal.page.locator('.signal-header__badges'))).toContain(
        `detected ${others[0]!.berlin}`,
      );
      await noBrowserZone(slowSignal.page);
    } finally {
      await slowSignal.close();
    }
  });

  it('the Signals page and a customer’s signals write when each was caught and ended in Berlin, and say so', async () => {
    /** The times of the signal rows under `scope`, as shown and as Berlin and Los Angeles write them. */
    const signalTimes = (scope: Locator) =>
      scope.locator('tr time').evaluateAll((all) =>
        all.slice(0, 40).map((t) => {
          const at = new Date(t.getAttribute('datetime')!);
          const zone = (timeZone: string) =>
            new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
              at,
            );
          return {
            shown: t.textContent,
            berlin: zone('Europe/Berlin'),
            browser: zone('America/Los_Angeles'),
          };
        }),
      );
    const ended = await stack.api<{ items: Signal[] }>('/signals?state=resolved,dismissed&limit=1', {
      login: DEMO.agent,
    });
    const customerId = ended.items[0]?.customerId;
    expect(customerId, 'an ended signal about a customer').toBeTruthy();
    const slow = await slowZonePage();
    try {
      await slow.page.goto(`${stack.url}/customers/${customerId}`);
      // Until the zone is read their signals wait for it, as their commitments do.
      const section = slow.page.locator('section[aria-labelledby="customer-signals-title"]');
      await eventually(() => text(section)).toContain('Reading the zone you work in…');
      expect(await section.locator('time').count()).toBe(0);
      slow.release();
      await eventually(() => text(slow.page.getByTestId('customer-signals-zone'))).toBe(TIMES_IN_BERLIN);
      await slow.page.getByTestId('customer-signal-row').first().waitFor();
      const theirs = await signalTimes(slow.page.getByTestId('customer-signals'));

      await slow.page.goto(`${stack.url}/signals?state=resolved,dismissed`);
      await eventually(() => text(slow.page.getByTestId('signals-zone'))).toBe(TIMES_IN_BERLIN);
      await slow.page.getByTestId('signal-row').first().waitFor();
      const listed = await signalTimes(slow.page.getByTestId('signals'));
      // Detected and ended, both columns.
      expect(listed.length).toBeGreaterThan(1);
      for (const t of [...theirs, ...listed]) {
        expect(t.shown).toBe(t.berlin);
        expect(t.shown).not.toBe(t.browser);
      }
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
    }
  });

  it('the Signals page names its zone as soon as its rows show, not only once their count comes', async () => {
    const slow = await slowZonePage();
    // The count (and the live signals' count for "select all") held back; the list itself not.
    let count!: () => void;
    const counted = new Promise<void>((resolve) => (count = resolve));
    await slow.page.route(
      (url) => url.pathname === '/api/v1/signals' && url.searchParams.get('includeTotal') === 'true',
      async (route) => {
        await counted;
        await route.continue().catch(() => undefined);
      },
    );
    try {
      slow.release();
      await slow.page.goto(`${stack.url}/signals`);
      await slow.page.getByTestId('signal-row').first().waitFor();
      expect(await slow.page.getByTestId('signal-total').count()).toBe(0);
      const zone = slow.page.getByTestId('signals-zone');
      expect(await zone.isVisible()).toBe(true);
      expect(await text(zone)).toBe(TIMES_IN_BERLIN);

      // The count comes, and stands before the same note.
      count();
      await eventually(() => text(slow.page.getByTestId('signal-total'))).toMatch(/^[\d,]+ signals?$/);
      expect(await text(zone)).toBe(TIMES_IN_BERLIN);
      await noBrowserZone(slow.page);
    } finally {
      count();
      await slow.close();
    }
  });

  it('the Proactive board’s clock and its sources’ times are Berlin’s too, named, never Los Angeles’', async () => {
    // The warehouse silent for 45 minutes (its alert at 30), as the server's check would find it.
    const alertBefore = await makeSourceSilent(stack, 'wms', { alertMinutes: 30, quietMinutes: 45 });
    const slow = await slowZonePage();
    try {
      const answers: Board[] = [];
      slow.page.on('response', (r: Response) => {
        if (new URL(r.url()).pathname === '/api/v1/board' && r.ok())
          void r.json().then(
            (b: Board) => answers.push(b),
            () => undefined,
          );
      });
      slow.release();
      await slow.page.goto(`${stack.url}/board`);
      const silent = slow.page.getByTestId('silent-source');
      await eventually(() => silent.count()).toBe(1);
      const warned = slow.page.getByTestId('warned-sources');
      await warned.getByText('Some events could not do what they were sent for').click();
      const updated = await text(slow.page.getByTestId('board-updated'));
      const shown = {
        updated: /Updated (.+)$/.exec(updated)?.[1],
        silent: /\(since (.+); the alert/.exec(await text(silent))?.[1],
        warned: /, the latest (.+) \(/.exec(await text(warned.getByTestId('warned-source')))?.[1],
      };
      // As Berlin and Los Angeles write each, in the browser's own words (formatClock, formatDateTime).
      const written = (board: Board) =>
        slow.page.evaluate((b) => {
          const both = (iso: string, options: Intl.DateTimeFormatOptions) =>
            ['Europe/Berlin', 'America/Los_Angeles'].map((timeZone) =>
              new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso)),
            );
          const dateTime = { dateStyle: 'medium', timeStyle: 'short' } as const;
          return {
            updated: both(b.generatedAt, {
              hour: '2-digit',
              minute: '2-digit',
              second: '2-digit',
              hourCycle: 'h23',
            }),
            silent: both(b.silentSources.find((s) => s.key === 'wms')!.silentSince, dateTime),
            warned: both(b.warnedSources.find((s) => s.key === 'erp')!.latestAt, dateTime),
          };
        }, board);
      // The clock is one of the answers the page had (it polls); the sources' times are the same in each.
      const all = await Promise.all(answers.map(written));
      expect(all.length).toBeGreaterThan(0);
      expect(all.map((w) => `${w.updated[0]} Europe/Berlin`)).toContain(shown.updated);
      expect(all.map((w) => `${w.updated[1]}`)).not.toContain(shown.updated);
      expect(shown.silent).toBe(`${all[0]!.silent[0]} Europe/Berlin`);
      expect(shown.silent).not.toContain(all[0]!.silent[1]);
      expect(shown.warned).toBe(`${all[0]!.warned[0]} Europe/Berlin`);
      expect(shown.warned).not.toContain(all[0]!.warned[1]);
      // The tables name the same zone above them.
      expect(await text(slow.page.getByTestId('board-signals-zone'))).toBe(TIMES_IN_BERLIN);
      await noBrowserZone(slow.page);
    } finally {
      await slow.close();
      await stack.api('/event-sources/wms', {
        login: DEMO.admin,
        method: 'PATCH',
        body: { silenceAlertMinutes: alertBefore },
      });
    }
  });

  it('the Events page and the event sources’ pages wait for the zone, write their times in Berlin and say so', async () => {
    /** Until the zone is read the page says so, and shows no time. */
    const waits = async (page: Page, title: string) => {
      await eventually(() => text(page.getByTestId('work-zone-waiting'))).toContain(
        'Reading the zone you work in…',
      );
      expect(await text(page.getByRole('heading', { level: 1 }))).toBe(title);
      expect(await page.locator('time').count()).toBe(0);
      await noBrowserZone(page);
    };

    const events = await slowZonePage();
    try {
      await events.page.goto(`${stack.url}/events`);
      await waits(events.page, 'Events');
      events.release();
      await eventually(() => text(events.page.getByTestId('events-zone'))).toBe(TIMES_IN_BERLIN);
      await events.page.getByTestId('event-row').first().waitFor();
      const occurred = await dateTimes(events.page.getByTestId('event-occurred').locator('time'));
      expect(occurred.length).toBeGreaterThan(1);
      inBerlinOnly(occurred);
      await noBrowserZone(events.page);
    } finally {
      await events.close();
    }

    // The ERP silent (it has an event with warnings too): every kind of time its pages show.
    const alertBefore = await makeSourceSilent(stack, 'erp', { alertMinutes: 30, quietMinutes: 45 });
    const list = await slowZonePage(DEMO.admin);
    try {
      await list.page.goto(`${stack.url}/admin/event-sources`);
      await waits(list.page, 'Event sources');
      list.release();
      await eventually(() => text(list.page.getByTestId('sources-zone'))).toBe(TIMES_IN_BERLIN);
      await list.page.getByTestId('source-row').first().waitFor();
      const lastSent = await dateTimes(list.page.getByTestId('source-last-event').locator('time'));
      expect(lastSent.length).toBe(2);
      inBerlinOnly(lastSent);
      await noBrowserZone(list.page);
    } finally {
      await list.close();
    }
    const source = await slowZonePage(DEMO.admin);
    try {
      await source.page.goto(`${stack.url}/admin/event-sources/erp`);
      await waits(source.page, 'Event source');
      source.release();
      await eventually(() => text(source.page.getByTestId('source-zone'))).toBe(TIMES_IN_BERLIN);
      await source.page.getByTestId('warned-row').first().waitFor();
      const times = await dateTimes(
        source.page.locator(
          '[data-testid="source-last-sent"] time, [data-testid="source-silent-since"] time, [data-testid="warned-occurred"] time',
        ),
      );
      expect(times.map((t) => t.what)).toEqual([
        'source-last-sent',
        'source-silent-since',
        'warned-occurred',
      ]);
      inBerlinOnly(times);
      await noBrowserZone(source.page);
    } finally {
      await source.close();
      await stack.api('/event-sources/erp', {
        login: DEMO.admin,
        method: 'PATCH',
        body: { silenceAlertMinutes: alertBefore },
      });
    }
  });

  it('a customer’s recent events, a case’s Events tab and its signals wait for the zone, write their times in Berlin and say so', async () => {
    // A case opened by a signal, about an order or a shipment the events name, and its customer.
    const signals = await stack.api<{ items: Signal[] }>('/signals?limit=100', { login: DEMO.agent });
    let found: { caseId: string; customerId: string } | undefined;
    for (const s of signals.items) {
      if (!s.caseId) continue;
      const c = await stack.api<{ refs: Record<string, string>; customer: { id: string } }>(
        `/cases/${s.caseId}`,
        { login: DEMO.agent },
      );
      const ref = Object.entries(c.refs).map(([k, v]) => `ref=${encodeURIComponent(`${k}:${v}`)}`);
      if (ref.length === 0) continue;
      const about = await stack.api<{ items: unknown[] }>(`/events?${ref.join('&')}&limit=1`, {
        login: DEMO.agent,
      });
      const theirs = await stack.api<{ items: unknown[] }>(`/events?customerId=${c.customer.id}&limit=2`, {
        login: DEMO.agent,
      });
      if (about.items.length > 0 && theirs.items.length > 1) {
        found = { caseId: s.caseId, customerId: c.customer.id };
        break;
      }
    }
    expect(found, 'a signal’s case with events about it, whose customer has events').toBeTruthy();
    const { caseId, customerId } = found!;

    const customer = await slowZonePage();
    try {
      await customer.page.goto(`${stack.url}/customers/${customerId}`);
      // Until the zone is read their events wait for it, as their signals and commitments do.
      const section = customer.page.locator('section[aria-labelledby="events-title"]');
      await eventually(() => text(section)).toContain('Reading the zone you work in…');
      expect(await section.locator('time').count()).toBe(0);
      await noBrowserZone(customer.page);
      customer.release();
      await eventually(() => text(customer.page.getByTestId('customer-events-zone'))).toBe(TIMES_IN_BERLIN);
      await customer.page.getByTestId('customer-event-row').first().waitFor();
      const occurred = await dateTimes(customer.page.getByTestId('customer-event-occurred').locator('time'));
      expect(occurred.length).toBeGreaterThan(1);
      inBerlinOnly(occurred);
      await noBrowserZone(customer.page);
    } finally {
      await customer.close();
    }

    const onCase = await slowZonePage();
    try {
      const page = onCase.page;
      await page.goto(`${stack.url}/cases/${caseId}`);
      const panel = page.getByTestId('case-signals-panel');
      await eventually(() => text(panel)).toContain('Reading the zone you work in…');
      expect(await panel.locator('time').count()).toBe(0);
      await page.getByRole('tab', { name: 'Events' }).click();
      const tab = page.getByRole('tabpanel');
      await eventually(() => text(tab)).toContain('Reading the zone you work in…');
      expect(await tab.locator('time').count()).toBe(0);
      await noBrowserZone(page);

      onCase.release();
      await eventually(() => text(page.getByTestId('case-events-zone'))).toBe(TIMES_IN_BERLIN);
      await eventually(() => text(panel.getByTestId('case-signals-zone'))).toBe(TIMES_IN_BERLIN);
      await page.getByTestId('case-event-row').first().waitFor();
      const occurred = await dateTimes(page.getByTestId('case-event-occurred').locator('time'));
      expect(occurred.length).toBeGreaterThan(0);
      inBerlinOnly(occurred);
      const detected = await dateTimes(panel.getByTestId('case-signal-detected'));
      expect(detected.length).toBeGreaterThan(0);
      inBerlinOnly(detected);
      await noBrowserZone(page);
    } finally {
      await onCase.close();
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
