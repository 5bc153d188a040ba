// The agent workspace: queue views with counts, the case page (reply, internal note, promise
// clocks, collision), bulk changes and keyboard shortcuts. The cases run on a 24/7 calendar
// created here, so every clock is predictable.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, CaseSummary, FollowUpTimes, Message } from '../../src/shared/schemas/cases.js';
import { DateTime } from 'luxon';
import type { CaseView } from '../../src/shared/schemas/views.js';
import type { z } from 'zod';
import { sql } from 'drizzle-orm';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { receiveMail } from '../../src/server/domains/mail/inbound.js';
import { rows } from '../../src/db/client.js';
import { plainMail } from '../helpers/mail-fixtures.js';
import {
  agreementForCustomer,
  createAlwaysOpenCalendar,
  createCase,
  findCustomer,
  getCase,
} from './fixtures.js';

const TMP = fileURLToPath(new URL('../../tmp/', import.meta.url));

let stack: Stack;
let page: Page;
let mariaId: string;
let parcel: Case;
const admin = { login: DEMO.admin };

beforeAll(async () => {
  stack = await startStack();
  const maria = await findCustomer(stack, DEMO.customer.email);
  mariaId = maria.id;
  const calendar = await createAlwaysOpenCalendar(stack);
  await agreementForCustomer(stack, maria.id, {
    name: 'Maria Jensen PSA (browser tests)',
    calendarId: calendar.id,
    targets: [
      { kind: 'first_response', minutes: 60 },
      { kind: 'resolution', minutes: 480 },
    ],
  });
  parcel = await createCase(stack, {
    subject: 'Parcel zephyrine never arrived',
    customerId: maria.id,
    message: 'My order SO-4711 was due last week and has not arrived.',
  });
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
});

const views = () => stack.api<{ items: z.infer<typeof CaseView>[] }>('/views', admin);
const viewLink = (name: string) => page.getByTestId('view-link').filter({ hasText: name });
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The due time as the page formats it: en-US, UTC (the harness's browser locale and zone). */
const dueText = (iso: string) =>
  norm(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC',
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    }).format(new Date(iso)),
  );
const clock = (kind: string) =>
  page
    .getByTestId('clock')
    .and(page.locator(`[data-kind="${kind}"]`))
    .first();

async function openQueue(viewName: string) {
  await page.goto(`${stack.url}/cases`);
  await viewLink(viewName).click();
  await eventually(() => page.getByTestId('case-table').getAttribute('aria-busy')).toBe('false');
}

/** Opens a case (every case here has a first message) and waits until its messages show. */
async function openCase(c: Case) {
  await page.goto(`${stack.url}/cases/${c.id}`);
  await eventually(() => text(page.getByTestId('case-subject'))).toBe(c.subject);
  await page.getByTestId('message').first().waitFor();
}

describe('queue', () => {
  it('lands staff on the queue and shows the views with their counts', async () => {
    // Counts asked before and after the page asks: "at risk" and "breached" are counted against
    // the time of asking, and a demo case may cross a line in between; the page shows one of them.
    const before = await views();
    await page.goto(stack.url);
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');
    expect(before.items.map((v) => v.name)).toContain('All unsolved');
    await eventually(() => texts(page.getByTestId('view-link').locator('.view-link__name'))).toEqual([
      ...before.items.map((v) => v.name),
      'All cases',
    ]);
    const after = await views();
    for (const [i, v] of before.items.entries()) {
      const shown = Number(await text(viewLink(v.name).getByTestId('view-count')));
      expect([v.count, after.items[i]!.count]).toContain(shown);
    }
  });

  it('opens All unsolved: its count, its first page in urgency order, and the new case in it', async () => {
    await openQueue('All unsolved');
    const view = (await views()).items.find((v) => v.name === 'All unsolved')!;
    const expected = await stack.api<{ items: CaseSummary[]; total: number }>(
      `/cases?view=${view.id}&limit=50&includeTotal=true`,
      admin,
    );
    expect(view.count).toBe(expected.total);
    expect(expected.total).toBeGreaterThanOrEqual(1);
    await eventually(() => text(page.getByTestId('case-total'))).toBe(
      `${expected.total} ${expected.total === 1 ? 'case' : 'cases'}`,
    );
    expect(await text(viewLink('All unsolved').getByTestId('view-count'))).toBe(String(expected.total));
    expect(await texts(page.getByTestId('case-number'))).toEqual(expected.items.map((c) => String(c.number)));

    // Full-text search narrows the view to the new case.
    await page.getByLabel('Search cases', { exact: true }).fill('zephyrine');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('1 case found');
    const row = page.getByTestId('case-row');
    expect(await row.count()).toBe(1);
    const cells = await texts(row.locator('td'));
    expect(cells[1]).toBe(String(parcel.number));
    expect(cells[2]).toBe('Parcel zephyrine never arrived');
    expect(cells[3]).toContain('Maria Jensen');
    expect(cells[4]).toBe('New');
    expect(cells[5]).toBe('Normal');
    expect(cells[6]).toContain('Unassigned');
    // The first response is due within the hour on the 24/7 calendar.
    expect(await row.getByTestId('promise-badge').getAttribute('data-state')).toBe('ok');
    expect(await text(row.getByTestId('promise-badge'))).toMatch(/^(\d+\u00a0min|1\u00a0h) left$/);
  });

  it('at a laptop’s width, each customer’s name keeps to one line', async () => {
    await openQueue('All unsolved');
    expect(page.viewportSize()?.width).toBe(1280);
    /** How many lines each element's text takes, row by row. */
    const lines = (selector: string) =>
      page.getByTestId('case-row').evaluateAll(
        (rows, sel) =>
          rows.map((row) => {
            const el = row.querySelector(sel)!;
            const range = document.createRange();
            range.selectNodeContents(el.firstChild!);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          }),
        selector,
      );
    const customers = await lines('.cell-customer__name');
    expect(customers.length).toBeGreaterThanOrEqual(10);
    expect(customers).toEqual(customers.map(() => 1));
  });

  it('a search in a view says so, and one click searches all cases, the address keeping both', async () => {
    // The parcel case is new and unassigned: not among the admin's own open cases.
    const mine = (await views()).items.find((v) => v.name === 'My open cases')!;
    await page.goto(`${stack.url}/cases?view=${mine.id}`);
    await page.getByLabel('Search cases', { exact: true }).fill('zephyrine');
    await eventually(() => text(page.getByTestId('queue-empty'))).toBe(
      'No cases in “My open cases” match this search.',
    );
    expect(new URL(page.url()).searchParams.get('view')).toBe(mine.id);
    const scope = page.getByTestId('search-scope');
    await eventually(() => text(scope)).toBe(
      'Searching “My open cases” only: 1 more case elsewhere. Search all cases (1 case found)',
    );
    // A link, in the tab order: the keyboard follows it too.
    await scope.getByRole('link', { name: /^Search all cases/ }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('1 case found');
    const url = new URL(page.url());
    expect([url.searchParams.get('view'), url.searchParams.get('q')]).toEqual(['all', 'zephyrine']);
    expect(await texts(page.getByTestId('case-row').locator('.cell-subject a'))).toEqual([
      'Parcel zephyrine never arrived',
    ]);
    expect(await page.getByLabel('Search cases', { exact: true }).inputValue()).toBe('zephyrine');
    // All cases is the whole search already: no scope line.
    expect(await scope.count()).toBe(0);
  });

  it('stays on a case opened while a search was still pending', async () => {
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill('zephyrine');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('1 case found');
    // A slow machine (CPU throttled): the agent types more and clicks the case at once; the case
    // page renders after the search box's pause has ended, and that late search must not take
    // them back to the queue.
    const cdp = await page.context().newCDPSession(page);
    try {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 40 });
      await page.evaluate(() => {
        const input = document.getElementById('case-search') as HTMLInputElement;
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(
          input,
          'zephyrine parcel',
        );
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const link = [...document.querySelectorAll('a')].find(
          (a) => a.textContent === 'Parcel zephyrine never arrived',
        );
        link!.click();
      });
      await page.waitForTimeout(2_000);
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
    }
    await eventually(() => text(page.getByTestId('case-subject'))).toBe('Parcel zephyrine never arrived');
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe(`/cases/${parcel.id}`);
    expect(await page.getByTestId('case-table').count()).toBe(0);
  });

  it('looks right (screenshot for review)', async () => {
    await openQueue('All unsolved');
    await page.getByTestId('case-row').nth(1).locator('input[type="checkbox"]').check();
    await page.getByTestId('case-row').nth(2).locator('input[type="checkbox"]').check();
    await mkdir(TMP, { recursive: true });
    await page.screenshot({ path: `${TMP}ui-queue.png` });
    await page.getByRole('button', { name: 'Clear selection' }).click();
    expect(await page.getByTestId('bulk-bar').count()).toBe(0);
  });
});

