// Proactive service: an admin writes a signal rule in the editor (a bad value is caught next to
// its field, the JSON view follows the form and back, a dry run counts past events), events sent
// by an operational system open a signal that shows up on the board without a reload, the signal
// page shows the evidence and the proactive case, a dismissal with a reason closes it, and the
// customer page lists it; a commitment added to an agreement in its form is opened and kept by
// events, on the board and the customer page. Everything asserted on is created here: the demo data may hold rules
// and signals of its own.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Rule } from '../../src/shared/schemas/rules.js';
import type { Commitment, Signal, SignalDetail } from '../../src/shared/schemas/signals.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import {
  agreementForCustomer,
  createAlwaysOpenCalendar,
  createEventSource,
  findCustomer,
  sendEvents,
} from './fixtures.js';
import type { Agreement } from '../../src/shared/schemas/agreements.js';
import { makeCase, unique } from '../helpers/factories.js';
import { makeRule, makeSignal } from '../helpers/signal-factories.js';
import { signalTitle } from '../../src/web/signals/ref-labels.js';

let stack: Stack;
let page: Page;
let mariaId: string;
let token: string;
let ruleId: string;
let signal: Signal;
const admin = { login: DEMO.admin };

const RULE = 'Damaged parcel (browser test)';
const CODE = 'bt-zephyr-damage';
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  stack = await startStack();
  mariaId = (await findCustomer(stack, DEMO.customer.email)).id;
  token = (await createEventSource(stack, 'bt-wms')).token;
  // Two damaged parcels last week, before any rule watched: what the dry run should find.
  await sendEvents(stack, token, [
    {
      id: 'bt-past-1',
      type: 'shipment.exception',
      occurredAt: ago(72),
      customer: { email: DEMO.customer.email },
      refs: { orderId: 'SO-BT-1', shipmentId: 'SH-BT-1' },
      data: { code: CODE, location: 'Leipzig hub' },
    },
    {
      id: 'bt-past-2',
      type: 'shipment.exception',
      occurredAt: ago(48),
      customer: { email: DEMO.customer.email },
      refs: { orderId: 'SO-BT-2', shipmentId: 'SH-BT-2' },
      data: { code: CODE, location: 'Kassel hub' },
    },
    // Another exception code: the rule's condition leaves it out.
    {
      id: 'bt-past-3',
      type: 'shipment.exception',
      occurredAt: ago(24),
      customer: { email: DEMO.customer.email },
      refs: { orderId: 'SO-BT-3', shipmentId: 'SH-BT-3' },
      data: { code: 'bt-address-unclear' },
    },
  ]);
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
});

/** Live signals (open or acted on) whose case nobody owns, everyone's: what the board's line counts. */
const unownedTotal = async () =>
  (
    await stack.api<{ total: number }>(
      '/signals?state=open,acted&caseUnassigned=true&limit=1&includeTotal=true',
      admin,
    )
  ).total;
/** The board (open in `page`) says the count of them in its line; returns it. */
async function expectBoardUnownedLine() {
  const n = await unownedTotal();
  expect(n).toBeGreaterThan(0);
  await eventually(() => text(page.getByTestId('board-unowned'))).toBe(
    `${n} ${n === 1 ? 'signal' : 'signals'} with nobody on ${n === 1 ? 'its' : 'their'} case →`,
  );
  return n;
}

const jsonView = async () =>
  JSON.parse(await page.getByTestId('rule-json').inputValue()) as Record<string, unknown>;

