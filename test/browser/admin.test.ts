// Administration: an admin sets up a business calendar and an agreement in the UI; a case then
// runs on them, and its first-response clock is due exactly when business time says it is.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agreement } from '../../src/shared/schemas/agreements.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Organization } from '../../src/shared/schemas/organizations.js';
import type { CommitmentRate } from '../../src/shared/schemas/signals.js';
import type { AgentProfile, Team } from '../../src/shared/schemas/teams.js';
import type { z } from 'zod';

type TeamDto = z.infer<typeof Team>;
type AgentDto = z.infer<typeof AgentProfile>;
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { createCase, getCase, type CalendarDto } from './fixtures.js';
import { makeCommitment } from '../helpers/signal-factories.js';
import { kpiPeriod } from '../../src/web/signals/kpi-period.js';

let stack: Stack;
let page: Page;
const admin = { login: DEMO.admin };

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
});

const CALENDAR = 'Berlin hours (browser test)';
const AGREEMENT = 'Berlin PSA (browser test)';
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The UTC instant of a wall-clock time in Europe/Berlin (offsets from the ICU zone data). */
function berlin(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Berlin',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(instant));
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - instant;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess);
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) =>
  isoDate(new Date(Date.parse(`${day}T12:00:00Z`) + n * 86_400_000));

/** A Friday one to two weeks back, and the Monday after it (dates in Berlin). */
function pastFridayAndMonday(): { friday: string; monday: string } {
  let day = addDays(isoDate(new Date()), -8);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() !== 5) day = addDays(day, -1);
  return { friday: day, monday: addDays(day, 3) };
}

/** An organization no seeded agreement names, so ours is the one its cases follow. */
async function organizationWithoutAgreement(): Promise<Organization> {
  const orgs = await stack.api<{ items: Organization[] }>('/organizations?limit=500&sort=name', admin);
  const agreements = await stack.api<{ items: Agreement[] }>('/agreements', admin);
  const taken = new Set(agreements.items.map((a) => a.scope.organizationId).filter(Boolean));
  const free = orgs.items.find((o) => !taken.has(o.id) && o.customerCount > 0);
  if (!free) throw new Error('every demo organization has an agreement');
  return free;
}

describe('calendars', () => {
  it('creates a Mon–Fri 09:00–17:00 Berlin calendar with the weekly hours editor', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/admin/calendars');
    await page.getByRole('link', { name: 'New calendar' }).click();

    await page.getByLabel('Name', { exact: true }).fill(CALENDAR);
    // A new calendar starts in the company's zone (the demo's: Berlin), and says so.
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await text(page.getByTestId('calendar-zone-default'))).toBe(
      'Set to the company’s time zone (Admin → Settings).',
    );
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    // Without hours it would be never open (allowed, but no agreement can use it): the form says so.
    expect(await text(page.getByTestId('never-open-note'))).toBe(
      'No open hours yet: the calendar is never open, and no agreement can use it until it has some.',
    );
    await page.getByRole('button', { name: 'Add hours on Monday' }).click();
    expect(await page.getByTestId('never-open-note').count()).toBe(0);
    expect(await page.getByLabel('Monday opens').inputValue()).toBe('09:00');
    expect(await page.getByLabel('Monday closes').inputValue()).toBe('17:00');

    // A mistake is caught in the browser, by the shared schema, next to the interval.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/v1/calendars')) posts.push(r.url());
    });
    await page.getByLabel('Monday closes').fill('08:00');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    await eventually(() => text(page.getByTestId('error-interval'))).toBe(
      'Monday: the closing time must be after the opening time (08:00 is before 09:00); for hours past midnight, close at 24:00 and add hours from 00:00 on the next day',
    );
    expect(await text(page.getByTestId('form-errors'))).toContain(
      'Open hours: Monday: the closing time must be after the opening time (08:00 is before 09:00)',
    );
    // Closing when it opens: the same words, not "an interval must not be empty".
    await page.getByLabel('Monday closes').fill('09:00');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    await eventually(() => text(page.getByTestId('error-interval'))).toBe(
      'Monday: the closing time must be after the opening time (both are 09:00)',
    );
    // A malformed time is labelled by its interval: the message does not name the day.
    await page.getByLabel('Monday closes').fill('9');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    await eventually(() => text(page.getByTestId('form-errors'))).toContain(
      'Monday 09:00–9 (close): must be',
    );
    expect(posts).toEqual([]);

    await page.getByLabel('Monday closes').fill('17:00');
    expect(await page.getByTestId('error-interval').count()).toBe(0);
    await page.getByRole('button', { name: 'Copy to Tue–Fri' }).click();
    for (const day of ['tuesday', 'wednesday', 'thursday', 'friday']) {
      expect(await page.getByTestId(`hours-${day}`).getByTestId('hours-interval').count()).toBe(1);
    }
    expect(await text(page.getByTestId('hours-saturday'))).toContain('Closed');
    expect(await text(page.getByTestId('weekly-total'))).toBe('40\u00a0h a week');

    // A holiday well away from the weekends the test relies on.
    const nextYear = new Date().getUTCFullYear() + 1;
    await page.getByLabel('Add a holiday').fill(`${nextYear}-12-25`);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    expect(await page.getByTestId('holiday-list').locator('li').count()).toBe(1);

    await page.getByRole('button', { name: 'Create calendar' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Calendar created.');
    const row = page.getByTestId('calendar-row').filter({ hasText: CALENDAR });
    expect(norm(await text(row))).toContain('Europe/Berlin Mon–Fri 09:00–17:00 · 40 h a week 1 holiday');

    const calendars = await stack.api<{ items: CalendarDto[] }>('/calendars', admin);
    const created = calendars.items.find((c) => c.name === CALENDAR)!;
    expect(created.timezone).toBe('Europe/Berlin');
    expect(created.hours).toEqual([1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })));
    expect(created.holidays).toEqual([`${nextYear}-12-25`]);
  });

  it('starts a new calendar in the browser’s zone when the company has none, and says so', async () => {
    await stack.api('/settings', { ...admin, method: 'PATCH', body: { timeZone: null } });
    try {
      await page.goto(`${stack.url}/admin/calendars/new`);
      // The test browser is in UTC.
      await eventually(() => page.getByLabel('Time zone').inputValue()).toBe('UTC');
      expect(await text(page.getByTestId('calendar-zone-default'))).toBe(
        'Set to this browser’s: no company time zone is set in Admin → Settings.',
      );
      // Another zone chosen: the hint no longer speaks of a default.
      await page.getByLabel('Time zone').fill('Europe/Vienna');
      expect(await page.getByTestId('calendar-zone-default').count()).toBe(0);
    } finally {
      await stack.api('/settings', { ...admin, method: 'PATCH', body: { timeZone: 'Europe/Berlin' } });
    }
  });

  it('names a holiday; an old client sending dates only keeps the name', async () => {
    const name = `Named holidays ${Date.now()}`;
    const nextYear = new Date().getUTCFullYear() + 1;
    const made = await stack.api<CalendarDto>('/calendars', {
      ...admin,
      method: 'POST',
      body: {
        name,
        timezone: 'Europe/Berlin',
        hours: [{ day: 1, open: '09:00', close: '17:00' }],
        holidays: [`${nextYear}-12-25`, { date: `${nextYear}-12-26`, name: 'Boxing Day' }],
      },
    });
    await page.goto(`${stack.url}/admin/calendars`);
    await page.getByTestId('calendar-row').filter({ hasText: name }).getByRole('link', { name }).click();
    const names = page.getByTestId('holiday-list').getByPlaceholder('Name (optional)');
    await eventually(() => names.count()).toBe(2);
    expect(await names.nth(0).inputValue()).toBe('');
    expect(await names.nth(1).inputValue()).toBe('Boxing Day');
    await names.nth(0).fill('Christmas Day');
    await names.nth(1).fill('');
    await page.getByRole('button', { name: 'Save calendar' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Calendar saved.');
    const saved = await stack.api<CalendarDto>(`/calendars/${made.id}`, admin);
    expect(saved.holidays).toEqual([`${nextYear}-12-25`, `${nextYear}-12-26`]);
    expect(saved.namedHolidays).toEqual([
      { date: `${nextYear}-12-25`, name: 'Christmas Day' },
      { date: `${nextYear}-12-26`, name: null },
    ]);

    // A client that knows only dates adds one: the name stays, and the form shows it.
    await stack.api(`/calendars/${made.id}`, {
      ...admin,
      method: 'PATCH',
      body: { holidays: [...saved.holidays, `${nextYear}-12-31`] },
    });
    await page.getByTestId('calendar-row').filter({ hasText: name }).getByRole('link', { name }).click();
    await eventually(() => names.count()).toBe(3);
    expect(await names.nth(0).inputValue()).toBe('Christmas Day');
    expect(await names.nth(2).inputValue()).toBe('');
  });

  it('deletes a calendar no agreement uses, after asking, and says so', async () => {
    const name = `Spare calendar ${Date.now()}`;
    await stack.api('/calendars', {
      ...admin,
      method: 'POST',
      body: { name, timezone: 'UTC', hours: [{ day: 1, open: '09:00', close: '17:00' }], holidays: [] },
    });
    await page.goto(`${stack.url}/admin/calendars`);
    await page.getByTestId('calendar-row').filter({ hasText: name }).getByRole('link', { name }).click();
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Calendar deleted.');
    expect(asked).toEqual([`Delete the calendar “${name}”?`]);
    expect(await page.getByTestId('calendar-row').filter({ hasText: name }).count()).toBe(0);
  });

  it('at 768 px a calendar’s weekly hours keep to one line: no number apart from its unit', async () => {
    const narrow = await stack.newPage();
    await signIn(narrow, stack.url, DEMO.admin);
    await narrow.setViewportSize({ width: 768, height: 900 });
    await narrow.goto(`${stack.url}/admin/calendars`);
    const hours = narrow
      .getByTestId('calendar-row')
      .filter({ hasText: 'New York office' })
      .getByTestId('calendar-weekly-hours');
    await eventually(() => text(hours)).toBe('37\u00a0h 30\u00a0min a week');
    expect(await hours.evaluate((e) => e.getClientRects().length)).toBe(1);
    await narrow.close();
  });
});