describe('case page', () => {
  it('answers with a public reply: the first-response promise is met and the case opens', async () => {
    await page.goto(`${stack.url}/cases`);
    await viewLink('All unsolved').click();
    await page.getByLabel('Search cases', { exact: true }).fill('zephyrine');
    await page.getByRole('link', { name: 'Parcel zephyrine never arrived' }).click();
    await eventually(() => text(page.getByTestId('case-subject'))).toBe('Parcel zephyrine never arrived');
    expect(await text(page.getByTestId('case-number'))).toBe(`#${parcel.number}`);
    expect(await text(page.getByTestId('applied-agreement'))).toContain('Maria Jensen PSA (browser tests)');

    // Before: the clock runs, due an hour after the case was opened.
    const before = await getCase(stack, parcel.id);
    const first = before.promises.find((p) => p.kind === 'first_response')!;
    expect(first.state).toBe('active');
    expect(await clock('first_response').getByTestId('clock-state').getAttribute('data-state')).toBe(
      'active',
    );
    expect(norm(await text(clock('first_response').getByTestId('clock-due')))).toBe(dueText(first.dueAt!));
    expect(await text(clock('first_response').getByTestId('clock-left'))).toMatch(
      /^(\d+\u00a0min|1\u00a0h)$/,
    );
    expect(await text(clock('first_response').getByTestId('clock-kind'))).toBe('First response');
    expect(await text(clock('resolution').getByTestId('clock-left'))).toMatch(
      /^(7\u00a0h \d+\u00a0min|8\u00a0h)$/,
    );
    expect(await page.getByTestId('case-status').inputValue()).toBe('new');

    // `r` opens the reply; Ctrl+Enter sends it.
    await page.keyboard.press('r');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-body',
    );
    await page.keyboard.type('Hello Maria, your parcel is on its way and arrives tomorrow.');
    await page.keyboard.press('Control+Enter');

    const messages = page.getByTestId('message');
    await eventually(() => messages.count()).toBe(2);
    expect(await messages.last().getAttribute('data-visibility')).toBe('public');
    expect(await text(messages.last().getByTestId('message-body'))).toBe(
      'Hello Maria, your parcel is on its way and arrives tomorrow.',
    );
    await eventually(() =>
      clock('first_response').getByTestId('clock-state').getAttribute('data-state'),
    ).toBe('met');
    expect(await text(clock('first_response').getByTestId('clock-state'))).toBe('Met');
    await eventually(() => page.getByTestId('case-status').inputValue()).toBe('open');
    expect(await text(page.locator('.case-header__badges').getByTestId('status-badge'))).toBe('Open');
    expect(await page.getByTestId('composer-body').inputValue()).toBe('');

    const after = await getCase(stack, parcel.id);
    expect(after.status).toBe('open');
    expect(after.promises.find((p) => p.kind === 'first_response')!.state).toBe('met');
  });

  it('adds an internal note that is marked internal and hidden from the customer', async () => {
    await openCase(parcel);
    await page.keyboard.press('n');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-body',
    );
    await page.keyboard.type('Carrier confirmed a delay at the hub; do not promise a date.');
    await page.getByRole('button', { name: 'Add note' }).click();

    const note = page.getByTestId('message').filter({ hasText: 'Carrier confirmed a delay' });
    await eventually(() => note.count()).toBe(1);
    expect(await note.getAttribute('data-visibility')).toBe('internal');
    expect(await text(note.getByTestId('internal-label'))).toBe(
      'Internal note · not visible to the customer',
    );
    // Public messages carry no such label.
    expect(
      await page
        .getByTestId('message')
        .filter({ hasText: 'your parcel is on its way' })
        .getByTestId('internal-label')
        .count(),
    ).toBe(0);

    // Staff see the note through the API, the customer does not.
    const staffView = await stack.api<{ items: Message[] }>(`/cases/${parcel.id}/messages`, admin);
    expect(staffView.items.map((m) => m.body)).toContain(
      'Carrier confirmed a delay at the hub; do not promise a date.',
    );
    const customerView = await stack.api<{ items: Message[] }>(`/cases/${parcel.id}/messages`, {
      login: DEMO.customer,
    });
    expect(customerView.items.map((m) => m.body)).toEqual([
      'My order SO-4711 was due last week and has not arrived.',
      'Hello Maria, your parcel is on its way and arrives tomorrow.',
    ]);
    expect(customerView.items.every((m) => m.public)).toBe(true);
  });

  it('shows who else is on the case, and catches a reply sent over a colleague’s newer one', async () => {
    // The collision guard is for a screen that has not yet shown the colleague's reply: without
    // the live stream (which could show it before the click below), as behind a buffering proxy.
    await page.route('**/api/v1/live', (route) => route.abort());
    try {
      await collisionCaught();
    } finally {
      await page.unroute('**/api/v1/live');
    }
  });

  it('warns of a colleague’s reply that came in while you wrote, though the live stream showed it', async () => {
    const c = await createCase(stack, { subject: 'Invoice ultramarine is wrong', customerId: mariaId });
    await openCase(c);
    await page.keyboard.press('r');
    await page.keyboard.type('I am looking into the invoice.');
    await stack.api(`/cases/${c.id}/messages`, {
      login: DEMO.agent,
      method: 'POST',
      body: { body: 'Corrected invoice attached.', public: true },
    });
    // The stream shows Ava's reply on the open page while the admin is still writing…
    const avaReply = page.getByTestId('message').filter({ hasText: 'Corrected invoice attached.' });
    await eventually(() => avaReply.count()).toBe(1);
    // …and sending still warns: it came after the draft began.
    await page.getByTestId('composer-send').click();
    await eventually(() => text(page.getByTestId('collision'))).toContain(
      'Ava Agent replied while you were writing',
    );
    expect(await avaReply.getAttribute('class')).toContain('message--highlight');
    // Warned once, a plain Send goes through (nothing newer since the warning).
    await page.getByTestId('composer-send').click();
    await eventually(() => page.getByTestId('message').count()).toBe(3);
    expect(await page.getByTestId('collision').count()).toBe(0);
    // A new draft begins from what is on screen: no warning about Ava's reply again.
    await page.getByTestId('composer-body').fill('And a follow-up.');
    await page.getByTestId('composer-send').click();
    await eventually(() => page.getByTestId('message').count()).toBe(4);
    expect(await page.getByTestId('collision').count()).toBe(0);
  });

  it('does not warn of the messages that were already there when a draft began before they showed', async () => {
    const c = await createCase(stack, { subject: 'Invoice vermilion is wrong', customerId: mariaId });
    // The messages come slowly: the agent starts writing before they show.
    const messagesPath = `${stack.url}/api/v1/cases/${c.id}/messages`;
    const slow = async (route: Route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    };
    await page.route(messagesPath, slow, { times: 1 });
    await page.goto(`${stack.url}/cases/${c.id}`);
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(c.subject);
    await page.keyboard.press('r');
    await page.keyboard.type('We are on it.');
    expect(await page.getByTestId('message').count()).toBe(0);
    await page.getByTestId('message').first().waitFor();
    await page.getByTestId('composer-send').click();
    await eventually(() => page.getByTestId('message').count()).toBe(2);
    expect(await page.getByTestId('collision').count()).toBe(0);
    const sent = await stack.api<{ items: Message[] }>(`/cases/${c.id}/messages`, admin);
    expect(sent.items.map((m) => m.body)).toEqual([
      'Invoice vermilion is wrong: please help.',
      'We are on it.',
    ]);
  });

  async function collisionCaught() {
    const c = await createCase(stack, { subject: 'Invoice quintessa is wrong', customerId: mariaId });
    // Ava has the case open and is writing.
    await stack.api(`/cases/${c.id}/presence`, {
      login: DEMO.agent,
      method: 'POST',
      body: { composing: true },
    });
    await openCase(c);
    await eventually(() => text(page.getByTestId('presence-banner'))).toBe(
      'Ava Agent is typing a reply: check before you answer.',
    );

    // Ava answers first, while the admin is still writing.
    await page.keyboard.press('r');
    await page.keyboard.type('We will correct the invoice today.');
    expect(await page.getByTestId('composer-body').inputValue()).toBe('We will correct the invoice today.');
    await stack.api(`/cases/${c.id}/messages`, {
      login: DEMO.agent,
      method: 'POST',
      body: { body: 'I have sent a corrected invoice.', public: true },
    });
    await page.getByTestId('composer-send').click();

    await eventually(() => text(page.getByTestId('collision'))).toContain(
      'Ava Agent replied while you were writing',
    );
    const avaReply = page.getByTestId('message').filter({ hasText: 'I have sent a corrected invoice.' });
    await eventually(() => avaReply.count()).toBe(1);
    expect(await avaReply.getAttribute('class')).toContain('message--highlight');
    // Nothing was sent; the draft is still there.
    expect(await page.getByTestId('composer-body').inputValue()).toBe('We will correct the invoice today.');
    let messages = await stack.api<{ items: Message[] }>(`/cases/${c.id}/messages`, admin);
    expect(messages.items.map((m) => m.body)).not.toContain('We will correct the invoice today.');

    await page.getByRole('button', { name: 'Send anyway' }).click();
    await eventually(() => page.getByTestId('message').count()).toBe(3);
    expect(await page.getByTestId('collision').count()).toBe(0);
    messages = await stack.api<{ items: Message[] }>(`/cases/${c.id}/messages`, admin);
    expect(messages.items.map((m) => m.body)).toEqual([
      'Invoice quintessa is wrong: please help.',
      'I have sent a corrected invoice.',
      'We will correct the invoice today.',
    ]);
  }

  it('changes priority and assignee in place, and the timeline records who did it', async () => {
    await openCase(parcel);
    await page.getByTestId('case-priority').selectOption('urgent');
    await eventually(() => text(page.locator('.case-header__badges').getByTestId('priority-badge'))).toBe(
      'Urgent',
    );
    await page.getByTestId('case-assignee').selectOption({ label: 'Ava Agent' });
    await eventually(async () => (await getCase(stack, parcel.id)).assignee?.name).toBe('Ava Agent');
    expect((await getCase(stack, parcel.id)).priority).toBe('urgent');

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByTestId('case-timeline');
    await eventually(() => text(timeline)).toContain('Changed assignee from you to Ava Agent');
    // The admin's first reply (above) took the unassigned case (the assignOnReply setting).
    expect(await text(timeline)).toContain('Changed assignee from none to you');
    expect(await text(timeline)).toContain('Changed priority from Normal to Urgent');
    expect(await text(timeline)).toContain('First response promise met');
    expect(await text(timeline.locator('li').first().locator('.timeline__who'))).toBe('You');
  });

  it('says so when a move to another team took the case from its assignee', async () => {
    const me = (await stack.api<{ id: string }>('/auth/me', admin)).id;
    const team = await stack.api<{ id: string }>('/teams', {
      ...admin,
      method: 'POST',
      body: { name: 'Returns desk (browser tests)', assignmentMode: 'manual', memberIds: [] },
    });
    const moving = await createCase(stack, { subject: 'Crate xanthippe sent back', customerId: mariaId });
    await stack.api(`/cases/${moving.id}`, { ...admin, method: 'PATCH', body: { assigneeId: me } });
    await openCase(moving);
    await eventually(() => page.getByTestId('case-assignee').inputValue()).toBe(me);

    await page.getByTestId('case-team').selectOption({ label: 'Returns desk (browser tests)' });
    const said =
      "Moved to Returns desk (browser tests): nobody is assigned now; it waits in the team's queue.";
    await eventually(() => text(page.getByTestId('case-team-move'))).toContain(said);
    expect(await text(page.getByTestId('announcer'))).toBe(said);
    expect(await page.getByTestId('case-assignee').inputValue()).toBe('');
    expect((await getCase(stack, moving.id)).teamId).toBe(team.id);

    // Taking it back is no move of team: the notice goes.
    await page.getByTestId('case-assignee').selectOption(me);
    await eventually(() => page.getByTestId('case-team-move').count()).toBe(0);
  });

  it('uploads a file with a reply, and downloads it again', async () => {
    await openCase(parcel);
    await page.keyboard.press('r');
    await page.keyboard.type('The delivery note is attached.');
    await page.getByTestId('composer-file').setInputFiles([
      {
        name: 'delivery-note.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 delivery note'),
      },
      // Plain text takes the composer's octet-stream fallback (the server's text parser claims it).
      { name: 'tracking.txt', mimeType: 'text/plain', buffer: Buffer.from('JJD000390007') },
    ]);
    await eventually(() => texts(page.locator('.composer__file > span:first-child'))).toEqual([
      'delivery-note.pdf',
      'tracking.txt',
    ]);
    await page.getByTestId('composer-send').click();
    const sent = page.getByTestId('message').filter({ hasText: 'The delivery note is attached.' });
    await eventually(() => sent.getByTestId('attachment').count()).toBe(2);
    expect((await texts(sent.locator('.attachment__name'))).sort()).toEqual([
      'delivery-note.pdf',
      'tracking.txt',
    ]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      sent.getByTestId('attachment').filter({ hasText: 'delivery-note.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('delivery-note.pdf');
  });

  it('opens a case from the number people quote: /cases/<number> moves to the case', async () => {
    await openQueue('All unsolved');
    await page.goto(`${stack.url}/cases/${parcel.number}?from=phone`);
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(parcel.subject);
    const address = new URL(page.url());
    expect(address.pathname).toBe(`/cases/${parcel.id}`);
    expect(address.search).toBe('?from=phone');
    // The number's address was replaced: back goes to where the agent came from.
    await page.goBack();
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');

    await page.goto(`${stack.url}/cases/999999999`);
    await eventually(() => text(page.getByTestId('not-found').getByRole('heading'))).toBe('Case not found');
  });

  it('looks right (screenshot for review)', async () => {
    await openCase(parcel);
    await page.keyboard.press('n');
    await page.keyboard.type('Draft of a note, for the screenshot.');
    // A tall window rather than a full-page shot: the sticky top bar would land mid-page.
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.screenshot({ path: `${TMP}ui-case.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('composer-body').fill('');
  });
});

describe('follow-ups', () => {
  /** The presets of a case, on its agreement's calendar. */
  const presetsOf = (caseId: string) => stack.api<FollowUpTimes>(`/cases/${caseId}/follow-up-times`, admin);

  it('sets a waiting case’s follow-up from its properties: a preset, then a date and time of one’s own', async () => {
    // A customer of no agreement of their own: the demo's Standard service, on the Berlin office.
    const stamp = Date.now().toString(36);
    const customer = await stack.api<{ id: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: `Lamp buyer ${stamp}`, email: `lamps-${stamp}@example.com` },
    });
    const c = await createCase(stack, {
      subject: 'Follow-up wolframite photos',
      customerId: customer.id,
      message: 'The lamp arrived broken.',
    });
    // The page reads the presets once for its two follow-up selects (properties and reply box).
    const asked: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (r.url().includes('/follow-up-times')) asked.push(r.url());
    };
    page.on('request', onRequest);
    await openCase(c);
    // Only a waiting case has a follow-up.
    expect(await page.getByTestId('case-follow-up').count()).toBe(0);
    // A first reply opens a new case: Open is its default, offered once.
    expect(await texts(page.getByLabel('Status after sending').locator('option'))).toEqual([
      'Open',
      'Pending',
      'On hold',
      'Solved',
    ]);
    await page.getByTestId('case-status').selectOption('pending');
    await page.getByTestId('case-follow-up').waitFor();
    // A reply that puts the case on hold offers a follow-up too.
    await page.getByLabel('Status after sending').selectOption('on_hold');
    await page.getByTestId('composer-follow-up').waitFor();
    // The presets are the Berlin office's business days: 09:00 there, never a weekend or holiday.
    const presets = await presetsOf(c.id);
    expect(presets.calendar?.name).toBe('Berlin office');
    const next = presets.times[0]!;
    const berlin = DateTime.fromISO(next.at, { zone: 'Europe/Berlin' });
    expect([berlin.toFormat('HH:mm'), berlin.weekday <= 5]).toEqual(['09:00', true]);
    await eventually(() => page.getByTestId('follow-up-calendar').first().getAttribute('label')).toBe(
      'On the Berlin office calendar',
    );
    expect(await texts(page.getByTestId('follow-up-calendar').first().locator('option'))).toEqual(
      presets.times.map((p) => `${p.label} (${dueText(p.at)})`),
    );
    expect(await texts(page.getByTestId('composer-follow-up').locator('optgroup option'))).toEqual(
      presets.times.map((p) => `${p.label} (${dueText(p.at)})`),
    );
    page.off('request', onRequest);
    expect(asked).toEqual([`${stack.url}/api/v1/cases/${c.id}/follow-up-times`]);
    await page.getByLabel('Status after sending').selectOption('');
    await page.getByTestId('case-follow-up').selectOption('next_business_day');
    await eventually(async () => (await getCase(stack, c.id)).followUpAt).toBe(next.at);
    await eventually(() => page.getByTestId('case-follow-up').inputValue()).toBe('current');
    expect(await text(page.getByTestId('case-follow-up').locator('option:checked'))).toBe(dueText(next.at));
    // The preset it was set to is the current follow-up now: not offered again beside it.
    expect(await texts(page.getByTestId('case-follow-up').locator('optgroup option'))).toEqual(
      presets.times.filter((p) => p.at !== next.at).map((p) => `${p.label} (${dueText(p.at)})`),
    );

    await page.getByTestId('case-follow-up').selectOption('custom');
    const picker = page.getByLabel('Follow-up date and time');
    // It starts at the follow-up set (shown in the browser's zone, UTC here).
    expect(await picker.inputValue()).toBe(next.at.slice(0, 16));
    // A time already past is said at once, and cannot be set.
    await picker.fill(new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
    await eventually(() => text(page.getByTestId('follow-up-past'))).toBe('Pick a time ahead of now.');
    expect(await page.getByRole('button', { name: 'Set', exact: true }).isDisabled()).toBe(true);
    // The picker has a row of its own, not over the next property.
    const [pick, priority] = [
      await picker.boundingBox(),
      await page.getByTestId('case-priority').boundingBox(),
    ];
    expect(pick!.y).toBeLessThan(priority!.y);
    const own = new Date(Date.now() + 10 * 86_400_000);
    own.setUTCHours(14, 30, 0, 0);
    await picker.fill(own.toISOString().slice(0, 16));
    expect(await page.getByTestId('follow-up-past').count()).toBe(0);
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await eventually(async () => (await getCase(stack, c.id)).followUpAt).toBe(own.toISOString());
    await eventually(() => picker.count()).toBe(0);

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByTestId('case-timeline');
    await eventually(() => text(timeline)).toContain('Changed status from New to Pending');
    expect(await text(timeline)).toMatch(/Changed follow-up from none to /);

    // The queue shows when it is followed up.
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill('wolframite');
    const row = page.getByTestId('case-row').filter({ hasText: 'Follow-up wolframite photos' });
    await eventually(() => text(row.getByTestId('case-follow-up-at'))).toBe(
      `Follow up ${dueText(own.toISOString())}`,
    );

    // Opening the case by hand ends the wait and its follow-up.
    await openCase(c);
    await page.getByTestId('case-status').selectOption('open');
    await eventually(async () => (await getCase(stack, c.id)).followUpAt).toBeNull();
    await eventually(() => page.getByTestId('case-follow-up').count()).toBe(0);
  });

  it('sends a reply that sets the case pending with a follow-up in three days', async () => {
    const c = await createCase(stack, {
      subject: 'Follow-up glauberite invoice',
      customerId: mariaId,
      message: 'My invoice shows the wrong address.',
    });
    await openCase(c);
    await page.getByTestId('composer-body').fill('Could you send us the invoice number?');
    expect(await page.getByTestId('composer-follow-up').count()).toBe(0);
    await page.getByLabel('Status after sending').selectOption('pending');
    // Maria's agreement here is on a calendar open round the clock: calendar days, 09:00 UTC.
    const offered = (await presetsOf(c.id)).times.map((p) => `${p.label} (${dueText(p.at)})`);
    await eventually(() => texts(page.getByTestId('composer-follow-up').locator('optgroup option'))).toEqual(
      offered,
    );
    expect(await text(page.getByTestId('composer-follow-up').locator('optgroup option').nth(1))).toMatch(
      /^In 3 days \(/,
    );
    const inThree = (await presetsOf(c.id)).times.find((p) => p.key === 'in_3_business_days')!;
    await page.getByTestId('composer-follow-up').selectOption('in_3_business_days');
    await page.getByTestId('composer-send').click();
    await eventually(() => page.getByTestId('message').count()).toBe(2);
    const after = await getCase(stack, c.id);
    expect(after.status).toBe('pending');
    expect(after.followUpAt).toBe(inThree.at);
    await eventually(() => page.getByTestId('case-follow-up').inputValue()).toBe('current');
  });
});

describe('CC', () => {
  it('copies a colleague of the customer on replies: added and removed on the case, said above the reply', async () => {
    const c = await createCase(stack, {
      subject: 'CC tourmaline order',
      customerId: mariaId,
      message: 'Please keep my colleague in the loop.',
    });
    await openCase(c);
    const recipients = page.getByTestId('composer-recipients');
    await eventually(() => text(recipients)).toBe(`By e-mail to ${DEMO.customer.email}`);
    const cc = page.getByRole('region', { name: 'CC' });
    expect(await text(cc)).toContain('Replies go to the customer alone.');

    // A colleague of ours is refused, with the server's reason.
    await cc.getByLabel('Add an e-mail address').fill(DEMO.agent.email);
    await cc.getByRole('button', { name: 'Add' }).click();
    await eventually(() => text(page.getByRole('alert').first())).toContain('a colleague');

    await cc.getByLabel('Add an e-mail address').fill('Lars.Berg@Northwind.example');
    await cc.getByRole('button', { name: 'Add' }).click();
    await eventually(async () =>
      (await texts(page.getByTestId('case-cc').locator('li'))).map((t) => t.replace(/\s*×$/, '')),
    ).toEqual(['lars.berg@northwind.example']);
    expect((await getCase(stack, c.id)).cc).toEqual(['lars.berg@northwind.example']);
    await eventually(() => text(recipients)).toBe(
      `By e-mail to ${DEMO.customer.email}, copied to lars.berg@northwind.example`,
    );

    await page.getByRole('button', { name: 'Remove lars.berg@northwind.example' }).click();
    await eventually(async () => (await getCase(stack, c.id)).cc).toEqual([]);
    await eventually(() => text(recipients)).toBe(`By e-mail to ${DEMO.customer.email}`);
  });
});

describe('side conversations', () => {
  it('asks a carrier from the case page; their answer shows as a side note, and the panel counts it', async () => {
    const c = await createCase(stack, {
      subject: 'Side: garnet parcel lost',
      customerId: mariaId,
      message: 'My parcel never came.',
    });
    await openCase(c);
    const panel = page.getByRole('region', { name: 'Side conversations' });
    await eventually(() => text(panel)).toContain('None.');
    await panel.getByRole('button', { name: 'New side conversation' }).click();
    // Sent without an address: the To field says so, and has the focus.
    await panel.getByRole('button', { name: 'Send' }).click();
    await eventually(() => panel.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
    expect(await panel.getByLabel('To').getAttribute('aria-describedby')).toBe('side-form-problem');
    await eventually(() => page.evaluate(() => document.activeElement?.id)).toBe('side-to');
    // The customer is refused, with the server's reason; nothing is made.
    await panel.getByLabel('To').fill(DEMO.customer.email);
    await panel.getByLabel('Message').fill('Where is parcel 00340434?');
    await panel.getByRole('button', { name: 'Send' }).click();
    await eventually(() => text(page.getByTestId('side-error'))).toContain('the case’s customer');
    await panel.getByLabel('To').fill('claims@carrier.example');
    await panel.getByLabel('Subject').fill('Parcel 00340434');
    // The shipping label goes with it: uploaded to the case as it is chosen.
    await panel.getByLabel('Files').setInputFiles({
      name: 'shipping-label.png',
      mimeType: 'image/png',
      buffer: Buffer.from('a label'),
    });
    await eventually(() => text(panel.getByTestId('side-files'))).toBe('shipping-label.png');
    // Asking someone else, the case waits for them: ticked at first.
    const hold = panel.getByLabel('Put the case on hold until they answer');
    expect(await hold.isChecked()).toBe(true);
    await panel.getByRole('button', { name: 'Send' }).click();
    const item = panel.getByTestId('side-conversation');
    await eventually(() => item.count()).toBe(1);
    await eventually(async () => (await getCase(stack, c.id)).status).toBe('on_hold');
    expect(await text(item)).toContain('Parcel 00340434');
    expect(await text(item)).toContain('With claims@carrier.example · 1 message');
    const messages = page.getByTestId('message');
    await eventually(() => text(messages.last())).toContain('Where is parcel 00340434?');
    expect(await text(messages.last().getByTestId('internal-label'))).toBe(
      'Side conversation · not visible to the customer',
    );
    expect(await text(messages.last())).toContain('shipping-label.png');

    // The carrier answers by mail to the conversation's address: it shows without a reload.
    const [mail] = await rows<{ raw: Uint8Array }>(
      stack.db,
      sql`select raw from mail_messages where case_id = ${c.id} and side_conversation_id is not null`,
    );
    const replyTo = /^Reply-To: (\S+)/m.exec(Buffer.from(mail!.raw).toString('utf8'))![1]!;
    await receiveMail(
      stack.db,
      plainMail({
        from: 'Carrier Claims <claims@carrier.example>',
        to: replyTo,
        body: 'Found it in Leipzig.',
      }),
    );
    await eventually(() => text(messages.last())).toContain('Found it in Leipzig.');
    expect(await text(messages.last().getByTestId('internal-label'))).toBe(
      'Side conversation · their answer · not visible to the customer',
    );
    expect(await text(messages.last())).toContain('Carrier Claims <claims@carrier.example>');
    await eventually(() => text(item)).toContain('2 messages');
    // Their answer brings the case back.
    expect((await getCase(stack, c.id)).status).toBe('open');

    // Closed, then written in again: it opens again.
    await item.getByRole('button', { name: 'Close' }).click();
    await eventually(() => item.getAttribute('data-state')).toBe('closed');
    await item.getByRole('button', { name: /^Write in/ }).click();
    await item.getByRole('textbox', { name: /^Write to/ }).fill('Thanks, please deliver tomorrow.');
    await item.getByRole('button', { name: 'Send' }).click();
    await eventually(() => item.getAttribute('data-state')).toBe('open');
    await eventually(() => text(item)).toContain('3 messages');
    // Unticked for a later message: the case stays open.
    expect((await getCase(stack, c.id)).status).toBe('open');

    await page.getByRole('tab', { name: 'Timeline' }).click();
    const timeline = page.getByTestId('case-timeline');
    await eventually(() => text(timeline)).toMatch(
      /Changed status from New to On hold\s+\(waiting for a side conversation’s answer\)/,
    );
    expect(await text(timeline)).toMatch(
      /Changed status from On hold to Open\s+\(the side conversation was answered\)/,
    );
  });
});

describe('spam and deleting', () => {
  const newCustomerCase = async (subject: string) => {
    const stamp = Date.now().toString(36);
    const customer = await stack.api<{ id: string; email: string; name: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: `Deals ${stamp}`, email: `offers-${stamp}@deals-${stamp}.example` },
    });
    return { customer, c: await createCase(stack, { subject, customerId: customer.id }) };
  };

  it('a deleted customer’s case says above the reply that it is e-mailed to no one, and so does the reply sent', async () => {
    const { customer, c } = await newCustomerCase('Refund for the opaline vase');
    await openCase(c);
    const warning = page.getByTestId('customer-deleted-warning');
    const recipients = page.getByTestId('composer-recipients');
    await eventually(() => text(recipients)).toBe(`By e-mail to ${customer.email}`);
    expect(await warning.count()).toBe(0);

    await stack.api(`/customers/${customer.id}`, { ...admin, method: 'DELETE' });
    await openCase(c);
    await eventually(() => text(warning)).toBe(
      `${customer.name} was deleted as a customer: a public reply is kept on the case but e-mailed to no one. An internal note still reaches your colleagues.`,
    );
    // Right above the composer, which no longer names an address.
    expect(await warning.evaluate((el) => el.nextElementSibling?.getAttribute('data-testid'))).toBe(
      'composer',
    );
    expect(await text(recipients)).toBe('Not e-mailed: the customer was deleted.');

    await page.getByTestId('composer-body').fill('Your refund is on its way.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await eventually(() => text(page.getByTestId('announcer'))).toBe(
      'Reply sent, but not e-mailed: the customer was deleted',
    );
    await eventually(() => page.getByTestId('message').count()).toBe(2);
    // The reply itself says so, for whoever reads the case later; the customer's message does not.
    await openCase(c);
    const sent = page.getByTestId('message').filter({ hasText: 'Your refund is on its way.' });
    await eventually(() => text(sent.getByTestId('message-not-mailed'))).toBe(
      'Not e-mailed: the customer was deleted',
    );
    expect(await page.getByTestId('message').first().getByTestId('message-not-mailed').count()).toBe(0);
    expect(await page.getByTestId('message-mail').count()).toBe(0);
  });

  it('a reply sent when the customer had no address says so in the past tense once they have one', async () => {
    const stamp = Date.now().toString(36);
    const customer = await stack.api<{ id: string; name: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: `Phone only ${stamp}` },
    });
    const c = await createCase(stack, { subject: 'Callback about the sideboard', customerId: customer.id });
    await stack.api(`/cases/${c.id}/messages`, {
      ...admin,
      method: 'POST',
      body: { body: 'We will call you back this afternoon.', public: true },
    });
    const email = `phone-only-${stamp}@example.com`;
    await stack.api(`/customers/${customer.id}`, { ...admin, method: 'PATCH', body: { email } });
    await openCase(c);
    // The composer writes to the address they have now; the reply sent before went to no one.
    await eventually(() => text(page.getByTestId('composer-recipients'))).toBe(`By e-mail to ${email}`);
    const sent = page.getByTestId('message').filter({ hasText: 'We will call you back this afternoon.' });
    await eventually(() => text(sent.getByTestId('message-not-mailed'))).toBe(
      'Not e-mailed: the customer had no e-mail address',
    );
  });

  it('marks a case as spam: back to the queue, its sender blocked; an admin unblocks them', async () => {
    const { customer, c } = await newCustomerCase('Spam cheap olivine watches');
    await openCase(c);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('mark-spam').click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');
    await eventually(() => text(page.getByTestId('notice'))).toBe(
      `Case #${c.number} was marked as spam. Mail from ${customer.email} is ignored from now on. ${customer.name} was deleted (no other case).`,
    );
    const gone = await fetch(`${stack.url}/api/v1/cases/${c.id}`);
    expect(gone.status).toBe(401);
    await expect(getCase(stack, c.id)).rejects.toThrow(/404/);

    await page.goto(`${stack.url}/admin/blocked-senders`);
    const row = page.getByTestId('blocked-row').filter({ hasText: customer.email });
    await eventually(() => text(row)).toContain(`case #${c.number} marked as spam`);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: `Unblock ${customer.email}` }).click();
    await eventually(() => row.count()).toBe(0);
    expect(await text(page.getByTestId('notice'))).toBe(`${customer.email} is unblocked.`);

    // Something that is no address or domain: the server's refusal, and the text kept to fix.
    await page.getByLabel('Address or @domain').fill('not an address');
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await eventually(() => page.getByTestId('notice').getAttribute('role')).toBe('alert');
    expect(await page.getByLabel('Address or @domain').inputValue()).toBe('not an address');

    // An admin blocks a whole domain by hand.
    await page.getByLabel('Address or @domain').fill('@Bulk-Mailer.example');
    await page.getByLabel('Why (optional)').fill('newsletters');
    await page.getByRole('button', { name: 'Block', exact: true }).click();
    await eventually(() => text(page.getByTestId('blocked-row').first())).toContain('@bulk-mailer.example');
    expect(await text(page.getByTestId('notice'))).toBe(
      '@bulk-mailer.example is blocked: their mail is ignored from now on.',
    );
  });

  it('marks several selected cases as spam at once', async () => {
    const first = await newCustomerCase('Spamwort prize one');
    const second = await newCustomerCase('Spamwort prize two');
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill('spamwort');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('2 cases found');
    await page.getByLabel(`Select case ${first.c.number}`, { exact: true }).check();
    await page.getByLabel(`Select case ${second.c.number}`, { exact: true }).check();
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('bulk-spam').click();
    await eventually(() => text(page.getByTestId('notice'))).toBe(
      '2 cases marked as spam; 2 senders blocked.',
    );
    await eventually(() => text(page.getByTestId('queue-empty'))).toBe(
      'No cases in “All unsolved” match this search.',
    );
    await expect(getCase(stack, first.c.id)).rejects.toThrow(/404/);
  });

  it('lets an admin delete a case, after asking', async () => {
    const { c } = await newCustomerCase('Test case tanzanite, please delete');
    await openCase(c);
    page.once('dialog', (d) => void d.dismiss());
    await page.getByTestId('delete-case').click();
    expect((await getCase(stack, c.id)).id).toBe(c.id);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('delete-case').click();
    await eventually(() => text(page.getByTestId('notice'))).toBe(`Case #${c.number} was deleted.`);
    await expect(getCase(stack, c.id)).rejects.toThrow(/404/);

    // Admin → Deleted cases brings it back.
    await page.goto(`${stack.url}/admin/deleted-cases`);
    const row = page.getByTestId('deleted-row').filter({ hasText: 'Test case tanzanite' });
    await eventually(() => text(row)).toContain('Deleted');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: `Restore case ${c.number}` }).click();
    await eventually(async () => norm(await text(page.getByTestId('notice')))).toBe(
      `Case #${c.number} is restored: Test case tanzanite, please delete`,
    );
    await eventually(() => row.count()).toBe(0);
    expect((await getCase(stack, c.id)).subject).toBe('Test case tanzanite, please delete');
  });
});

