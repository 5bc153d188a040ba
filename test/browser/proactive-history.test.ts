// The proactive side's history, for staff: the Signals page (every signal in every state, how each
// ended) and the Commitments page (on-time rates per agreement, segment, organization or customer,
// and every commitment). Each list is compared with what the API answers for the same filters.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Commitment, CommitmentRate, Signal } from '../../src/shared/schemas/signals.js';
import { customerSubjectOf } from '../../src/web/signals/case-subject.js';
import { kpiPeriod } from '../../src/web/signals/kpi-period.js';
import { createEventSource, sendEvents } from './fixtures.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { signalTitle } from '../../src/web/signals/ref-labels.js';
import { unique } from '../helpers/factories.js';
import { hoursFromNow, makeRule, makeSignal } from '../helpers/signal-factories.js';

let stack: Stack;
let page: Page;
const agent = { login: DEMO.agent };

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(() => stack?.stop());

const signals = async (query: string) =>
  (await stack.api<{ items: Signal[] }>(`/signals?${query}`, agent)).items;
const commitments = async (query: string) =>
  (await stack.api<{ items: Commitment[] }>(`/commitments?${query}`, agent)).items;
const number = (n: number) => n.toLocaleString('en-US');
const rowCount = (testId: string) => page.getByTestId(testId).count();