describe('agreements', () => {
  let organization: Organization;

  it('creates an agreement for an organization on that calendar', async () => {
    organization = await organizationWithoutAgreement();
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Agreements' })
      .click();
    await page.getByRole('link', { name: 'New agreement' }).click();

    // The owner is "Me" unless someone else is picked; the admin is not offered a second time.
    const owners = page.getByLabel('Owner').locator('option');
    await eventually(() => owners.count()).toBeGreaterThan(1);
    expect(await owners.first().textContent()).toBe(`Me (${DEMO.admin.name})`);
    expect((await owners.allTextContents()).filter((o) => o.includes(DEMO.admin.name))).toHaveLength(1);
    // Nothing chosen: the form says what to do, in its own words.
    await page.getByRole('button', { name: 'Create agreement' }).click();
    await eventually(() => texts(page.getByTestId('form-errors').locator('li'))).toEqual([
      'Name: is required',
      'Calendar: Choose a calendar',
    ]);
    expect(await text(page.getByTestId('error-agreement-calendar'))).toBe('Choose a calendar');
    await page.getByLabel('Name', { exact: true }).fill(AGREEMENT);
    await page.getByLabel('Calendar').selectOption({ label: `${CALENDAR} (Europe/Berlin)` });
    await page.getByRole('radio', { name: 'An organization' }).check();
    await page.getByLabel('Organization', { exact: true }).selectOption({ label: organization.name });

    // Two targets for the same promise and priority, and one of 0 minutes: refused before sending.
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.getByLabel('Target 3 promise').selectOption('first_response');
    await page.getByLabel('Target 2 minutes').fill('0');
    await page.getByRole('button', { name: 'Create agreement' }).click();
    await eventually(() => texts(page.getByTestId('form-errors').locator('li'))).toEqual([
      'Target 2 (Resolution): minutes: must be at least 1 minute: a target of 0 minutes is broken as soon as its clock starts',
      'Target 3: First response for any priority is set twice',
    ]);
    await page.getByRole('button', { name: 'Remove target 3' }).click();

    await page.getByLabel('Target 1 promise').selectOption('first_response');
    await page.getByLabel('Target 1 minutes').fill('60');
    // Number and date fields look like every other field when focused (the same ring).
    const focusedLook = async (label: string) => {
      const field = page.getByLabel(label, { exact: true });
      await field.focus();
      return field.evaluate((e) => {
        const style = getComputedStyle(e);
        return `${style.borderColor} ${style.boxShadow}`;
      });
    };
    const ring = await focusedLook('Name');
    expect(await focusedLook('Target 1 minutes')).toBe(ring);
    expect(await focusedLook('Review date')).toBe(ring);
    await page.getByLabel('Target 2 promise').selectOption('resolution');
    await page.getByLabel('Target 2 minutes').fill('480');
    expect(await text(page.getByTestId('target-row').nth(1))).toContain('= 8\u00a0h');
    // A review date in the past: the agreement is due for review.
    await page.getByLabel('Review date').fill('2026-01-15');
    await page.getByRole('button', { name: 'Create agreement' }).click();

    await eventually(() => text(page.getByTestId('notice'))).toBe('Agreement created.');
    const row = page.getByTestId('agreement-row').filter({ hasText: AGREEMENT });
    // Organization names arrive with their own request.
    await eventually(() => text(row.getByTestId('agreement-scope'))).toBe(
      `Organization: ${organization.name}`,
    );
    expect(norm(await text(row))).toContain('First response: 1 h Resolution: 8 h');
    expect(await text(row.getByTestId('review-due'))).toBe('Review due');
    await eventually(() => text(row.getByTestId('agreement-calendar'))).toBe(`${CALENDAR} calendar`);

    await page.getByLabel('Due for review only').check();
    await eventually(() => texts(page.getByTestId('agreement-row').locator('td:first-child a'))).toContain(
      AGREEMENT,
    );

    const stored = (await stack.api<{ items: Agreement[] }>('/agreements', admin)).items.find(
      (a) => a.name === AGREEMENT,
    )!;
    expect(stored).toMatchObject({
      scopeLevel: 'organization',
      scope: { organizationId: organization.id },
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'resolution', minutes: 480 },
      ],
      reviewDue: true,
    });
  });

  it('lists each agreement’s commitments and how they were kept over 90 days', async () => {
    const agreements = (await stack.api<{ items: Agreement[] }>('/agreements', admin)).items;
    const rates = await stack.api<{ items: CommitmentRate[] }>('/commitments/rates?by=agreement', admin);
    const measured = rates.items.filter((r) => r.onTimeRate !== null);
    expect(measured.length).toBeGreaterThan(0);
    await page.goto(`${stack.url}/admin/agreements`);
    for (const rate of measured) {
      const agreement = agreements.find((a) => a.id === rate.groupId)!;
      const row = page.getByTestId('agreement-row').filter({ hasText: agreement.name });
      await eventually(() => texts(row.getByTestId('agreement-commitments').locator('li'))).toEqual(
        agreement.commitments.map((c) => c.name),
      );
      const overdue = rate.overdue > 0 ? ` · ${rate.overdue} overdue` : '';
      await eventually(() => text(row.getByTestId('agreement-on-time'))).toBe(
        `${Math.round(rate.onTimeRate! * 100)}%\n${rate.met} met · ${rate.late + rate.broken} late or broken${overdue}`,
      );
    }
    // An agreement without commitments shows none, and no rate.
    const bare = agreements.find((a) => a.commitments.length === 0)!;
    const bareRow = page.getByTestId('agreement-row').filter({ hasText: bare.name });
    expect(await text(bareRow.getByTestId('agreement-on-time'))).toBe('—');
  });

  it('shows the same 90 days as the Commitments page: one agreement, the same rate on both', async () => {
    // "Last 90 days" starts on the Monday of the week 90 days back, at midnight in Berlin (the demo
    // company's zone): a commitment broken in the days between that Monday and 90 days ago counts
    // on both pages, or on neither. (A rolling 90 days on one of them left it out there.)
    const monday = kpiPeriod(new Date(), 90, undefined, 'Europe/Berlin').from;
    const agreements = (await stack.api<{ items: Agreement[] }>('/agreements', admin)).items;
    const agreement = agreements.find((a) => a.commitments.length > 0 && a.active)!;
    const closedAt = new Date(monday.getTime() + 60_000);
    await makeCommitment(stack.db, {
      key: agreement.commitments[0]!.key,
      agreementId: agreement.id,
      state: 'broken',
      dueAt: closedAt,
      closedAt,
    });

    await page.goto(`${stack.url}/commitments`);
    await eventually(() => page.getByTestId('rates-zone').getAttribute('data-zone')).toBe('Europe/Berlin');
    expect(await page.getByTestId('rates-section').getAttribute('data-from')).toBe(monday.toISOString());
    const rateRow = page.getByTestId('rate-row').filter({ hasText: agreement.name });
    await eventually(() => rateRow.count()).toBe(1);
    const [, met, late, broken, overdue, rate] = await texts(rateRow.locator('td'));
    expect(Number(broken)).toBeGreaterThan(0);

    await page.goto(`${stack.url}/admin/agreements`);
    const row = page.getByTestId('agreement-row').filter({ hasText: agreement.name });
    const lateOrBroken = Number(late) + Number(broken);
    const overdueNow = overdue === '0' ? '' : ` · ${overdue} overdue`;
    await eventually(() => text(row.getByTestId('agreement-on-time'))).toBe(
      `${rate}\n${met} met · ${lateOrBroken} late or broken${overdueNow}`,
    );
  });

  /**
   * A customer of the organization whose cases fall under the organization's agreement: not one
   * with an agreement of their own (that would be more specific than ours). With the agreements.
   */
  async function customerUnderOurAgreement() {
    const customers = await stack.api<{ items: Customer[] }>(
      `/customers?organizationId=${organization.id}&limit=50`,
      admin,
    );
    const agreements = await stack.api<{ items: Agreement[] }>('/agreements', admin);
    const own = new Set(agreements.items.map((a) => a.scope.customerId).filter(Boolean));
    return { customer: customers.items.find((x) => !own.has(x.id))!, agreements: agreements.items };
  }

  it('runs a case opened Friday 16:30 in Berlin to a first response due Monday 09:30', async () => {
    const { customer } = await customerUnderOurAgreement();
    const { friday, monday } = pastFridayAndMonday();
    const opened = berlin(friday, '16:30');
    // By hand: 30 business minutes left on Friday (16:30–17:00), the other 30 on Monday from 09:00.
    const due = berlin(monday, '09:30');

    const created = await createCase(stack, {
      subject: 'Weekend arithmetic',
      customerId: customer.id,
      createdAt: opened.toISOString(),
    });
    const c = await getCase(stack, created.id);
    expect(c.agreement?.name).toBe(AGREEMENT);
    const first = c.promises.find((p) => p.kind === 'first_response')!;
    expect(first.dueAt).toBe(due.toISOString());

    // The viewer in Berlin sees Monday 9:30 AM (the browser formats in its own zone).
    const context = await stack.browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    try {
      const berlinPage = await context.newPage();
      await signIn(berlinPage, stack.url, DEMO.admin);
      await berlinPage.goto(`${stack.url}/cases/${c.id}`);
      const clock = berlinPage.getByTestId('clock').and(berlinPage.locator('[data-kind="first_response"]'));
      const mondayLabel = new Intl.DateTimeFormat('en-US', {
        timeZone: 'UTC',
        weekday: 'short',
        month: 'short',
        day: 'numeric',
      }).format(new Date(`${monday}T12:00:00Z`));
      await eventually(async () => norm(await text(clock.getByTestId('clock-due')))).toBe(
        `${mondayLabel}, 9:30 AM`,
      );
      expect(await text(berlinPage.getByTestId('applied-agreement'))).toContain(AGREEMENT);
      // Long past due: the clock is overdue (or already recorded as breached).
      expect(['active', 'breached']).toContain(
        await clock.getByTestId('clock-state').getAttribute('data-state'),
      );
      expect(await text(clock.getByTestId('clock-state'))).toMatch(/^(Overdue|Breached)$/);
    } finally {
      await context.close();
    }

    // The UTC viewer sees 08:30 (winter) or 07:30 (summer) UTC, with the calendar's own time beside it.
    await page.goto(`${stack.url}/cases/${c.id}`);
    const clock = page.getByTestId('clock').and(page.locator('[data-kind="first_response"]'));
    await eventually(async () => norm(await text(clock.getByTestId('clock-due-zone')))).toBe(
      'Mon 09:30 Europe/Berlin',
    );
  });

  it('a changed target says how many running promises follow it; a new name says nothing of clocks', async () => {
    const { customer, agreements } = await customerUnderOurAgreement();
    // Opened now: its first response and resolution clocks run, due in the future (the earlier
    // test's case is long past due, and a clock past due keeps the promise it broke).
    const created = await createCase(stack, { subject: 'Tighter promise', customerId: customer.id });
    const before = await getCase(stack, created.id);
    expect(before.agreement?.name).toBe(AGREEMENT);
    const agreement = agreements.find((a) => a.name === AGREEMENT)!;

    await page.goto(`${stack.url}/admin/agreements/${agreement.id}`);
    await eventually(() => page.getByLabel('Target 2 minutes').inputValue()).toBe('480');
    await page.getByLabel('Target 2 minutes').fill('960');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe(
      'Agreement saved; 2 running promise clocks of open cases now follow the new terms.',
    );
    const after = await getCase(stack, created.id);
    expect(after.promises.find((p) => p.kind === 'resolution')?.targetMinutes).toBe(960);

    await page.getByRole('link', { name: AGREEMENT }).click();
    await page.getByLabel('Description').fill('Renamed nothing, described better.');
    await page.getByRole('button', { name: 'Save agreement' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Agreement saved.');
  });
});