describe('rule editor', () => {
  it('writes a match rule: a bad value is caught at its field, JSON and form agree, a dry run counts past events', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Signal rules' })
      .click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/admin/rules');
    await page.getByRole('link', { name: 'New rule' }).click();
    await eventually(() => text(page.getByTestId('rule-heading'))).toBe('New signal rule');

    await page.getByLabel('Name', { exact: true }).fill(RULE);

    // A new rule starts as an absence rule; a wait in words is not a duration, and the shared
    // schema says so next to the input, before anything is sent.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/rules')) posts.push(r.url());
    });
    // The wait is an amount and a unit (ISO 8601 on the JSON side): it starts at 2 days.
    const wait = page.getByLabel('Fire when it has not come within', { exact: true });
    const unit = page.getByLabel('Unit: Fire when it has not come within');
    expect(await wait.inputValue()).toBe('2');
    expect(await unit.inputValue()).toBe('days');
    await wait.fill('48 hours');
    await eventually(() => text(page.getByTestId('error-rule-within'))).toBe(
      'must be a number of days, e.g. 2 or 1.5',
    );
    await wait.fill('400');
    await eventually(() => text(page.getByTestId('error-rule-within'))).toBe('must be at most 366 days');
    // A decimal that comes to whole minutes is taken: 1.5 days is 36 hours.
    await wait.fill('1.5');
    await eventually(async () => (await jsonView()).within).toBe('PT36H');
    expect(await page.getByTestId('error-rule-within').count()).toBe(0);
    expect(await wait.inputValue()).toBe('1.5');
    await wait.fill('36');
    await unit.selectOption('hours');
    expect(await page.getByTestId('error-rule-within').count()).toBe(0);
    await eventually(async () => (await jsonView()).within).toBe('PT36H');
    // A wait not in whole minutes, written on the JSON side, is shown as written there…
    const withWait = async (within: string) =>
      page.getByTestId('rule-json').fill(JSON.stringify({ ...(await jsonView()), within }, null, 2));
    await withWait('PT90S');
    await eventually(() => wait.inputValue()).toBe('PT90S');
    expect(await unit.count()).toBe(0);
    expect(await page.getByText('As written in the JSON (ISO 8601').count()).toBe(1);
    // …and one in whole hours is an amount and a unit again.
    await withWait('PT36H');
    await eventually(() => wait.inputValue()).toBe('36');
    expect(await unit.inputValue()).toBe('hours');

    // It is a match rule after all: the name stays.
    await page.getByRole('radio', { name: /^Match/ }).check();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(RULE);
    const events = page.getByTestId('selector-when');
    await events.getByLabel('Event type').fill('Shipment Exception');
    await eventually(() => text(page.getByTestId('error-rule-when-type'))).toBe(
      'must be dotted lower-case words, e.g. shipment.scanned',
    );
    await events.getByLabel('Event type').fill('shipment.exception');
    expect(await page.getByTestId('error-rule-when-type').count()).toBe(0);

    await events.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').fill('data.code');
    await page.getByLabel('Condition 1 operator').selectOption('eq');
    await page.getByLabel('Condition 1 value').fill(CODE);
    await page.getByLabel('Severity').selectOption('high');
    await page.getByLabel('…and per ref (optional)').fill('shipmentId');

    await page.getByRole('button', { name: '+ Open a proactive case' }).click();
    await page.getByLabel('Subject').fill('Parcel {{refs.shipmentId}} damaged: call {{customer.name}}');
    expect(await texts(page.getByTestId('rule-action').locator('.placeholder'))).toEqual([
      '{{refs.shipmentId}}',
      '{{customer.name}}',
    ]);

    // The JSON view is the same rule.
    const json = await jsonView();
    expect(json).toMatchObject({
      name: RULE,
      kind: 'match',
      severity: 'high',
      enabled: true,
      when: { type: 'shipment.exception', where: [{ field: 'data.code', op: 'eq', value: CODE }] },
      dedupe: { ref: 'shipmentId' },
      actions: [
        {
          kind: 'open_case',
          category: 'other',
          priority: 'normal',
          subject: 'Parcel {{refs.shipmentId}} damaged: call {{customer.name}}',
        },
      ],
    });
    expect(json).not.toHaveProperty('within');
    expect(json).not.toHaveProperty('after');

    // …and edits there reach the form.
    await page
      .getByTestId('rule-json')
      .fill(
        JSON.stringify({ ...json, description: 'Written in the JSON view', severity: 'critical' }, null, 2),
      );
    await eventually(() => page.getByLabel('Description (optional)').inputValue()).toBe(
      'Written in the JSON view',
    );
    expect(await page.getByLabel('Severity').inputValue()).toBe('critical');
    await page.getByLabel('Severity').selectOption('high');
    await eventually(async () => (await jsonView()).severity).toBe('high');
    // Broken JSON is reported and leaves the form alone.
    await page.getByTestId('rule-json').fill('{ "name": ');
    await eventually(() => page.getByTestId('error-rule-json').count()).toBe(1);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe(RULE);
    await page.getByLabel('Severity').selectOption('medium');
    await eventually(() => page.getByTestId('error-rule-json').count()).toBe(0);
    expect(await jsonView()).toMatchObject({ name: RULE, severity: 'medium' });
    await page.getByLabel('Severity').selectOption('high');

    // Dry run over the last 30 days: the two damaged parcels, not the unclear address.
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    await eventually(() => text(page.getByTestId('dry-run-signals'))).toBe('2 signals');
    expect(norm(await text(page.getByTestId('dry-run-summary')))).toMatch(
      /^Would have opened 2 signals for 1 customer, from [\d,]+ events? scanned between /,
    );
    expect(norm(await text(page.getByTestId('dry-run-customer')))).toBe('Maria Jensen 2');
    expect(await page.getByTestId('dry-run-sample').count()).toBe(2);
    expect(norm(await text(page.getByTestId('dry-run-samples')))).toContain('SH-BT-1');
    expect(posts).toEqual([]);

    await page.getByRole('button', { name: 'Create rule' }).click();
    await eventually(() => text(page.getByTestId('rule-heading'))).toBe(RULE);
    expect(await text(page.getByTestId('notice'))).toBe('Rule created: it watches new events from now on.');
    ruleId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await text(page.getByTestId('rule-version'))).toMatch(/^Version 1 · saved .+ · 0 live signals$/);
    await eventually(() => page.getByTestId('version-item').count()).toBe(1);

    const stored = await stack.api<Rule>(`/rules/${ruleId}`, admin);
    expect(stored).toMatchObject({ name: RULE, kind: 'match', severity: 'high', enabled: true, version: 1 });
    expect(stored.definition).toMatchObject({
      description: 'Written in the JSON view',
      dedupe: { ref: 'shipmentId' },
    });
  });

  it('a dry run of a rule not valid yet shows the form’s messages; leaving it half filled is asked first', async () => {
    await page.goto(`${stack.url}/admin/rules/new`);
    await eventually(() => text(page.getByTestId('rule-heading'))).toBe('New signal rule');
    // The example in the empty field is the one its hint gives.
    expect(
      await page.getByTestId('selector-after').getByLabel('Event type').getAttribute('placeholder'),
    ).toBe('shipment.dispatched');
    await page.getByLabel('Name', { exact: true }).fill('Half a rule');
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    await eventually(() => text(page.getByTestId('dry-run-error'))).toBe(
      'Correct the rule first (see the messages in the form): the dry run tries the rule as the form shows it.',
    );
    await eventually(() => page.getByTestId('error-rule-after-type').count()).toBe(1);
    expect(await page.getByTestId('form-errors').count()).toBe(1);

    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page.getByTestId('page-back').click();
    expect(await asked).toBe('Your changes are not saved. Leave this page and lose them?');
    expect(new URL(page.url()).pathname).toBe('/admin/rules/new');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Half a rule');
    await page.goto(`${stack.url}/admin/rules`); // a new page load: nothing to ask
  });

  it('a refused Create rule puts the focus on the first field to fix; each field names its message', async () => {
    await page.goto(`${stack.url}/admin/rules/new`);
    await eventually(() => text(page.getByTestId('rule-heading'))).toBe('New signal rule');
    // The two selectors' event types have names of their own.
    expect(await page.getByLabel('Starting event type', { exact: true }).count()).toBe(1);
    expect(await page.getByLabel('Expected event type', { exact: true }).count()).toBe(1);
    expect(await page.getByLabel('Event type', { exact: true }).count()).toBe(0);
    // Headings go down one level at a time (h1, then h2).
    const levels = await page
      .locator('main')
      .evaluate((main) =>
        [...main.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1])),
      );
    expect(levels[0]).toBe(1);
    expect(levels.filter((level, i) => i > 0 && level > levels[i - 1]! + 1)).toEqual([]);

    await page.getByLabel('Name', { exact: true }).fill('Half a rule, by keyboard');
    await page.getByTestId('selector-after').getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('button', { name: 'Create rule' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('rule-after-type');
    expect(await page.locator('#rule-after-type').getAttribute('aria-describedby')).toContain(
      'rule-after-type-error',
    );
    // A condition's input points at its own message.
    const field = page.getByTestId('selector-after').getByLabel('Condition 1 field');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const message = page.locator(`#${await field.getAttribute('aria-describedby')}`);
    expect(await text(message)).toBe(await text(page.getByTestId('error-rule-after-where-0-field')));
    expect(await text(message)).not.toBe('');
  });

  it('lists the rule with its kind, severity, state and version', async () => {
    await page.goto(`${stack.url}/admin/rules`);
    const row = page.getByTestId('rule-row').filter({ hasText: RULE });
    await eventually(() => row.count()).toBe(1);
    expect(await text(row.getByTestId('rule-kind'))).toBe('Match');
    expect(await text(row.getByTestId('severity-badge'))).toBe('High');
    expect(await row.getByRole('switch', { name: `Enabled: ${RULE}` }).isChecked()).toBe(true);
    expect(await text(row.getByTestId('rule-version'))).toBe('1');
    expect(await text(row.getByTestId('rule-open-signals'))).toBe('0');
  });
});

