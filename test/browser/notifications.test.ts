// Notifications in the web UI: a case an admin assigns to Ava shows on her bell and in her list;
// opening it marks it read (the bell counts down); "Mark all read" empties the unread list; her
// account page turns the e-mail of a kind off, and that holds after a reload.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CaseFollowers,
  Notification,
  NotificationPreferences,
} from '../../src/shared/schemas/notifications.js';
import type { User } from '../../src/shared/schemas/users.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import { DEMO, eventually, signIn, startStack, text, type Stack } from './harness.js';
import { bellCount, postponeDemoPromises } from './fixtures.js';
import { sql } from 'drizzle-orm';
import { rows } from '../../src/db/client.js';
import { receiveMail } from '../../src/server/domains/mail/inbound.js';
import { plainMail } from '../helpers/mail-fixtures.js';

let stack: Stack;
let page: Page;
let ava: User;

beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
  ava = await stack.api<User>('/auth/me', { login: DEMO.agent });
  await postponeDemoPromises(stack);
});
afterAll(() => stack?.stop());

const unread = async () =>
  (await stack.api<{ unread: number }>('/notifications/unread-count', { login: DEMO.agent })).unread;

const bell = () => bellCount(page);

async function assignToAva(subject: string) {
  const [customer] = (await stack.api<{ items: Customer[] }>('/customers?limit=1', { login: DEMO.admin }))
    .items;
  return stack.api<{ id: string; number: number }>('/cases', {
    login: DEMO.admin,
    method: 'POST',
    body: { subject, customerId: customer!.id, assigneeId: ava.id },
  });
}

