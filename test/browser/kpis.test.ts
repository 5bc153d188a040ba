// The proactive KPI page, for staff: reached from the board, its tiles, charts and trend table
// agreeing with the API for the same period, interval and time zone, period and interval in the
// address, the per-rule table with its links, and closed to customers. The demo's history (three
// months of signals and commitments) gives the charts something to draw; its cases' promise
// clocks give the promise compliance table its rows.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ProactiveKpis,
  ProactiveTrend,
  PromiseKpis,
  PromiseTrend,
  RuleOutcomes,
  Signal,
} from '../../src/shared/schemas/signals.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { signalTitle } from '../../src/web/signals/ref-labels.js';

let stack: Stack;
let page: Page;
const agent = { login: DEMO.agent };

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(() => stack?.stop());

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
const number = (n: number) => n.toLocaleString('en-US');

/** The period the page asked for, and the API's answers for it. */
async function shown() {
  const root = page.getByTestId('kpis-page');
  // Set once the zone the page counts in is known (before, nothing is asked).
  await eventually(() => root.getAttribute('data-from')).toMatch(/Z$/);
  const from = (await root.getAttribute('data-from'))!;
  const interval = (await root.getAttribute('data-interval'))!;
  // The zone the page counts its days in (the demo company's, Berlin: the agent chose none).
  const timezone = (await page.getByTestId('kpis-zone').getAttribute('data-zone'))!;
  const q = `from=${encodeURIComponent(from)}`;
  return {
    from,
    interval,
    kpis: await stack.api<ProactiveKpis>(`/kpis/proactive?${q}`, agent),
    trend: await stack.api<ProactiveTrend>(
      `/kpis/proactive/trend?${q}&interval=${interval}&timezone=${encodeURIComponent(timezone)}`,
      agent,
    ),
    rules: await stack.api<RuleOutcomes>(`/kpis/proactive/rules?${q}`, agent),
  };
}

/**
 * A census of a chart's canvas: pixels with any ink, and faint ones (8–10% opaque: the "so far"
 * shade) in its right tenth and elsewhere.
 */
const pixels = (testId: string) =>
  page
    .getByTestId(testId)
    .locator('canvas')
    .evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const census = { inked: 0, faint: { left: 0, right: 0 } };
      for (let i = 3; i < data.length; i += 4) {
        if (data[i]! > 0) census.inked++;
        if (data[i]! >= 15 && data[i]! <= 25)
          census.faint[((i - 3) / 4) % canvas.width > canvas.width * 0.9 ? 'right' : 'left']++;
      }
      return census;
    });