describe('categories and case fields', () => {
  it('adds a category and a list field, changes them, and a case offers what is on', async () => {
    await page.goto(`${stack.url}/admin/case-fields`);
    const categoryForm = page.getByRole('form', { name: 'New category' });
    await categoryForm.getByLabel('Name', { exact: true }).fill('Warranty claim');
    // The key follows the name until it is typed.
    expect(await categoryForm.getByLabel('Key', { exact: true }).inputValue()).toBe('warranty_claim');
    await categoryForm.getByRole('button', { name: 'Add category' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Category “Warranty claim” added.');
    const category = page.getByTestId('category-row').filter({ hasText: 'Warranty claim' });
    expect(await text(category.getByTestId('category-state'))).toBe('On');
    // The same key again: said at the key.
    await categoryForm.getByLabel('Name', { exact: true }).fill('Warranty claim');
    await categoryForm.getByRole('button', { name: 'Add category' }).click();
    await eventually(() => text(categoryForm.getByTestId('error-category-key'))).toBe(
      'category "warranty_claim" exists',
    );

    const fieldForm = page.getByRole('form', { name: 'New case field' });
    await fieldForm.getByLabel('Label', { exact: true }).fill('Return reason');
    await fieldForm.getByLabel('Type', { exact: true }).selectOption('select');
    // A list needs its options: refused until there are some.
    await fieldForm.getByRole('button', { name: 'Add field' }).click();
    await eventually(() => text(fieldForm.getByTestId('error-field-new-options'))).toBe(
      'needs at least one option',
    );
    await fieldForm.getByLabel('Options', { exact: true }).fill('Damaged\n\nWrong size\n Changed mind ');
    await fieldForm.getByRole('checkbox', { name: 'Required to solve a case' }).check();
    await fieldForm.getByRole('button', { name: 'Add field' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Field “Return reason” added.');
    const field = page.getByTestId('case-field-row').filter({ hasText: 'Return reason' });
    // The list is read again after the notice.
    await eventually(() => texts(field.locator('td'))).toEqual([
      'Return reason',
      'return_reason',
      'List of options',
      'Damaged, Wrong size, Changed mind',
      'Yes',
      'On',
      'Edit',
    ]);

    // Edited: not required any more, one more option.
    await field.getByRole('button', { name: 'Edit' }).click();
    const editForm = page.getByRole('form', { name: 'Edit field Return reason' });
    await editForm.getByLabel('Options', { exact: true }).fill('Damaged\nWrong size\nChanged mind\nLate');
    await editForm.getByRole('checkbox', { name: 'Required to solve a case' }).uncheck();
    await editForm.getByRole('button', { name: 'Save field' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Field “Return reason” saved.');
    await eventually(() => texts(field.locator('td'))).toEqual([
      'Return reason',
      'return_reason',
      'List of options',
      'Damaged, Wrong size, Changed mind, Late',
      'No',
      'On',
      'Edit',
    ]);

    // A case offers the field with its options, and the category until it is switched off.
    const [customer] = (await stack.api<{ items: Customer[] }>('/customers?limit=1', admin)).items;
    const made = await createCase(stack, { subject: 'Case fields browser test', customerId: customer!.id });
    const casePage = await stack.newPage();
    await signIn(casePage, stack.url, DEMO.admin);
    await casePage.goto(`${stack.url}/cases/${made.id}`);
    const reason = casePage.getByLabel('Return reason', { exact: true });
    await eventually(() => texts(reason.locator('option'))).toEqual([
      '—',
      'Damaged',
      'Wrong size',
      'Changed mind',
      'Late',
    ]);
    const categorySelect = casePage.getByLabel('Category', { exact: true });
    // The categories load apart from the fields: wait for them.
    await eventually(() => texts(categorySelect.locator('option'))).toContain('Warranty claim');

    await category.getByRole('button', { name: 'Switch off' }).click();
    await eventually(() => text(category.getByTestId('category-state'))).toBe('Off');
    await casePage.reload();
    await eventually(() => texts(reason.locator('option'))).toContain('Late');
    expect(await texts(categorySelect.locator('option'))).not.toContain('Warranty claim');
    const categories = await stack.api<{ items: { key: string; active: boolean }[] }>('/categories', admin);
    expect(categories.items.find((c) => c.key === 'warranty_claim')).toMatchObject({ active: false });
  });
});

describe('customer and organization fields', () => {
  it('an admin defines a customer field; the customer form offers it typed, and the page shows its label', async () => {
    await page.goto(`${stack.url}/admin/case-fields`);
    await page
      .getByRole('navigation', { name: 'Fields of' })
      .getByRole('link', { name: 'Customers' })
      .click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/admin/customer-fields');
    // The side menu's Fields entry stands for every tab.
    const menu = page.getByRole('navigation', { name: 'Administration' });
    expect(await menu.getByRole('link', { name: 'Fields', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    // The demo's customer field is listed; customer fields are never required to solve anything.
    await eventually(() => texts(page.getByTestId('customer-field-row').first().locator('td'))).toEqual([
      'Loyalty tier',
      'tier',
      'List of options',
      'Gold, Silver, Bronze',
      'Yes',
      'On',
      'Edit',
    ]);
    const form = page.getByRole('form', { name: 'New customer field' });
    expect(await form.getByRole('checkbox', { name: 'Required to solve a case' }).count()).toBe(0);
    await form.getByLabel('Label', { exact: true }).fill('Seats licensed');
    await form.getByLabel('Type', { exact: true }).selectOption('number');
    // Not shown to customers unless ticked: a number of seats is for staff.
    expect(await form.getByRole('checkbox', { name: /Shown to customers/ }).isChecked()).toBe(false);
    await form.getByRole('button', { name: 'Add field' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Field “Seats licensed” added.');

    const [customer] = (
      await stack.api<{ items: Customer[] }>('/customers?limit=1&segment=consumer&sort=name', admin)
    ).items;
    await page.goto(`${stack.url}/customers/${customer!.id}/edit`);
    const seats = page.getByLabel('Seats licensed', { exact: true });
    await seats.fill('12');
    const tier = page.getByLabel('Loyalty tier', { exact: true });
    expect(await texts(tier.locator('option'))).toEqual(['—', 'Gold', 'Silver', 'Bronze']);
    await tier.selectOption('Silver');
    // A free-form name that is a defined field's key is sent to its input instead.
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Custom field 1', { exact: true }).fill('seats_licensed');
    await page.getByLabel('Value of custom field 1').fill('40');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('error-customer-customFields'))).toBe(
      '“seats_licensed” is Seats licensed, above: fill it in there',
    );
    await page.getByRole('button', { name: 'Remove field seats_licensed' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    const saved = await stack.api<Customer>(`/customers/${customer!.id}`, admin);
    expect(saved.customFields).toMatchObject({ seats_licensed: 12, tier: 'Silver' });
    // Its page: the fields' labels, not their keys.
    expect(await text(page.getByTestId('customer-cf-seats_licensed'))).toBe('12');
    const facts = page.locator('section', { has: page.getByRole('heading', { name: 'Custom fields' }) });
    // By label once the definitions are read (the page may show the values a moment before).
    await eventually(() => texts(facts.locator('dt'))).toEqual(['Loyalty tier', 'Seats licensed']);
  });

  it("an organization's list field: its value is picked from the options", async () => {
    const [organization] = (
      await stack.api<{ items: Organization[] }>('/organizations?limit=1&sort=name', admin)
    ).items;
    expect(organization!.customFields).toMatchObject({ region: expect.any(String) });
    await page.goto(`${stack.url}/organizations/${organization!.id}/edit`);
    const region = page.getByLabel('Region', { exact: true });
    await eventually(() => texts(region.locator('option'))).toEqual(['—', 'EMEA', 'AMER', 'APAC']);
    await region.selectOption('APAC');
    await page.getByRole('button', { name: 'Save organization' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    const saved = await stack.api<Organization>(`/organizations/${organization!.id}`, admin);
    expect(saved.customFields).toMatchObject({
      region: 'APAC',
      account_manager: organization!.customFields.account_manager,
    });
  });
});

describe('fields a customer sees', () => {
  it('a customer sees their loyalty tier (shown to customers), under its label, and nothing else', async () => {
    const maria = await stack.api<{ items: Customer[] }>(
      `/customers?email=${encodeURIComponent(DEMO.customer.email)}`,
      admin,
    );
    const record = maria.items[0]!;
    // Staff see more than the tier on her organization: its account manager and region.
    const org = await stack.api<Organization>(`/organizations/${record.organizationId}`, admin);
    expect(Object.keys(org.customFields).sort()).toEqual(['account_manager', 'region']);
    const portal = await stack.newPage();
    await signIn(portal, stack.url, DEMO.customer);
    await portal.goto(`${stack.url}/customers/${record.id}`);
    const facts = portal.locator('section', { has: portal.getByRole('heading', { name: 'Custom fields' }) });
    await eventually(() => texts(facts.locator('dt'))).toEqual(['Loyalty tier']);
    expect(await text(portal.getByTestId('customer-cf-tier'))).toBe('Gold');
    await portal.goto(`${stack.url}/organizations/${record.organizationId}`);
    await eventually(() => text(portal.getByTestId('organization-heading'))).toBe(org.name);
    expect(await portal.getByRole('heading', { name: 'Custom fields' }).count()).toBe(0);
    await portal.close();
  });
});

describe('lists filtered by a field', () => {
  it('the customer list filters by a list field, in the address, and clears', async () => {
    const silver = await stack.api<{ total: number; items: Customer[] }>(
      '/customers?field=tier:Silver&includeTotal=true&limit=200',
      admin,
    );
    expect(silver.total).toBeGreaterThan(1);
    await page.goto(`${stack.url}/customers`);
    await page.getByLabel('Loyalty tier', { exact: true }).selectOption('Silver');
    await eventually(() => text(page.getByTestId('customer-total'))).toBe(`${silver.total} customers found`);
    expect(new URL(page.url()).searchParams.get('f.tier')).toBe('Silver');
    const shown = await page.getByTestId('customer-row').locator('td:first-child').allInnerTexts();
    expect(shown.map((n) => n.trim())).toEqual(silver.items.slice(0, shown.length).map((c) => c.name));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(() => page.getByLabel('Loyalty tier', { exact: true }).inputValue()).toBe('');
    expect(new URL(page.url()).searchParams.has('f.tier')).toBe(false);
  });
});

describe('teams and agents', () => {
  it('creates a team with members and an assignment mode', async () => {
    await page.goto(`${stack.url}/admin/teams`);
    await page.getByRole('link', { name: 'New team' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Returns desk');
    await page.getByRole('radio', { name: /Least loaded/ }).check();
    await page
      .getByTestId('member-picker')
      .getByRole('checkbox', { name: /Ava Agent/ })
      .check();
    await page
      .getByTestId('member-picker')
      .getByRole('checkbox', { name: /Ben Agent/ })
      .check();
    await page.getByRole('button', { name: 'Create team' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Team created.');
    const row = page.getByTestId('team-row').filter({ hasText: 'Returns desk' });
    expect(await text(row)).toContain('Least loaded');

    const team = (await stack.api<{ items: TeamDto[] }>('/teams', admin)).items.find(
      (t) => t.name === 'Returns desk',
    )!;
    expect(team.assignmentMode).toBe('least_loaded');
    expect(team.members.map((m) => m.name).sort()).toEqual(['Ava Agent', 'Ben Agent']);
  });

  it('marks members who have not signed in yet, and warns when nobody else is in the team', async () => {
    // Ava has signed in; Nia is invited, Gil was given a password he has not used yet.
    await stack.api('/auth/me', { login: DEMO.agent });
    const gil = `Gil Given ${Date.now()}`;
    await stack.api('/users', {
      ...admin,
      method: 'POST',
      body: { email: `gil-${Date.now()}@steward.demo`, name: gil, role: 'agent', password: 'gil-first-pw' },
    });
    const name = `Nia New ${Date.now()}`;
    await stack.api('/users', {
      ...admin,
      method: 'POST',
      body: { email: `nia-${Date.now()}@steward.demo`, name, role: 'agent', invite: true },
    });
    await page.goto(`${stack.url}/admin/teams/new`);
    const picker = page.getByTestId('member-picker');
    const nia = picker.getByRole('listitem').filter({ hasText: name });
    await eventually(() => text(nia.getByTestId('member-not-signed-in'))).toBe(
      '(invited, not signed in yet)',
    );
    expect(
      await text(picker.getByRole('listitem').filter({ hasText: gil }).getByTestId('member-not-signed-in')),
    ).toBe('(not signed in yet)');
    const ava = picker.getByRole('listitem').filter({ hasText: 'Ava Agent' });
    expect(await ava.getByTestId('member-not-signed-in').count()).toBe(0);
    const warning = page.getByTestId('members-not-signed-in');
    await nia.getByRole('checkbox').check();
    expect(await text(warning)).toBe(
      'Its only member has not signed in yet: the team’s cases wait until someone does.',
    );
    // With someone who has, the team can be worked: no warning (and Nia may still be chosen).
    await ava.getByRole('checkbox').check();
    expect(await warning.count()).toBe(0);
  });

  it('refuses to save over a colleague’s change made meanwhile, and lets the admin choose', async () => {
    const created = await stack.api<TeamDto>('/teams', {
      ...admin,
      method: 'POST',
      body: { name: 'Billing desk', assignmentMode: 'manual' },
    });
    const colleague = (body: Record<string, unknown>) =>
      stack.api<TeamDto>(`/teams/${created.id}`, { ...admin, method: 'PATCH', body });
    const name = page.getByLabel('Name', { exact: true });
    const saveTeam = page.getByRole('button', { name: 'Save team' });

    // Opened, then a colleague renames it before this admin saves.
    await page.goto(`${stack.url}/admin/teams/${created.id}`);
    await eventually(() => name.inputValue()).toBe('Billing desk');
    await colleague({ name: 'Billing and refunds' });
    await name.fill('Invoices desk');
    await saveTeam.click();
    const conflict = page.getByTestId('edit-conflict');
    await eventually(() => text(conflict)).toContain(
      'Someone else saved this team while you were editing it',
    );
    expect((await stack.api<TeamDto>(`/teams/${created.id}`, admin)).name).toBe('Billing and refunds');

    // Their version, loaded: the form shows it, and a change made on it saves.
    await conflict.getByRole('button', { name: 'Load their version' }).click();
    await eventually(() => name.inputValue()).toBe('Billing and refunds');
    await page.getByRole('radio', { name: /Round robin/ }).check();
    await saveTeam.click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Team saved.');
    expect(await stack.api<TeamDto>(`/teams/${created.id}`, admin)).toMatchObject({
      name: 'Billing and refunds',
      assignmentMode: 'round_robin',
    });

    // Or the admin saves theirs over it: the whole form as it is on screen.
    await page.goto(`${stack.url}/admin/teams/${created.id}`);
    await eventually(() => name.inputValue()).toBe('Billing and refunds');
    await colleague({ assignmentMode: 'manual' });
    await name.fill('Invoices desk');
    await saveTeam.click();
    await conflict.getByRole('button', { name: 'Save mine over theirs' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Team saved.');
    expect(await stack.api<TeamDto>(`/teams/${created.id}`, admin)).toMatchObject({
      name: 'Invoices desk',
      assignmentMode: 'round_robin',
    });
  });

  it('sets an agent’s skills and capacity', async () => {
    await page.goto(`${stack.url}/admin/agents`);
    const row = page.getByTestId('agent-row').filter({ hasText: 'ben@steward.demo' });
    await row.getByLabel('Skills of Ben Agent').fill('returns, german');
    await row.getByLabel('Capacity of Ben Agent').fill('12');
    await row.getByRole('button', { name: 'Save' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Ben Agent saved.');
    const ben = (await stack.api<{ items: AgentDto[] }>('/agents', admin)).items.find(
      (a) => a.email === 'ben@steward.demo',
    )!;
    expect(ben.skills).toEqual(['returns', 'german']);
    expect(ben.capacity).toBe(12);

    // On a phone each agent is a block, its fields within the screen; the page does not scroll
    // sideways (the rows' hidden field labels once sat outside the frame and widened it).
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await eventually(() =>
        page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBe(0);
      expect(
        await page.getByTestId('agent-table').evaluate((t) => t.parentElement!.scrollWidth),
      ).toBeLessThanOrEqual(390);
      const skills = (await row.getByLabel('Skills of Ben Agent').boundingBox())!;
      expect(skills.x + skills.width).toBeLessThanOrEqual(390);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('an agent’s load (unsolved cases) leads to exactly those cases in the queue, from Agents and Teams', async () => {
    const agents = (await stack.api<{ items: AgentDto[] }>('/agents', admin)).items;
    const ava = agents.find((a) => a.email === DEMO.agent.email)!;
    expect(ava.openCases).toBeGreaterThan(0);
    const theirs = await stack.api<{ total: number }>(
      `/cases?assigneeId=${ava.userId}&status=new,open,pending,on_hold&limit=1&includeTotal=true`,
      admin,
    );
    expect(theirs.total).toBe(ava.openCases);

    await page.goto(`${stack.url}/admin/agents`);
    await page.getByRole('link', { name: `${ava.openCases} unsolved cases of ${ava.name}` }).click();
    await eventually(() => text(page.getByTestId('case-total'))).toBe(`${ava.openCases} cases`);
    expect(await text(page.locator('#queue-title'))).toBe('Filtered cases');
    expect(await text(page.getByTestId('view-summary'))).toBe(
      `New, Open, Pending, On hold · assigned to ${ava.name}`,
    );

    // The same from a team's member list: "23/25" is a link too.
    const team = (await stack.api<{ items: TeamDto[] }>('/teams', admin)).items.find((t) =>
      t.members.some((m) => m.userId === ava.userId),
    )!;
    await page.goto(`${stack.url}/admin/teams`);
    await page
      .getByTestId('team-row')
      .filter({ hasText: team.name })
      .getByRole('link', { name: `${ava.name}: ${ava.openCases} unsolved cases of ${ava.capacity}` })
      .click();
    await eventually(() => text(page.getByTestId('case-total'))).toBe(`${ava.openCases} cases`);
  });

  it('fits every link of the top bar, Admin last, from 1024 px up; narrower, they fold behind the Menu button', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    const adminLink = nav.getByRole('link', { name: 'Admin', exact: true });
    const menu = page.getByRole('button', { name: 'Menu' });
    try {
      await page.goto(`${stack.url}/cases`);
      for (const width of [1024, 1100, 1180, 1231, 1280, 1366, 1440, 1920]) {
        await page.setViewportSize({ width, height: 800 });
        await eventually(async () => {
          const [bar, link] = [await nav.boundingBox(), await adminLink.boundingBox()];
          return Math.round(bar!.x + bar!.width - (link!.x + link!.width)) >= 0;
        }).toBe(true);
        expect(await nav.evaluate((n) => [n.scrollWidth <= n.clientWidth, n.className])).toEqual([
          true,
          'nav',
        ]);
        expect(await menu.isVisible()).toBe(false);
      }
      // Too narrow for all the links: they fold behind the Menu button, which lists them under the bar.
      await page.setViewportSize({ width: 800, height: 800 });
      await eventually(() => nav.isVisible()).toBe(false);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      await menu.click();
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await adminLink.click();
      await eventually(async () => new URL(page.url()).pathname).toMatch(/^\/admin\//);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await nav.isVisible()).toBe(false);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('is for admins only: agents see no Admin navigation and cannot open it', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    const nav = agentPage.getByRole('navigation', { name: 'Main' });
    expect(await texts(nav.getByRole('link'))).toEqual([
      'Cases',
      'Proactive',
      'KPIs',
      'Events',
      'Mail',
      'Customers',
      'Organizations',
      'Knowledge base',
    ]);
    await agentPage.goto(`${stack.url}/admin/calendars`);
    await eventually(() => text(agentPage.getByTestId('not-found').locator('h1'))).toBe('Page not found');
  });
});

describe('settings', () => {
  it('changes when solved cases close, refusing a number that is not one', async () => {
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Settings' })
      .click();
    const hours = page.getByLabel('Close solved cases after (hours)');
    await eventually(() => hours.inputValue()).toBe('96');
    await hours.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.locator('#setting-auto-close-error'))).toBe(
      'a whole number of hours from 1 to 8760',
    );
    expect((await stack.api<{ caseAutoCloseHours: number }>('/settings', admin)).caseAutoCloseHours).toBe(96);
    await hours.fill('48');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<{ caseAutoCloseHours: number }>('/settings', admin)).caseAutoCloseHours).toBe(48);
    await page.reload();
    await eventually(() => hours.inputValue()).toBe('48');
  });

  it('sets the company time zone, refusing one that is not a zone, and starts with the demo’s', async () => {
    type S = { timeZone: string | null };
    await page.goto(`${stack.url}/admin/settings`);
    const zone = page.getByLabel('Company time zone');
    // The demo company works on its Berlin office's calendar.
    await eventually(() => zone.inputValue()).toBe('Europe/Berlin');
    await zone.fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.locator('#setting-time-zone-error'))).toBe(
      'must be an IANA time zone such as Europe/Berlin',
    );
    expect((await stack.api<S>('/settings', admin)).timeZone).toBe('Europe/Berlin');
    await zone.fill('Europe/Lisbon');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).timeZone).toBe('Europe/Lisbon');
    await page.reload();
    await eventually(() => zone.inputValue()).toBe('Europe/Lisbon');
    await zone.fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).timeZone).toBe('Europe/Berlin');
  });

  it('chooses the language of mail to customers, English by default', async () => {
    type S = { customerLanguage: string };
    await page.goto(`${stack.url}/admin/settings`);
    const language = page.getByLabel('Language of mail to customers');
    await eventually(() => language.inputValue()).toBe('en');
    expect(await language.locator('option').allTextContents()).toEqual([
      'English',
      'Deutsch',
      'Français',
      'Español',
      'Nederlands',
    ]);
    await language.selectOption({ label: 'Deutsch' });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).customerLanguage).toBe('de');
    await page.reload();
    await eventually(() => language.inputValue()).toBe('de');
    await language.selectOption('en');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).customerLanguage).toBe('en');
  });

  it('keeps operational events for ever, or removes them after a number of days', async () => {
    type S = { eventRetentionDays: number | null };
    await page.goto(`${stack.url}/admin/settings`);
    const days = page.getByLabel('Remove operational events after (days)');
    await eventually(() => days.inputValue()).toBe('');
    expect(await days.getAttribute('placeholder')).toBe('kept for ever');
    await days.fill('29');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.locator('#setting-event-retention-error'))).toBe(
      'a whole number of days from 30 to 3650, or none to keep them for ever',
    );
    expect((await stack.api<S>('/settings', admin)).eventRetentionDays).toBeNull();
    await days.fill('400');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).eventRetentionDays).toBe(400);
    await page.reload();
    await eventually(() => days.inputValue()).toBe('400');
    await days.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).eventRetentionDays).toBeNull();
  });

  it('keeps the audit trail for ever, or removes it after a number of days, and the audit log says so', async () => {
    type S = { domainEventRetentionDays: number | null };
    await page.goto(`${stack.url}/admin/settings`);
    const days = page.getByLabel('Remove audit log entries after (days)');
    await eventually(() => days.inputValue()).toBe('');
    expect(await days.getAttribute('placeholder')).toBe('kept for ever');
    await days.fill('89');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.locator('#setting-audit-retention-error'))).toBe(
      'a whole number of days from 90 to 3650, or none to keep them for ever',
    );
    expect((await stack.api<S>('/settings', admin)).domainEventRetentionDays).toBeNull();
    await days.fill('365');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).domainEventRetentionDays).toBe(365);
    await page.goto(`${stack.url}/admin/audit-log`);
    await eventually(() => text(page.getByTestId('audit-retention'))).toBe(
      'Changes made more than 365 days ago are removed, except those of cases not yet closed, the deletions of cases still deleted, and the records of personal data erased or exported.',
    );
    await page.goto(`${stack.url}/admin/settings`);
    await eventually(() => days.inputValue()).toBe('365');
    await days.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin)).domainEventRetentionDays).toBeNull();
    await page.goto(`${stack.url}/admin/audit-log`);
    await eventually(() => text(page.getByTestId('audit-retention'))).toBe('Changes are kept for ever.');
  });

  it.each([
    ['acknowledgeNewMail', 'Acknowledge new requests by e-mail'],
    ['assignOnReply', 'The first to answer an unassigned case takes it'],
  ] as const)('turns the %s setting off and on', async (key, label) => {
    type S = Record<typeof key, boolean>;
    await page.goto(`${stack.url}/admin/settings`);
    const box = page.getByRole('checkbox', { name: label });
    await eventually(() => box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin))[key]).toBe(false);
    await page.reload();
    await eventually(() => box.isChecked()).toBe(false);
    await box.check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect((await stack.api<S>('/settings', admin))[key]).toBe(true);
  });
  it('two admins on the settings page: the second save asks before undoing the first', async () => {
    type S = { companyName: string | null; caseAutoCloseHours: number };
    const before = await stack.api<S>('/settings', admin);
    const other = await stack.newPage();
    await signIn(other, stack.url, DEMO.admin);
    const hours = (p: Page) => p.getByLabel('Close solved cases after (hours)');
    const companyName = (p: Page) => p.getByLabel('Company name', { exact: true });
    const save = (p: Page) => p.getByRole('button', { name: 'Save settings' }).click();
    for (const p of [page, other]) {
      await p.goto(`${stack.url}/admin/settings`);
      await eventually(() => hours(p).inputValue()).toBe(String(before.caseAutoCloseHours));
    }

    // This page saves a company name; the other, opened before that, saves the hours.
    await companyName(page).fill('Acme Parcels');
    await save(page);
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    await hours(other).fill('72');
    await save(other);
    const conflict = other.getByTestId('edit-conflict');
    await eventually(() => text(conflict)).toContain(
      'Someone else saved these settings while you were editing it',
    );
    expect(await stack.api<S>('/settings', admin)).toMatchObject({
      companyName: 'Acme Parcels',
      caseAutoCloseHours: before.caseAutoCloseHours,
    });

    // Their version loaded: the name is there, and the hours save on it.
    await conflict.getByRole('button', { name: 'Load their version' }).click();
    await eventually(() => companyName(other).inputValue()).toBe('Acme Parcels');
    await hours(other).fill('72');
    await save(other);
    await eventually(() => text(other.getByRole('status'))).toBe('Settings saved.');
    expect(await stack.api<S>('/settings', admin)).toMatchObject({
      companyName: 'Acme Parcels',
      caseAutoCloseHours: 72,
    });

    // This page is the stale one now: saved over theirs by choice, the whole form as on screen.
    await hours(page).fill('60');
    await save(page);
    await page.getByTestId('edit-conflict').getByRole('button', { name: 'Save mine over theirs' }).click();
    await eventually(() => text(page.getByRole('status'))).toBe('Settings saved.');
    expect(await stack.api<S>('/settings', admin)).toMatchObject({
      companyName: 'Acme Parcels',
      caseAutoCloseHours: 60,
    });

    await stack.api('/settings', {
      ...admin,
      method: 'PATCH',
      body: { companyName: before.companyName, caseAutoCloseHours: before.caseAutoCloseHours },
    });
    await other.close();
  });
});

describe('getting started', () => {
  it('shows an admin the first steps on the queue, done ones ticked, until hidden', async () => {
    await page.goto(`${stack.url}/cases`);
    const card = page.getByTestId('getting-started');
    await card.waitFor();
    const steps = card.getByTestId('setup-step');
    expect(await steps.count()).toBe(7);
    // The demo has calendars and agreements; its mail goes nowhere.
    expect(await steps.nth(0).getAttribute('data-done')).toBe('true');
    const mail = steps.filter({ hasText: 'Check outgoing mail' });
    expect(await mail.getAttribute('data-done')).toBe('false');
    await mail.getByRole('link', { name: 'Check outgoing mail' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/admin/settings');
    await page.getByTestId('mail-setup').waitFor();

    await page.goto(`${stack.url}/cases`);
    await card.waitFor();
    await card.getByRole('button', { name: 'Hide' }).click();
    expect(await card.count()).toBe(0);
    await page.reload();
    await page.getByTestId('case-total').waitFor();
    expect(await page.getByTestId('getting-started').count()).toBe(0);

    // Agents never see it.
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.getByTestId('case-total').waitFor();
    expect(await agentPage.getByTestId('getting-started').count()).toBe(0);
  });
});