describe('promise column', () => {
  it('says a waiting case’s promises are paused, the case page counts business time, and Steward writes as Steward', async () => {
    const waiting = await stack.api<{ items: CaseSummary[] }>(
      '/cases?status=pending,on_hold&limit=100',
      admin,
    );
    const paused = waiting.items.find((c) => c.promiseState === 'ok' && c.nextDueAt === null);
    expect(paused).toBeDefined();
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill(`#${paused!.number}`);
    await eventually(() => text(page.getByTestId('case-total'))).toBe('1 case found');
    expect(await text(page.getByTestId('case-row').getByTestId('promise-badge'))).toBe('Paused');
    await page.goto(`${stack.url}/cases/${paused!.id}`);
    const facts = page.getByTestId('clock').first().locator('dt');
    // What a signal rule wrote is Steward's, not an unnamed agent's.
    const proactive = (await stack.api<{ items: CaseSummary[] }>('/cases?channel=proactive&limit=1', admin))
      .items[0]!;
    await page.goto(`${stack.url}/cases/${proactive.id}`);
    const first = page.getByTestId('message').first();
    await eventually(() => text(first.locator('.message__author'))).toBe('Steward');
    await page.goto(`${stack.url}/cases/${paused!.id}`);
    await eventually(async () =>
      (await texts(facts)).some((t) => t === 'Business time left' || t === 'Business time overdue'),
    ).toBe(true);
  });

  it('a promise kept while its clock was paused says when it was met, not that it is paused', async () => {
    const held = await createCase(stack, {
      subject: 'Pallet quillwort held at customs',
      customerId: mariaId,
    });
    const patch = (body: object) => stack.api<Case>(`/cases/${held.id}`, { ...admin, method: 'PATCH', body });
    await patch({ status: 'on_hold' });
    const solved = await patch({ status: 'solved' });
    const resolution = solved.promises.find((p) => p.kind === 'resolution')!;
    expect(resolution.state).toBe('met');
    expect(resolution.dueAt).toBeNull();

    await openCase(held);
    const met = clock('resolution');
    await eventually(() => met.getByTestId('clock-state').getAttribute('data-state')).toBe('met');
    await met.getByTestId('clock-met').waitFor();
    expect(await met.getByTestId('clock-due').count()).toBe(0);
    expect(await text(met)).not.toContain('Paused');
  });
});