describe('signals page', () => {
  it('lists signals in every state, narrows by state and rule, and shows how each ended', async () => {
    // One signal dismissed with a reason, so every kind of ending is there.
    const [live] = await signals('state=open,acted&severity=low');
    const reason = 'Checked with the carrier: the parcel is on the van today.';
    await stack.api(`/signals/${live!.id}/dismiss`, { ...agent, method: 'POST', body: { reason } });

    await page.goto(`${stack.url}/board`);
    await page.getByRole('link', { name: 'All signals, resolved and dismissed too' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/signals');
    await eventually(() => rowCount('signal-row')).toBe(10);
    // Unfiltered: "N signals", every signal there is (the demo's timers may add one meanwhile).
    const allTotal = async () =>
      (await stack.api<{ total: number }>('/signals?includeTotal=true&limit=1', agent)).total;
    await eventually(
      async () => (await text(page.getByTestId('signal-total'))) === `${number(await allTotal())} signals`,
    ).toBe(true);

    await page.getByLabel('State').selectOption({ label: 'Dismissed' });
    await eventually(async () => new URL(page.url()).search).toBe('?state=dismissed');
    const dismissed = await signals('state=dismissed');
    await eventually(() => rowCount('signal-row')).toBe(Math.min(10, dismissed.length));
    // The total, as the other lists give it: every dismissed one, not only the rows shown.
    const dismissedTotal = (
      await stack.api<{ total: number }>('/signals?state=dismissed&includeTotal=true&limit=1', agent)
    ).total;
    await eventually(() => text(page.getByTestId('signal-total'))).toBe(
      `${dismissedTotal} ${dismissedTotal === 1 ? 'signal' : 'signals'} found`,
    );
    const row = page.getByTestId('signal-row').filter({ hasText: signalTitle(live!) });
    expect(await row.getAttribute('data-state')).toBe('dismissed');
    expect(await text(row.getByTestId('signal-ended'))).toContain(reason);

    await page.getByLabel('State').selectOption({ label: 'Resolved' });
    const resolved = await signals('state=resolved');
    expect(resolved.length).toBeGreaterThan(0);
    await eventually(async () => texts(page.getByTestId('signal-row').locator('td.cell-primary a'))).toEqual(
      resolved.slice(0, 10).map(signalTitle),
    );
    expect(await texts(page.getByTestId('signal-ended').locator('.cell-sub'))).toEqual(
      resolved.slice(0, 10).map((s) => s.resolution!),
    );

    // A rule, on top of the state; the address carries both.
    const rule = resolved[0]!;
    await page.getByLabel('Rule').selectOption({ label: rule.ruleName });
    const ofRule = await signals(`state=resolved&ruleId=${rule.ruleId}`);
    await eventually(() => rowCount('signal-row')).toBe(Math.min(10, ofRule.length));
    await page.reload();
    await eventually(async () => texts(page.getByTestId('signal-row').locator('td.cell-primary a'))).toEqual(
      ofRule.slice(0, 10).map(signalTitle),
    );
    expect(await page.getByLabel('Rule').inputValue()).toBe(rule.ruleId);
    // A signal opened from here leads back here, filters and all.
    const filtered = new URL(page.url());
    await page.getByTestId('signal-row').first().locator('td.cell-primary a').click();
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(ofRule[0]!));
    await page.getByRole('link', { name: '← Signals' }).click();
    await eventually(async () => page.url()).toBe(filtered.href);

    await page.getByLabel('Severity').selectOption({ label: 'Critical' });
    const none = await signals(`state=resolved&ruleId=${rule.ruleId}&severity=critical`);
    expect(none).toEqual([]);
    await eventually(() => text(page.getByTestId('signals-empty'))).toBe('No signals match.');
  });

  it('opens a proactive case by hand from a live signal that has none', async () => {
    // The demo's carrier delays open no case: their rule only flags them.
    const [signal] = (await signals('state=open,acted&limit=100')).filter((x) => !x.caseId && x.customerId);
    expect(signal).toBeDefined();
    await page.goto(`${stack.url}/signals/${signal!.id}`);
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(signal!));
    expect(await text(page.getByTestId('signal-case'))).toContain('None');
    await page.getByRole('button', { name: 'Open a case' }).click();
    // Subject and priority start from the signal; the subject in the customer's words.
    expect(await page.getByLabel('Subject').inputValue()).toBe(customerSubjectOf(signal!));
    expect(await page.getByLabel('Subject').inputValue()).toMatch(/^About your (shipment|order|invoice) /);
    const priority = { critical: 'urgent', high: 'high', medium: 'normal', low: 'low' }[signal!.severity];
    expect(await page.getByLabel('Priority').inputValue()).toBe(priority);
    await page.getByLabel('Subject').fill('  ');
    await page.getByRole('button', { name: 'Open case' }).click();
    expect(await text(page.getByTestId('open-case-error'))).toBe('Give the case a subject.');
    await page.getByLabel('Subject').fill(`Carrier delay: tell ${signal!.customerName} before they ask`);
    await page.getByLabel('Priority').selectOption('high');
    await page.getByLabel('First internal note (optional)').fill('Carrier says two days late.');
    await page.getByRole('button', { name: 'Open case' }).click();

    await eventually(() => text(page.getByTestId('notice'))).toMatch(
      /^Proactive case #\d+ opened for this signal\.$/,
    );
    const stored = await stack.api<Signal>(`/signals/${signal!.id}`, agent);
    expect(stored.state).toBe('acted');
    expect(stored.caseId).not.toBeNull();
    expect(await text(page.getByTestId('notice'))).toBe(
      `Proactive case #${stored.caseNumber} opened for this signal.`,
    );
    await eventually(() => text(page.getByTestId('signal-case'))).toContain(`Case #${stored.caseNumber}`);
    expect(await page.getByRole('button', { name: 'Open a case' }).count()).toBe(0);
    const me = await stack.api<{ id: string }>('/auth/me', agent);
    expect(await stack.api(`/cases/${stored.caseId}`, agent)).toMatchObject({
      subject: `Carrier delay: tell ${signal!.customerName} before they ask`,
      channel: 'proactive',
      priority: 'high',
      assigneeId: me.id,
    });
    const messages = await stack.api<{ items: { body: string; public: boolean }[] }>(
      `/cases/${stored.caseId}/messages`,
      agent,
    );
    expect(messages.items.map((m) => [m.body, m.public])).toEqual([['Carrier says two days late.', false]]);
  });

  it('closes several live signals at once with one reason; one that ended meanwhile is left as it was', async () => {
    // Without the live stream, so the colleague's change below reaches the server only: with it,
    // the list could drop that row (and its tick) before Dismiss is pressed.
    await page.route('**/api/v1/live', (route) => route.abort());
    await page.goto(`${stack.url}/signals?state=open,acted`);
    const live = await signals('state=open,acted&limit=10');
    expect(live.length).toBeGreaterThan(3);
    const rows = page.getByTestId('signal-row');
    await eventually(() => texts(rows.locator('td.cell-primary a'))).toEqual(live.map(signalTitle));
    // Each live row has a box; none is ticked, and no bar shows.
    expect(await rows.locator('input[type=checkbox]').count()).toBe(live.length);
    expect(await page.getByTestId('signal-bulk-bar').count()).toBe(0);

    const [first, second] = live as [Signal, Signal];
    await rows.nth(0).locator('input[type=checkbox]').check();
    await rows.nth(1).locator('input[type=checkbox]').check();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe('2 signals selected');
    // A dismissal needs a reason.
    await page.getByTestId('signal-bulk-bar').getByRole('button', { name: 'Dismiss' }).click();
    expect(await text(page.getByTestId('signal-bulk-bar').getByRole('alert'))).toBe(
      'Say why they are dismissed: the reason is kept with each signal.',
    );
    // Meanwhile a colleague resolves the second one.
    await stack.api(`/signals/${second.id}/resolve`, {
      ...agent,
      method: 'POST',
      body: { reason: 'Parcel found' },
    });
    await page.getByLabel('Reason').fill('Warehouse feed was down this morning');
    await page.getByTestId('signal-bulk-bar').getByRole('button', { name: 'Dismiss' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toMatch(
      /^Dismissed 1 signal(; \d+ pending actions? skipped)?; 1 signal had ended already and was left as it was\.$/,
    );
    expect(await stack.api<Signal>(`/signals/${first.id}`, agent)).toMatchObject({
      state: 'dismissed',
      resolution: 'Warehouse feed was down this morning',
    });
    expect(await stack.api<Signal>(`/signals/${second.id}`, agent)).toMatchObject({
      state: 'resolved',
      resolution: 'Parcel found',
    });
    // The list is read again: both have left the live signals, and the selection is gone.
    await eventually(async () => (await texts(rows.locator('td.cell-primary a'))).length).toBe(
      (await signals('state=open,acted&limit=10')).length,
    );
    expect(await rows.filter({ has: page.locator(`a[href="/signals/${first.id}"]`) }).count()).toBe(0);
    expect(await page.getByTestId('signal-bulk-bar').count()).toBe(0);

    // The header box takes every live row shown; Clear lets them go.
    await page.getByLabel('Select all live signals shown').check();
    const shown = await rows.count();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe(`${shown} signals selected`);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    expect(await page.getByTestId('signal-bulk-bar').count()).toBe(0);
    expect(await page.getByLabel('Select all live signals shown').isChecked()).toBe(false);

    // Closed signals have no box: nothing to close.
    await page.getByLabel('State').selectOption({ label: 'Dismissed' });
    await eventually(async () => new URL(page.url()).search).toBe('?state=dismissed');
    await eventually(() => rows.first().getAttribute('data-state')).toBe('dismissed');
    expect(await rows.locator('input[type=checkbox]').count()).toBe(0);
    await page.unroute('**/api/v1/live');
  });

  it('with every live signal shown ticked, offers all that match the filters, beyond the page, and closes them', async () => {
    // More than one page of live signals for certain, whatever the demo's timers and the tests
    // above have left: a rule of its own fires twelve.
    const { token } = await createEventSource(stack, 'history-wms');
    await stack.api('/rules', {
      login: DEMO.admin,
      method: 'POST',
      body: {
        kind: 'match',
        name: 'Parcel held at customs (history test)',
        severity: 'medium',
        when: { type: 'shipment.exception', where: [{ field: 'data.code', op: 'eq', value: 'held' }] },
        dedupe: { ref: 'shipmentId' },
      },
    });
    await sendEvents(
      stack,
      token,
      Array.from({ length: 12 }, (_, n) => ({
        id: `history-held-${n}`,
        type: 'shipment.exception',
        occurredAt: new Date().toISOString(),
        customer: { email: DEMO.customer.email },
        refs: { shipmentId: `SH-HELD-${n}` },
        data: { code: 'held' },
      })),
    );
    const liveCount = async () =>
      (await stack.api<{ total: number }>('/signals?state=open,acted&limit=1&includeTotal=true', agent))
        .total;
    await expect.poll(liveCount).toBeGreaterThanOrEqual(12);
    const total = await liveCount();
    await page.goto(`${stack.url}/signals?state=open,acted`);
    const rows = page.getByTestId('signal-row');
    await eventually(() => rows.count()).toBe(10);
    await page.getByLabel('Select all live signals shown').check();
    const scope = page.getByTestId('signal-scope');
    await eventually(() => text(scope)).toBe(
      `All 10 live signals shown are selected. Select all ${total} live signals that match`,
    );
    await page.getByTestId('signal-select-all').click();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe(`${total} signals selected`);
    expect(await text(scope)).toBe(
      `All ${total} live signals that match the filters are selected. Select only the 10 signals shown`,
    );
    // Back to the rows shown, and again to all.
    await scope.getByRole('button', { name: 'Select only the 10 signals shown' }).click();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe('10 signals selected');
    await page.getByTestId('signal-select-all').click();
    await page.getByLabel('Reason').fill('Drill: every live signal at once');
    await page.getByTestId('signal-bulk-bar').getByRole('button', { name: 'Dismiss' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toMatch(
      new RegExp(`^Dismissed ${total} signals(; \\d+ pending actions? skipped)?\\.$`),
    );
    expect(await liveCount()).toBe(0);
    await eventually(() => page.getByTestId('signals-empty').count()).toBe(1);
    expect(await page.getByTestId('signal-bulk-bar').count()).toBe(0);
  });

  it('with a KPI tile’s filter ("with a due time"), all that match are offered and only those close', async () => {
    // A rule of its own (off: no event fires it) with twelve live signals due and three not.
    const rule = await makeRule(stack.db, { name: `Due soon ${unique()} (history test)`, enabled: false });
    const due = [];
    for (let n = 0; n < 12; n++)
      due.push(await makeSignal(stack.db, { ruleId: rule.id, dueAt: hoursFromNow(n + 1) }));
    const notDue = [];
    for (let n = 0; n < 3; n++) notDue.push(await makeSignal(stack.db, { ruleId: rule.id }));
    const query = `ruleId=${rule.id}&hasDueTime=true`;
    expect((await signals(`${query}&state=open,acted&limit=100`)).map((x) => x.id).sort()).toEqual(
      due.map((x) => x.id).sort(),
    );
    await page.goto(`${stack.url}/signals?${query}`);
    expect(await text(page.getByTestId('signals-hasDueTime-filter'))).toContain('With a due time');
    const rows = page.getByTestId('signal-row');
    await eventually(() => rows.count()).toBe(10);
    await page.getByLabel('Select all live signals shown').check();
    const scope = page.getByTestId('signal-scope');
    await eventually(() => text(scope)).toBe(
      'All 10 live signals shown are selected. Select all 12 live signals that match',
    );
    await page.getByTestId('signal-select-all').click();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe('12 signals selected');
    await page.getByLabel('Reason').fill('Drill: the due ones only');
    await page.getByTestId('signal-bulk-bar').getByRole('button', { name: 'Dismiss' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Dismissed 12 signals.');
    for (const x of due)
      expect(await stack.api<Signal>(`/signals/${x.id}`, agent)).toMatchObject({
        state: 'dismissed',
        resolution: 'Drill: the due ones only',
      });
    for (const x of notDue) expect((await stack.api<Signal>(`/signals/${x.id}`, agent)).state).toBe('open');
    await eventually(() => rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-state')))).toEqual(
      Array(10).fill('dismissed'),
    );
  });
});

describe('commitments page', () => {
  /** The page counts days in the company's zone once it has read it (the browser's until then). */
  const inCompanyZone = () =>
    eventually(() => page.getByTestId('rates-zone').getAttribute('data-zone')).toBe('Europe/Berlin');

  it('shows on-time rates per agreement and per segment, worst first, as the API counts them', async () => {
    await page.goto(`${stack.url}/board`);
    await page.getByRole('link', { name: 'All commitments and on-time rates' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/commitments');
    // The page's "Last 90 days" starts where the KPI page's does: the Monday of the week 90 days
    // back, at midnight where the demo company works (Berlin; the agent chose no zone).
    await inCompanyZone();
    const from = (await page.getByTestId('rates-section').getAttribute('data-from'))!;
    const monday = kpiPeriod(new Date(), 90, undefined, 'Europe/Berlin').from;
    const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', weekday: 'long' });
    expect([from, weekday.format(new Date(from))]).toEqual([monday.toISOString(), 'Monday']);
    for (const [by, label] of [
      ['agreement', 'Agreement'],
      ['segment', 'Segment'],
    ] as const) {
      if (by !== 'agreement') await page.getByLabel('Per').selectOption({ label });
      const rates = (
        await stack.api<{ items: CommitmentRate[] }>(`/commitments/rates?by=${by}&from=${from}`, agent)
      ).items;
      expect(rates.length).toBeGreaterThan(0);
      await eventually(() => texts(page.getByTestId('rate-group'))).toEqual(
        rates.map((r) => r.groupName ?? `No ${label.toLowerCase()}`),
      );
      expect(await texts(page.getByTestId('rate-value'))).toEqual(
        rates.map((r) => (r.onTimeRate === null ? '—' : `${Math.round(r.onTimeRate * 100)}%`)),
      );
      const first = page.getByTestId('rate-row').first().locator('td');
      expect(await texts(first)).toEqual([
        rates[0]!.groupName ?? `No ${label.toLowerCase()}`,
        String(rates[0]!.met),
        String(rates[0]!.late),
        String(rates[0]!.broken),
        String(rates[0]!.overdue),
        expect.any(String),
      ]);
      expect(await page.getByRole('meter').first().getAttribute('aria-valuenow')).toBe(
        String(Math.round((rates[0]!.onTimeRate ?? 0) * 100)),
      );
    }
    expect(new URL(page.url()).searchParams.get('by')).toBe('segment');
  });

  it('lists every commitment, what needs attention first, latest due or soonest, narrowed by state and agreement', async () => {
    await page.goto(`${stack.url}/commitments`);
    const customers = () => texts(page.getByTestId('commitment-row').locator('td:nth-child(3)'));
    const dues = () => page.getByTestId('commitment-row').locator('td time').first().getAttribute('datetime');
    const named = (list: Commitment[]) => list.slice(0, 10).map((c) => c.customerName ?? 'No customer');
    const shown = () =>
      page
        .getByTestId('commitment-row')
        .evaluateAll((rows) =>
          rows.map((r) => [r.getAttribute('data-state'), r.querySelector('time')?.getAttribute('datetime')]),
        );

    // Unfiltered, what needs attention comes first: every overdue one, then the soonest due, not
    // invoices due in two weeks with the overdue ones past "Show more".
    const attention = await commitments('sort=attention');
    const overdue = attention.filter((c) => c.state === 'overdue');
    expect(overdue.length).toBeGreaterThan(0);
    expect(attention.slice(0, overdue.length)).toEqual(overdue);
    await eventually(shown).toEqual(attention.slice(0, 10).map((c) => [c.state, c.dueAt]));
    expect((await shown())[0]![0]).toBe('overdue');
    expect(await page.getByLabel('Sort').inputValue()).toBe('attention');

    await page.getByLabel('State').selectOption({ label: 'Met late' });
    const late = await commitments('state=late&sort=-dueAt');
    expect(late.length).toBeGreaterThan(1);
    // Waited for by content, not by count: with the demo's history there are more than ten late
    // ones, as many rows as the unfiltered list shows.
    await eventually(() =>
      page
        .getByTestId('commitment-row')
        .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-state')))]),
    ).toEqual(['late']);
    await eventually(() => rowCount('commitment-row')).toBe(Math.min(10, late.length));
    await eventually(customers).toEqual(named(late));
    expect(await dues()).toBe(late[0]!.dueAt);

    await page.getByLabel('Sort').selectOption({ label: 'Soonest due first' });
    const soonest = await commitments('state=late');
    await eventually(dues).toBe(soonest[0]!.dueAt);
    expect(await customers()).toEqual(named(soonest));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('dueAt');

    const agreement = late[0]!;
    await page.getByLabel('Agreement').selectOption({ label: agreement.agreementName });
    const ofAgreement = await commitments(`state=late&agreementId=${agreement.agreementId}`);
    await eventually(customers).toEqual(named(ofAgreement));
    expect(await rowCount('commitment-row')).toBe(Math.min(10, ofAgreement.length));
    expect(new URL(page.url()).searchParams.get('agreementId')).toBe(agreement.agreementId);
  });

  it('each count of the rates leads to exactly the commitments behind it', async () => {
    await page.goto(`${stack.url}/commitments?by=organization`);
    await inCompanyZone();
    const from = new Date((await page.getByTestId('rates-section').getAttribute('data-from'))!);
    const ratesBy = async (by: string) =>
      (
        await stack.api<{ items: CommitmentRate[] }>(
          `/commitments/rates?by=${by}&from=${from.toISOString()}`,
          agent,
        )
      ).items;
    const states = () =>
      page
        .getByTestId('commitment-row')
        .evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-state')))]);

    // An organization's late deliveries of the last 90 days: as many rows as the count says.
    const org = (await ratesBy('organization')).find((r) => r.groupId && r.late > 0 && r.late <= 10)!;
    expect(org).toBeDefined();
    await page.getByRole('link', { name: `${org.late} met late: ${org.groupName}` }).click();
    const url = new URL(page.url());
    expect([url.searchParams.get('organizationId'), url.searchParams.get('state')]).toEqual([
      org.groupId,
      'late',
    ]);
    expect(url.searchParams.get('closedFrom')).toBe(from.toISOString());
    await eventually(() => text(page.getByTestId('about-filter'))).toContain(
      `Organization: ${org.groupName}`,
    );
    expect(await text(page.getByTestId('commitments-period-filter'))).toMatch(/^Closed since /);
    await eventually(() => rowCount('commitment-row')).toBe(org.late);
    expect(await states()).toEqual(['late']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('commitments-title');
    // The rates stay for every organization; dropping the period shows the older late ones too.
    expect(await rowCount('rate-row')).toBeGreaterThan(1);
    const allLate = await stack.api<{ total: number }>(
      `/commitments?organizationId=${org.groupId}&state=late&includeTotal=true&limit=1`,
      agent,
    );
    await page.getByRole('button', { name: /^Drop the filter: Closed since/ }).click();
    await eventually(() => page.getByTestId('commitments-period-filter').count()).toBe(0);
    await eventually(() => rowCount('commitment-row')).toBe(Math.min(10, allLate.total));

    // A segment's overdue ones: overdue now, whenever they fell due (no period).
    await page.getByLabel('Per').selectOption({ label: 'Segment' });
    const seg = (await ratesBy('segment')).find((r) => r.groupId && r.overdue > 0)!;
    expect(seg).toBeDefined();
    await page.getByRole('link', { name: `${seg.overdue} overdue now: ${seg.groupName}` }).click();
    await eventually(() => text(page.getByTestId('commitments-segment-filter').locator('.tag'))).toBe(
      `Segment: ${seg.groupName}`,
    );
    // The organization of before is gone: one group at a time.
    expect(await page.getByTestId('about-filter').count()).toBe(0);
    expect(await page.getByTestId('commitments-period-filter').count()).toBe(0);
    await eventually(() => rowCount('commitment-row')).toBe(seg.overdue);
    expect(await states()).toEqual(['overdue']);
  });

  it('"Last month": the previous calendar month, its counts lead to that month, and the rates export as CSV', async () => {
    await page.goto(`${stack.url}/commitments?by=customer`);
    await page.getByLabel('Closed in').selectOption({ label: 'Last month' });
    await eventually(async () => new URL(page.url()).searchParams.get('days')).toBe('last-month');
    // The test browser is in UTC, but the demo company works in Berlin (the agent chose no zone):
    // the 1st of last month to the 1st of this one, at midnight in Berlin.
    await inCompanyZone();
    const inBerlin = (ms: number) => {
      const p = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'Europe/Berlin',
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
        })
          .formatToParts(ms)
          .map((x) => [x.type, Number(x.value)]),
      ) as Record<string, number>;
      return p;
    };
    const midnight = (year: number, month: number) => {
      const wall = Date.UTC(year, month, 1);
      const at = inBerlin(wall);
      const offset = Date.UTC(at.year!, at.month! - 1, at.day!, at.hour!) - wall;
      return new Date(wall - offset).toISOString();
    };
    const today = inBerlin(Date.now());
    const first = midnight(today.year!, today.month! - 2);
    const next = midnight(today.year!, today.month! - 1);
    const section = page.getByTestId('rates-section');
    await eventually(() => section.getAttribute('data-from')).toBe(first);
    expect(await section.getAttribute('data-to')).toBe(next);
    const rates = (
      await stack.api<{ items: CommitmentRate[] }>(
        `/commitments/rates?by=customer&from=${first}&to=${next}&limit=100`,
        agent,
      )
    ).items;
    // The demo's history has closed deliveries last month.
    expect(rates.reduce((n, r) => n + r.met + r.late + r.broken, 0)).toBeGreaterThan(0);
    await eventually(() => texts(page.getByTestId('rate-group'))).toEqual(rates.map((r) => r.groupName));
    expect(await text(page.getByTestId('rates-period'))).toMatch(/^Closed \S.* – \S/);

    // A count: the customer's met ones closed in that month only.
    const one = rates.find((r) => r.met > 0 && r.met <= 10)!;
    expect(one).toBeDefined();
    await page.getByRole('link', { name: `${one.met} met on time: ${one.groupName}` }).click();
    const url = new URL(page.url());
    expect([url.searchParams.get('closedFrom'), url.searchParams.get('closedBefore')]).toEqual([first, next]);
    expect(await text(page.getByTestId('commitments-period-filter'))).toMatch(/^Closed \S.* – \S/);
    await eventually(() => rowCount('commitment-row')).toBe(one.met);
    const closed = await page
      .getByTestId('commitment-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(new Set(closed)).toEqual(new Set(['met']));

    // Export CSV: the table shown, a row per customer, every one of them.
    const all = (
      await stack.api<{ items: CommitmentRate[] }>(
        `/commitments/rates?by=customer&from=${first}&to=${next}&limit=500`,
        agent,
      )
    ).items;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-commitment-rates-by-customer').click(),
    ]);
    // Named by the period shown: its first and last day.
    expect(download.suggestedFilename()).toMatch(
      /^commitment-rates-by-customer-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/,
    );
    const file = parse(await readFile((await download.path())!, 'utf8'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(
      file.map((r) => [r['Customer id'], Number(r.Met), Number(r['Met late']), Number(r.Broken)]),
    ).toEqual(all.map((r) => [r.groupId, r.met, r.late, r.broken]));
  });

  it('narrows to one organization or customer from their pages, and back to all', async () => {
    // The organization of a resolved signal (resolved ones stay put while the demo's timers fire).
    const [resolvedOne] = await signals('state=resolved');
    const org = { id: resolvedOne!.organizationId!, name: resolvedOne!.organizationName! };
    await page.goto(`${stack.url}/organizations/${org.id}`);
    await page.getByRole('link', { name: 'All of them, by state, severity or rule' }).click();
    await eventually(async () => new URL(page.url()).search).toBe(`?organizationId=${org.id}`);
    await eventually(() => text(page.getByTestId('about-filter'))).toContain(`Organization: ${org.name}`);
    const theirs = await signals(`organizationId=${org.id}&state=resolved`);
    expect(theirs.map((x) => x.id)).toContain(resolvedOne!.id);
    await page.getByLabel('State').selectOption({ label: 'Resolved' });
    await eventually(async () => texts(page.getByTestId('signal-row').locator('td.cell-primary a'))).toEqual(
      theirs.slice(0, 10).map(signalTitle),
    );
    expect(new URL(page.url()).searchParams.get('organizationId')).toBe(org.id);
    await page.getByRole('button', { name: `Show all, not only ${org.name}` }).click();
    await eventually(() => page.getByTestId('about-filter').count()).toBe(0);
    const all = await signals('state=resolved');
    await eventually(async () => texts(page.getByTestId('signal-row').locator('td.cell-primary a'))).toEqual(
      all.slice(0, 10).map(signalTitle),
    );

    // A customer’s commitments, what needs attention first (the list’s default order).
    const maria = (await stack.api<{ items: Customer[] }>(`/customers?q=${DEMO.customer.email}`, agent))
      .items[0]!;
    await page.goto(`${stack.url}/customers/${maria.id}`);
    // Her on-time rate over the last 90 days, as the API counts it.
    const [rate] = (
      await stack.api<{ items: CommitmentRate[] }>(
        `/commitments/rates?by=customer&customerId=${maria.id}`,
        agent,
      )
    ).items;
    expect(rate).toBeDefined();
    const pct = rate!.onTimeRate === null ? '—' : `${Math.round(rate!.onTimeRate * 100)}%`;
    await eventually(() => text(page.getByTestId('customer-on-time'))).toBe(
      `On time in the last 90 days: ${pct} (${rate!.met} met, ${rate!.late} late, ${rate!.broken} broken, ${rate!.overdue} overdue now)`,
    );
    await page.getByRole('link', { name: 'All of them, by state or agreement' }).click();
    await eventually(() => text(page.getByTestId('about-filter'))).toContain(`Customer: ${maria.name}`);
    const hers = await commitments(`customerId=${maria.id}&sort=attention`);
    expect(hers.length).toBeGreaterThan(0);
    await eventually(() =>
      page
        .getByTestId('commitment-row')
        .evaluateAll((rows) => rows.map((r) => r.querySelector('time')?.getAttribute('datetime'))),
    ).toEqual(hers.slice(0, 10).map((c) => c.dueAt));
    expect(new Set(await texts(page.getByTestId('commitment-row').locator('td:nth-child(3)')))).toEqual(
      new Set([maria.name]),
    );
  });

  it('is for staff: a customer is sent to the portal', async () => {
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    for (const path of ['/commitments', '/signals']) {
      await customer.goto(`${stack.url}${path}`);
      await eventually(async () => new URL(customer.url()).pathname).toBe('/portal');
    }
    expect(
      await stack.api(`/commitments/rates`, { login: DEMO.customer }).catch((e: Error) => e.message),
    ).toMatch(/403/);
  });
});
