// The Workload page, for staff: reached from the KPIs page, a table per team with its agents as
// rows, the counts of a small team built here (unique names), each count a link to exactly its
// cases in the queue, the longest wait a link to the cases awaiting our reply and to the case
// waiting longest, and rows as blocks on a phone.
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { Workload } from '../../src/shared/schemas/teams.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { findCustomer } from './fixtures.js';

let stack: Stack;
let page: Page;
const admin = { login: DEMO.admin };
const u = randomBytes(3).toString('hex');
const team = { id: '', name: `Workload crew ${u}` };
const people = {
  wren: { id: '', name: `Wren Workload ${u}` },
  yara: { id: '', name: `Yara Workload ${u}` },
};
const subjects = {
  breached: `Workload breached ${u}`,
  waiting: `Workload waiting ${u}`,
  pending: `Workload pending ${u}`,
  nobody: `Workload nobody ${u}`,
  solved: `Workload solved ${u}`,
};

async function staff(name: string) {
  const user = await stack.api<{ id: string }>('/users', {
    ...admin,
    method: 'POST',
    body: {
      name,
      email: `${name.toLowerCase().replaceAll(' ', '.')}@steward.example`,
      role: 'agent',
      password: 'workload-agent-1',
    },
  });
  return user.id;
}

async function caseFor(subject: string, assigneeId: string | null, status?: string) {
  const customer = await findCustomer(stack, DEMO.customer.email);
  const c = await stack.api<Case>('/cases', {
    ...admin,
    method: 'POST',
    body: {
      subject,
      customerId: customer.id,
      channel: 'email',
      teamId: team.id,
      assigneeId,
      message: { body: `${subject}: please help.` },
    },
  });
  if (status) await stack.api(`/cases/${c.id}`, { ...admin, method: 'PATCH', body: { status } });
  return c;
}