describe('proactive KPI page', () => {
  it('is a link away from the board, and shows the last 90 days by week with three charts', async () => {
    await page.goto(`${stack.url}/board`);
    const tiles = () => texts(page.locator('.kpi-strip').getByTestId('kpi-value'));
    await eventually(async () => (await tiles()).length).toBe(5);
    const onBoard = await tiles();
    // The board's tiles count the KPI page's "Last 30 days", where its link goes: the same numbers.
    await page.getByTestId('board-kpis-link').click();
    await eventually(async () => new URL(page.url()).search).toBe('?days=30');
    await eventually(() => page.getByTestId('kpi-trend-table').count()).toBe(1);
    await eventually(tiles).toEqual(onBoard);

    await page.goto(`${stack.url}/kpis`);
    await eventually(() => page.getByTestId('kpi-trend-table').count()).toBe(1);

    const s = await shown();
    expect(s.interval).toBe('week');
    // The period starts on a Monday at midnight, about 90 days back.
    const from = new Date(s.from);
    expect(Date.now() - from.getTime()).toBeGreaterThan(90 * 86_400_000);
    expect(Date.now() - from.getTime()).toBeLessThan(97 * 86_400_000);
    expect(s.trend.buckets[0]!.start).toBe(s.from);

    expect(await text(page.getByTestId('kpi-signals').getByTestId('kpi-value'))).toBe(number(s.kpis.signals));
    // The demo's history: well over a hundred signals in the period.
    expect(s.kpis.signals).toBeGreaterThan(100);
    expect(await text(page.getByTestId('kpi-caught').getByTestId('kpi-value'))).toBe(
      percent(s.kpis.caughtBeforeContactShare),
    );
    // The on-time rate's note names every count the rate is made of (overdue ones too).
    const c = s.kpis.commitments;
    expect(await text(page.getByTestId('kpi-ontime'))).toContain(
      `${number(c.met)} met · ${number(c.late + c.broken)} late or broken${c.overdue > 0 ? ` · ${number(c.overdue)} overdue` : ''}`,
    );

    // Three charts, each drawn on a canvas of the card's width, with its legend.
    for (const id of ['kpi-chart-signals', 'kpi-chart-rates', 'kpi-chart-lead']) {
      const chart = page.getByTestId(id);
      const width = await chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).width);
      expect(width).toBeGreaterThan(200);
    }
    expect(await texts(page.getByTestId('kpi-chart-signals').locator('.u-legend .u-label'))).toEqual([
      'Time',
      'Signals',
      'Caught before contact',
      'Contacts avoided',
      'Dismissed',
    ]);
    // Untouched, the legend shows the latest week's numbers (not "—" until hovered).
    const lastWeek = s.trend.buckets.at(-1)!;
    expect(await texts(page.getByTestId('kpi-chart-signals').locator('.u-legend .u-value'))).toEqual([
      expect.any(String),
      number(lastWeek.signals),
      number(lastWeek.caughtBeforeContact),
      number(lastWeek.contactsAvoided),
      number(lastWeek.dismissed),
    ]);
    // Some bars are not zero: the canvas is not blank.
    const inked = (await pixels('kpi-chart-signals')).inked;
    expect(inked).toBeGreaterThan(1000);

    // This week is not over: its column is shaded in each chart and said to be "so far".
    const last = s.trend.buckets.at(-1)!;
    expect(Date.parse(last.end)).toBeGreaterThan(Date.parse(s.trend.to));
    for (const id of ['kpi-chart-signals', 'kpi-chart-rates', 'kpi-chart-lead'])
      expect(await page.getByTestId(id).getAttribute('data-last-partial')).toBe('true');
    expect(await text(page.getByTestId('kpi-trend-partial'))).toMatch(
      /^The shaded week, from .+, is not over yet: its numbers are so far and will still grow\.$/,
    );
    // The shade is drawn: its faint grey (8% opaque) fills the right end of the plot (elsewhere
    // only the edges of lines and text come close).
    const shaded = (await pixels('kpi-chart-lead')).faint;
    expect(shaded.right).toBeGreaterThan(1000);
    expect(shaded.right).toBeGreaterThan(shaded.left * 4);

    // The numbers behind the charts, one row per week, as the API counts them.
    await page.getByText('The numbers').click();
    const rows = page.getByTestId('kpi-trend-row');
    expect(await rows.count()).toBe(s.trend.buckets.length);
    expect(await texts(rows.locator('td:nth-child(2)'))).toEqual(
      s.trend.buckets.map((b) => number(b.signals)),
    );
    expect(await texts(rows.locator('td:nth-child(9)'))).toEqual(
      s.trend.buckets.map((b) => percent(b.commitments.onTimeRate)),
    );
    expect(await text(rows.last().locator('td').first())).toMatch(/ \(so far\)$/);
    expect(await text(rows.first().locator('td').first())).not.toMatch(/so far/);

    // The commitments tile's counts link to those commitments: late or broken, closed in the period.
    if (c.late + c.broken > 0) {
      await page.getByTestId('kpi-ontime-late').click();
      await eventually(async () => new URL(page.url()).pathname).toBe('/commitments');
      // The period the tile was answered for: the page's start, up to when it was read.
      const q = Object.fromEntries(new URL(page.url()).searchParams);
      expect(q).toEqual({ state: 'late,broken', closedFrom: s.kpis.from, closedBefore: expect.any(String) });
      expect(Math.abs(Date.parse(q.closedBefore!) - Date.parse(s.kpis.to))).toBeLessThan(120_000);
      expect(await page.getByTestId('commitments-period-filter').count()).toBe(1);
      await page.getByTestId('commitment-row').first().waitFor();
      const states = await page
        .getByTestId('commitment-state')
        .evaluateAll((b) => b.map((e) => e.getAttribute('data-state')));
      expect(new Set(states)).toEqual(new Set(states.filter((x) => x === 'late' || x === 'broken')));
      expect(states.length).toBeGreaterThan(0);
      // Back as the next test expects the page: the KPIs with their numbers open.
      await page.goto(`${stack.url}/kpis`);
      await eventually(() => page.getByTestId('kpi-trend-table').count()).toBe(1);
      await page.getByText('The numbers').click();
    }
  });

  it('changes period and interval in the address, offering only the intervals that fit', async () => {
    await page.getByLabel('Period').selectOption({ label: 'Last 30 days' });
    await eventually(async () => new URL(page.url()).search).toBe('?days=30');
    await eventually(() => page.getByTestId('kpis-page').getAttribute('data-interval')).toBe('day');
    expect(await text(page.locator('#kpis-interval option:checked'))).toBe('Automatic (by day)');
    let s = await shown();
    await eventually(() => page.getByTestId('kpi-trend-row').count()).toBe(s.trend.buckets.length);
    expect(s.trend.buckets.length).toBeGreaterThanOrEqual(30);

    await page.getByLabel('Interval').selectOption({ label: 'By week' });
    await eventually(async () => new URL(page.url()).search).toBe('?days=30&interval=week');
    // The address changes first, the page a render later: wait for the page, then ask the API.
    await eventually(() => page.getByTestId('kpis-page').getAttribute('data-interval')).toBe('week');
    s = await shown();
    expect(s.interval).toBe('week');
    await eventually(() => page.getByTestId('kpi-trend-row').count()).toBe(s.trend.buckets.length);
    expect(await texts(page.getByTestId('kpi-trend-row').locator('td:nth-child(2)'))).toEqual(
      s.trend.buckets.map((b) => number(b.signals)),
    );

    // Two years cannot be shown by day (too many points): the choice is not offered.
    await page.getByLabel('Period').selectOption({ label: 'Last 2 years' });
    await eventually(async () =>
      (await texts(page.locator('#kpis-interval option'))).map((t) => t.replace(/ \(.*\)$/, '')),
    ).toEqual(['Automatic', 'By week', 'By month']);
  });

  it('the signals tile, on the KPI page and on the board, leads to exactly the signals it counts', async () => {
    for (const [path, since] of [
      ['/kpis?days=30', /^Detected since /],
      ['/board', /^Detected since .*, before /],
    ] as const) {
      await page.goto(`${stack.url}${path}`);
      const link = page.getByTestId('kpi-signals').getByRole('link');
      await eventually(() => link.count()).toBe(1);
      // The count and where it leads, read at once (the board reads its tiles again now and then).
      const [count, href] = await link.evaluate((a) => [a.textContent!, a.getAttribute('href')!]);
      const to = new URL(href, stack.url);
      expect(to.pathname).toBe('/signals');
      expect([...to.searchParams.keys()].sort()).toEqual(['detectedFrom', 'detectedTo']);
      // The period counted is the period the tiles' API answered.
      const kpis = await stack.api<ProactiveKpis>(
        `/kpis/proactive?from=${encodeURIComponent(to.searchParams.get('detectedFrom')!)}&to=${encodeURIComponent(to.searchParams.get('detectedTo')!)}`,
        agent,
      );
      expect([path, number(kpis.signals)]).toEqual([path, count]);
      expect(kpis.signals).toBeGreaterThan(0);
      await link.click();
      await eventually(async () => new URL(page.url()).search).toBe(to.search);
      await eventually(() => text(page.getByTestId('signal-total'))).toBe(
        `${count} ${kpis.signals === 1 ? 'signal' : 'signals'} found`,
      );
      expect(await text(page.getByTestId('signals-period-filter'))).toMatch(since);
    }
  });

  it('the caught, avoided and lead time tiles lead to the signals they count, in the tiles’ period', async () => {
    await page.goto(`${stack.url}/kpis?days=30`);
    const tiles = [
      ['kpi-caught', 'caughtBeforeContact', 'signals-caughtBeforeContact-filter', 'Caught before contact'],
      ['kpi-avoided', 'contactAvoided', 'signals-contactAvoided-filter', 'Contact avoided'],
      ['kpi-lead', 'hasDueTime', 'signals-hasDueTime-filter', 'With a due time'],
    ] as const;
    for (const [tile, filter, chip, label] of tiles) {
      await page.goto(`${stack.url}/kpis?days=30`);
      const link = page.getByTestId(tile).getByRole('link');
      await eventually(() => link.count()).toBe(1);
      const href = (await link.getAttribute('href'))!;
      const to = new URL(href, stack.url);
      expect(to.pathname).toBe('/signals');
      expect([...to.searchParams.keys()].sort()).toEqual(['detectedFrom', 'detectedTo', filter].sort());
      expect(to.searchParams.get(filter)).toBe('true');
      // The tile's period, and the count it stands for.
      const q = `from=${encodeURIComponent(to.searchParams.get('detectedFrom')!)}&to=${encodeURIComponent(to.searchParams.get('detectedTo')!)}`;
      const kpis = await stack.api<ProactiveKpis>(`/kpis/proactive?${q}`, agent);
      expect(to.searchParams.get('detectedFrom')).toBe(
        await page.getByTestId('kpis-page').getAttribute('data-from'),
      );
      const counted = {
        caughtBeforeContact: kpis.caughtBeforeContact,
        contactAvoided: kpis.contactsAvoided,
        hasDueTime: kpis.leadTimeMinutes.count,
      }[filter];
      expect(counted, filter).toBeGreaterThan(0);
      await link.click();
      await eventually(async () => new URL(page.url()).search).toBe(to.search);
      await eventually(() => text(page.getByTestId('signal-total'))).toBe(
        `${number(counted)} ${counted === 1 ? 'signal' : 'signals'} found`,
      );
      expect(await text(page.getByTestId(chip))).toContain(label);
      // Dropping the chip leaves the period.
      await page.getByRole('button', { name: `Drop the filter: ${label}` }).click();
      await eventually(async () => new URL(page.url()).searchParams.has(filter)).toBe(false);
      await eventually(() => text(page.getByTestId('signal-total'))).toBe(
        `${number(kpis.signals)} signals found`,
      );
    }
  });

  it('lists every rule with what became of its signals, linking to them', async () => {
    await page.goto(`${stack.url}/kpis`);
    await eventually(() => page.getByTestId('kpi-rule-row').count()).toBeGreaterThan(0);
    const s = await shown();
    const rows = page.getByTestId('kpi-rule-row');
    expect(await rows.count()).toBe(s.rules.items.length);
    expect(await texts(rows.getByTestId('kpi-rule-name'))).toEqual(s.rules.items.map((r) => r.name));
    expect(await texts(rows.getByTestId('severity-badge'))).toEqual(
      s.rules.items.map((r) => r.severity.charAt(0).toUpperCase() + r.severity.slice(1)),
    );
    // Agents see the rules' names, not a link into the admin's rule editor.
    expect(await rows.locator('td:first-child a').count()).toBe(0);
    const carrier = s.rules.items.find((r) => r.name === 'Carrier delay reported')!;
    expect(carrier.dismissed).toBeGreaterThan(0);
    expect(
      await text(page.locator(`[data-rule-id="${carrier.ruleId}"]`).getByTestId('kpi-rule-dismissed')),
    ).toBe(`${carrier.dismissed} (${percent(carrier.dismissed / carrier.signals)})`);

    // Each number links to the signals behind it: the rule's, detected in the period, in that state.
    const query = async () => Object.fromEntries(new URL(page.url()).searchParams);
    const rowOf = (id: string) => page.locator(`[data-rule-id="${id}"]`);
    await rowOf(carrier.ruleId).getByTestId('kpi-rule-dismissed').getByRole('link').click();
    await eventually(query).toEqual({
      ruleId: carrier.ruleId,
      detectedFrom: s.rules.from,
      state: 'dismissed',
    });
    await eventually(() => page.getByTestId('signal-row').count()).toBe(Math.min(10, carrier.dismissed));
    expect(await text(page.getByTestId('signals-period-filter'))).toContain('Detected since');

    await page.goBack();
    const scans = s.rules.items.find((r) => r.name === 'Shipment not scanned for 48 hours')!;
    expect(scans.resolvedByEvent).toBeGreaterThan(0);
    await rowOf(scans.ruleId).getByTestId('kpi-rule-itself').getByRole('link').click();
    await eventually(query).toEqual({
      ruleId: scans.ruleId,
      detectedFrom: s.rules.from,
      state: 'resolved',
      resolvedByEvent: 'true',
    });
    await eventually(() => page.getByTestId('signal-row').count()).toBe(Math.min(10, scans.resolvedByEvent));
    for (const ended of await texts(page.getByTestId('signal-ended').locator('.cell-sub')))
      expect(ended).toMatch(/^the awaited event arrived/);
    // The filter that came with the link can be dropped: then every resolved one of the rule.
    await page.getByRole('button', { name: 'Drop the filter: Resolved by itself' }).click();
    await eventually(query).toEqual({ ruleId: scans.ruleId, detectedFrom: s.rules.from, state: 'resolved' });
    // The address changes first; the page follows a render later.
    await eventually(() => page.getByTestId('signals-itself-filter').count()).toBe(0);

    await page.goto(`${stack.url}/kpis`);
    await rowOf(carrier.ruleId).getByTestId('kpi-rule-signals').getByRole('link').click();
    await eventually(query).toEqual({ ruleId: carrier.ruleId, detectedFrom: s.rules.from });
    await eventually(() => page.getByTestId('signal-row').count()).toBe(Math.min(10, carrier.signals));
  });

  /**
   * The promise compliance table as shown, and the API's answer for the same period (the page's
   * `from`, the `to` the page was answered for), as the page would write it. Read again (after a
   * reload) while they differ: a clock falling due between the two reads changes the counts.
   */
  async function promiseTable(none: string) {
    const section = page.getByTestId('kpi-promises-section');
    let seen: { ui: string[][]; api: string[][] } = { ui: [], api: [] };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await page.reload();
      await eventually(() => section.getAttribute('data-to')).toMatch(/Z$/);
      await eventually(() => page.getByTestId('kpi-promises').getAttribute('aria-busy')).not.toBe('true');
      const from = (await page.getByTestId('kpis-page').getAttribute('data-from'))!;
      const to = (await section.getAttribute('data-to'))!;
      const groupBy = (await section.getAttribute('data-group-by'))!;
      const ui = await page
        .getByTestId('kpi-promise-row')
        .evaluateAll((rows) =>
          rows.map((r) => [...r.children].map((c) => (c as HTMLElement).innerText.trim())),
        );
      const found = await stack.api<PromiseKpis>(
        `/kpis/promises?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&groupBy=${groupBy}`,
        agent,
      );
      // A count of promises says on how many cases they are, where that differs.
      const onCases = (c: PromiseKpis['totals'], key: 'decided' | 'metOnTime' | 'breached' | 'overdueNow') =>
        c[key] > 0 && c.cases[key] !== c[key]
          ? `${number(c[key])}\non ${number(c.cases[key])} ${c.cases[key] === 1 ? 'case' : 'cases'}`
          : number(c[key]);
      const row = (name: string, c: PromiseKpis['totals']) => [
        name,
        onCases(c, 'decided'),
        onCases(c, 'metOnTime'),
        `${onCases(c, 'breached')}${c.metLate > 0 ? `\n(${number(c.metLate)} kept late)` : ''}`,
        c.compliance === null
          ? '—'
          : `${percent(c.compliance)} (${number(c.metOnTime)} of ${number(c.decided)})`,
        percent(c.medianTargetUsed),
        onCases(c, 'overdueNow'),
      ];
      const api = [...found.items.map((r) => row(r.groupName ?? none, r)), row('Total', found.totals)];
      seen = { ui, api };
      if (JSON.stringify(ui) === JSON.stringify(api)) break;
    }
    expect(seen.ui).toEqual(seen.api);
    return seen.api;
  }

  it('shows how well the promises on cases are kept, per kind and per team, as the API counts them', async () => {
    await page.goto(`${stack.url}/kpis`);
    // The table is named by its heading.
    await eventually(() => page.getByRole('table', { name: 'Promise compliance' }).count()).toBe(1);
    const byKind = await promiseTable('—');
    // The demo's cases have kept and missed promises in the period: a real mix, kinds in order.
    expect(byKind.map((r) => r[0])).toEqual(
      expect.arrayContaining(['First response', 'Resolution', 'Total']),
    );
    const total = byKind.at(-1)!;
    // The total counts promises, on fewer cases (a case holds a first response and a resolution):
    // the cell says both, "90 on 65 cases".
    expect(total[1]).toMatch(/^\d+\non \d+ cases$/);
    expect(Number(total[1]!.split('\n')[0]!.replace(/\D/g, ''))).toBeGreaterThan(20);
    expect(total[4]).toMatch(/^\d+% \(/);
    // Headers are in small capitals (CSS): their text is as written.
    expect(await page.getByTestId('kpi-promises').locator('thead th').allTextContents()).toEqual([
      'Promise',
      'Promises decided',
      'Kept on time',
      'Breached',
      'Compliance',
      'Median target used',
      'Overdue now',
    ]);

    await page.getByLabel('Group').selectOption({ label: 'Per team' });
    await eventually(async () => new URL(page.url()).search).toBe('?promisesBy=team');
    await eventually(() => page.getByTestId('kpi-promises-section').getAttribute('data-group-by')).toBe(
      'team',
    );
    await eventually(() => page.getByTestId('kpi-promises').locator('thead th').first().textContent()).toBe(
      'Team',
    );
    const byTeam = await promiseTable('No team');
    expect(byTeam.map((r) => r[0])).toEqual(expect.arrayContaining(['Order support', 'Total']));
    // Every team's clocks add up to the same totals.
    expect(byTeam.at(-1)).toEqual(total);

    // The CSV holds the table shown: a row per team, then the totals.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-promise-compliance-by-team').click(),
    ]);
    // Named by the period shown: its first and last day.
    expect(download.suggestedFilename()).toMatch(
      /^promise-compliance-by-team-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/,
    );
    const csv = (await readFile((await download.path())!, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toMatch(/^Team,Promises decided,Kept on time,Breached,/);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(byTeam.map((r) => r[0]));
  });

  it('charts the compliance per week, as the API counts it, and links each count to its cases', async () => {
    await page.goto(`${stack.url}/kpis`);
    const chart = page.getByTestId('kpi-promise-trend');
    await eventually(() => chart.count()).toBe(1);
    const from = (await page.getByTestId('kpis-page').getAttribute('data-from'))!;
    const timezone = (await page.getByTestId('kpis-zone').getAttribute('data-zone'))!;
    const trend = await stack.api<PromiseTrend>(
      `/kpis/promises/trend?from=${encodeURIComponent(from)}&interval=week&timezone=${encodeURIComponent(timezone)}`,
      agent,
    );
    // A point per week of the period, drawn on a canvas, its numbers in the table beside it.
    expect(await chart.getAttribute('data-interval')).toBe('week');
    expect(Number(await chart.getAttribute('data-points'))).toBe(trend.buckets.length);
    expect(trend.buckets.length).toBeGreaterThanOrEqual(13);
    expect(trend.buckets.some((b) => b.decided > 0)).toBe(true);
    const width = await page
      .getByTestId('kpi-chart-compliance')
      .locator('canvas')
      .evaluate((c) => (c as HTMLCanvasElement).width);
    expect(width).toBeGreaterThan(200);
    await page.getByText('Compliance numbers').click();
    const rows = page.getByTestId('kpi-promise-trend-row');
    expect(await rows.count()).toBe(trend.buckets.length);
    expect(await texts(rows.locator('td:nth-child(2)'))).toEqual(trend.buckets.map((b) => number(b.decided)));
    expect(await texts(rows.locator('td:nth-child(5)'))).toEqual(
      trend.buckets.map((b) => percent(b.compliance)),
    );

    // The breached resolutions' count opens the queue with exactly their cases, and says why.
    const section = page.getByTestId('kpi-promises-section');
    await eventually(() => section.getAttribute('data-to')).toMatch(/Z$/);
    const to = (await section.getAttribute('data-to'))!;
    const found = await stack.api<PromiseKpis>(
      `/kpis/promises?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      agent,
    );
    const resolution = found.items.find((r) => r.groupId === 'resolution')!;
    expect(resolution.breached).toBeGreaterThan(0);
    await page
      .locator('[data-testid="kpi-promise-row"][data-group-id="resolution"]')
      .getByTestId('kpi-promise-breached')
      .getByRole('link')
      .click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'filtered',
      promiseOutcome: 'breached',
      decidedFrom: from,
      decidedTo: to,
      promiseKind: 'resolution',
    });
    const n = resolution.cases.breached;
    await eventually(() => text(page.getByTestId('case-total'))).toBe(
      `${number(n)} ${n === 1 ? 'case' : 'cases'}`,
    );
    expect(await text(page.getByTestId('queue-promise-filter').locator('.tag'))).toMatch(
      /^Resolution promises breached, decided .+ – .+$/,
    );
    // The chip drops the filter: every case again.
    await page.getByRole('button', { name: /^Drop the filter: Resolution promises breached/ }).click();
    await eventually(() => page.getByTestId('queue-promise-filter').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('promiseOutcome')).toBeNull();
  });

  it('a signal that resolved itself says so on its page', async () => {
    const resolved = await stack.api<{ items: Signal[] }>('/signals?state=resolved&limit=200', agent);
    const itself = resolved.items.find((x) => x.resolvedByEvent)!;
    const byPerson = resolved.items.find((x) => !x.resolvedByEvent)!;
    await page.goto(`${stack.url}/signals/${itself.id}`);
    await eventually(() => text(page.getByTestId('signal-resolved'))).toMatch(
      / · by itself: the awaited event came$/,
    );
    await page.goto(`${stack.url}/signals/${byPerson.id}`);
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(byPerson));
    expect(await text(page.getByTestId('signal-resolved'))).not.toContain('by itself');
  });

  it('links an admin to the rule editor', async () => {
    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    await admin.goto(`${stack.url}/kpis`);
    const first = admin.getByTestId('kpi-rule-row').first().locator('td:first-child a');
    await eventually(() => first.count()).toBe(1);
    const href = await first.getAttribute('href');
    expect(href).toMatch(/^\/admin\/rules\/[0-9a-f-]{36}$/);
  });

  it('is not for customers', async () => {
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    await customer.goto(`${stack.url}/kpis`);
    await eventually(async () => new URL(customer.url()).pathname).not.toBe('/kpis');
    expect(await customer.getByTestId('kpis-page').count()).toBe(0);
    expect(await customer.getByRole('link', { name: 'KPIs' }).count()).toBe(0);
  });
});

describe('the KPI page’s time zone', () => {
  it('asks and exports nothing before the zone is known: the export’s period is the page’s', async () => {
    // A browser far from Berlin, and the company's zone slow to come: the period is not counted
    // in the browser's zone meanwhile (it was, and the first export's From was 9 hours off).
    const context = await stack.browser.newContext({
      locale: 'en-US',
      timezoneId: 'America/Los_Angeles',
      acceptDownloads: true,
    });
    try {
      const slow = await context.newPage();
      await signIn(slow, stack.url, DEMO.agent);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await slow.route('**/api/v1/settings', async (route) => {
        await released;
        await route.continue();
      });
      const asked: string[] = [];
      slow.on('request', (r) => {
        if (r.url().includes('/api/v1/kpis/')) asked.push(r.url());
      });
      await slow.goto(`${stack.url}/kpis?days=30`);
      const root = slow.getByTestId('kpis-page');
      const exportButton = slow.getByTestId('export-rule-outcomes');
      await exportButton.waitFor();
      expect(await root.getAttribute('data-from')).toBeNull();
      expect(await exportButton.isDisabled()).toBe(true);
      expect(await text(slow.getByTestId('kpis-zone'))).toBe('Reading the zone you work in…');
      expect(asked).toEqual([]);

      release();
      await eventually(() => text(slow.getByTestId('kpis-zone'))).toBe(
        'Days in Europe/Berlin (the company’s)',
      );
      const from = (await root.getAttribute('data-from'))!;
      expect(from).toMatch(/T2[23]:00:00\.000Z$/);
      await slow.getByTestId('kpi-rules').locator('tbody tr').first().waitFor();
      const [download] = await Promise.all([slow.waitForEvent('download'), exportButton.click()]);
      const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '').split('\n');
      const header = csv[0]!.split(',');
      const row = csv[1]!.split(',');
      // The file's From is the page's from, written in Berlin: midnight of the period's first day.
      const berlin = new Intl.DateTimeFormat('sv-SE', {
        timeZone: 'Europe/Berlin',
        dateStyle: 'short',
        timeStyle: 'medium',
      });
      expect(row[header.indexOf('From (Europe/Berlin)')]).toBe(berlin.format(new Date(from)));
      // Every request the page made, and the export, asked for that same from.
      const froms = new Set(asked.map((u) => new URL(u).searchParams.get('from')));
      expect(froms).toEqual(new Set([from]));
      expect(asked.some((u) => u.includes('/kpis/proactive/rules.csv?'))).toBe(true);

      // The signals a tile leads to: their period's chip names its first day in Berlin too (in
      // Los Angeles, Berlin's midnight is the afternoon before).
      await slow.getByTestId('kpi-signals').getByRole('link').click();
      const day = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', dateStyle: 'medium' });
      await eventually(() => text(slow.getByTestId('signals-period-filter'))).toContain(
        `Detected since ${day.format(new Date(from))}`,
      );
    } finally {
      await context.close();
    }
  });

  it('counts days in the company’s zone, or in the agent’s own once chosen, and says which', async () => {
    await page.goto(`${stack.url}/kpis?days=30`);
    const zone = page.getByTestId('kpis-zone');
    // The browser is in UTC; the demo company in Berlin, and the agent chose no zone of their own.
    await eventually(() => text(zone)).toBe('Days in Europe/Berlin (the company’s)');
    const from = (await page.getByTestId('kpis-page').getAttribute('data-from'))!;
    // The period starts at midnight in Berlin (22:00 or 23:00 UTC the day before).
    expect(from).toMatch(/T2[23]:00:00\.000Z$/);
    // The trend asked for the same zone, so its buckets are the days shown.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/kpis/proactive/trend?'))
        asked.push(new URL(r.url()).searchParams.get('timezone')!);
    });
    await page.reload();
    await eventually(() => text(zone)).toBe('Days in Europe/Berlin (the company’s)');
    await eventually(async () => asked).toEqual(['Europe/Berlin']);

    const own = await stack.api('/notifications/preferences', {
      ...agent,
      method: 'PATCH',
      body: { timeZone: 'America/New_York' },
    });
    expect(own).toMatchObject({ timeZone: 'America/New_York', ownTimeZone: true });
    try {
      await page.goto(`${stack.url}/kpis?days=30`);
      await eventually(() => text(zone)).toBe('Days in America/New_York (yours)');
      const mine = (await page.getByTestId('kpis-page').getAttribute('data-from'))!;
      expect(mine).toMatch(/T0[45]:00:00\.000Z$/);
      expect(await page.getByTestId('export-rule-outcomes').getAttribute('data-zone')).toBe(
        'America/New_York',
      );
    } finally {
      await stack.api('/notifications/preferences', { ...agent, method: 'PATCH', body: { timeZone: null } });
    }
  });
});
