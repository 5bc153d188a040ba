// The UI on a phone (390 × 844): no screen scrolls sideways, the main navigation and the
// administration's menu fold behind buttons that open, close and lead to a page; on a tablet the
// queue fits too, and a laptop still shows every link and the side menu.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agreement } from '../../src/shared/schemas/agreements.js';
import type { RuleOutcomes } from '../../src/shared/schemas/signals.js';
import type { CaseSummary, Items } from '../../src/web/lib/types.js';
import { DEMO, eventually, signIn, startStack, text, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
const PHONE = { width: 390, height: 844 };
const admin = { login: DEMO.admin };

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
  await page.setViewportSize(PHONE);
});
afterAll(async () => {
  await stack?.stop();
});

/** How far the page reaches beyond the window's right edge (0: it does not scroll sideways). */
const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** A stacked cell as it reads: its column's name (drawn before it by the style sheet), then its text. */
const asRead = (cell: Locator) =>
  cell.evaluate((c) => {
    const before = getComputedStyle(c, '::before').content;
    const name = before === 'none' || before === 'normal' ? '' : before.replace(/^"|"$/g, '');
    return `${name}${(c as HTMLElement).innerText.trim()}`;
  });

/** Opens a screen, waits for what shows it has loaded, and asserts it fits the window's width. */
async function fits(p: Page, path: string, loaded: string) {
  await p.goto(`${stack.url}${path}`);
  await p.locator(loaded).first().waitFor();
  expect(await overflow(p), path).toBeLessThanOrEqual(0);
}