describe('on a laptop', () => {
  it('at 1280 px the queue fits without sideways scroll, the bulk bar in one row', async () => {
    const laptop = await stack.newPage();
    await signIn(laptop, stack.url, DEMO.agent);
    await laptop.setViewportSize({ width: 1280, height: 800 });
    await laptop.goto(`${stack.url}/cases`);
    await laptop.getByRole('link', { name: /^All unsolved/ }).click();
    await laptop.getByTestId('case-row').first().waitFor();
    // A waiting case's follow-up wraps under its status rather than widening the table.
    await eventually(() => laptop.getByTestId('case-follow-up-at').count()).toBeGreaterThan(0);
    const sideways = () =>
      laptop.evaluate(() => {
        const wrap = document.querySelector('[data-testid="case-table"]')!.parentElement!;
        return wrap.scrollWidth - wrap.clientWidth;
      });
    expect(await sideways()).toBe(0);
    await laptop.getByTestId('case-row').first().getByRole('checkbox').check();
    const bar = laptop.getByTestId('bulk-bar');
    const count = await bar.getByTestId('bulk-count').boundingBox();
    const spam = await bar.getByRole('button', { name: 'Spam' }).boundingBox();
    expect(Math.abs(spam!.y + spam!.height / 2 - (count!.y + count!.height / 2))).toBeLessThan(4);
    // Each picker's prompt is whole (a narrowed select cut "Move to team…" to "Move to tea…").
    const clipped = await laptop.evaluate(() =>
      [...document.querySelectorAll<HTMLSelectElement>('[data-testid="bulk-bar"] select')]
        .filter((s) => {
          const style = getComputedStyle(s);
          const measure = document.createElement('canvas').getContext('2d')!;
          measure.font = style.font;
          const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return measure.measureText(s.options[0]!.text).width > room;
        })
        .map((s) => s.options[0]!.text),
    );
    expect(clipped).toEqual([]);
    expect(await sideways()).toBe(0);
    await laptop.close();
  });
});