describe('signals', () => {
  it('opens a signal from an event sent through the API, and the board shows it without a reload', async () => {
    await page.goto(`${stack.url}/board`);
    await eventually(() => page.getByTestId('board-updated').count()).toBe(1);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => Object.assign(window, { boardMarker: 'still here' }));

    await sendEvents(stack, token, [
      {
        id: 'bt-live-1',
        type: 'shipment.exception',
        occurredAt: ago(0.05),
        customer: { email: DEMO.customer.email },
        refs: { orderId: 'SO-BT-9', shipmentId: 'SH-BT-LIVE' },
        data: { code: CODE, location: 'Erfurt hub' },
      },
    ]);
    const found = await stack.api<{ items: Signal[] }>(`/signals?ruleId=${ruleId}`, admin);
    expect(found.items).toHaveLength(1);
    signal = found.items[0]!;
    expect(signal).toMatchObject({
      customerId: mariaId,
      severity: 'high',
      refKey: 'shipmentId',
      refValue: 'SH-BT-LIVE',
    });

    const row = page.locator(`[data-testid="board-signal-row"][data-signal-id="${signal.id}"]`);
    await eventually(() => row.count()).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { boardMarker?: string }).boardMarker)).toBe(
      'still here',
    );
    // The title names the ref in words (as notifications and webhooks carry it); the key on hover.
    expect(signal.title).toBe(`${RULE} · Shipment SH-BT-LIVE`);
    expect(await text(row.getByTestId('signal-title'))).toBe(`${RULE} · Shipment SH-BT-LIVE`);
    expect(await row.getByTestId('signal-ref').locator('.ref').getAttribute('title')).toBe('shipmentId');
    expect(await text(row.getByTestId('severity-badge'))).toBe('High');
    expect(await text(row.getByTestId('signal-customer'))).toContain('Maria Jensen');
    expect(await text(row.getByTestId('signal-rule'))).toBe(RULE);
    expect(norm(await text(row.getByTestId('signal-ref')))).toBe('Shipment SH-BT-LIVE');
    expect(await text(row.getByTestId('signal-age'))).toMatch(/^\d+\u00a0min$/);
    // The rule's action opens the proactive case in the background; the next poll shows it.
    await eventually(() => text(row.getByTestId('signal-case').getByRole('link'))).toMatch(/^#\d+$/);
    expect(await text(row.getByTestId('signal-case-assignee'))).toBe('Unassigned');

    // Filters work on the board's data: another severity hides it, this one keeps it.
    await page.getByLabel('Severity', { exact: true }).selectOption('low');
    await eventually(() => row.count()).toBe(0);
    await page.getByLabel('Severity', { exact: true }).selectOption('high');
    await eventually(() => row.count()).toBe(1);
    await page.getByLabel('Rule', { exact: true }).selectOption({ label: RULE });
    await eventually(() => page.getByTestId('board-signal-row').count()).toBe(1);
    expect(await text(page.getByTestId('board-signal-count'))).toMatch(/^1 of \d+$/);
  });

  it('stops asking while the tab is hidden, and catches up when it is shown again', async () => {
    await page.goto(`${stack.url}/board`);
    await eventually(() => page.getByTestId('board-updated').count()).toBe(1);
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => (h ? 'hidden' : 'visible'),
        });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    const polls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/board') polls.push(r.url());
    });
    await setHidden(true);
    await page.waitForTimeout(200);
    polls.length = 0;
    // More than one 5-second period.
    await page.waitForTimeout(6_500);
    expect(polls).toEqual([]);
    await setHidden(false);
    await eventually(async () => polls.length).toBeGreaterThan(0);
  });

  it('shows the signal: rule, customer, ref, evidence and the proactive case its action opened', async () => {
    await page.goto(`${stack.url}/board`);
    await page
      .locator(`[data-testid="board-signal-row"][data-signal-id="${signal.id}"]`)
      .getByTestId('signal-title')
      .click();
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(signal));
    const detail = await stack.api<SignalDetail>(`/signals/${signal.id}`, admin);
    expect(detail.caseId).not.toBeNull();

    expect(await text(page.getByTestId('signal-rule'))).toBe(`${RULE} · version 1`);
    expect(await page.getByTestId('signal-rule').getByRole('link').getAttribute('href')).toBe(
      `/admin/rules/${ruleId}`,
    );
    expect(await text(page.getByTestId('signal-customer'))).toContain('Maria Jensen');
    expect(norm(await text(page.getByTestId('signal-ref')))).toBe('Shipment SH-BT-LIVE');

    const evidence = page.getByTestId('evidence-row');
    expect(await evidence.count()).toBe(1);
    expect(await text(evidence.getByTestId('evidence-type'))).toBe('shipment.exception');
    expect(norm(await text(evidence.getByTestId('evidence-refs')))).toBe('Order SO-BT-9 Shipment SH-BT-LIVE');
    expect(norm(await text(evidence.getByTestId('evidence-data')))).toBe(`code ${CODE} location Erfurt hub`);

    const action = page.getByTestId('signal-action');
    await eventually(() => action.getByTestId('action-state').getAttribute('data-state')).toBe('done');
    expect(await text(action.locator('.signal-action__kind'))).toBe('1. Open a proactive case');
    const proactive = await stack.api<Case>(`/cases/${detail.caseId}`, admin);
    expect(proactive.subject).toBe('Parcel SH-BT-LIVE damaged: call Maria Jensen');
    expect(await text(page.getByTestId('signal-case'))).toBe(`Case #${proactive.number}`);
    expect(await text(action.getByTestId('action-outcome'))).toBe(`Opened case #${proactive.number}`);

    // The case names the signal that opened it and what it is about, and leads back to it.
    await page.getByTestId('signal-case').getByRole('link').click();
    await eventually(async () => new URL(page.url()).pathname).toBe(`/cases/${proactive.id}`);
    // Only opened so far: nobody has written to Maria in it, so she does not see it yet.
    await eventually(() => text(page.getByTestId('case-internal'))).toBe(
      'Maria Jensen does not see this case yet: a proactive case is internal until its first public message. Your first public reply shows it in their portal.',
    );
    const panel = page.getByTestId('case-signals-panel');
    await eventually(() => texts(panel.getByTestId('case-signal').locator('.mini-case__subject'))).toEqual([
      signalTitle(signal),
    ]);
    expect(
      await panel.getByTestId('case-signal').getByTestId('signal-state').getAttribute('data-state'),
    ).toBe('acted');
    expect(await text(panel.getByTestId('case-signals-hint'))).toBe(
      'Solving this case resolves its live signal.',
    );
    expect(norm(await text(panel.getByTestId('case-refs')))).toBe('Order SO-BT-9 Shipment SH-BT-LIVE');
    // What happened to the order and the shipment, next to the conversation.
    await page.getByRole('tab', { name: 'Events' }).click();
    await eventually(() => texts(page.getByTestId('case-event-type'))).toEqual(['shipment.exception']);
    expect(norm(await text(page.getByTestId('case-event-refs')))).toBe('Order SO-BT-9 Shipment SH-BT-LIVE');
    await panel.getByTestId('case-signal').click();
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(signal));
  });

  it('names who is on the signal: the proactive case’s assignee on the board, the list and its page', async () => {
    const detail = await stack.api<SignalDetail>(`/signals/${signal.id}`, admin);
    await page.goto(`${stack.url}/signals/${signal.id}`);
    await eventually(() => text(page.getByTestId('signal-case-assignee'))).toBe('Nobody yet');
    // Acted on, but nobody has the case: the state says so, not just "Acted on".
    const UNOWNED = 'Acted on · nobody on it';
    expect(detail).toMatchObject({ state: 'acted', caseAssignee: null, caseUnassigned: true });
    expect(await text(page.locator('.page-header').getByTestId('signal-state'))).toBe(UNOWNED);
    expect(await text(page.getByTestId('signal-current-state'))).toBe(UNOWNED);

    // The board says it on the row, and counts such signals (everyone's, live: open or acted on)
    // with a link to their list.
    await page.goto(`${stack.url}/board`);
    const boardRow = page.locator(`[data-testid="board-signal-row"][data-signal-id="${signal.id}"]`);
    await eventually(() => text(boardRow.getByTestId('signal-state'))).toBe(UNOWNED);
    await expectBoardUnownedLine();
    await page.getByTestId('board-unowned').getByRole('link').click();
    await eventually(async () => new URL(page.url()).search).toBe('?state=open,acted&caseUnassigned=true');
    const unowned = await unownedTotal();
    await eventually(() => text(page.getByTestId('signal-total'))).toBe(
      `${unowned} ${unowned === 1 ? 'signal' : 'signals'} found`,
    );
    expect(await page.getByLabel('State', { exact: true }).inputValue()).toBe('open,acted');
    expect(await page.getByLabel('Case', { exact: true }).inputValue()).toBe('true');
    const listed = page.getByTestId('signal-row').filter({ hasText: signalTitle(signal) });
    await eventually(() => text(listed.getByTestId('signal-state'))).toBe(UNOWNED);

    // The Signals page's Case filter: this rule's signals, then only those nobody is on.
    await page.goto(`${stack.url}/signals?ruleId=${ruleId}`);
    const listRow = page.getByTestId('signal-row').filter({ hasText: signalTitle(signal) });
    await eventually(() => text(listRow.getByTestId('signal-state'))).toBe(UNOWNED);
    await page.getByLabel('Case', { exact: true }).selectOption({ label: 'Nobody on it' });
    await eventually(async () => new URL(page.url()).searchParams.get('caseUnassigned')).toBe('true');
    await eventually(() => text(page.getByTestId('signal-total'))).toBe('1 signal found');
    expect(await listRow.count()).toBe(1);

    // And the customer's page.
    await page.goto(`${stack.url}/customers/${mariaId}`);
    const customerRow = page.getByTestId('customer-signal-row').filter({ hasText: signalTitle(signal) });
    await eventually(() => text(customerRow.getByTestId('signal-state'))).toBe(UNOWNED);

    // A colleague takes the case while these pages are open in other tabs: the Signals page, the
    // same filtered to those nobody is on, the signal's page and the case's. Each follows the case
    // as it happens (the live stream), not at the next reload; a mark on each document shows that
    // none was loaded again.
    const list = await stack.newPage();
    const tabs = list.context();
    const [unownedList, signalPage, casePage] = [
      await tabs.newPage(),
      await tabs.newPage(),
      await tabs.newPage(),
    ];
    await signIn(list, stack.url, DEMO.admin);
    await list.goto(`${stack.url}/signals?ruleId=${ruleId}`);
    const tabRow = list.getByTestId('signal-row').filter({ hasText: signalTitle(signal) });
    await eventually(() => text(tabRow.getByTestId('signal-state'))).toBe(UNOWNED);
    await unownedList.goto(`${stack.url}/signals?ruleId=${ruleId}&caseUnassigned=true`);
    await eventually(() => text(unownedList.getByTestId('signal-total'))).toBe('1 signal found');
    await signalPage.goto(`${stack.url}/signals/${signal.id}`);
    const signalState = signalPage.locator('.page-header').getByTestId('signal-state');
    await eventually(() => text(signalState)).toBe(UNOWNED);
    await casePage.goto(`${stack.url}/cases/${detail.caseId}`);
    const panelState = casePage.getByTestId('case-signals-panel').getByTestId('signal-state');
    await eventually(() => text(panelState)).toBe(UNOWNED);
    const open = [page, list, unownedList, signalPage, casePage];
    for (const p of open) await p.evaluate(() => Object.assign(window, { loadedOnce: 'still here' }));

    const ava = await stack.api<{ id: string }>('/auth/me', { login: DEMO.agent });
    await stack.api(`/cases/${detail.caseId}`, { ...admin, method: 'PATCH', body: { assigneeId: ava.id } });
    expect(await stack.api<Signal>(`/signals/${signal.id}`, admin)).toMatchObject({
      caseAssignee: { id: ava.id, name: DEMO.agent.name },
      caseUnassigned: false,
    });

    await eventually(() => text(tabRow.getByTestId('signal-state'))).toBe('Acted on');
    expect(await text(tabRow.getByTestId('signal-case-assignee'))).toBe(DEMO.agent.name);
    // Someone is on it now: the filter leaves it out, and the count says so.
    await eventually(() => text(unownedList.getByTestId('signals-empty'))).toBe('No signals match.');
    await eventually(() => text(unownedList.getByTestId('signal-total'))).toBe('0 signals found');
    await eventually(() => text(signalState)).toBe('Acted on');
    expect(await text(signalPage.getByTestId('signal-case-assignee'))).toBe(DEMO.agent.name);
    await eventually(() => text(panelState)).toBe('Acted on');
    await eventually(() => text(customerRow.getByTestId('signal-state'))).toBe('Acted on');
    for (const p of open) {
      expect(await p.evaluate(() => (window as unknown as { loadedOnce?: string }).loadedOnce)).toBe(
        'still here',
      );
    }
    await tabs.close();

    await page.goto(`${stack.url}/board`);
    await eventually(() => text(boardRow.getByTestId('signal-case-assignee'))).toBe(DEMO.agent.name);
    expect(await text(boardRow.getByTestId('signal-state'))).toBe('Acted on');
    await page.goto(`${stack.url}/signals/${signal.id}`);
    await eventually(() => text(page.getByTestId('signal-case-assignee'))).toBe(DEMO.agent.name);
  });

  it('dismisses the signal: a reason is required, and the page shows the new state', async () => {
    // Escape leaves the form, the focus back on the button that opened it.
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.getByLabel('Why dismiss it?').press('Escape');
    await eventually(() => page.getByLabel('Why dismiss it?').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Dismiss');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.getByRole('button', { name: 'Dismiss signal' }).click();
    expect(await text(page.getByTestId('error-reason'))).toBe('Say why: the reason is kept with the signal.');
    await page.getByLabel('Why dismiss it?').fill('Carrier re-packed the parcel; it arrives tomorrow.');
    await page.getByRole('button', { name: 'Dismiss signal' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Signal dismissed.');
    await eventually(() =>
      page.locator('.page-header').getByTestId('signal-state').getAttribute('data-state'),
    ).toBe('dismissed');
    expect(await text(page.locator('.page-header').getByTestId('signal-state'))).toBe('Dismissed');
    expect(await text(page.getByTestId('signal-resolution'))).toBe(
      'Carrier re-packed the parcel; it arrives tomorrow.',
    );
    expect(await page.getByRole('button', { name: 'Dismiss', exact: true }).count()).toBe(0);
    const stored = await stack.api<Signal>(`/signals/${signal.id}`, admin);
    expect(stored).toMatchObject({
      state: 'dismissed',
      resolution: 'Carrier re-packed the parcel; it arrives tomorrow.',
    });

    // Off the board, which lists live signals only.
    await page.goto(`${stack.url}/board`);
    await eventually(() => page.getByTestId('board-updated').count()).toBe(1);
    expect(await page.locator(`[data-signal-id="${signal.id}"]`).count()).toBe(0);
  });

  it('lists the signal on the customer page', async () => {
    await page.goto(`${stack.url}/customers/${mariaId}`);
    const row = page.getByTestId('customer-signal-row').filter({ hasText: signalTitle(signal) });
    await eventually(() => row.count()).toBe(1);
    expect(await text(row.getByTestId('severity-badge'))).toBe('High');
    expect(await text(row.getByTestId('signal-state'))).toBe('Dismissed');
    // Her operational events, newest first: the one just sent comes first.
    const events = await stack.api<{ items: { type: string; eventId: string }[] }>(
      `/events?customerId=${mariaId}&limit=10`,
      admin,
    );
    expect(events.items[0]!.eventId).toBe('bt-live-1');
    const eventRows = page.getByTestId('customer-event-row');
    await eventually(() => texts(eventRows.getByTestId('customer-event-type'))).toEqual(
      events.items.map((e) => e.type),
    );
    expect(norm(await text(eventRows.first().getByTestId('customer-event-data')))).toBe(
      `code ${CODE} location Erfurt hub`,
    );
    await row.getByRole('link', { name: signalTitle(signal) }).click();
    await eventually(() => text(page.getByTestId('signal-heading'))).toBe(signalTitle(signal));
  });

  it('an open signal whose case nobody owns says so too, still red: its case opened, a customer mail still held', async () => {
    // The rule's open_case action ran, its notify_customer waits (a silent feed): open, with a case.
    const rule = await makeRule(stack.db, { name: `Held mail ${unique()}` });
    const held = await makeCase(stack.db, mariaId, { subject: `Parcel held ${unique()}` });
    await makeSignal(stack.db, { ruleId: rule.id, customerId: mariaId, state: 'open', caseId: held.id });
    // The board's line counts it with those acted on; its list shows it.
    await page.goto(`${stack.url}/board`);
    const before = await expectBoardUnownedLine();
    await page.getByTestId('board-unowned').getByRole('link').click();
    const linked = page.getByTestId('signal-row').filter({ hasText: rule.name });
    await eventually(() => text(linked.getByTestId('signal-state'))).toBe('Open · nobody on it');
    await page.goto(`${stack.url}/signals?ruleId=${rule.id}&caseUnassigned=true`);
    const pill = page.getByTestId('signal-row').getByTestId('signal-state');
    await eventually(() => text(pill)).toBe('Open · nobody on it');
    expect(await pill.getAttribute('data-state')).toBe('open');
    // The red of an open signal (its actions are not through), not the amber of "Acted on".
    expect(await pill.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(180, 35, 24)');
    // Someone takes the case: plain "Open", and the filter leaves it out.
    const ava = await stack.api<{ id: string }>('/auth/me', { login: DEMO.agent });
    await stack.api(`/cases/${held.id}`, { ...admin, method: 'PATCH', body: { assigneeId: ava.id } });
    await eventually(() => text(page.getByTestId('signals-empty'))).toBe('No signals match.');
    await page.goto(`${stack.url}/board`);
    expect(await expectBoardUnownedLine()).toBe(before - 1);
    await page.goto(`${stack.url}/signals?ruleId=${rule.id}`);
    await eventually(() => text(pill)).toBe('Open');
  });

  it('saves a new version of the rule, shows the server’s objection at its action, and loads an old version back', async () => {
    await page.goto(`${stack.url}/admin/rules/${ruleId}`);
    await eventually(() => text(page.getByTestId('rule-heading'))).toBe(RULE);
    expect(await page.getByRole('radio', { name: /^Absence/ }).isDisabled()).toBe(true);

    // Telling the customer needs the case opened first: the form warns, the server refuses.
    await page.getByRole('button', { name: '+ Notify the customer' }).click();
    await page.getByLabel('Message to the customer').fill('Dear {{customer.name}}, we are on it.');
    await page.getByRole('button', { name: 'Move action 2 up' }).click();
    expect(await text(page.getByTestId('action-needs-case'))).toBe(
      'Telling the customer works on the proactive case: put “Open a proactive case” before it.',
    );
    await page.getByRole('button', { name: 'Save rule' }).click();
    const first = page.getByTestId('rule-action').first();
    expect(await first.getAttribute('data-kind')).toBe('notify_customer');
    await eventually(() => first.locator('.field__error').count()).toBe(1);
    expect(await text(first.locator('.field__error'))).toMatch(/open_case/);
    expect(await text(page.getByTestId('form-errors'))).toContain('Action 1');

    await page.getByRole('button', { name: 'Move action 2 up' }).click();
    expect(await page.getByTestId('form-errors').count()).toBe(0);
    await page.getByRole('button', { name: 'Save rule' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Saved as version 2.');
    expect(await text(page.getByTestId('rule-version'))).toMatch(/^Version 2 · /);
    await eventually(() => page.getByTestId('version-item').count()).toBe(2);
    const stored = await stack.api<Rule>(`/rules/${ruleId}`, admin);
    expect(stored.version).toBe(2);
    expect(stored.definition.actions.map((a) => a.kind)).toEqual(['open_case', 'notify_customer']);

    await page.getByRole('button', { name: 'Load into the editor' }).click();
    expect(await text(page.getByTestId('notice'))).toBe(
      'Version 1 is in the editor: save to make it the current version.',
    );
    expect(await page.getByTestId('rule-action').count()).toBe(1);
    expect(await text(page.getByTestId('rule-dirty'))).toBe('Unsaved changes');
  });

  it('turns the rule off from the list', async () => {
    await page.goto(`${stack.url}/admin/rules`);
    const toggle = page.getByRole('switch', { name: `Enabled: ${RULE}` });
    await toggle.uncheck();
    await eventually(async () => (await stack.api<Rule>(`/rules/${ruleId}`, admin)).enabled).toBe(false);
    expect(await toggle.isChecked()).toBe(false);
  });

  it('two admins on the rule list: a switch made on a stale list is refused and the list shows the rule again', async () => {
    const other = await stack.newPage();
    await signIn(other, stack.url, DEMO.admin);
    await page.goto(`${stack.url}/admin/rules`);
    await other.goto(`${stack.url}/admin/rules`);
    const toggle = (p: Page) => p.getByRole('switch', { name: `Enabled: ${RULE}` });
    await eventually(() => toggle(page).isChecked()).toBe(false);
    await eventually(() => toggle(other).isChecked()).toBe(false);

    // The other admin turns it on; this page, loaded before, tries the same: refused, and reloaded.
    await toggle(other).check();
    await eventually(async () => (await stack.api<Rule>(`/rules/${ruleId}`, admin)).enabled).toBe(true);
    const before = (await stack.api<Rule>(`/rules/${ruleId}`, admin)).updatedAt;
    // A click, not check(): the refusal can put the switch back before check() looks at it.
    await toggle(page).click();
    await eventually(() => text(page.getByTestId('form-error'))).toBe(
      `Someone else changed “${RULE}” since this list was loaded, so it was not enabled. ` +
        'It is shown as it is now: switch it again if you still want to.',
    );
    expect((await stack.api<Rule>(`/rules/${ruleId}`, admin)).updatedAt).toBe(before);
    await eventually(() => toggle(page).isChecked()).toBe(true);

    // Switched again on the list as it is now, it passes.
    await toggle(page).uncheck();
    await eventually(async () => (await stack.api<Rule>(`/rules/${ruleId}`, admin)).enabled).toBe(false);
    await other.close();
  });

  it('says how the rule did in the last 30 days, and links to its signals', async () => {
    await page.goto(`${stack.url}/admin/rules`);
    const row = page.getByTestId('rule-row').filter({ hasText: RULE });
    const cell = row.getByTestId('rule-last-30-days');
    // The one signal of this file, dismissed above.
    expect((await stack.api<Rule>(`/rules/${ruleId}`, admin)).last30Days).toEqual({
      signals: 1,
      resolved: 0,
      resolvedByEvent: 0,
      dismissed: 1,
    });
    await eventually(() => text(cell)).toBe('1 signal\n0 resolved · 1 dismissed');
    await cell.getByRole('link', { name: '1 signal' }).click();
    await eventually(async () => new URL(page.url()).search).toBe(`?ruleId=${ruleId}`);
    await eventually(() => texts(page.getByTestId('signal-row').locator('td.cell-primary a'))).toEqual([
      signalTitle(signal),
    ]);
    expect(await page.getByLabel('Rule').inputValue()).toBe(ruleId);
  });
});

describe('rule list', () => {
  it('at 1280 px every column of the rule list shows without scrolling the table sideways', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${stack.url}/admin/rules`);
    await eventually(() => page.getByTestId('rule-row').count()).toBeGreaterThan(1);
    const frame = page.getByTestId('rule-table').locator('xpath=..');
    expect(await frame.evaluate((e) => e.scrollWidth - e.clientWidth)).toBe(0);
  });
});

describe('commitments page', () => {
  it('says what a red bar means, and exports each table beside its own title', async () => {
    await page.goto(`${stack.url}/commitments`);
    await eventually(() => page.getByTestId('rate-row').count()).toBeGreaterThan(0);
    expect(norm(await text(page.getByTestId('rates-note')))).toBe(
      'Met on time ÷ everything that fell due: met, met late, broken, and still overdue now. Worst first; a rate under 90% has a red bar.',
    );
    const list = page.locator('section[aria-labelledby="commitments-title"]');
    const rates = page.getByTestId('rates-section');
    expect(await list.getByTestId('export-commitments').count()).toBe(1);
    expect(await rates.getByTestId('export-commitment-rates-by-agreement').count()).toBe(1);
    expect(await page.locator('.page-header').getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
  });
});

describe('commitments', () => {
  const NAME = 'Delivery by the promised date (browser test)';
  let agreement: Agreement;

  it('adds a commitment to an agreement in its form; a bad key is caught at its field', async () => {
    const calendar = await createAlwaysOpenCalendar(stack, 'Signals browser test 24/7');
    agreement = await agreementForCustomer(stack, mariaId, {
      name: 'Maria Jensen PSA (signals browser test)',
      calendarId: calendar.id,
      targets: [{ kind: 'first_response', minutes: 60 }],
    });
    await page.goto(`${stack.url}/admin/agreements/${agreement.id}`);
    await eventually(() => page.getByTestId('commitments-editor').count()).toBe(1);
    expect(await page.getByTestId('commitment-row').count()).toBe(0);
    await page.getByRole('button', { name: 'Add commitment' }).click();
    const row = page.getByTestId('commitment-row');
    await row.getByLabel('Name', { exact: true }).fill(NAME);
    await row.getByLabel('Key', { exact: true }).fill('Delivery');
    // The usual promise is filled in: order.promised opens it, due at data.promisedAt, kept by delivery.
    expect(await row.getByLabel('Opened by the event').inputValue()).toBe('order.promised');
    expect(await row.getByLabel('Followed by the ref').inputValue()).toBe('orderId');
    expect(await row.getByLabel('Due at the field').inputValue()).toBe('data.promisedAt');
    expect(await row.getByLabel('Kept by the event').inputValue()).toBe('shipment.delivered');

    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId('error-commitment-0-key'))).toBe(
      'lower-case letters, digits and _ (max 50)',
    );
    expect(await text(page.getByTestId('form-errors'))).toContain(`Commitment 1 (${NAME}): key`);
    await row.getByLabel('Key', { exact: true }).fill('delivery');
    // Cancelled by: optional, and not the event that opens it.
    expect(await row.getByLabel('Cancelled by the event').inputValue()).toBe('');
    await row.getByLabel('Cancelled by the event').fill('order.promised');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId('error-commitment-0-cancelledBy'))).toBe(
      'cancelledBy must differ from opens',
    );
    expect(await text(page.getByTestId('form-errors'))).toContain(`Commitment 1 (${NAME}): cancelledBy`);
    await row.getByLabel('Cancelled by the event').fill('order.cancelled');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    // Commitments are not promise clocks: none was recomputed.
    await eventually(() => text(page.getByTestId('notice'))).toBe('Agreement saved.');
    const stored = await stack.api<Agreement>(`/agreements/${agreement.id}`, admin);
    expect(stored.commitments).toEqual([
      {
        key: 'delivery',
        name: NAME,
        mode: 'fulfil',
        opens: 'order.promised',
        ref: 'orderId',
        dueFrom: 'data.promisedAt',
        fulfilledBy: 'shipment.delivered',
        cancelledBy: 'order.cancelled',
      },
    ]);
  });

  it('a commitment due a fixed time after its event: an amount and a unit, not ISO 8601', async () => {
    // The demo's Northwind PSA promises a callback within 2 hours (PT2H in the API).
    const northwind = (await stack.api<{ items: Agreement[] }>('/agreements', admin)).items.find((a) =>
      a.commitments.some((c) => c.within === 'PT2H'),
    )!;
    const index = northwind.commitments.findIndex((c) => c.within === 'PT2H');
    expect(index).toBeGreaterThanOrEqual(0);
    await page.goto(`${stack.url}/admin/agreements/${northwind.id}`);
    const row = page.getByTestId('commitment-row').nth(index);
    const amount = row.getByLabel('Due within', { exact: true });
    const unit = row.getByLabel(`Unit: Commitment ${index + 1} due within`);
    await eventually(() => amount.inputValue()).toBe('2');
    expect(await unit.inputValue()).toBe('hours');
    expect(await text(row)).not.toContain('PT2H');

    await amount.fill('two');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId(`error-commitment-${index}-within`))).toBe(
      'must be a number of hours, e.g. 2 or 1.5',
    );
    await amount.fill('90');
    await unit.selectOption('minutes');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Agreement saved.');
    const stored = await stack.api<Agreement>(`/agreements/${northwind.id}`, admin);
    expect(stored.commitments[index]).toMatchObject({ within: 'PT90M' });
    expect(stored.commitments[index]).not.toHaveProperty('dueFrom');
    // The other commitments are sent back as they were.
    expect(stored.commitments.filter((_, i) => i !== index)).toEqual(
      northwind.commitments.filter((_, i) => i !== index),
    );
    await stack.api(`/agreements/${northwind.id}`, {
      ...admin,
      method: 'PATCH',
      body: { commitments: northwind.commitments },
    });
  });

  it('shows the commitment an event opens on the board and the customer page, and its keeping', async () => {
    const promisedAt = new Date(Date.now() + 6 * 3_600_000).toISOString();
    await sendEvents(stack, token, [
      {
        id: 'bt-promise-1',
        type: 'order.promised',
        occurredAt: ago(0.05),
        customer: { email: DEMO.customer.email },
        refs: { orderId: 'SO-BT-C1' },
        data: { promisedAt },
      },
    ]);
    await page.goto(`${stack.url}/board`);
    const row = page.getByTestId('board-commitment-row').filter({ hasText: 'SO-BT-C1' });
    await eventually(() => row.count()).toBe(1);
    expect(await text(row.getByTestId('commitment-state'))).toBe('Open');
    expect(await text(row)).toContain(NAME);
    expect(await text(row)).toContain('Maria Jensen');
    expect(await text(row.getByTestId('commitment-due'))).toMatch(/in (5\u00a0h \d+\u00a0min|6\u00a0h)$/);
    // Narrowed to Maria, the counts are hers: what the table shows.
    await page.getByLabel('Customer', { exact: true }).selectOption({ label: 'Maria Jensen' });
    const hers = page.getByTestId('board-commitment-row');
    await eventually(async () => new Set(await texts(hers.locator('td:nth-child(3)')))).toEqual(
      new Set(['Maria Jensen']),
    );
    const states = await hers
      .getByTestId('commitment-state')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    const overdue = states.filter((s) => s === 'overdue').length;
    expect(await text(page.getByTestId('board-commitment-count'))).toBe(
      `${overdue} overdue · ${states.length - overdue} due within 2 days`,
    );

    // The demo's will-miss rule fires at once (the date is within its day's lead) and opens a
    // proactive case about the order, nobody's yet: the row shows it. Ava takes it: the row says so.
    const caseLink = row.getByTestId('commitment-case').getByRole('link');
    await eventually(async () => {
      await page.reload();
      await row.waitFor();
      return text(row.getByTestId('commitment-case-assignee'));
    }).toBe('Unassigned');
    const caseId = (await caseLink.getAttribute('href'))!.replace('/cases/', '');
    const about = await stack.api<Case>(`/cases/${caseId}`, admin);
    expect(about.refs).toMatchObject({ orderId: 'SO-BT-C1' });
    expect(await text(caseLink)).toBe(`#${about.number}`);
    const ava = (
      await stack.api<{ items: { id: string; email: string }[] }>('/users?role=agent', admin)
    ).items.find((u) => u.email === DEMO.agent.email)!;
    await stack.api(`/cases/${caseId}`, { ...admin, method: 'PATCH', body: { assigneeId: ava.id } });
    await page.reload();
    await eventually(() => text(row.getByTestId('commitment-case-assignee'))).toBe(DEMO.agent.name);

    await page.goto(`${stack.url}/customers/${mariaId}`);
    const mine = page.getByTestId('customer-commitment-row').filter({ hasText: 'SO-BT-C1' });
    await eventually(() => mine.count()).toBe(1);
    expect(await text(mine.getByTestId('commitment-state'))).toBe('Open');
    expect(await text(mine.getByTestId('commitment-case').getByRole('link'))).toBe(`#${about.number}`);

    await sendEvents(stack, token, [
      {
        id: 'bt-delivered-1',
        type: 'shipment.delivered',
        occurredAt: ago(0.01),
        customer: { email: DEMO.customer.email },
        refs: { orderId: 'SO-BT-C1', shipmentId: 'SH-BT-C1' },
      },
    ]);
    await page.reload();
    await eventually(() => mine.getByTestId('commitment-state').getAttribute('data-state')).toBe('met');
    expect(await text(mine.getByTestId('commitment-state'))).toBe('Met');
    // Closed: the column before the case's.
    expect(await text(mine.locator('td').nth(-2))).not.toBe('—');
  });
});

describe('a commitment without a case', () => {
  // Northwind's callbacks are due 2 hours after the request: those asked for 3 hours ago are
  // overdue, and no rule opens a case about a callback. A Northwind customer under its PSA (not
  // Maria: a test above gives her an agreement of her own, without the callback promise).
  const northwindCaller = async () => {
    const caller = (
      await stack.api<{ items: Customer[] }>('/customers?q=northwind.example&limit=50', admin)
    ).items.find((c) => c.email !== DEMO.customer.email && c.organizationName === 'Northwind Traders')!;
    expect(caller).toBeDefined();
    return caller;
  };
  const overdueCallbacks = (caller: Customer, ids: string[]) =>
    sendEvents(
      stack,
      token,
      ids.map((id) => ({
        id: `bt-${id}`,
        type: 'callback.requested',
        occurredAt: ago(3),
        customer: { email: caller.email! },
        refs: { callbackId: id },
        data: { topic: 'Invoice question' },
      })),
    );

  it('opens its case from the board and the commitments page with one click each; the row then links to it', async () => {
    const caller = await northwindCaller();
    await overdueCallbacks(caller, ['CB-BT-1', 'CB-BT-2']);
    await page.goto(`${stack.url}/board`);
    const row = page.getByTestId('board-commitment-row').filter({ hasText: 'CB-BT-1' });
    await eventually(() => row.count()).toBe(1);
    const cell = row.getByTestId('commitment-case');
    expect(await cell.getByRole('link').count()).toBe(0);
    await cell.getByRole('button', { name: 'Open a case: Callback within 2 hours for CB-BT-1' }).click();
    const link = cell.getByRole('link');
    await eventually(() => link.count()).toBe(1);
    expect(await cell.getByRole('button').count()).toBe(0);
    expect(await text(row.getByTestId('commitment-case-assignee'))).toBe(DEMO.admin.name);
    const caseId = (await link.getAttribute('href'))!.replace('/cases/', '');
    const opened = await stack.api<Case>(`/cases/${caseId}`, admin);
    expect(await text(link)).toBe(`#${opened.number}`);
    expect(opened.refs).toEqual({ callbackId: 'CB-BT-1' });
    expect(opened.subject).toMatch(/^Callback within 2 hours for CB-BT-1( overdue)?$/);
    await link.click();
    await page.waitForURL(`${stack.url}/cases/${caseId}`);
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(opened.subject);

    // The caller's live ones, soonest due first: the callbacks due an hour ago are on the first page.
    await page.goto(`${stack.url}/commitments?customerId=${caller.id}&state=open,overdue&sort=dueAt`);
    const list = page.getByTestId('commitment-row');
    const first = list.filter({ hasText: 'CB-BT-1' });
    await eventually(() => text(first.getByTestId('commitment-case').getByRole('link'))).toBe(
      `#${opened.number}`,
    );
    const second = list.filter({ hasText: 'CB-BT-2' }).getByTestId('commitment-case');
    await second.getByRole('button', { name: /^Open a case/ }).click();
    await eventually(() => second.getByRole('link').count()).toBe(1);
    const otherId = (await second.getByRole('link').getAttribute('href'))!.replace('/cases/', '');
    expect(otherId).not.toBe(caseId);
    expect((await stack.api<Case>(`/cases/${otherId}`, admin)).refs).toEqual({ callbackId: 'CB-BT-2' });
  });

  it('when a colleague opened its case a moment before the click, shows theirs and says it had one already (409)', async () => {
    const caller = await northwindCaller();
    await overdueCallbacks(caller, ['CB-BT-3']);
    const found = () =>
      stack.api<{ items: Commitment[] }>(`/commitments?customerId=${caller.id}&ref=CB-BT-3`, admin);
    await eventually(async () => (await found()).items.length).toBe(1);
    const commitment = (await found()).items[0]!;
    await page.goto(`${stack.url}/commitments?customerId=${caller.id}&state=open,overdue&sort=dueAt`);
    const cell = page
      .getByTestId('commitment-row')
      .filter({ hasText: 'CB-BT-3' })
      .getByTestId('commitment-case');
    const button = cell.getByRole('button', { name: /^Open a case/ });
    await eventually(() => button.count()).toBe(1);
    // Ava opens it between this page's reading and the click reaching the server.
    let theirs: Commitment | undefined;
    await page.route(
      `${stack.url}/api/v1/commitments/${commitment.id}/case`,
      async (route) => {
        theirs = await stack.api<Commitment>(`/commitments/${commitment.id}/case`, {
          login: DEMO.agent,
          method: 'POST',
          body: {},
        });
        await route.continue();
      },
      { times: 1 },
    );
    await button.click();
    await eventually(() => text(cell.getByTestId('commitment-open-case-existing'))).toBe(
      'Had a case already',
    );
    expect(await text(cell.getByRole('link'))).toBe(`#${theirs!.caseNumber}`);
    expect(await text(cell.getByTestId('commitment-case-assignee'))).toBe(DEMO.agent.name);
    expect(await cell.getByRole('button').count()).toBe(0);
    expect(await cell.getByTestId('commitment-open-case-error').count()).toBe(0);
    // One case about it: Ava's.
    expect((await stack.api<Commitment>(`/commitments/${commitment.id}`, admin)).caseId).toBe(theirs!.caseId);
  });
});

describe('a case’s events', () => {
  it('shows the first 200 events naming its refs, oldest first, and says that there are more', async () => {
    // An order with a long story: 201 scans, one more than the tab shows.
    await sendEvents(
      stack,
      token,
      Array.from({ length: 201 }, (_, i) => ({
        id: `bt-many-${i}`,
        type: 'shipment.scanned',
        occurredAt: ago(201 - i),
        customer: { email: DEMO.customer.email },
        // With its shipment, as the rule on scans expects (else each is accepted with a warning).
        refs: { orderId: 'SO-BT-MANY', shipmentId: 'SH-BT-MANY' },
        data: { location: `hub ${i}` },
      })),
    );
    const c = await stack.api<Case>('/cases', {
      ...admin,
      method: 'POST',
      body: {
        subject: 'Where is order SO-BT-MANY?',
        customerId: mariaId,
        channel: 'email',
        refs: { orderId: 'SO-BT-MANY' },
        message: { body: 'It has been scanned for days.' },
      },
    });
    await page.goto(`${stack.url}/cases/${c.id}`);
    await page.getByRole('tab', { name: 'Events' }).click();
    await eventually(() => page.getByTestId('case-event-type').count()).toBe(200);
    expect(await text(page.getByTestId('case-events-more'))).toBe('The first 200 events are shown.');
    // Oldest first: the first scan leads, the last one is the one left out.
    const data = page.getByTestId('case-event-data');
    expect(norm(await text(data.first()))).toBe('location hub 0');
    expect(norm(await text(data.last()))).toBe('location hub 199');
  });
});

describe('list filters', () => {
  it('at 1280 px no filter’s choice runs over the next label, and no page scrolls sideways', async () => {
    const wide = await stack.newPage();
    await signIn(wide, stack.url, DEMO.admin);
    await wide.setViewportSize({ width: 1280, height: 800 });
    for (const path of ['/board', '/signals', '/commitments', '/kpis', '/admin/audit-log']) {
      await wide.goto(`${stack.url}${path}`);
      await wide.locator('.toolbar__filter select').first().waitFor();
      // Each filter's box holds its select: a box squeezed narrower than its select let the
      // select cover the next filter's label.
      const spills = await wide.evaluate(() =>
        [...document.querySelectorAll('.toolbar__filter')].flatMap((f) => {
          const box = f.getBoundingClientRect();
          const select = f.querySelector('select')?.getBoundingClientRect();
          return select && select.right > box.right + 0.5 ? [f.textContent] : [];
        }),
      );
      expect([path, spills]).toEqual([path, []]);
      expect([
        path,
        await wide.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ]).toEqual([path, 0]);
    }
    await wide.close();
  });
});
