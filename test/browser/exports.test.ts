// "Export CSV" on the lists and the KPI page: the file the browser saves holds what the page
// shows (the same view, search and filters, every page of it), with times in the zone the person
// works in (the demo company's, Berlin: the agent chose none; the browser is in UTC); the customer
// list's export is an admin's.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import { STATUS_LABELS, SIGNAL_STATE_LABELS } from '../../src/shared/labels.js';
import { CUSTOMER_CSV_COLUMNS, CUSTOMER_CSV_HEADERS } from '../../src/shared/schemas/imports.js';
import type { ProactiveTrend, RuleOutcomes, Signal } from '../../src/shared/schemas/signals.js';
import { DEMO, eventually, signIn, startStack, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
const agent = { login: DEMO.agent };

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(() => stack?.stop());

/** Clicks an export button and reads the saved file: its name and its rows by header. */
async function exported(on: Page, testId: string) {
  const [download] = await Promise.all([on.waitForEvent('download'), on.getByTestId(testId).click()]);
  const text = await readFile((await download.path())!, 'utf8');
  expect(text.charCodeAt(0), 'a byte-order mark first').toBe(0xfeff);
  return {
    filename: download.suggestedFilename(),
    records: parse(text, { bom: true, columns: true }) as Record<string, string>[],
  };
}

const ZONE = 'Europe/Berlin';
const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, dateStyle: 'short', timeStyle: 'medium' });
const today = () => berlin.format(new Date()).slice(0, 10);
/** An API time as the export writes it in Berlin time. */
const local = (iso: string | null) => (iso ? berlin.format(new Date(iso)) : '');