describe('bulk changes', () => {
  it('sets the priority of two selected cases at once', async () => {
    const one = await createCase(stack, {
      subject: 'Bulkwort order one',
      customerId: mariaId,
      priority: 'low',
    });
    const two = await createCase(stack, {
      subject: 'Bulkwort order two',
      customerId: mariaId,
      priority: 'low',
    });
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill('bulkwort');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('2 cases found');

    await page.getByLabel(`Select case ${one.number}`, { exact: true }).check();
    await page.getByLabel(`Select case ${two.number}`, { exact: true }).check();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe('2 cases selected');
    await page.getByLabel('Set priority', { exact: true }).selectOption('high');

    await eventually(() => text(page.getByTestId('notice'))).toBe('Priority set to High on 2 cases.');
    await eventually(() => texts(page.getByTestId('case-row').getByTestId('priority-badge'))).toEqual([
      'High',
      'High',
    ]);
    expect((await getCase(stack, one.id)).priority).toBe('high');
    expect((await getCase(stack, two.id)).priority).toBe('high');
    // Still ticked, for the next change.
    expect(await text(page.getByTestId('bulk-count'))).toBe('2 cases selected');

    // Closing more than one is asked first; said no, nothing changes.
    await page.getByLabel(`Select case ${one.number}`, { exact: true }).check();
    await page.getByLabel(`Select case ${two.number}`, { exact: true }).check();
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page.getByLabel('Set status', { exact: true }).selectOption('closed');
    expect(await asked).toBe(
      'Status set to Closed on 2 cases? Closed cases take no more messages; the customer must open a new case.',
    );
    expect((await getCase(stack, one.id)).status).not.toBe('closed');
    expect(await text(page.getByTestId('bulk-count'))).toBe('2 cases selected');
  });
});

describe('bulk changes to a whole view', () => {
  it('with the page ticked, offers every case of the view and search beyond the page, and changes them all', async () => {
    const word = `Wholeview${Date.now()}`;
    const made: Case[] = [];
    for (let i = 0; i < 55; i++)
      made.push(await createCase(stack, { subject: `${word} order ${i}`, customerId: mariaId }));
    await openQueue('All unsolved');
    await page.getByLabel('Search cases', { exact: true }).fill(word.toLowerCase());
    await page.getByLabel('Search cases', { exact: true }).press('Enter');
    await eventually(() => text(page.getByTestId('case-total'))).toBe('55 cases found');
    await eventually(() => page.getByTestId('case-row').count()).toBe(50);

    await page.getByLabel('Select all cases on this page').check();
    const scope = page.getByTestId('case-scope');
    await eventually(() => text(scope)).toBe(
      'All 50 cases on this page are selected. Select all 55 cases of “All unsolved”',
    );
    await page.getByTestId('case-select-all').click();
    await eventually(() => text(page.getByTestId('bulk-count'))).toBe('55 cases selected');
    expect(await text(scope)).toBe(
      'All 55 cases of “All unsolved” are selected. Select only the 50 cases on this page',
    );
    await page.getByLabel('Tag to add').fill('whole-view');
    // So many at once: asked first.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.accept();
      }),
    );
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Add' }).click();
    expect(await asked).toBe('Tagged “whole-view” on 55 cases?');
    await eventually(() => text(page.getByTestId('notice'))).toBe('Tagged “whole-view” on 55 cases.');
    for (const c of [made[0]!, made[54]!]) expect((await getCase(stack, c.id)).tags).toContain('whole-view');
    const tagged = await stack.api<{ total: number }>('/cases?tag=whole-view&limit=1&includeTotal=true', {
      login: DEMO.agent,
    });
    expect(tagged.total).toBe(55);
    expect(await page.getByTestId('bulk-bar').count()).toBe(0);
  });
});

describe('bulk assignment and the agents’ loads', () => {
  it('offers each agent with their load, asks before taking one past their capacity, and shows the new load', async () => {
    type Agent = { userId: string; name: string; email: string; openCases: number; capacity: number };
    const agentsNow = async () => (await stack.api<{ items: Agent[] }>('/agents', admin)).items;
    const ben = (await agentsNow()).find((a) => a.email === 'ben@steward.demo')!;
    // Ben is full: his capacity is what he has now (given back at the end: teams hand out by it).
    const capacity = (value: number) =>
      stack.api(`/agents/${ben.userId}`, { ...admin, method: 'PATCH', body: { capacity: value } });
    await capacity(ben.openCases);
    try {
      const made = [];
      for (const n of [1, 2])
        made.push(await createCase(stack, { subject: `Loadwort order ${n}`, customerId: mariaId }));
      await openQueue('All unsolved');
      await page.getByLabel('Search cases', { exact: true }).fill('loadwort');
      await page.getByLabel('Search cases', { exact: true }).press('Enter');
      await eventually(() => text(page.getByTestId('case-total'))).toBe('2 cases found');
      for (const c of made) await page.getByLabel(`Select case ${c.number}`, { exact: true }).check();

      const assign = page.getByTestId('bulk-bar').getByLabel('Assign', { exact: true });
      const options = async () => (await assign.locator('option').allTextContents()).slice(1);
      const everyone = await agentsNow();
      const me = everyone.find((a) => a.email === DEMO.admin.email)!;
      expect(await options()).toEqual([
        `Me (${me.openCases} of ${me.capacity} unsolved)`,
        ...everyone
          .filter((a) => a.userId !== me.userId)
          .map((a) => `${a.name} (${a.openCases} of ${a.capacity} unsolved)`),
        'Nobody',
      ]);

      // Past his capacity: asked first; said no, nothing changes.
      const answer = (accept: boolean) =>
        new Promise<string>((resolve) =>
          page.once('dialog', (d) => {
            resolve(d.message());
            void (accept ? d.accept() : d.dismiss());
          }),
        );
      let asked = answer(false);
      await assign.selectOption(ben.userId);
      expect(await asked).toBe(
        `Assigned to Ben Agent on 2 cases? Ben Agent already has ${ben.openCases} unsolved cases; their capacity is ${ben.openCases}.`,
      );
      expect((await getCase(stack, made[0]!.id)).assigneeId).toBeNull();

      asked = answer(true);
      await assign.selectOption(ben.userId);
      await asked;
      await eventually(() => text(page.getByTestId('notice'))).toBe('Assigned to Ben Agent on 2 cases.');
      for (const c of made) expect((await getCase(stack, c.id)).assigneeId).toBe(ben.userId);
      // The choices now say what he carries.
      await eventually(options).toContain(`Ben Agent (${ben.openCases + 2} of ${ben.openCases} unsolved)`);
    } finally {
      await capacity(ben.capacity);
    }
  });
});