describe('on a phone', () => {
  it('no staff screen scrolls sideways: the queue, a case, the board, signals, KPIs and the admin pages', async () => {
    const cases = await stack.api<Items<CaseSummary>>('/cases?limit=1', admin);
    const agreements = await stack.api<{ items: Agreement[] }>('/agreements', admin);
    const rules = await stack.api<{ items: { id: string }[] }>('/rules', admin);
    await fits(page, '/cases?view=all', '[data-testid="case-row"]');
    await fits(page, `/cases/${cases.items[0]!.id}`, '[data-testid="case-subject"]');
    await fits(page, '/board', '[data-testid="board-signal-count"]');
    await fits(page, '/signals', '[data-testid="signals"] tbody tr');
    await fits(page, '/kpis', '[data-testid="kpi-value"]');
    await fits(page, '/admin/settings', 'button:has-text("Save settings")');
    await fits(page, '/admin/users', '[data-testid="user-row"]');
    await fits(page, `/admin/agreements/${agreements.items[0]!.id}`, '[data-testid="target-row"]');
    await fits(page, `/admin/rules/${rules.items[0]!.id}`, '[data-testid="rule-condition"]');
  });

  it('every list is blocks, not a table scrolling sideways: each cell within the screen, named by its column', async () => {
    const lists: [path: string, table: string, column: string][] = [
      ['/customers', 'customer-table', 'E-mail'],
      ['/organizations', 'organization-table', 'Domains'],
      ['/signals', 'signals', 'Customer'],
      ['/commitments', 'commitments', 'Customer'],
      ['/events', 'events', 'Occurred'],
      ['/mail', 'mail-table', 'Subject'],
      ['/admin/audit-log', 'audit-table', 'Change'],
      ['/admin/rules', 'rule-table', 'Severity'],
      ['/admin/agents', 'agent-table', 'Teams'],
    ];
    for (const [path, testId, column] of lists) {
      await page.goto(`${stack.url}${path}`);
      const table = page.getByTestId(testId);
      const row = table.locator('tbody tr').first();
      await row.waitFor();
      expect(await table.evaluate((t) => t.scrollWidth), path).toBeLessThanOrEqual(PHONE.width);
      for (const cell of await row.locator('td').all()) {
        if (!(await cell.isVisible())) continue; // an empty cell is hidden
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, path).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await row.locator(`td[data-label="${column}"]`).count(), path).toBe(1);
    }

    // The header row is hidden with its sort buttons: a select above the list sorts it instead.
    await page.goto(`${stack.url}/customers`);
    const names = page.getByTestId('customer-table').locator('tbody tr td:first-child');
    await names.first().waitFor();
    const sort = page.getByLabel('Sort by');
    expect(await sort.inputValue()).toBe('name');
    const ascending = await names.first().innerText();
    await sort.selectOption({ label: 'Name, descending' });
    await eventually(() => names.first().innerText()).not.toBe(ascending);
    const descending = await names.allInnerTexts();
    expect(descending.length).toBeGreaterThan(1);
    expect(descending[0]!.localeCompare(descending.at(-1)!)).toBeGreaterThan(0);
    // Lists without sortable columns offer no such select.
    await page.goto(`${stack.url}/events`);
    await page.getByTestId('events').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('phone-sort').count()).toBe(0);
  });

  it('each case of the queue is a block: its subject and status are on screen, not beyond the frame', async () => {
    await page.goto(`${stack.url}/cases?view=all`);
    const row = page.getByTestId('case-row').first();
    for (const part of [row.locator('.cell-subject a'), row.locator('.badge').first()]) {
      const box = await part.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it('the top bar names who is signed in, not their role: within the screen, a long name cut short', async () => {
    await page.goto(`${stack.url}/cases?view=all`);
    const name = page.getByTestId('user-name');
    await name.waitFor();
    expect(await text(name)).toBe(DEMO.admin.name);
    expect(await page.getByTestId('user-role').isVisible()).toBe(false);
    // The role is still said, in the link's title.
    expect(await page.locator('a.session__who').getAttribute('title')).toContain('(Administrator)');
    const box = (await name.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

    // A long name ends in an ellipsis before Sign out; the bar is no wider than the screen.
    const login = {
      email: `long-name-${Date.now()}@steward.demo`,
      password: 'long-name-agent',
      name: 'Maximiliane Oberhausen-Wittgenstein',
    };
    await stack.api('/users', { ...admin, method: 'POST', body: { ...login, role: 'agent' } });
    const other = await stack.newPage();
    try {
      await signIn(other, stack.url, login as unknown as typeof DEMO.agent);
      await other.setViewportSize(PHONE);
      const long = other.getByTestId('user-name');
      await eventually(() => long.isVisible()).toBe(true);
      expect(
        await long.evaluate((e) => [getComputedStyle(e).textOverflow, e.scrollWidth > e.clientWidth]),
      ).toEqual(['ellipsis', true]);
      const longBox = (await long.boundingBox())!;
      const signOut = (await other.getByRole('button', { name: 'Sign out' }).boundingBox())!;
      expect(longBox.x + longBox.width).toBeLessThanOrEqual(signOut.x);
      expect(signOut.x + signOut.width).toBeLessThanOrEqual(PHONE.width);
      expect(await overflow(other)).toBeLessThanOrEqual(0);
    } finally {
      await other.close();
    }
  });

  it('a case says at its top where its most pressing promise stands, above the conversation', async () => {
    const breached = await stack.api<Items<CaseSummary>>('/cases?promise=breached&limit=1', admin);
    const c = breached.items[0]!;
    await page.goto(`${stack.url}/cases/${c.id}`);
    const summary = page.getByTestId('case-promise-summary');
    await summary.waitFor();
    expect(await summary.getAttribute('data-state')).toBe('breached');
    expect(await text(summary.getByTestId('clock-state'))).toBe('Breached');
    expect(await text(summary.getByTestId('case-promise-summary-left'))).toMatch(/ overdue$/);
    // Above the conversation (and so the reply box), within the first screen.
    const top = (await summary.boundingBox())!;
    const conversation = (await page.getByRole('tab', { name: /^Conversation/ }).boundingBox())!;
    expect(top.y + top.height).toBeLessThanOrEqual(conversation.y);
    expect(top.y + top.height).toBeLessThanOrEqual(PHONE.height);
    // The panel itself stays below, a tap away.
    const panel = page.getByTestId('promise-panel');
    expect((await panel.boundingBox())!.y).toBeGreaterThan(conversation.y);
    await summary.getByRole('button', { name: 'Promises' }).click();
    await eventually(() => panel.evaluate((p) => Math.round(p.getBoundingClientRect().top))).toBeLessThan(
      PHONE.height / 2,
    );
  });

  it('the main navigation folds behind the Menu button, which opens, closes and leads to a page', async () => {
    await page.goto(`${stack.url}/board`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.getAttribute('aria-expanded')).toBe('false');

    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    expect(await nav.isVisible()).toBe(true);
    // Escape folds it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    expect(await menu.evaluate((b) => b === document.activeElement)).toBe(true);

    await menu.click();
    await nav.getByRole('link', { name: 'KPIs' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/kpis');
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.isVisible()).toBe(false);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });

  it('the administration menu folds behind a button naming the section, and leads to another', async () => {
    await page.goto(`${stack.url}/admin/settings`);
    const adminNav = page.getByRole('navigation', { name: 'Administration' });
    const button = page.getByRole('button', { name: 'Administration Settings' });
    await button.waitFor();
    // The page begins under the button, not under a screenful of links.
    const heading = await page.getByRole('heading', { name: 'Settings', level: 1 }).boundingBox();
    expect(heading!.y).toBeLessThan(PHONE.height / 3);
    expect(await adminNav.isVisible()).toBe(false);

    await button.click();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    await adminNav.getByRole('link', { name: 'Users' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/admin/users');
    const shown = page.getByRole('button', { name: /^Administration/ });
    await eventually(() => text(shown.locator('.admin-menu-button__current'))).toBe('Users');
    expect(await shown.getAttribute('aria-expanded')).toBe('false');
    expect(await adminNav.isVisible()).toBe(false);
  });

  it('the board: its tiles two to a row so the list starts on the first screen, its signals and commitments blocks', async () => {
    await page.goto(`${stack.url}/board`);
    const tiles = page.locator('.kpi-strip .kpi');
    await eventually(() => page.locator('.kpi-strip').getByTestId('kpi-value').count()).toBe(5);
    const [first, second] = [(await tiles.nth(0).boundingBox())!, (await tiles.nth(1).boundingBox())!];
    // Side by side, each about half the screen.
    expect(second.y).toBe(first.y);
    expect(first.width).toBeLessThan(PHONE.width / 2);
    const signals = page.getByTestId('board-signals');
    await signals.waitFor();
    expect((await signals.boundingBox())!.y).toBeLessThan(PHONE.height * 1.2);
    // Each signal and commitment is a block within the screen, its cells named by their column.
    for (const table of ['board-signals', 'board-commitments']) {
      const row = page.getByTestId(table).locator('tbody tr').first();
      for (const cell of await row.locator('td').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width, table).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await page.getByTestId(table).evaluate((t) => t.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await page.getByTestId('signal-age').first().getAttribute('data-label')).toBe('Age');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });

  it('the Signals page: its four filters two to a row, each label above its choice, so the list starts on the first screen', async () => {
    await page.goto(`${stack.url}/signals`);
    const row = page.getByTestId('signals').locator('tbody tr').first();
    await row.waitFor();
    await page.getByTestId('signal-total').waitFor();
    const toolbar = page.getByRole('search', { name: 'Filter signals' });
    // The four boxes from one layout (read one by one, a line above that appears meanwhile, such
    // as the count, would move the later ones).
    const { state, severity, rule, owner, label } = await toolbar.evaluate((t) => {
      const box = (selector: string) => {
        const r = t.querySelector(selector)!.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      return {
        state: box('#signals-state'),
        severity: box('#signals-severity'),
        rule: box('#signals-rule'),
        owner: box('#signals-case'),
        label: box('label[for="signals-severity"]'),
      };
    });
    // State beside Severity, Rule beside Case: two rows, each choice about half the screen.
    expect(severity.y).toBe(state.y);
    expect(owner.y).toBe(rule.y);
    expect(rule.y).toBeGreaterThan(state.y);
    expect(state.width).toBeLessThan(PHONE.width / 2);
    expect(severity.x + severity.width).toBeLessThanOrEqual(PHONE.width);
    // Each label above its choice, not beside it.
    expect(label.y + label.height).toBeLessThanOrEqual(severity.y);
    expect(label.x).toBe(severity.x);
    // The first signal starts on the first screen, its title in view.
    const first = (await row.boundingBox())!;
    expect(first.y).toBeLessThan(PHONE.height / 2);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });

  it('the KPI page: the promise compliance table is blocks, the legends show the latest values and follow a tap', async () => {
    await page.goto(`${stack.url}/kpis`);
    const table = page.getByTestId('kpi-promises');
    await table.locator('tbody tr').first().waitFor();
    expect(await table.evaluate((t) => t.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const total = page.locator('[data-testid="kpi-promise-row"][data-group-id="total"]');
    expect(await total.getByTestId('kpi-promise-decided').getAttribute('data-label')).toBe(
      'Promises decided',
    );
    for (const cell of await total.locator('th, td').all()) {
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }

    // On a touch screen: untouched, the legend names the latest week and its numbers, not "—";
    // a tap on the chart's left part picks an earlier week.
    const context = await stack.browser.newContext({ hasTouch: true, locale: 'en-US', timezoneId: 'UTC' });
    try {
      const phone = await context.newPage();
      // Signed in at a laptop's width (the user's name shows there), then a phone's.
      await phone.setViewportSize({ width: 1280, height: 800 });
      await signIn(phone, stack.url, DEMO.agent);
      await phone.setViewportSize(PHONE);
      await phone.goto(`${stack.url}/kpis`);
      const legend = phone.getByTestId('kpi-chart-signals').locator('.u-legend .u-value');
      await eventually(() => legend.count()).toBe(5);
      await eventually(async () => (await legend.allTextContents()).includes('—')).toBe(false);
      const latest = await legend.allTextContents();
      const over = phone.getByTestId('kpi-chart-signals').locator('.u-over');
      await over.scrollIntoViewIfNeeded();
      const box = (await over.boundingBox())!;
      await phone.touchscreen.tap(box.x + box.width * 0.2, box.y + box.height / 2);
      await eventually(async () => (await legend.allTextContents())[0]).not.toBe(latest[0]);
    } finally {
      await context.close();
    }
  });

  it('the KPI page at 375 px: the Per rule table and The numbers are blocks, each value under its column', async () => {
    const NARROW = { width: 375, height: 812 };
    try {
      await page.setViewportSize(NARROW);
      await page.goto(`${stack.url}/kpis`);
      const rules = page.getByTestId('kpi-rules');
      await rules.locator('tbody tr').first().waitFor();
      const from = (await page.getByTestId('kpis-page').getAttribute('data-from'))!;
      const outcomes = await stack.api<RuleOutcomes>(
        `/kpis/proactive/rules?from=${encodeURIComponent(from)}`,
        admin,
      );
      const busiest = outcomes.items.reduce((a, b) => (b.signals > a.signals ? b : a));
      expect(busiest.signals).toBeGreaterThan(0);
      // Every cell of every block within the screen, and a rule's counts read as the API's, named.
      const row = page.locator(`[data-testid="kpi-rule-row"][data-rule-id="${busiest.ruleId}"]`);
      for (const cell of await row.locator('td').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(NARROW.width);
      }
      expect(await text(row.getByTestId('kpi-rule-name'))).toBe(busiest.name);
      const signals = row.getByTestId('kpi-rule-signals');
      expect(await signals.getAttribute('data-label')).toBe('Signals');
      expect(await asRead(signals)).toBe(`Signals: ${busiest.signals}`);
      expect(await row.getByTestId('kpi-rule-dismissed').getAttribute('data-label')).toBe('Dismissed');
      expect(await rules.evaluate((t) => t.scrollWidth)).toBeLessThanOrEqual(NARROW.width);

      await page.getByText('The numbers', { exact: true }).click();
      const numbers = page.getByTestId('kpi-trend-table');
      const last = numbers.getByTestId('kpi-trend-row').last();
      await last.waitFor();
      for (const cell of await last.locator('td').all()) {
        const box = (await cell.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(NARROW.width);
      }
      expect(await last.locator('td').first().getAttribute('data-label')).toMatch(/^(Day|Week of|Month)$/);
      expect(await asRead(last.locator('td').nth(1))).toMatch(/^Signals: \d+$/);
      expect(await numbers.evaluate((t) => t.scrollWidth)).toBeLessThanOrEqual(NARROW.width);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('the sessions and users tables are blocks: every Sign out button is within the screen', async () => {
    // A second browser signed in as the admin: their own is the other, with a Sign out.
    const other = await stack.newPage();
    await signIn(other, stack.url, DEMO.admin);
    await page.goto(`${stack.url}/account`);
    const signOut = page.getByTestId('session-table').getByRole('button', { name: /^Sign out / });
    await signOut.first().waitFor();
    expect(await signOut.count()).toBeGreaterThan(0);
    for (const button of await signOut.all()) {
      await button.scrollIntoViewIfNeeded();
      const box = (await button.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    // Each cell says its column.
    expect(await page.getByTestId('session-ip').first().getAttribute('data-label')).toBe('Address');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await other.close();

    await page.goto(`${stack.url}/admin/users`);
    const rows = page.getByTestId('user-row');
    await rows.first().waitFor();
    for (const cell of await rows.first().locator('td').all()) {
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
  });

  it('the queue’s Filter dialog keeps its buttons on the screen while its fields scroll', async () => {
    await page.goto(`${stack.url}/cases?view=all`);
    await page.getByTestId('filter-cases').click();
    const dialog = page.getByTestId('filter-dialog');
    await dialog.waitFor();
    // Taller than the screen: the fields scroll inside it.
    expect(await dialog.evaluate((d) => d.scrollHeight > d.clientHeight)).toBe(true);
    const inView = async (name: string) => {
      const box = (await dialog.getByRole('button', { name, exact: true }).boundingBox())!;
      return box.y >= 0 && box.y + box.height <= PHONE.height && box.x + box.width <= PHONE.width;
    };
    for (const name of ['Show the cases', 'No filters', 'Close']) expect(await inView(name), name).toBe(true);
    // Scrolled to the middle of the fields, they are still there.
    await dialog.evaluate((d) => d.scrollTo(0, d.scrollHeight / 2));
    for (const name of ['Show the cases', 'No filters', 'Close']) expect(await inView(name), name).toBe(true);
    await dialog.getByLabel('Urgent').check();
    await dialog.getByRole('button', { name: 'Show the cases' }).click();
    await eventually(() => dialog.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('priority')).toBe('urgent');
  });

  it('a customer’s requests and one request fit, and their Menu leads to My account, as the badge does', async () => {
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    await customer.setViewportSize(PHONE);
    await fits(customer, '/portal', '[data-testid="request-row"]');
    const first = await customer.getByTestId('request-row').first().getAttribute('data-case-id');
    await fits(customer, `/portal/cases/${first}`, '[data-testid="request-subject"]');

    await customer.getByRole('button', { name: 'Menu' }).click();
    await customer
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'My account' })
      .click();
    await eventually(async () => new URL(customer.url()).pathname).toBe('/portal/account');
    // One name: the Menu's link, the page's title and the badge in the top bar. The address
    // changes before the page is drawn: the request's title may still be there for a moment.
    await eventually(() => text(customer.getByRole('heading', { level: 1 }))).toBe('My account');
    expect(await overflow(customer)).toBeLessThanOrEqual(0);
    await customer.goto(`${stack.url}/portal`);
    // The top bar has no room for her name: "My account" stands in for it, not "Customer". A new
    // page load: the bar is drawn once she is known (isVisible does not wait for it).
    const account = customer.getByTestId('user-role');
    await eventually(() => account.isVisible()).toBe(true);
    expect(await text(account)).toBe('My account');
    await account.click();
    await eventually(async () => new URL(customer.url()).pathname).toBe('/portal/account');
    await customer.close();
  });
});

describe('on a tablet and a laptop', () => {
  it('at 1024 px and 768 px the queue reads without scrolling sideways: subject, status and promise in the frame', async () => {
    try {
      for (const width of [1024, 768]) {
        await page.setViewportSize({ width, height: 900 });
        await fits(page, '/cases?view=all', '[data-testid="case-row"]');
        const table = page.getByTestId('case-table');
        // The list itself does not scroll sideways within the page either.
        const frame = table.locator('xpath=..');
        expect(await frame.evaluate((f) => f.scrollWidth - f.clientWidth), `${width}`).toBeLessThanOrEqual(0);
        const edge = await frame.evaluate((f) => f.getBoundingClientRect().right);
        const row = page.getByTestId('case-row').first();
        for (const part of [
          row.locator('.cell-subject a'),
          row.locator('.badge').first(),
          row.locator('td').last(),
        ]) {
          expect(await part.isVisible()).toBe(true);
          const box = (await part.boundingBox())!;
          expect(box.x + box.width, `${width}`).toBeLessThanOrEqual(Math.min(edge, width));
        }
      }
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('at 768 px the agreements, the commitments, the signals and the rules fit: each row a block, every cell within the frame, named by its column', async () => {
    const TABLET = { width: 768, height: 1024 };
    try {
      await page.setViewportSize(TABLET);
      for (const [path, testId, column] of [
        ['/admin/agreements', 'agreement-table', 'On time (90 days)'],
        ['/commitments', 'commitments', 'Due'],
        ['/signals', 'signals', 'Case'],
        ['/admin/rules', 'rule-table', 'Changed'],
      ] as const) {
        await fits(page, path, `[data-testid="${testId}"] tbody tr`);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(
          TABLET.width,
        );
        // Nor does the list scroll sideways inside its frame, its last columns out of sight.
        const table = page.getByTestId(testId);
        const frame = table.locator('xpath=..');
        expect(await frame.evaluate((f) => f.scrollWidth - f.clientWidth), path).toBeLessThanOrEqual(0);
        const edge = await frame.evaluate((f) => f.getBoundingClientRect().right);
        const row = table.locator('tbody tr').first();
        for (const cell of await row.locator('td').all()) {
          if (!(await cell.isVisible())) continue; // an empty cell is hidden
          const box = (await cell.boundingBox())!;
          expect(box.x + box.width, path).toBeLessThanOrEqual(edge);
        }
        expect(await row.locator(`td[data-label="${column}"]`).count(), path).toBe(1);
      }
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('at 768 px the queue fits; at 1280 px every link and the side menu show, without their buttons', async () => {
    try {
      await page.setViewportSize({ width: 768, height: 1024 });
      await fits(page, '/cases?view=all', '[data-testid="case-row"]');
      await fits(page, '/admin/settings', 'button:has-text("Save settings")');

      await page.setViewportSize({ width: 1280, height: 800 });
      await eventually(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
      // A case keeps its layout: the Promises panel beside the conversation, no summary line above.
      const breached = await stack.api<Items<CaseSummary>>('/cases?promise=breached&limit=1', admin);
      await page.goto(`${stack.url}/cases/${breached.items[0]!.id}`);
      await page.getByTestId('promise-panel').waitFor();
      expect(await page.getByTestId('case-promise-summary').isVisible()).toBe(false);
      await page.goto(`${stack.url}/admin/settings`);
      await page.getByRole('button', { name: 'Save settings' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Administration' }).isVisible()).toBe(true);
      expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(false);
      expect(await page.getByRole('button', { name: /^Administration/ }).isVisible()).toBe(false);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });
});

describe('a subject without a space in it (a pasted link, a long reference)', () => {
  it('wraps within the screen: on the case, in the portal’s list and on the request, on a phone and a laptop', async () => {
    const subject = `https://tracking.example/parcel/${'7'.repeat(200)}`;
    const made = await stack.api<{ id: string }>('/portal/cases', {
      login: DEMO.customer,
      method: 'POST',
      body: { subject, message: 'This link shows my parcel stuck for a week.', category: 'other' },
    });
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    try {
      for (const size of [PHONE, { width: 1280, height: 800 }]) {
        await page.setViewportSize(size);
        await customer.setViewportSize(size);
        await fits(page, `/cases/${made.id}`, '[data-testid="case-subject"]');
        expect(await text(page.getByTestId('case-subject'))).toBe(subject);
        await fits(customer, '/portal', `[data-testid="request-row"][data-case-id="${made.id}"]`);
        await fits(customer, `/portal/cases/${made.id}`, '[data-testid="request-subject"]');
        expect(await text(customer.getByTestId('request-subject'))).toBe(subject);
      }
    } finally {
      await page.setViewportSize(PHONE);
      await customer.close();
    }
  });
});