beforeAll(async () => {
  stack = await startStack();
  people.wren.id = await staff(people.wren.name);
  people.yara.id = await staff(people.yara.name);
  const made = await stack.api<{ id: string }>('/teams', {
    ...admin,
    method: 'POST',
    body: { name: team.name, assignmentMode: 'manual', memberIds: [people.wren.id, people.yara.id] },
  });
  team.id = made.id;
  // Wren: a breached case, one waiting for a reply for two hours, one pending, one solved today.
  const breached = await caseFor(subjects.breached, people.wren.id);
  await stack.db.execute(
    sql`update cases set next_warn_at = now() - interval '2 hours', next_due_at = now() - interval '1 hour' where id = ${breached.id}`,
  );
  const waiting = await caseFor(subjects.waiting, people.wren.id);
  await stack.db.execute(
    sql`update cases set last_customer_message_at = now() - interval '2 hours', last_agent_reply_at = null where id = ${waiting.id}`,
  );
  await caseFor(subjects.pending, people.wren.id, 'pending');
  await caseFor(subjects.solved, people.wren.id, 'solved');
  // Nobody's: one; Yara (away) has none.
  await caseFor(subjects.nobody, null);
  await stack.api(`/agents/${people.yara.id}`, { ...admin, method: 'PATCH', body: { availability: 'away' } });
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(() => stack?.stop());

const section = () => page.locator(`[data-testid="workload-team"][data-team-id="${team.id}"]`);
const row = (id: string) => section().locator(`[data-testid="workload-row"][data-row-id="${id}"]`);
const cell = (id: string, key: string) => text(row(id).getByTestId(`workload-${key}`));
const queueSubjects = async () => {
  await eventually(() => page.getByTestId('case-table').getAttribute('aria-busy')).toBe('false');
  return (await texts(page.getByTestId('case-row').locator('.cell-subject a'))).sort();
};

describe('workload page', () => {
  it('is a link away from the KPIs, and counts per agent, the unassigned and the whole team', async () => {
    await page.goto(`${stack.url}/kpis`);
    await page.getByTestId('kpis-workload').click();
    await eventually(async () => page.url()).toBe(`${stack.url}/kpis/workload`);
    await eventually(() => text(section().locator('h2'))).toBe(team.name);
    // The menu's KPIs stays the current place.
    expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').innerText()).toBe('KPIs');
    const names = await texts(section().getByTestId('workload-who'));
    expect(names).toEqual([people.wren.name, people.yara.name, 'Nobody (unassigned)', 'Whole team']);
    const wren = people.wren.id;
    expect([await cell(wren, 'availability'), await cell(wren, 'open'), await cell(wren, 'waiting')]).toEqual(
      ['Available', '3', '1'],
    );
    expect([
      await cell(wren, 'atRisk'),
      await cell(wren, 'breached'),
      await cell(wren, 'solvedToday'),
    ]).toEqual(['0', '1', '1']);
    expect(await cell(wren, 'oldest')).toMatch(/^2\u00a0h[\s\S]*#\d+$/);
    expect([await cell(people.yara.id, 'availability'), await cell(people.yara.id, 'open')]).toEqual([
      'Away',
      '0',
    ]);
    expect(await cell('none', 'open')).toBe('1');
    expect([
      await cell('total', 'open'),
      await cell('total', 'breached'),
      await cell('total', 'solvedToday'),
    ]).toEqual(['4', '1', '1']);
    // The page shows what the API counts.
    const w = await stack.api<Workload>('/workload', { login: DEMO.agent });
    const mine = w.teams.find((t) => t.teamId === team.id)!;
    expect(mine.total.open).toBe(4);
  });

  it('opens the cases behind a count in the queue, those awaiting our reply, and the case waiting longest', async () => {
    await page.goto(`${stack.url}/kpis/workload`);
    await row(people.wren.id).getByTestId('workload-open').getByRole('link').click();
    expect(await queueSubjects()).toEqual([subjects.breached, subjects.pending, subjects.waiting].sort());

    await page.goBack();
    await row(people.wren.id).getByTestId('workload-breached').getByRole('link').click();
    expect(await queueSubjects()).toEqual([subjects.breached]);

    await page.goBack();
    await row(people.wren.id).getByTestId('workload-solvedToday').getByRole('link').click();
    expect(await queueSubjects()).toEqual([subjects.solved]);
    await eventually(() => text(page.getByTestId('queue-solved-filter'))).toMatch(/^Solved /);

    await page.goBack();
    await row('none').getByTestId('workload-open').getByRole('link').click();
    expect(await queueSubjects()).toEqual([subjects.nobody]);

    // The longest wait: all of Wren's cases whose customer waits on our reply (a customer's first
    // message unanswered, in both), not the pending one.
    await page.goBack();
    await row(people.wren.id).getByTestId('workload-awaiting').click();
    expect(await queueSubjects()).toEqual([subjects.breached, subjects.waiting].sort());
    await eventually(() => text(page.getByTestId('queue-awaiting-filter'))).toMatch(/^Awaiting our reply/);
    // Saved as a view, the filter is kept though the form has no field for it, and it says so.
    await page.getByTestId('save-filters').click();
    await eventually(() => text(page.getByTestId('view-editor').getByTestId('filter-form-kept'))).toBe(
      'It also shows only cases awaiting our reply, and keeps that.',
    );
    await page.keyboard.press('Escape');
    await eventually(() => page.getByTestId('view-editor').count()).toBe(0);

    await page.goBack();
    await row(people.wren.id)
      .getByTestId('workload-oldest')
      .getByRole('link', { name: /^Case #\d+, waiting longest$/ })
      .click();
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(subjects.waiting);
  });

  it('shows each row as a block on a phone', async () => {
    const phone = await stack.newPage();
    // Signed in on a wide screen (a phone's top bar folds the name away), then a phone's width.
    await signIn(phone, stack.url, DEMO.agent);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${stack.url}/kpis/workload`);
    const open = phone
      .locator(`[data-testid="workload-team"][data-team-id="${team.id}"] [data-row-id="${people.wren.id}"]`)
      .getByTestId('workload-open');
    await eventually(() => open.innerText()).toBe('3');
    expect(await open.evaluate((td) => getComputedStyle(td).display)).toBe('block');
    expect(await open.getAttribute('data-label')).toBe('Unsolved');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