describe('bulk changes to a whole view that went away', () => {
  it('says the view could not be read, and the message stays with that view', async () => {
    const who = await stack.api<{ id: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: 'Gone View Customer', email: `gone-view-${Date.now()}@example.com` },
    });
    for (let i = 0; i < 51; i++)
      await createCase(stack, { subject: `Gone view order ${i}`, customerId: who.id });
    const view = await stack.api<{ id: string }>('/views', {
      ...admin,
      method: 'POST',
      body: { name: 'Soon deleted', filters: { customerId: who.id } },
    });
    await openQueue('Soon deleted');
    await eventually(() => page.getByTestId('case-row').count()).toBe(50);
    await page.getByLabel('Select all cases on this page').check();
    const scope = page.getByTestId('case-scope');
    await eventually(() => text(scope)).toBe(
      'All 50 cases on this page are selected. Select all 51 cases of “Soon deleted”',
    );
    // A colleague deletes the view meanwhile: reading its cases fails, and the page says so.
    await stack.api(`/views/${view.id}`, { ...admin, method: 'DELETE' });
    await page.getByTestId('case-select-all').click();
    await eventually(() => text(scope.getByRole('alert'))).toMatch(/view/i);

    // On another view (no reload) the same offer comes without the old message.
    await viewLink('All unsolved').click();
    await eventually(() => text(page.locator('#queue-title'))).toBe('All unsolved');
    await eventually(() => page.getByTestId('case-table').getAttribute('aria-busy')).toBe('false');
    await eventually(() => page.getByTestId('case-row').count()).toBe(50);
    await page.getByLabel('Select all cases on this page').check();
    await eventually(() => text(scope)).toMatch(/^All 50 cases on this page are selected\./);
    expect(await scope.getByRole('alert').count()).toBe(0);
  });
});

describe('keyboard shortcuts', () => {
  it('? shows the shortcuts; j and Enter open a case from the queue; u goes back', async () => {
    await openQueue('All unsolved');
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await eventually(() => help.isVisible()).toBe(true);
    expect(await text(help.getByRole('heading', { name: 'Keyboard shortcuts' }))).toBe('Keyboard shortcuts');
    expect(await text(help)).toContain('Write an internal note');
    // While the dialog is open, other shortcuts stay quiet; Escape closes it.
    await page.keyboard.press('j');
    expect(await page.locator('tr[data-active="true"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await eventually(() => help.isVisible()).toBe(false);

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const active = page.locator('tr[data-active="true"]');
    await eventually(() => active.count()).toBe(1);
    const id = await active.getAttribute('data-case-id');
    expect(id).toBe(await page.getByTestId('case-row').nth(1).getAttribute('data-case-id'));
    await page.keyboard.press('Enter');
    await eventually(async () => new URL(page.url()).pathname).toBe(`/cases/${id}`);
    await page.getByTestId('case-subject').waitFor();

    // Typing in a field is never taken for a shortcut.
    await page.keyboard.press('r');
    await page.keyboard.type('?jk');
    expect(await help.isVisible()).toBe(false);
    expect(await page.getByTestId('composer-body').inputValue()).toBe('?jk');
    await page.getByTestId('composer-body').fill('');
    await page.keyboard.press('Escape');
    await page.keyboard.press('u');
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');

    // f opens the queue's filters.
    await page.getByTestId('case-table').waitFor();
    await page.keyboard.press('f');
    await eventually(() => page.getByTestId('filter-dialog').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await eventually(() => page.getByTestId('filter-dialog').count()).toBe(0);
  });
});

describe('reply templates', () => {
  it('made on the templates page, put into a reply with the case’s names filled in', async () => {
    await page.goto(`${stack.url}/reply-templates`);
    await page.getByRole('button', { name: 'New template' }).click();
    const form = page.getByTestId('template-form');
    await form.getByLabel('Name').fill('Parcel delayed (amethyst)');
    const textBox = form.getByLabel('Text');
    await textBox.fill('Hi ');
    // The placeholder buttons put their token where the cursor is.
    await form.getByRole('button', { name: 'their first name' }).click();
    await textBox.press('End');
    await textBox.pressSequentially(', case #');
    await form.getByRole('button', { name: 'the case number' }).click();
    await textBox.press('End');
    await textBox.pressSequentially(' at ');
    await form.getByRole('button', { name: 'their organization' }).click();
    expect(await textBox.inputValue()).toBe(
      'Hi {{customer.firstName}}, case #{{case.number}} at {{organization.name}}',
    );
    // Shared with every agent (an admin may).
    await form.getByLabel('Who sees it').selectOption({ label: 'Every agent' });
    await form.getByRole('button', { name: 'Create the template' }).click();
    const row = page.getByTestId('template-row').filter({ hasText: 'Parcel delayed (amethyst)' });
    await eventually(() => text(row)).toContain('Shared with every agent.');
    expect(await text(row)).toContain('Never');
    // No case here: its preview reads with sample values, marked as such, not raw placeholders.
    expect(await text(row.locator('.template-preview'))).toBe('Sample: Hi Sam, case #1234 at Sample Company');
    expect(await text(page.getByTestId('template-sample-note'))).toContain('sample values');

    // In the reply box: found by a word, taken with Enter, filled from the case.
    const maria = await findCustomer(stack, DEMO.customer.email);
    const org = await stack.api<{ name: string }>(`/organizations/${maria.organizationId}`, admin);
    await openCase(parcel);
    const body = page.getByTestId('composer-body');
    await body.fill('');
    await page.getByTestId('template-button').click();
    await page.getByLabel('Find a template').fill('amethyst');
    await eventually(() => page.getByTestId('template-option').count()).toBe(1);
    // Its preview reads as the reply will: filled from this case, no placeholders.
    expect(await text(page.getByTestId('template-option').locator('.template-picker__preview'))).toBe(
      `Hi Maria, case #${parcel.number} at ${org.name}`,
    );
    await page.getByLabel('Find a template').press('Enter');
    await eventually(() => body.inputValue()).toBe(`Hi Maria, case #${parcel.number} at ${org.name}`);
    expect(await page.getByTestId('template-unfilled').count()).toBe(0);
    // Into words already written, a paragraph of its own (not run on after them).
    await body.fill('Thanks for waiting.');
    await page.getByTestId('template-button').click();
    await page.getByLabel('Find a template').fill('amethyst');
    await eventually(() => page.getByTestId('template-option').count()).toBe(1);
    await page.getByLabel('Find a template').press('Enter');
    await eventually(() => body.inputValue()).toBe(
      `Thanks for waiting.\n\nHi Maria, case #${parcel.number} at ${org.name}`,
    );
    await body.fill('');

    // A customer without an organization: the gap is said.
    const stamp = Date.now().toString(36);
    const loner = await stack.api<{ id: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: `Lone ${stamp}`, email: `lone-${stamp}@example.com` },
    });
    const c = await createCase(stack, {
      subject: 'Template: amethyst loner',
      customerId: loner.id,
      message: 'Hi',
    });
    await openCase(c);
    await page.getByTestId('template-button').click();
    await page.getByLabel('Find a template').fill('amethyst');
    await page.getByTestId('template-option').first().click();
    await eventually(() => page.getByTestId('composer-body').inputValue()).toBe(
      `Hi Lone, case #${c.number} at `,
    );
    expect(await text(page.getByTestId('template-unfilled'))).toBe(
      'The template needs their organization, which this case does not have: write it in.',
    );
    // The reply emptied, there is nothing left to fill in.
    await page.getByTestId('composer-body').fill('');
    await eventually(() => page.getByTestId('template-unfilled').count()).toBe(0);
    // Each use counted (twice on the parcel case, once here).
    const listed = await stack.api<{ items: { name: string; uses: number }[] }>('/reply-templates', admin);
    expect(listed.items.find((t) => t.name === 'Parcel delayed (amethyst)')?.uses).toBe(3);

    // A template begun and not saved: leaving asks first.
    await page.goto(`${stack.url}/reply-templates`);
    await page.getByRole('button', { name: 'New template' }).click();
    await page.getByTestId('template-form').getByLabel('Name').fill('Half done');
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.accept();
      }),
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
    expect(await asked).toBe('Your changes are not saved. Leave this page and lose them?');
    await eventually(async () => new URL(page.url()).pathname).toBe('/cases');
  });
});

describe('reply templates and the signature', () => {
  it('the signature shows under the reply; a template’s sign-off gives way to it, in a reply only', async () => {
    const ava = await stack.newPage();
    await signIn(ava, stack.url, DEMO.agent);
    const me = await stack.api<{ signature: string }>('/auth/me', { login: DEMO.agent });
    // The demo's Ava signs with who she is, no closing words.
    expect(me.signature).toBe('Ava Agent\nCustomer service, Steward Demo Shop\n+49 30 1234 5678');
    const c = await createCase(stack, { subject: 'Signed: beryl box', customerId: mariaId });
    await ava.goto(`${stack.url}/cases/${c.id}`);
    const body = ava.getByTestId('composer-body');
    await body.waitFor();
    expect(await ava.getByTestId('composer-signature').locator('pre').innerText()).toBe(
      `-- \n${me.signature}`,
    );

    const insert = async (name: string) => {
      await ava.getByTestId('template-button').click();
      await ava.getByLabel('Find a template').fill(name);
      await eventually(() => ava.getByTestId('template-option').count()).toBe(1);
      await ava.getByLabel('Find a template').press('Enter');
    };
    const photo =
      'Hello Maria,\n\nI am sorry your order arrived damaged. Could you reply with a photo of the item and of the box it came in? Then I can arrange a replacement or a refund straight away.\n\nBest regards,';
    // Listed by its first line after the greeting (every demo template opens "Hello {{…}},").
    await ava.getByTestId('template-button').click();
    await ava.getByLabel('Find a template').fill('photo of the damage');
    await eventually(() =>
      texts(ava.getByTestId('template-option').locator('.template-picker__preview')),
    ).toEqual([photo.split('\n')[2]]);
    await ava.getByLabel('Find a template').press('Escape');
    await eventually(() => ava.getByTestId('template-option').count()).toBe(0);
    // The template ends "Best regards,\nAva": the closing words stay, her name is the signature's.
    await insert('photo of the damage');
    await eventually(() => body.inputValue()).toBe(photo);
    expect(await text(ava.getByTestId('template-sign-off'))).toBe(
      'Left out the template’s sign-off (Ava): your signature signs the reply.',
    );

    // A signature with closing words of its own: the template's whole sign-off goes.
    await stack.api('/auth/me', {
      login: DEMO.agent,
      method: 'PATCH',
      body: { signature: 'Kind regards,\nAva Agent' },
    });
    await ava.reload();
    await body.fill('');
    await insert('photo of the damage');
    await eventually(() => body.inputValue()).toBe(photo.replace(/\n\nBest regards,$/, ''));
    expect(await text(ava.getByTestId('template-sign-off'))).toBe(
      'Left out the template’s sign-off (Best regards, Ava): your signature signs the reply.',
    );
    await ava.getByTestId('composer-send').click();
    await eventually(async () => {
      const messages = await stack.api<{ items: Message[] }>(`/cases/${c.id}/messages`, admin);
      return messages.items.at(-1)?.body;
    }).toBe(photo.replace(/\n\nBest regards,$/, ''));

    // An internal note is not signed: the template goes in whole, and no signature shows.
    await ava.getByRole('radio', { name: 'Internal note', exact: true }).click();
    expect(await ava.getByTestId('composer-signature').count()).toBe(0);
    await insert('photo of the damage');
    await eventually(() => body.inputValue()).toMatch(/\n\nBest regards,\nAva$/);
    expect(await ava.getByTestId('template-sign-off').count()).toBe(0);
    await stack.api('/auth/me', { login: DEMO.agent, method: 'PATCH', body: { signature: me.signature } });
    await ava.close();
  });
});

