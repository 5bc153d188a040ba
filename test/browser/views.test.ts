// Making queue views in the UI: an agent's personal view by a case field and a priority, changed,
// caught saving over a change made elsewhere, and deleted; only admins share views or change
// shared ones.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { CaseView } from '../../src/shared/schemas/views.js';
import type { z } from 'zod';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { findCustomer } from './fixtures.js';

type View = z.infer<typeof CaseView>;

let stack: Stack;
let page: Page;
const carrier = `carrier_${Date.now().toString(36)}`;
const subjects = {
  parcelo: 'Crate 31 by Parcelo',
  boxly: 'Crate 32 by Boxly',
  urgentBoxly: 'Crate 33 by Boxly',
};

beforeAll(async () => {
  stack = await startStack();
  const maria = await findCustomer(stack, DEMO.customer.email);
  await stack.api('/case-fields', {
    login: DEMO.admin,
    method: 'POST',
    body: { key: carrier, label: 'Carrier', type: 'select', options: ['Parcelo', 'Boxly'] },
  });
  const open = (subject: string, value: string, priority = 'normal') =>
    stack.api<Case>('/cases', {
      login: DEMO.admin,
      method: 'POST',
      body: {
        subject,
        customerId: maria.id,
        priority,
        customFields: { [carrier]: value },
        message: { body: 'Where?' },
      },
    });
  await open(subjects.parcelo, 'Parcelo');
  await open(subjects.boxly, 'Boxly');
  await open(subjects.urgentBoxly, 'Boxly', 'urgent');
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(async () => {
  await stack?.stop();
});

const viewLink = (name: string) => page.getByTestId('view-link').filter({ hasText: name });
const editor = () => page.getByTestId('view-editor');
const subjectsShown = () => texts(page.locator('[data-testid="case-table"] .cell-subject a'));
const myViews = () => stack.api<{ items: View[] }>('/views', { login: DEMO.agent });

async function waitForViews() {
  await eventually(() => page.getByTestId('view-link').count()).toBeGreaterThan(0);
}

async function waitForList() {
  await eventually(() => page.getByTestId('case-table').getAttribute('aria-busy')).toBe('false');
}

describe('a personal view', () => {
  it('is made from the queue: by a case field, and it counts and lists those cases', async () => {
    await page.goto(`${stack.url}/cases`);
    await page.getByTestId('new-view').click();
    await eventually(() => editor().getByLabel('Carrier').isVisible()).toBe(true);
    // Agents make personal views only (the dialog is open, with its fields read).
    await eventually(() => editor().getByText('Shared with every agent').count()).toBe(0);
    await editor().getByLabel('Name').fill('Boxly parcels');
    await editor().getByLabel('Carrier').selectOption({ label: 'Boxly' });
    // A place out of range is said, and the form stays usable once it is put right.
    await editor().getByLabel('Place in the list').fill('5000');
    await editor().getByRole('button', { name: 'Create the view' }).click();
    await eventually(() => text(editor().getByRole('alert'))).toBe(
      'The place in the list is a whole number from 0 to 1000.',
    );
    await editor().getByLabel('Place in the list').fill('100');
    await editor().getByRole('button', { name: 'Create the view' }).click();
    await eventually(() => editor().count()).toBe(0);
    const saved = (await myViews()).items.find((v) => v.name === 'Boxly parcels')!;
    expect(saved).toMatchObject({ shared: false, filters: { fields: [`${carrier}:Boxly`] } });
    await eventually(async () => page.url()).toContain(`view=${saved.id}`);
    await waitForList();
    await eventually(async () => (await subjectsShown()).sort()).toEqual([
      subjects.boxly,
      subjects.urgentBoxly,
    ]);
    await eventually(() => text(viewLink('Boxly parcels').getByTestId('view-count'))).toBe('2');
    await eventually(() => text(page.getByTestId('view-summary'))).toBe('Carrier: Boxly');
  });

  it('is changed in place: the priority narrows it', async () => {
    await page.getByTestId('edit-view').click();
    await eventually(() => editor().getByLabel('Carrier').inputValue()).toBe('=Boxly');
    await editor().getByLabel('Urgent').check();
    // And it moves to the top of the list.
    expect(await editor().getByLabel('Place in the list').inputValue()).toBe('100');
    await editor().getByLabel('Place in the list').fill('5');
    await editor().getByRole('button', { name: 'Save the view' }).click();
    await eventually(() => editor().count()).toBe(0);
    await eventually(() => subjectsShown()).toEqual([subjects.urgentBoxly]);
    await eventually(
      async () => (await texts(page.getByTestId('view-link').locator('.view-link__name')))[0],
    ).toBe('Boxly parcels');
    await eventually(() => text(viewLink('Boxly parcels').getByTestId('view-count'))).toBe('1');
    await eventually(() => text(page.getByTestId('view-summary'))).toBe('Urgent · Carrier: Boxly');
  });

  it('says so when it was changed elsewhere meanwhile, and saves over it only when asked', async () => {
    await page.getByTestId('edit-view').click();
    const view = (await myViews()).items.find((v) => v.name === 'Boxly parcels')!;
    // The same person, in another tab: the view becomes Parcelo's.
    await stack.api(`/views/${view.id}`, {
      login: DEMO.agent,
      method: 'PATCH',
      body: { filters: { fields: [`${carrier}:Parcelo`] } },
    });
    await editor().getByLabel('Name').fill('Boxly urgent');
    await editor().getByRole('button', { name: 'Save the view' }).click();
    await eventually(() => editor().getByTestId('edit-conflict').isVisible()).toBe(true);
    expect((await myViews()).items.find((v) => v.id === view.id)!.name).toBe('Boxly parcels');
    await editor().getByRole('button', { name: 'Save mine over theirs' }).click();
    await eventually(() => editor().count()).toBe(0);
    await eventually(() => text(viewLink('Boxly urgent'))).toContain('Boxly urgent');
    const now = (await myViews()).items.find((v) => v.id === view.id)!;
    expect(now.filters).toEqual({ priority: ['urgent'], fields: [`${carrier}:Boxly`] });
  });

  it('is deleted after a confirmation', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('edit-view').click();
    await editor().getByRole('button', { name: 'Delete the view' }).click();
    await eventually(() => viewLink('Boxly urgent').count()).toBe(0);
    expect((await myViews()).items.map((v) => v.name)).not.toContain('Boxly urgent');
  });
});

describe('shared views', () => {
  it('agents cannot change them; admins make and change them for every agent', async () => {
    await page.goto(`${stack.url}/cases`);
    await viewLink('All unsolved').click();
    await waitForList();
    await eventually(() => page.getByTestId('edit-view').count()).toBe(0);

    const adminPage = await stack.newPage();
    await signIn(adminPage, stack.url, DEMO.admin);
    await adminPage.goto(`${stack.url}/cases`);
    await adminPage.getByTestId('new-view').click();
    const dialog = adminPage.getByTestId('view-editor');
    await dialog.getByLabel('Name').fill('Parcelo, team-wide');
    await dialog.getByLabel('Carrier').selectOption({ label: 'Parcelo' });
    expect(await dialog.getByLabel('Who sees it').inputValue()).toBe('me');
    await dialog.getByLabel('Who sees it').selectOption('all');
    await dialog.getByRole('button', { name: 'Create the view' }).click();
    await eventually(() => dialog.count()).toBe(0);
    await eventually(() => adminPage.getByTestId('edit-view').isVisible()).toBe(true);

    // The agent sees it (after a reload of the views), and cannot change it.
    await page.reload();
    await viewLink('Parcelo, team-wide').click();
    await waitForList();
    await eventually(() => subjectsShown()).toEqual([subjects.parcelo]);
    await eventually(() => page.getByTestId('edit-view').count()).toBe(0);

    // The admin gives it to a team the agent is not in: it leaves the agent's list.
    const team = await stack.api<{ id: string; name: string }>('/teams', {
      login: DEMO.admin,
      method: 'POST',
      body: { name: `Parcelo desk ${Date.now().toString(36)}` },
    });
    await adminPage.reload();
    await adminPage.getByTestId('view-link').filter({ hasText: 'Parcelo, team-wide' }).click();
    await adminPage.getByTestId('edit-view').click();
    await eventually(() => dialog.getByLabel('Who sees it').inputValue()).toBe('all');
    await dialog.getByLabel('Who sees it').selectOption({ label: `The team ${team.name}` });
    await dialog.getByRole('button', { name: 'Save the view' }).click();
    await eventually(() => dialog.count()).toBe(0);
    const saved = (await stack.api<{ items: View[] }>('/views', { login: DEMO.admin })).items.find(
      (v) => v.name === 'Parcelo, team-wide',
    )!;
    expect(saved).toMatchObject({ shared: true, teamId: team.id });
    // The admin sees whose it is under its name.
    await eventually(() =>
      text(
        adminPage
          .getByTestId('view-link')
          .filter({ hasText: 'Parcelo, team-wide' })
          .locator('.view-link__team'),
      ),
    ).toBe(team.name);
    await page.reload();
    await waitForViews();
    expect(await viewLink('Parcelo, team-wide').count()).toBe(0);
  });
});

describe('filters without a view', () => {
  const filterDialog = () => page.getByTestId('filter-dialog');

  it('narrow the queue at once from the view shown, stay in the address, and export what is shown', async () => {
    await page.goto(`${stack.url}/cases`);
    await viewLink('All unsolved').click();
    await waitForList();
    await page.getByTestId('filter-cases').click();
    // The dialog starts from the view: All unsolved's statuses are ticked.
    await eventually(() => filterDialog().getByLabel('Carrier').isVisible()).toBe(true);
    expect(await filterDialog().getByLabel('Open', { exact: true }).isChecked()).toBe(true);
    expect(await filterDialog().getByLabel('Solved', { exact: true }).isChecked()).toBe(false);
    await filterDialog().getByLabel('Carrier').selectOption({ label: 'Boxly' });
    await filterDialog().getByRole('button', { name: 'Show the cases' }).click();
    await eventually(() => filterDialog().count()).toBe(0);
    await eventually(async () => page.url()).toContain('view=filtered');
    expect(page.url()).toContain(`field=${carrier}%3ABoxly`);
    await waitForList();
    await eventually(async () => (await subjectsShown()).sort()).toEqual([
      subjects.boxly,
      subjects.urgentBoxly,
    ]);
    expect(await text(page.locator('#queue-title'))).toBe('Filtered cases');
    await eventually(() => text(page.getByTestId('view-summary'))).toBe(
      'New, Open, Pending, On hold · Carrier: Boxly',
    );
    // Nothing was saved.
    expect((await myViews()).items.some((v) => v.filters.fields?.includes(`${carrier}:Boxly`))).toBe(false);

    // The address alone shows the same (a bookmark, a colleague's link).
    const url = page.url();
    await page.goto(`${stack.url}/cases`);
    await page.goto(url);
    await waitForList();
    await eventually(async () => (await subjectsShown()).sort()).toEqual([
      subjects.boxly,
      subjects.urgentBoxly,
    ]);

    // Narrowed again: the dialog starts from the filters shown.
    await page.getByTestId('filter-cases').click();
    await eventually(() => filterDialog().getByLabel('Carrier').inputValue()).toBe('=Boxly');
    await filterDialog().getByLabel('Urgent').check();
    await filterDialog().getByRole('button', { name: 'Show the cases' }).click();
    await eventually(() => subjectsShown()).toEqual([subjects.urgentBoxly]);

    // The export takes the same filters.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await (await download.createReadStream()).toArray();
    const lines = Buffer.concat(csv).toString('utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(subjects.urgentBoxly);
  });

  it('are saved as a view when asked, and cleared back to the view they started from', async () => {
    await page.getByTestId('save-filters').click();
    await eventually(() => editor().getByLabel('Carrier').inputValue()).toBe('=Boxly');
    expect(await editor().getByLabel('Urgent').isChecked()).toBe(true);
    await editor().getByLabel('Name').fill('Urgent Boxly, from filters');
    await editor().getByRole('button', { name: 'Create the view' }).click();
    await eventually(() => editor().count()).toBe(0);
    const saved = (await myViews()).items.find((v) => v.name === 'Urgent Boxly, from filters')!;
    expect(saved.filters).toEqual({
      status: ['new', 'open', 'pending', 'on_hold'],
      priority: ['urgent'],
      fields: [`${carrier}:Boxly`],
    });
    await eventually(async () => page.url()).toContain(`view=${saved.id}`);
    await eventually(() => subjectsShown()).toEqual([subjects.urgentBoxly]);

    // From All unsolved, filtered, then cleared: back to All unsolved.
    await viewLink('All unsolved').click();
    await waitForList();
    const unsolved = page.url();
    await page.getByTestId('filter-cases').click();
    await filterDialog().getByLabel('Carrier').selectOption({ label: 'Parcelo' });
    await filterDialog().getByRole('button', { name: 'Show the cases' }).click();
    await eventually(() => subjectsShown()).toEqual([subjects.parcelo]);
    await page.getByTestId('clear-filters').click();
    await eventually(async () => page.url()).toBe(unsolved);
    await eventually(() => text(page.locator('#queue-title'))).toBe('All unsolved');

    // A tag that is not one is said in the dialog, and nothing changes.
    await page.getByTestId('filter-cases').click();
    await filterDialog().getByLabel('Tags').fill('Not A Tag');
    await filterDialog().getByRole('button', { name: 'Show the cases' }).click();
    await eventually(() => text(filterDialog().getByTestId('filter-error'))).toContain('is not a tag');
    expect(page.url()).toBe(unsolved);
  });
});