describe('exports from the pages', () => {
  it('the case queue: the view and search shown, every case of them', async () => {
    const views = await stack.api<{ items: { id: string; name: string }[] }>('/views', agent);
    const view = views.items.find((v) => v.name === 'All unsolved')!;
    await page.goto(`${stack.url}/cases?view=${view.id}`);
    await eventually(() => page.getByTestId('case-total').innerText()).toMatch(/\d+ cases?/);
    const expected = await stack.api<{ items: CaseSummary[] }>(`/cases?view=${view.id}&limit=500`, agent);
    const { filename, records } = await exported(page, 'export-cases');
    expect(filename).toBe(`cases-${today()}.csv`);
    expect(records.map((r) => Number(r.Case))).toEqual(expected.items.map((c) => c.number));
    const first = expected.items[0]!;
    expect(records[0]).toMatchObject({
      Subject: first.subject,
      Customer: first.customer.name,
      // In the queue's words; the header names the zone of the times.
      Status: STATUS_LABELS[first.status],
      [`Created (${ZONE})`]: local(first.createdAt),
    });
    // The button names the zone of the file's times.
    expect(await page.getByTestId('export-cases').getAttribute('title')).toBe(`Times in ${ZONE}`);

    // With a search, the file holds what the search found.
    await page.getByLabel('Search cases').fill('parcel');
    await page.getByLabel('Search cases').press('Enter');
    await eventually(() => page.getByTestId('case-total').innerText()).toMatch(/found/);
    const found = await stack.api<{ items: CaseSummary[] }>(`/cases?view=${view.id}&q=parcel`, agent);
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.length).toBeLessThan(expected.items.length);
    const searched = await exported(page, 'export-cases');
    expect(searched.records.map((r) => r.Id)).toEqual(found.items.map((c) => c.id));
  });

  it('the signals list with its filters, and the commitments list', async () => {
    await page.goto(`${stack.url}/signals?state=resolved`);
    const resolved = await stack.api<{ items: Signal[] }>('/signals?state=resolved&limit=500', agent);
    expect(resolved.items.length).toBeGreaterThan(10);
    const { filename, records } = await exported(page, 'export-signals');
    expect(filename).toBe(`signals-${today()}.csv`);
    expect(records.map((r) => r.Id)).toEqual(resolved.items.map((s) => s.id));
    expect(new Set(records.map((r) => r.State))).toEqual(new Set([SIGNAL_STATE_LABELS.resolved]));
    expect(records[0]?.[`Detected (${ZONE})`]).toBe(local(resolved.items[0]!.detectedAt));

    // The page shows the latest due first.
    await page.goto(`${stack.url}/commitments?state=late`);
    const late = await stack.api<{ items: { id: string }[]; nextCursor: string | null }>(
      '/commitments?state=late&sort=-dueAt&limit=500',
      agent,
    );
    const commitments = await exported(page, 'export-commitments');
    expect(commitments.records.map((r) => r.Id)).toEqual(late.items.map((c) => c.id));
    expect(new Set(commitments.records.map((r) => r.State))).toEqual(new Set(['Met late']));
  });

  it('the KPI page: the trend of the period and interval shown, and the per-rule table', async () => {
    await page.goto(`${stack.url}/kpis?days=90&interval=week`);
    const root = page.getByTestId('kpis-page');
    await eventually(() => root.getAttribute('data-interval')).toBe('week');
    // Set once the zone the page counts in is known (before, the period is not).
    await eventually(() => root.getAttribute('data-from')).toMatch(/Z$/);
    const from = (await root.getAttribute('data-from'))!;
    const q = `from=${encodeURIComponent(from)}`;
    const trend = await stack.api<ProactiveTrend>(
      `/kpis/proactive/trend?${q}&interval=week&timezone=${ZONE}`,
      agent,
    );
    const weeks = await exported(page, 'export-proactive-kpis-by-week');
    // Named by the period shown (the server's name): its first and last day in Berlin.
    expect(weeks.filename).toBe(
      `proactive-kpis-by-week-${local(trend.from).slice(0, 10)}-to-${local(
        new Date(Date.parse(trend.to) - 1).toISOString(),
      ).slice(0, 10)}.csv`,
    );
    expect(weeks.records.map((r) => r['Week of'])).toEqual(
      trend.buckets.map((b) => local(b.start).slice(0, 10)),
    );
    expect(weeks.records.map((r) => Number(r.Signals))).toEqual(trend.buckets.map((b) => b.signals));
    expect(trend.buckets.reduce((n, b) => n + b.signals, 0)).toBeGreaterThan(100);

    const rules = await stack.api<RuleOutcomes>(`/kpis/proactive/rules?${q}`, agent);
    const perRule = await exported(page, 'export-rule-outcomes');
    expect(perRule.records.map((r) => r.Rule)).toEqual(rules.items.map((r) => r.name));
    expect(perRule.records.map((r) => Number(r.Dismissed))).toEqual(rules.items.map((r) => r.dismissed));
    expect(perRule.filename).toMatch(/^rule-outcomes-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
    // The period on every row, in the page's zone (its days start at midnight there).
    expect(perRule.records[0]?.[`From (${ZONE})`]).toMatch(/^\d{4}-\d\d-\d\d 00:00:00$/);
  });

  it('customers: an admin exports the list searched, in the import format; an agent has no button', async () => {
    await page.goto(`${stack.url}/customers`);
    await eventually(() => page.getByTestId('customer-total').innerText()).toMatch(/\d+ customers/);
    expect(await page.getByTestId('export-customers').count()).toBe(0);

    const adminPage = await stack.newPage();
    await signIn(adminPage, stack.url, DEMO.admin);
    await adminPage.goto(`${stack.url}/customers?q=northwind`);
    await eventually(() => adminPage.getByTestId('customer-total').innerText()).toMatch(/found/);
    const expected = await stack.api<{ items: Customer[] }>('/customers?q=northwind&limit=500', {
      login: DEMO.admin,
    });
    const { filename, records } = await exported(adminPage, 'export-customers');
    expect(filename).toBe(`customers-${today()}.csv`);
    // The import's columns, under the names it reads too ("Time zone").
    expect(Object.keys(records[0]!).slice(0, CUSTOMER_CSV_COLUMNS.length)).toEqual(
      CUSTOMER_CSV_COLUMNS.map((c) => CUSTOMER_CSV_HEADERS[c]),
    );
    expect(records.map((r) => r['E-mail'])).toEqual(expected.items.map((c) => c.email ?? ''));
  });

  it('organizations: an admin exports the list filtered by segment; an agent has no button', async () => {
    await page.goto(`${stack.url}/organizations`);
    await eventually(() => page.getByTestId('organization-total').innerText()).toBe('8 organizations');
    expect(await page.getByTestId('export-organizations').count()).toBe(0);

    const adminPage = await stack.newPage();
    await signIn(adminPage, stack.url, DEMO.admin);
    await adminPage.goto(`${stack.url}/organizations?segment=enterprise`);
    await eventually(() => adminPage.getByTestId('organization-total').innerText()).toBe(
      '3 organizations found',
    );
    const { filename, records } = await exported(adminPage, 'export-organizations');
    expect(filename).toBe(`organizations-${today()}.csv`);
    expect(records.map((r) => [r.Name, r.Segment, r.Customers])).toEqual([
      ['Contoso Retail', 'enterprise', expect.stringMatching(/^\d+$/)],
      ['Fabrikam Manufacturing', 'enterprise', expect.stringMatching(/^\d+$/)],
      ['Northwind Traders', 'enterprise', '61'],
    ]);
    expect(records[2]!.Domains).toBe('northwind.example');
    expect(Object.keys(records[0]!)).toContain(`Created (${ZONE})`);
  });
});