describe('keyboard focus on the case page', () => {
  /** What has the focus: a field by its id, anything else by its label or its text as read. */
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return 'BODY';
      if (el.id && el.matches('input, textarea, select')) return el.id;
      const label = el.getAttribute('aria-label');
      if (label) return label;
      const read = el.cloneNode(true) as Element;
      read.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
      return (read.textContent ?? '').trim();
    });
  const focus = (locator: ReturnType<Page['locator']>) => locator.focus();

  it('editing the subject: Escape, Cancel and Save give the focus back to Edit subject, outside the heading', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz subject',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    // The heading is the number and the subject; its edit button is beside it.
    const h1 = page.getByRole('heading', { level: 1 });
    expect(await h1.getAttribute('class')).toBe('case-title');
    expect(norm(await text(h1))).toBe(`#${c.number} ${c.subject}`);
    expect(await h1.getByRole('button').count()).toBe(0);

    const edit = page.getByRole('button', { name: 'Edit subject' });
    await focus(edit);
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('case-subject');
    await page.keyboard.press('Escape');
    await eventually(focused).toBe('Edit subject');

    await page.keyboard.press('Enter');
    await eventually(focused).toBe('case-subject');
    await page.keyboard.press('Tab'); // Save
    await page.keyboard.press('Tab'); // Cancel
    expect(await focused()).toBe('Cancel');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Edit subject');

    await page.keyboard.press('Enter');
    await eventually(focused).toBe('case-subject');
    await page.keyboard.press('End');
    await page.keyboard.type(' (renamed)');
    await page.keyboard.press('Enter');
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(`${c.subject} (renamed)`);
    await eventually(focused).toBe('Edit subject');
  });

  it('two people on one case: a subject edited on a stale copy asks first; a one-click change applies on top', async () => {
    const c = await createCase(stack, {
      subject: 'Conflict: quartz subject',
      customerId: mariaId,
      message: 'Hello',
    });
    const other = await stack.newPage();
    await signIn(other, stack.url, DEMO.admin);
    await openCase(c);
    await other.goto(`${stack.url}/cases/${c.id}`);
    await eventually(() => text(other.getByTestId('case-subject'))).toBe(c.subject);
    const rename = async (p: Page, subject: string) => {
      await p.getByLabel('Subject', { exact: true }).fill(subject);
      await p.getByLabel('Subject', { exact: true }).press('Enter');
    };

    // Both open the subject; the other saves first, then this page saves on the copy it opened.
    await page.getByRole('button', { name: 'Edit subject' }).click();
    await other.getByRole('button', { name: 'Edit subject' }).click();
    await rename(other, 'Conflict: theirs');
    await eventually(() => text(other.getByTestId('case-subject'))).toBe('Conflict: theirs');
    await rename(page, 'Conflict: mine');
    const conflict = page.getByTestId('edit-conflict');
    await eventually(() => text(conflict)).toContain(
      'Someone else saved this case while you were editing it',
    );
    expect((await getCase(stack, c.id)).subject).toBe('Conflict: theirs');

    // Saved over theirs, by choice.
    await conflict.getByRole('button', { name: 'Save mine over theirs' }).click();
    await eventually(() => text(page.getByTestId('case-subject'))).toBe('Conflict: mine');
    expect(await conflict.count()).toBe(0);
    expect((await getCase(stack, c.id)).subject).toBe('Conflict: mine');

    // Or their version loaded: the edit is dropped, the subject shown is theirs.
    await page.getByRole('button', { name: 'Edit subject' }).click();
    await eventually(() => text(other.getByTestId('case-subject'))).toBe('Conflict: mine');
    await other.getByRole('button', { name: 'Edit subject' }).click();
    await rename(other, 'Conflict: theirs again');
    await eventually(() => text(other.getByTestId('case-subject'))).toBe('Conflict: theirs again');
    await rename(page, 'Conflict: mine again');
    await conflict.getByRole('button', { name: 'Load their version' }).click();
    await eventually(() => text(page.getByTestId('case-subject'))).toBe('Conflict: theirs again');
    expect(await conflict.count()).toBe(0);

    // A priority chosen by one click applies on top of a change this page has not seen yet.
    await stack.api(`/cases/${c.id}`, {
      ...admin,
      method: 'PATCH',
      body: { subject: 'Conflict: meanwhile' },
    });
    await page.getByTestId('case-priority').selectOption('urgent');
    await eventually(async () => (await getCase(stack, c.id)).priority).toBe('urgent');
    expect((await getCase(stack, c.id)).subject).toBe('Conflict: meanwhile');
    expect(await conflict.count()).toBe(0);
    await other.close();
  });

  it('a tag added just after the customer wrote is saved without asking, and a colleague’s tag stays', async () => {
    const c = await createCase(stack, {
      subject: 'Tags: quartz just wrote',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const sent: { body: unknown; ifMatch: string | undefined }[] = [];
    const onRequest = (r: {
      method(): string;
      url(): string;
      postDataJSON(): unknown;
      headers(): Record<string, string>;
    }) => {
      if (r.method() === 'PATCH' && r.url().endsWith(`/api/v1/cases/${c.id}`))
        sent.push({ body: r.postDataJSON(), ifMatch: r.headers()['if-match'] });
    };
    page.on('request', onRequest);
    try {
      // While the page is open the customer writes again and a colleague tags the case: the copy
      // on screen is older than the case.
      await stack.api(`/cases/${c.id}/messages`, {
        ...admin,
        method: 'POST',
        body: { body: 'Any news?', public: true, from: 'customer' },
      });
      await stack.api(`/cases/${c.id}`, { ...admin, method: 'PATCH', body: { addTags: ['colleague'] } });
      const region = page.getByRole('region', { name: 'Tags' });
      await region.getByLabel('Add a tag').fill(' Refund-Asked ');
      await region.getByRole('button', { name: 'Add' }).click();
      await eventually(async () => (await getCase(stack, c.id)).tags).toEqual(['colleague', 'refund-asked']);
      const chips = () =>
        texts(page.getByTestId('case-tags').getByRole('listitem')).then((all) =>
          all.map((t) => t.replace(/\s*×$/, '')),
        );
      await eventually(chips).toEqual(['colleague', 'refund-asked']);
      expect(await page.getByTestId('edit-conflict').count()).toBe(0);

      await page.getByRole('button', { name: 'Remove refund-asked' }).click();
      await eventually(async () => (await getCase(stack, c.id)).tags).toEqual(['colleague']);
      await eventually(chips).toEqual(['colleague']);
      expect(await page.getByTestId('edit-conflict').count()).toBe(0);
      // One tag at a time, onto the case as it is: no whole list, no If-Match.
      expect(sent).toEqual([
        { body: { addTags: ['refund-asked'] }, ifMatch: undefined },
        { body: { removeTags: ['refund-asked'] }, ifMatch: undefined },
      ]);
    } finally {
      page.off('request', onRequest);
    }
  });

  it('removing a tag moves the focus to the next tag, and after the last to the tag box', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz tags',
      customerId: mariaId,
      message: 'Hello',
    });
    await stack.api(`/cases/${c.id}`, {
      ...admin,
      method: 'PATCH',
      body: { tags: ['alpha', 'beta', 'gamma'] },
    });
    await openCase(c);
    const tags = page.getByTestId('case-tags');
    const listed = () =>
      texts(tags.getByRole('listitem')).then((all) => all.map((t) => t.replace(/\s+/g, '')));
    await eventually(listed).toEqual(['alpha×', 'beta×', 'gamma×']);
    await focus(page.getByRole('button', { name: 'Remove alpha' }));
    await page.keyboard.press('Enter');
    await eventually(listed).toEqual(['beta×', 'gamma×']);
    await eventually(focused).toBe('Remove beta');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Remove gamma');
    await page.keyboard.press('Enter');
    await eventually(listed).toEqual(['beta×']);
    await eventually(focused).toBe('case-tag-input');
  });

  it('the Templates picker: Escape gives the focus back to its button; tabbing out of it closes it', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz templates',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const button = page.getByTestId('template-button');
    const panel = page.getByRole('dialog', { name: 'Reply templates' });
    await focus(button);
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Find a template',
    );
    await page.keyboard.press('Escape');
    await eventually(() => panel.count()).toBe(0);
    expect(await focused()).toBe('Templates');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // Open again: moving within it keeps it open, tabbing past its last link closes it.
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Find a template',
    );
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Manage templates');
    expect(await panel.count()).toBe(1);
    await page.keyboard.press('Tab');
    await eventually(() => panel.count()).toBe(0);
    expect(await focused()).not.toBe('BODY');
  });

  it('Merge into… finds only the customer’s own cases; Link a case finds anyone’s', async () => {
    const stamp = Date.now().toString(36);
    const other = await stack.api<{ id: string }>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: `Other buyer ${stamp}`, email: `other-${stamp}@example.com` },
    });
    const theirs = await createCase(stack, {
      subject: `Spinel ${stamp} theirs`,
      customerId: other.id,
      message: 'Late',
    });
    await createCase(stack, { subject: `Spinel ${stamp} mine too`, customerId: mariaId, message: 'Late' });
    const c = await createCase(stack, {
      subject: `Spinel ${stamp} mine`,
      customerId: mariaId,
      message: 'Late',
    });
    await openCase(c);
    // Both among the case's header actions, not at the foot of the side panels.
    const header = page.locator('.case-header');
    const results = () => texts(page.getByTestId('case-picker').locator('.picker__results li'));
    await header.getByRole('button', { name: 'Merge into…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge this case' });
    const search = dialog.getByRole('searchbox', { name: 'Merge this case into' });
    expect(await search.getAttribute('aria-describedby')).not.toBeNull();
    expect(await text(dialog.getByTestId('case-picker').locator('.picker__hint'))).toBe(
      'Only Maria Jensen’s own cases: link another customer’s case instead.',
    );
    await search.fill(`spinel ${stamp}`);
    await eventually(async () => (await results()).length).toBe(1);
    expect((await results())[0]).toContain(`Spinel ${stamp} mine too`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => dialog.count()).toBe(0);

    await header.getByRole('button', { name: 'Link a case' }).click();
    const linking = page.getByRole('dialog', { name: 'Link a case' });
    // Found by its number too, as the placeholder says.
    expect(await linking.getByRole('searchbox').getAttribute('placeholder')).toBe(
      'Case number, or words from its subject or messages',
    );
    await linking.getByRole('searchbox').fill(`#${theirs.number}`);
    await eventually(() => results()).toEqual([expect.stringContaining(`Spinel ${stamp} theirs`)]);
    await linking.getByRole('searchbox').fill(`spinel ${stamp}`);
    await eventually(async () => (await results()).length).toBe(2);
    expect((await results()).join(' ')).toContain(`Spinel ${stamp} theirs`);
    // Linked: the dialog closes and the side panel lists it.
    await linking.getByRole('button', { name: new RegExp(`Spinel ${stamp} theirs`) }).click();
    await eventually(() => linking.count()).toBe(0);
    await eventually(() => texts(page.getByTestId('linked-cases').locator('.mini-case__subject'))).toEqual([
      expect.stringContaining(`Spinel ${stamp} theirs`),
    ]);
  });

  it('merges from the header: the picker, then the confirmation, in one dialog; then the other case', async () => {
    const stamp = Date.now().toString(36);
    const keeper = await createCase(stack, { subject: `Beryl ${stamp} keeper`, customerId: mariaId });
    const twin = await createCase(stack, { subject: `Beryl ${stamp} twin`, customerId: mariaId });
    await openCase(twin);
    await page.locator('.case-header').getByRole('button', { name: 'Merge into…' }).click();
    const dialog = page.getByTestId('case-link-dialog');
    await dialog.getByRole('searchbox').fill(`beryl ${stamp}`);
    await dialog.getByRole('button', { name: new RegExp(`Beryl ${stamp} keeper`) }).click();
    expect(await dialog.getAttribute('aria-label')).toBe('Confirm merge');
    expect(await text(dialog.getByTestId('merge-confirm').locator('p'))).toBe(
      `Merge #${twin.number} into #${keeper.number} “Beryl ${stamp} keeper”? Its messages and links move there, and this case closes.`,
    );
    // The safe choice has the focus.
    expect(await focused()).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe(`/cases/${keeper.id}`);
    expect((await getCase(stack, twin.id)).mergedIntoId).toBe(keeper.id);
  });

  it('Link a case and Merge into…: Escape and Cancel give the focus back to the button that opened them', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz links',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const header = page.locator('.case-header');
    await focus(header.getByRole('button', { name: 'Link a case' }));
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    expect(await page.getByRole('dialog', { name: 'Link a case' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await eventually(focused).toBe('Link a case');
    expect(await page.getByTestId('case-link-dialog').count()).toBe(0);

    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Cancel');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Link a case');

    // The next stop after Link a case is Merge into….
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Merge into…');
    await page.keyboard.press('Enter');
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
    await page.keyboard.press('Escape');
    await eventually(focused).toBe('Merge into…');
  });

  it('a new side conversation starts in its To field; Cancel gives the focus back to its button', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz side',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const panel = page.getByRole('region', { name: 'Side conversations' });
    await focus(panel.getByRole('button', { name: 'New side conversation' }));
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('side-to');
    await focus(panel.getByRole('button', { name: 'Cancel' }));
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('New side conversation');
  });

  it('@mentions are a combobox: the note names its listbox and active option; Escape closes only the list', async () => {
    const c = await createCase(stack, { subject: 'Focus: quartz mentions', customerId: mariaId });
    await openCase(c);
    await page.keyboard.press('n');
    const note = page.getByTestId('composer-body');
    await eventually(focused).toBe(await note.getAttribute('id'));
    expect(await note.getAttribute('role')).toBe('combobox');
    expect(await note.getAttribute('aria-expanded')).toBe('false');
    expect(await note.getAttribute('aria-autocomplete')).toBe('list');

    await page.keyboard.type('Ask @a');
    const list = page.getByRole('listbox', { name: 'Colleagues to mention' });
    const options = list.getByRole('option');
    await eventually(() => options.count()).toBeGreaterThan(1);
    expect(await note.getAttribute('aria-expanded')).toBe('true');
    expect(await note.getAttribute('aria-controls')).toBe(await list.getAttribute('id'));
    const activeId = () => note.getAttribute('aria-activedescendant');
    expect(await activeId()).toBe(await options.nth(0).getAttribute('id'));
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await eventually(() => text(page.getByTestId('announcer'))).toMatch(
      /^\d+ colleagues to mention: arrow keys choose, Enter picks, Escape closes\.$/,
    );
    await page.keyboard.press('ArrowDown');
    await eventually(activeId).toBe(await options.nth(1).getAttribute('id'));
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('false');

    // Escape closes the list, nothing else: the focus and the text stay; typing on the same
    // name does not open it again, a new "@" does.
    await page.keyboard.press('Escape');
    await eventually(() => list.count()).toBe(0);
    expect(await note.getAttribute('aria-expanded')).toBe('false');
    expect(await note.getAttribute('aria-activedescendant')).toBeNull();
    expect(await focused()).toBe(await note.getAttribute('id'));
    await page.keyboard.type('v');
    expect(await list.count()).toBe(0);
    expect(await note.inputValue()).toBe('Ask @av');
    await page.keyboard.type(' and @av');
    await eventually(() => options.first().innerText()).toContain('Ava Agent');
    await page.keyboard.press('Enter');
    expect(await note.inputValue()).toBe('Ask @av and @Ava Agent ');
    expect(await list.count()).toBe(0);
    await note.fill('');
  });

  it('Public reply / Internal note is one radio group: one Tab stop, arrow keys choose', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz composer',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const group = page.getByRole('radiogroup', { name: 'Message type' });
    // Named without the shortcut letter, which is given as a key shortcut.
    const reply = group.getByRole('radio', { name: 'Public reply', exact: true });
    const note = group.getByRole('radio', { name: 'Internal note', exact: true });
    expect(await reply.getAttribute('aria-keyshortcuts')).toBe('r');
    expect(await note.getAttribute('aria-keyshortcuts')).toBe('n');
    expect(await reply.getAttribute('aria-checked')).toBe('true');
    expect(await note.getAttribute('tabindex')).toBe('-1');

    await reply.focus();
    await page.keyboard.press('ArrowRight');
    await eventually(() => note.getAttribute('aria-checked')).toBe('true');
    expect(await focused()).toBe('Internal note');
    expect(await reply.getAttribute('aria-checked')).toBe('false');
    expect(await page.getByTestId('composer-send').innerText()).toBe('Add note');
    // Space on the checked one keeps the focus there.
    await page.keyboard.press('Space');
    expect(await focused()).toBe('Internal note');
    await page.keyboard.press('ArrowLeft');
    await eventually(() => reply.getAttribute('aria-checked')).toBe('true');
    expect(await focused()).toBe('Public reply');
    // Tab leaves the group (to the reply box), not to the other radio.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-body',
    );
  });

  it('the case tabs: arrow keys, Home and End move and select; the selected tab alone names its panel', async () => {
    const c = await createCase(stack, {
      subject: 'Focus: quartz tabs',
      customerId: mariaId,
      message: 'Hello',
    });
    await openCase(c);
    const tablist = page.getByRole('tablist', { name: 'Case' });
    const selected = () => text(tablist.locator('[role=tab][aria-selected=true]'));
    const controlsExisting = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[role=tab][aria-controls]')].map(
          (t) => document.getElementById(t.getAttribute('aria-controls')!)?.getAttribute('role') ?? 'missing',
        ),
      );
    expect(await controlsExisting()).toEqual(['tabpanel']);
    await tablist.getByRole('tab', { name: /Conversation/ }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(selected).toBe('Timeline');
    expect(await focused()).toBe('Timeline');
    expect(await page.getByRole('tabpanel', { name: 'Timeline' }).count()).toBe(1);
    expect(await controlsExisting()).toEqual(['tabpanel']);
    await page.keyboard.press('Home');
    await eventually(selected).toMatch(/^Conversation/);
    await page.keyboard.press('End');
    await eventually(selected).toBe('Timeline');
    await page.keyboard.press('ArrowRight'); // round to the first
    await eventually(selected).toMatch(/^Conversation/);
    await page.keyboard.press('ArrowLeft');
    await eventually(selected).toBe('Timeline');
    // One Tab stop: the tabs not selected are out of the Tab order.
    expect(
      await tablist.locator('[role=tab]').evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).tabIndex)),
    ).toEqual([-1, 0]);
  });
});

describe('on a phone', () => {
  it('the queue and a case fit the screen; the links fold behind the Menu button', async () => {
    const phone = await stack.newPage();
    await signIn(phone, stack.url, DEMO.agent);
    await phone.setViewportSize({ width: 390, height: 844 });
    const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await phone.goto(`${stack.url}/cases`);
    await phone.getByTestId('case-table').or(phone.getByText('No cases here')).first().waitFor();
    expect(await overflow()).toBe(0);
    await phone.goto(`${stack.url}/cases/${parcel.id}`);
    await eventually(() => text(phone.getByTestId('case-subject'))).toBe(parcel.subject);
    expect(await overflow()).toBe(0);
    // The links fold behind the Menu button; opened, they list below the bar across its width.
    const nav = phone.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    await phone.getByRole('button', { name: 'Menu' }).click();
    const links = await nav.boundingBox();
    const brand = await phone.getByRole('link', { name: 'Steward home' }).boundingBox();
    expect(links!.y).toBeGreaterThan(brand!.y + brand!.height - 1);
    expect(links!.width).toBe(390);
    await phone.close();
  });
});