describe('notifications', () => {
  it('show a case assigned to you on the bell and in the list; opening one marks it read', async () => {
    const before = await unread();
    const c = await assignToAva('Pallet arrived crushed');
    // The notifications job runs every second.
    await eventually(unread).toBe(before + 1);
    await page.getByTestId('notifications-bell').click();
    await page.waitForURL(/\/notifications$/);
    await eventually(bell).toBe(before + 1);
    expect(await page.getByTestId('notifications-bell').getAttribute('aria-label')).toBe(
      `Notifications, ${before + 1} unread`,
    );
    const item = page.getByTestId('notification').filter({ hasText: 'Pallet arrived crushed' });
    await expect
      .poll(() => text(item.locator('.notification__link')))
      .toBe('Alex Admin assigned this case to you');
    expect(await text(item.locator('.notification__meta'))).toContain(`#${c.number} Pallet arrived crushed`);

    await item.getByRole('link').click();
    await page.waitForURL(new RegExp(`/cases/${c.id}$`));
    await eventually(unread).toBe(before);
    await eventually(bell).toBe(before);
    const [mine] = (
      await stack.api<{ items: Notification[] }>('/notifications?limit=1', { login: DEMO.agent })
    ).items;
    expect(mine).toMatchObject({ case: { id: c.id }, kind: 'case_assigned' });
    expect(mine!.readAt).not.toBeNull();
  });

  it('a third party’s answer in a side conversation says who wrote', async () => {
    const c = await assignToAva('Side: where is the pallet');
    const side = await stack.api<{ id: string }>(`/cases/${c.id}/side-conversations`, {
      login: DEMO.agent,
      method: 'POST',
      body: { to: ['claims@pallets.example'], body: 'Where is pallet 7?' },
    });
    const [mail] = await rows<{ raw: Uint8Array }>(
      stack.db,
      sql`select raw from mail_messages where side_conversation_id = ${side.id}`,
    );
    const replyTo = /^Reply-To: (\S+)/m.exec(Buffer.from(mail!.raw).toString('utf8'))![1]!;
    await receiveMail(
      stack.db,
      plainMail({ from: 'Pallet Claims <claims@pallets.example>', to: replyTo, body: 'Found it.' }),
    );
    await page.goto(`${stack.url}/notifications`);
    const item = page
      .getByTestId('notification')
      .filter({ hasText: 'Side: where is the pallet' })
      .filter({ hasText: 'side conversation' });
    await eventually(() => text(item.locator('.notification__link'))).toBe(
      'claims@pallets.example answered in a side conversation',
    );
    // …and what they wrote.
    expect(await text(item.getByTestId('notification-excerpt'))).toBe('Found it.');
  });

  it('mark all read empties the unread list and the bell', async () => {
    const before = await unread();
    await assignToAva('Invoice twice');
    await eventually(unread).toBe(before + 1);
    await page.goto(`${stack.url}/notifications`);
    await page.getByTestId('notification').first().waitFor();
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('notifications-empty').waitFor();
    expect(await text(page.getByTestId('notifications-empty'))).toBe(
      'Nothing new. You have read every notification.',
    );
    await eventually(bell).toBe(0);
    expect(await unread()).toBe(0);
    // "All" still has them, read.
    await page.getByRole('tab', { name: 'All' }).click();
    await expect
      .poll(() => page.getByTestId('notification').filter({ hasText: 'Invoice twice' }).count())
      .toBe(1);
    const invoice = page.getByTestId('notification').filter({ hasText: 'Invoice twice' });
    expect(await invoice.getAttribute('class')).toBe('notification');
  });

  it('an admin names Ava in a note by picking her from the list; Ava is told', async () => {
    const c = await assignToAva('Scanner offline');
    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    await admin.goto(`${stack.url}/cases/${c.id}`);
    await admin.getByTestId('composer-body').waitFor();
    await admin.keyboard.press('n');
    await eventually(() => admin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'composer-body',
    );
    await admin.keyboard.type('Please call the customer, @av');
    const offered = admin.getByRole('listbox', { name: 'Colleagues to mention' }).getByRole('option');
    await eventually(() => offered.first().innerText()).toContain('Ava Agent');
    await admin.keyboard.press('Enter');
    await admin.keyboard.type('today.');
    expect(await admin.getByTestId('composer-body').inputValue()).toBe(
      'Please call the customer, @Ava Agent today.',
    );
    expect(await admin.getByRole('listbox', { name: 'Colleagues to mention' }).count()).toBe(0);
    await admin.getByRole('button', { name: 'Add note' }).click();
    await eventually(async () =>
      (await stack.api<{ items: Notification[] }>('/notifications?limit=20', { login: DEMO.agent })).items
        .filter((n) => n.case.id === c.id)
        .map((n) => [n.kind, n.actor?.name]),
    ).toEqual([
      ['mentioned', 'Alex Admin'],
      ['case_assigned', 'Alex Admin'],
    ]);
    // Ava opens the case by its address (not from her list): what she was told about it is read.
    await page.goto(`${stack.url}/cases/${c.id}`);
    await eventually(async () =>
      (await stack.api<{ items: Notification[] }>('/notifications?limit=20', { login: DEMO.agent })).items
        .filter((n) => n.case.id === c.id)
        .map((n) => n.readAt !== null),
    ).toEqual([true, true]);
  });

  it('follow a case from its page, and stop', async () => {
    const c = await assignToAva('Pallet label missing');
    await page.goto(`${stack.url}/cases/${c.id}`);
    const follow = page.getByTestId('follow-case');
    await eventually(() => text(follow)).toBe('Follow');
    await follow.click();
    await eventually(() => text(follow)).toBe('✓ Following · 1');
    // Its text is its state, said once: no toggle button besides, no check mark read out.
    expect(await follow.getAttribute('aria-pressed')).toBeNull();
    expect(await page.getByRole('button', { name: 'Following · 1', exact: true }).count()).toBe(1);
    const followers = await stack.api<CaseFollowers>(`/cases/${c.id}/followers`, { login: DEMO.admin });
    expect(followers).toEqual({ items: [{ userId: ava.id, name: 'Ava Agent' }], following: false });
    await page.reload();
    await eventually(() => text(follow)).toBe('✓ Following · 1');
    await follow.click();
    await eventually(() => text(follow)).toBe('Follow');
    expect(await page.getByRole('button', { name: 'Follow', exact: true }).count()).toBe(1);
  });

  it('a page load reads the count once; a case opened with nothing unread marks nothing', async () => {
    await stack.api('/notifications/read', { login: DEMO.agent, method: 'POST', body: { all: true } });
    const c = await assignToAva('Label printer jammed');
    await eventually(unread).toBe(1);
    await stack.api('/notifications/read', { login: DEMO.agent, method: 'POST', body: { all: true } });
    // Leave the app first: the page open until now may still hear of that notification live.
    await page.goto('about:blank');
    // Counted here: the reads a page load and a change of screen make. A notification that comes
    // meanwhile (a promise of an earlier test's case coming due) would add a read over the live
    // stream, rightly, so the stream is kept out of this test (CI once saw exactly that).
    await page.route('**/api/v1/live', (route) => route.abort());
    const asked: string[] = [];
    const watch = (r: { url(): string }) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/v1/notifications')) asked.push(path);
    };
    page.on('request', watch);
    try {
      await page.goto(`${stack.url}/cases/${c.id}`);
      await page.getByTestId('composer-body').waitFor();
      await eventually(async () => asked.filter((p) => p.endsWith('/unread-count')).length).toBe(1);
      // Another screen: the bell looks again, and the case page (gone) marks nothing.
      await page.getByTestId('notifications-bell').click();
      await page.waitForURL(/\/notifications$/);
      await eventually(async () => asked.filter((p) => p.endsWith('/unread-count')).length).toBe(2);
      expect(asked.filter((p) => p.endsWith('/read'))).toEqual([]);
    } finally {
      page.off('request', watch);
      await page.unroute('**/api/v1/live');
    }
  });

  it('your account turns the e-mail of a kind off, and it stays off', async () => {
    await page.goto(`${stack.url}/account`);
    const box = page.getByRole('checkbox', { name: 'A case is assigned to me', exact: true });
    await expect.poll(() => box.isChecked()).toBe(true);
    await box.uncheck();
    await expect
      .poll(() => text(page.getByTestId('notification-settings-outcome')))
      .toBe('Saved: a case is assigned to me, in the app only.');
    const prefs = await stack.api<NotificationPreferences>('/notifications/preferences', {
      login: DEMO.agent,
    });
    expect(prefs.email.case_assigned).toBe(false);
    await page.reload();
    await expect.poll(() => box.isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'The customer writes on my case' }).isChecked()).toBe(
      true,
    );
  });

  it('your account gathers the e-mails in one a day, at the hour and in the zone chosen', async () => {
    await page.goto(`${stack.url}/account`);
    const daily = page.getByRole('radio', { name: 'One mail a day, of what is still unread' });
    await expect.poll(() => page.getByRole('radio', { name: 'Each at once' }).isChecked()).toBe(true);
    expect(await page.getByLabel('At', { exact: true }).count()).toBe(0);
    await daily.check();
    const outcome = () => text(page.getByTestId('notification-settings-outcome'));
    await expect.poll(outcome).toBe('Saved: one mail a day, of what is still unread.');
    await page.getByLabel('At', { exact: true }).selectOption('7');
    await expect.poll(outcome).toBe('Saved: the daily mail at 07:00.');
    // No zone of one's own yet: the company's (the demo's is Berlin), named in the picker.
    const zone = page.getByLabel('Time zone', { exact: true });
    expect(await zone.inputValue()).toBe('');
    expect(await text(zone.locator('option:checked'))).toBe('The company’s (Europe/Berlin)');
    await zone.selectOption('Europe/Lisbon');
    await expect.poll(outcome).toBe('Saved: times in Europe/Lisbon.');
    await zone.selectOption({ label: 'The company’s' });
    await expect.poll(outcome).toBe('Saved: times in the company’s time zone.');
    expect(
      await stack.api<NotificationPreferences>('/notifications/preferences', { login: DEMO.agent }),
    ).toMatchObject({ timeZone: 'Europe/Berlin', ownTimeZone: false });
    await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
    await expect.poll(outcome).toBe('Saved: times in Europe/Berlin.');
    const prefs = await stack.api<NotificationPreferences>('/notifications/preferences', {
      login: DEMO.agent,
    });
    expect(prefs).toMatchObject({
      digest: 'daily',
      digestHour: 7,
      timeZone: 'Europe/Berlin',
      ownTimeZone: true,
    });

    await page.reload();
    await expect.poll(() => daily.isChecked()).toBe(true);
    expect(await page.getByLabel('At', { exact: true }).inputValue()).toBe('7');
    expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Europe/Berlin');
    await page.getByRole('radio', { name: 'Each at once' }).check();
    await expect.poll(outcome).toBe('Saved: each e-mail at once.');
    expect(await page.getByLabel('At', { exact: true }).count()).toBe(0);
  });

  it('an admin turns on a colleague’s e-mail of a kind on their user page', async () => {
    const admin = await stack.newPage();
    try {
      await signIn(admin, stack.url, DEMO.admin);
      await admin.goto(`${stack.url}/admin/users/${ava.id}`);
      const box = admin.getByRole('checkbox', {
        name: 'A colleague adds a note on my case, or on one I follow',
      });
      await expect.poll(() => box.isChecked()).toBe(false);
      expect(await text(admin.locator('#notification-settings'))).toContain(
        `${ava.name} also gets by e-mail`,
      );
      await box.check();
      await expect
        .poll(() => text(admin.getByTestId('notification-settings-outcome')))
        .toBe('Saved: a colleague adds a note on my case, or on one I follow, by e-mail too.');
      // Ava's own settings say so.
      const prefs = await stack.api<NotificationPreferences>('/notifications/preferences', {
        login: DEMO.agent,
      });
      expect(prefs.email.note_added).toBe(true);
      // A customer's login has no such section.
      const customer = await stack.api<{ items: User[] }>('/users?role=customer', {
        login: DEMO.admin,
      });
      await admin.goto(`${stack.url}/admin/users/${customer.items[0]!.id}`);
      await expect
        .poll(() => admin.getByLabel('Name', { exact: true }).inputValue())
        .toBe(customer.items[0]!.name);
      expect(await admin.locator('#notification-settings').count()).toBe(0);
    } finally {
      await admin.close();
    }
  });
});
