// What a keyboard and screen-reader user needs beyond labels: the focus stays where the work is
// (a control disabled while it saves gets it back; a new page starts at its main content; a sent
// reply leaves the focus in the text), what an action did is said in the live region, a case's
// select does not save on every arrow key, and a refused web form puts the focus on its first
// field to fix.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import { DEMO, eventually, signIn, startStack, text, type Stack } from './harness.js';
import { createCase, findCustomer, getCase } from './fixtures.js';

let stack: Stack;
let page: Page;
let c: Case;

beforeAll(async () => {
  stack = await startStack();
  const maria = await findCustomer(stack, DEMO.customer.email);
  c = await createCase(stack, { subject: 'Blender lid keyboard', customerId: maria.id });
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
});

const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? el.getAttribute('data-testid') || el.id || el.tagName.toLowerCase() : null;
  });
const announced = () => text(page.getByTestId('announcer'));

describe('keyboard and screen reader', () => {
  it('a case opened from the queue starts at the main content', async () => {
    await page.goto(`${stack.url}/cases`);
    await page.getByTestId('view-link').filter({ hasText: 'Unassigned' }).click();
    const link = page.getByRole('link', { name: /Blender lid keyboard/ });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Blender lid keyboard/ }).waitFor();
    await eventually(focused).toBe('main');
  });

  it('back in the queue, the cursor and the focus are on the case just left', async () => {
    // From the case opened above, by its back link and by the browser's Back.
    await page.getByRole('link', { name: 'Unassigned' }).first().click();
    const row = page.getByTestId('case-row').filter({ hasText: 'Blender lid keyboard' });
    await eventually(() => row.getAttribute('data-active')).toBe('true');
    const onRowLink = () =>
      page.evaluate(() =>
        document.activeElement?.closest('tr')?.textContent?.includes('Blender lid keyboard'),
      );
    await eventually(onRowLink).toBe(true);
    // j moves on from there, not from the top.
    const rows = page.getByTestId('case-row');
    const index = await rows.evaluateAll((all) =>
      all.findIndex((r) => r.getAttribute('data-active') === 'true'),
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Blender lid keyboard/ }).waitFor();
    await page.goBack();
    await eventually(() => row.getAttribute('data-active')).toBe('true');
    await eventually(onRowLink).toBe(true);
    await page.keyboard.press('j');
    await eventually(() => rows.nth(index + 1).getAttribute('data-active')).toBe('true');
  });

  it('the status select waits for Enter when moved with the arrow keys, keeps the focus and says what it saved', async () => {
    await page.goto(`${stack.url}/cases/${c.id}`);
    const status = page.getByTestId('case-status');
    await eventually(() => status.inputValue()).toBe('new');
    await status.focus();
    await page.keyboard.press('ArrowDown');
    // Picked, not saved: the select shows it with a hint, the case is unchanged.
    expect(await status.inputValue()).toBe('open');
    expect(await text(page.locator('#case-status-pending'))).toBe('Enter saves, Escape undoes');
    expect((await getCase(stack, c.id)).status).toBe('new');
    // Escape puts it back; arrow again and Enter saves.
    await page.keyboard.press('Escape');
    expect(await status.inputValue()).toBe('new');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(async () => (await getCase(stack, c.id)).status).toBe('open');
    await eventually(announced).toBe('Status: Open');
    // The select was disabled while it saved: it has the focus back.
    await eventually(focused).toBe('case-status');
    expect(await page.locator('#case-status-pending').count()).toBe(0);
    // A category is said by its name, not its key.
    await page.locator('#case-category').selectOption('order_change');
    await eventually(async () => (await getCase(stack, c.id)).category).toBe('order_change');
    await eventually(announced).toBe('Category: Order change');
  });

  it('a sent reply is said, and the focus goes to it in the conversation, not the emptied text box', async () => {
    await page.goto(`${stack.url}/cases/${c.id}`);
    const body = page.getByTestId('composer-body');
    await body.fill('We are sending a new lid today.');
    await page.getByRole('button', { name: 'Send reply' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => page.getByTestId('message').count()).toBe(2);
    await eventually(announced).toMatch(/^Reply sent/);
    const sent = page.getByTestId('message').last();
    await eventually(focused).toBe('message');
    expect(await sent.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await text(sent.getByTestId('message-body'))).toContain('We are sending a new lid today.');
    expect(await body.inputValue()).toBe('');
    // Sent with a status: said with it (the status control is out of sight from the composer).
    await body.fill('Waiting for your photo of the lid.');
    await page.getByLabel('Status after sending').selectOption('pending');
    await page.getByRole('button', { name: 'Send and set pending' }).click();
    await eventually(announced).toBe('Reply sent. Status: Pending');
    await eventually(() => page.getByTestId('message').count()).toBe(3);
    await eventually(() =>
      page
        .getByTestId('message')
        .last()
        .evaluate((el) => el === document.activeElement),
    ).toBe(true);
  });

  it('a Save button disabled while saving has the focus back afterwards', async () => {
    await page.goto(`${stack.url}/admin/settings`);
    const save = page.getByRole('button', { name: 'Save settings' });
    // The page's live region is there, empty, before anything is said in it (a region added
    // together with its text is not read by every screen reader).
    const status = page.getByRole('status');
    await save.waitFor();
    expect(await status.count()).toBe(1);
    expect(await text(status)).toBe('');
    const region = await status.elementHandle();
    await save.focus();
    await page.keyboard.press('Enter');
    await eventually(() => text(status)).toBe('Settings saved.');
    // The same element, not a new one added with the text.
    expect(await status.evaluate((el, before) => el === before, region)).toBe(true);
    await eventually(() => save.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('a condition added to a rule takes the focus; one removed leaves it on the next Remove, then on Add condition', async () => {
    await page.goto(`${stack.url}/admin/rules/new`);
    await page.getByRole('radio', { name: /^Match/ }).check();
    const when = page.getByTestId('selector-when');
    const add = when.getByRole('button', { name: 'Add condition' });
    const focusedLabel = () =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
    await add.click();
    await eventually(focusedLabel).toBe('Condition 1 field');
    await page.keyboard.type('data.code');
    await add.click();
    await eventually(focusedLabel).toBe('Condition 2 field');
    await page.keyboard.type('data.carrier');
    await when.getByRole('button', { name: 'Remove condition 1' }).click();
    // The second condition is the first now, and its Remove button has the focus.
    await eventually(focusedLabel).toBe('Remove condition 1');
    expect(await when.getByLabel('Condition 1 field').inputValue()).toBe('data.carrier');
    await page.keyboard.press('Enter');
    await eventually(() => add.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await when.getByTestId('condition-row').count()).toBe(0);
  });

  it('a refused form focuses its own field to fix, not another form’s old complaint on the same page', async () => {
    await page.goto(`${stack.url}/admin/case-fields`);
    // The category form complains about its key (taken) and keeps saying so.
    const categoryForm = page.getByRole('form', { name: 'New category' });
    await categoryForm.getByLabel('Name', { exact: true }).fill('Order change');
    await categoryForm.getByRole('button', { name: 'Add category' }).click();
    await eventually(() => categoryForm.getByLabel('Key', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    // The field form below is refused (a list without options): the focus goes to its Options.
    const fieldForm = page.getByRole('form', { name: 'New case field' });
    await fieldForm.getByLabel('Label', { exact: true }).fill('Focus check');
    await fieldForm.getByLabel('Type', { exact: true }).selectOption('select');
    await fieldForm.getByRole('button', { name: 'Add field' }).click();
    await eventually(focused).toBe('field-new-options');
  });

  it('a refused web form puts the focus on its first field to fix, marked invalid', async () => {
    const visitor = await stack.newPage();
    await visitor.goto(`${stack.url}/form`);
    const name = visitor.getByLabel('Your name');
    await name.waitFor();
    await visitor.getByLabel('E-mail address').fill('someone@example.com');
    await visitor.getByRole('button', { name: 'Send' }).focus();
    await visitor.keyboard.press('Enter');
    await eventually(() => name.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await visitor.getByLabel('E-mail address').getAttribute('aria-invalid')).toBeNull();
    await visitor.close();
  });
});

describe('single-key shortcuts', () => {
  it('can be turned off in the shortcuts dialog, and the arrows move in the queue only from inside it', async () => {
    await page.goto(`${stack.url}/cases/${c.id}`);
    await page.getByTestId('case-status').waitFor();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const dialog = page.getByTestId('shortcuts-help');
    await dialog.getByRole('checkbox', { name: 'Single-key shortcuts' }).uncheck();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('#main').focus();
    await page.keyboard.press('r');
    await page.keyboard.press('?');
    expect(await focused()).toBe('main');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    // Kept in this browser: on again after a reload only when turned on.
    await page.reload();
    await page.getByTestId('case-status').waitFor();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const box = dialog.getByRole('checkbox', { name: 'Single-key shortcuts' });
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('#main').focus();
    await page.keyboard.press('r');
    await eventually(focused).toBe('composer-body');

    // The queue: ↓ from outside the list leaves the focus (the page scrolls); j enters the list.
    // All unsolved: the admin's own open cases may be none (the case above was set pending).
    await page.goto(`${stack.url}/cases`);
    await page.getByRole('link', { name: /^All unsolved/ }).click();
    await page.getByTestId('case-table').waitFor();
    await page.locator('#main').focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('main');
    await page.keyboard.press('j');
    await eventually(() =>
      page.evaluate(() => !!document.activeElement?.closest('[data-testid="case-table"]')),
    ).toBe(true);
  });
});
