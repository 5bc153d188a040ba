// What a customer (portal user) sees of the directory: Maria Jensen of Northwind Traders, who has
// organization access. (Her requests, the portal proper, are test/browser/portal.test.ts.)
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Me } from '../../src/shared/schemas/users.js';
import type { Organization } from '../../src/shared/schemas/organizations.js';
import { DEMO, customerNames, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let page: Page;
let me: Me;
beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.customer);
  me = await stack.api<Me>('/auth/me', { login: DEMO.customer });
});
afterAll(async () => {
  await stack?.stop();
});

describe('customer portal', () => {
  it('starts on her requests, and lists only the customers of her own organization', async () => {
    expect(await text(page.getByTestId('user-role'))).toBe('My account');
    await eventually(async () => new URL(page.url()).pathname).toBe('/portal');
    await page.goto(`${stack.url}/customers`);
    await eventually(() => text(page.getByTestId('customer-total'))).toBe('61 customers');
    // Staff-only filters are not offered.
    expect(await page.getByLabel('Segment').count()).toBe(0);

    const organizations = new Set<string>();
    for (const cell of await texts(page.getByTestId('customer-row').locator('td:nth-child(4)')))
      organizations.add(cell);
    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(() => text(page.getByTestId('pager-summary'))).toBe('51–61 of 61');
    for (const cell of await texts(page.getByTestId('customer-row').locator('td:nth-child(4)')))
      organizations.add(cell);
    expect([...organizations]).toEqual(['Northwind Traders']);

    // Searching for another organization's customers finds nothing.
    await page.getByLabel('Search customers').fill('contoso');
    await eventually(() => text(page.getByTestId('customer-total'))).toBe('0 customers found');
    expect(await page.getByText('No customers match these filters.').count()).toBe(1);
  });

  it('sees their own organization only, not the organizations of others', async () => {
    // No organization directory in the navigation, only their own.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await texts(nav.getByRole('link'))).toEqual([
      'My requests',
      'My organization',
      'My account',
      'Help',
    ]);

    await nav.getByRole('link', { name: 'My organization' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Northwind Traders');
    expect(new URL(page.url()).pathname).toBe(`/organizations/${me.organizationId}`);
    // The staff's sections (cases of all, signals, commitments) are not theirs to see.
    await page.getByTestId('organization-customer-total').waitFor();
    expect(await page.getByRole('heading', { name: 'Signals' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Commitments' }).count()).toBe(0);

    // The organization list, reached by address, holds Northwind alone.
    await page.goto(`${stack.url}/organizations`);
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Northwind Traders',
    ]);
    expect(await text(page.getByTestId('organization-total'))).toBe('1 organization');

    // Another organization, or one of its customers, by address: not found.
    const contoso = (
      await stack.api<{ items: Organization[] }>('/organizations?q=contoso', { login: DEMO.admin })
    ).items[0]!;
    await page.goto(`${stack.url}/organizations/${contoso.id}`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Organization not found');
    const stranger = (
      await stack.api<{ items: Customer[] }>(`/customers?organizationId=${contoso.id}&limit=1`, {
        login: DEMO.admin,
      })
    ).items[0]!;
    await page.goto(`${stack.url}/customers/${stranger.id}`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Customer not found');
  });

  it('edits only the fields a customer may change on their own profile', async () => {
    await page.goto(`${stack.url}/customers`);
    // One name for her account in the nav, its title and the phone's badge; her record is linked there.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Contact details' }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe('Maria Jensen');
    // Staff see the change history and our segment; a customer does not.
    expect(await page.getByRole('heading', { name: 'History' }).count()).toBe(0);
    expect(await page.getByTestId('customer-organization').count()).toBe(1);
    expect(await page.getByTestId('customer-segment').count()).toBe(0);
    // Nor the id our own systems know her by; her way back is her organization's page.
    expect(await page.getByTestId('customer-externalId').count()).toBe(0);
    expect(await text(page.getByTestId('page-back'))).toContain('My organization');
    // Her name, language and time zone have one place, My account: her profile links there.
    expect(await text(page.getByTestId('customer-account-link'))).toBe(
      'Change your name, language or time zone on My account.',
    );
    await page.getByRole('link', { name: 'Edit' }).click();
    const form = page.getByRole('form');
    // The edit page loads the record first: wait for its form.
    await eventually(() => texts(form.locator('label'))).toEqual(['Phone']);
    expect(await text(page.getByTestId('name-on-account'))).toBe(
      'Your name, language and time zone are changed on My account.',
    );

    await page.getByLabel('Phone').fill('+49 30 5550199');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    expect(await text(page.getByTestId('customer-phone'))).toBe('+49 30 5550199');
    await page.getByTestId('customer-account-link').getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/portal/account');
    await page.goBack();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe('Maria Jensen');

    // Her organization's page lists her colleagues without our segment for them.
    await page.getByTestId('page-back').click();
    await page.getByTestId('customer-table').waitFor();
    expect(await texts(page.getByTestId('customer-table').locator('th'))).not.toContain('Segment');
    expect(await page.getByTestId('organization-segment').count()).toBe(0);

    // Colleagues' records are read-only.
    await page.goto(`${stack.url}/customers`);
    const colleague = (await customerNames(page)).find((n) => n !== 'Maria Jensen')!;
    await page.getByRole('link', { name: colleague }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(colleague);
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
  });

  it('sees on her own record where she is signed in, and signs out another browser', async () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    const phone = (await (
      await fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': iphone },
        body: JSON.stringify({ email: DEMO.customer.email, password: DEMO.customer.password }),
      })
    ).json()) as { token: string };
    await page.goto(`${stack.url}/customers/${me.customerId}`);
    const row = page.getByTestId('session-row').filter({ hasText: 'Safari 17 on iOS 17.1' });
    await eventually(() => row.count()).toBe(1);
    expect(await page.getByTestId('session-current').count()).toBe(1);
    await row.getByRole('button', { name: /^Sign out Safari/ }).click();
    await eventually(() => text(page.getByTestId('sessions-ended'))).toBe(
      'Signed out Safari 17 on iOS 17.1.',
    );
    const gone = await fetch(`${stack.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${phone.token}` },
    });
    expect(gone.status).toBe(401);
  });

  it('her requests’ tabs (mine, my organization’s) move with the arrow keys', async () => {
    await page.goto(`${stack.url}/portal`);
    const tabs = page.getByRole('tablist', { name: 'Whose requests' });
    const mine = tabs.getByRole('tab', { name: 'My requests' });
    await eventually(() => mine.getAttribute('aria-selected')).toBe('true');
    await mine.focus();
    await page.keyboard.press('ArrowRight');
    await eventually(async () => new URL(page.url()).searchParams.get('scope')).toBe('organization');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('My organization’s requests');
    await eventually(() => mine.getAttribute('tabindex')).toBe('-1');
    await page.keyboard.press('ArrowLeft');
    await eventually(() => mine.getAttribute('aria-selected')).toBe('true');
    expect(new URL(page.url()).searchParams.get('scope')).toBe(null);
  });

  it('her requests fit a phone: the tabs and the filter wrap', async () => {
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${stack.url}/portal`);
      await page
        .getByRole('tab', { name: 'My organization’s requests' })
        .or(page.getByText('My organization’s requests'))
        .first()
        .waitFor();
      await eventually(() =>
        page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBe(0);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('signs out to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.evaluate(() => localStorage.getItem('steward.token'))).toBeNull();
    await page.goBack();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});

describe('the company name', () => {
  it('is what customers see in place of Steward: top bar, help center, sign-in page, tab; staff keep Steward', async () => {
    const admin = { login: DEMO.admin };
    await stack.api('/settings', { ...admin, method: 'PATCH', body: { companyName: 'Acme Parcels' } });
    // A new page: the one above has signed out.
    const maria = await stack.newPage();
    try {
      await signIn(maria, stack.url, DEMO.customer);
      await maria.goto(`${stack.url}/portal`);
      await eventually(() => text(maria.locator('.topbar .brand__name'))).toBe('Acme Parcels');
      expect(await text(maria.locator('.topbar .brand__mark'))).toBe('A');
      await eventually(() => maria.title()).toMatch(/ · Acme Parcels$/);

      await maria.goto(`${stack.url}/help`);
      await eventually(() => text(maria.locator('.topbar .brand__name'))).toBe('Acme Parcels Help center');
      expect(await maria.getByRole('link', { name: 'Acme Parcels Help center home' }).count()).toBe(1);
      // A customer who still needs help after reading: her requests, or a new one.
      expect(await maria.getByRole('link', { name: 'My requests' }).getAttribute('href')).toBe('/portal');
      expect(await maria.getByRole('link', { name: 'New request' }).getAttribute('href')).toBe('/portal/new');
      await maria.getByRole('link', { name: 'New request' }).click();
      await eventually(async () => new URL(maria.url()).pathname).toBe('/portal/new');

      const visitor = await stack.newPage();
      await visitor.goto(`${stack.url}/login`);
      await eventually(() => text(visitor.locator('.login-card .brand__name'))).toBe('Acme Parcels');
      expect(await text(visitor.locator('.login-card .muted').first())).toBe('Customer service');
      await eventually(() => visitor.title()).toBe('Sign in · Acme Parcels');
      await signIn(visitor, stack.url, DEMO.agent);
      await eventually(() => text(visitor.locator('.topbar .brand__name'))).toBe('Steward');
      // The tab says what the top bar says: Steward on the staff's screens.
      await eventually(() => visitor.title()).toMatch(/^[^·]+ · Steward$/);
      // The help center is the customers' whoever opens it.
      await visitor.goto(`${stack.url}/help`);
      await eventually(() => visitor.title()).toBe('Help center · Acme Parcels');
      expect(await text(visitor.getByTestId('help-back'))).toBe('Back to Steward');
      expect(await visitor.getByRole('link', { name: 'New request' }).count()).toBe(0);
      await visitor.close();
    } finally {
      await stack.api('/settings', { ...admin, method: 'PATCH', body: { companyName: null } });
    }
    // Without a company name, the help center is just that.
    await maria.goto(`${stack.url}/help`);
    await eventually(() => text(maria.locator('.topbar .brand__name'))).toBe('Help center');
    await maria.close();
    await stack.api('/settings', { ...admin, method: 'PATCH', body: { companyName: 'Steward Demo Shop' } });
  });
});

describe('My account and what a new request may say', () => {
  it('turns off the mail she does not want on My account, each choice saved as she ticks it', async () => {
    const maria = await stack.newPage();
    type Prefs = { name: string; mailAcknowledgements: boolean; mailProactiveNotices: boolean };
    const read = () => stack.api<Prefs>('/portal/account', { login: DEMO.customer });
    try {
      await signIn(maria, stack.url, DEMO.customer);
      await maria.goto(`${stack.url}/portal/account`);
      const prefs = maria.getByRole('region', { name: 'Mail preferences' });
      const ack = prefs.getByLabel('Confirm my new requests');
      const notices = prefs.getByLabel('Tell me when something goes wrong');
      await ack.waitFor();
      expect([await ack.isChecked(), await notices.isChecked()]).toEqual([true, true]);
      await ack.uncheck();
      await eventually(() => text(maria.getByTestId('mail-preferences-saved'))).toBe(
        'Saved: we no longer confirm your new requests by e-mail.',
      );
      await notices.uncheck();
      await eventually(() => text(maria.getByTestId('mail-preferences-saved'))).toBe(
        'Saved: we no longer write to you on our own about problems with your orders.',
      );
      const off = await read();
      expect([off.mailAcknowledgements, off.mailProactiveNotices]).toEqual([false, false]);
      // Her name saved after that goes on from the version the preferences left: no edit conflict.
      const form = maria.getByRole('form', { name: 'Your name, language and time zone' });
      await form.getByLabel('Name').fill('Maria J.');
      await form.getByRole('button', { name: 'Save' }).click();
      await eventually(() => text(maria.getByTestId('account-saved'))).toMatch(/^Saved\./);
      expect(await maria.getByTestId('edit-conflict').count()).toBe(0);
      // Read again, the page shows what she chose.
      await maria.reload();
      await ack.waitFor();
      expect([await ack.isChecked(), await notices.isChecked()]).toEqual([false, false]);
      await notices.check();
      await eventually(() => text(maria.getByTestId('mail-preferences-saved'))).toBe(
        'Saved: we write to you when we see a problem with your order or delivery.',
      );
      const after = await read();
      expect([after.name, after.mailAcknowledgements, after.mailProactiveNotices]).toEqual([
        'Maria J.',
        false,
        true,
      ]);
    } finally {
      await stack.api('/portal/account', {
        login: DEMO.customer,
        method: 'PATCH',
        body: { name: DEMO.customer.name, mailAcknowledgements: true, mailProactiveNotices: true },
      });
      await maria.close();
    }
  });

  it('changes her name, language, time zone and password on My account', async () => {
    const maria = await stack.newPage();
    const { language } = await stack.api<{ language: string | null }>('/portal/account', {
      login: DEMO.customer,
    });
    try {
      await signIn(maria, stack.url, DEMO.customer);
      // Her name in the top bar leads to My account (and /account, staff's page, does too).
      await maria.getByTestId('user-name').click();
      await maria.getByRole('heading', { name: 'My account' }).waitFor();
      expect(new URL(maria.url()).pathname).toBe('/portal/account');
      // The top bar says she is on My account, not on My requests.
      expect(
        await maria
          .locator('header a[aria-current="page"]')
          .evaluateAll((as) => as.map((a) => a.textContent)),
      ).toEqual(['My account', 'Maria JensenMy account']);

      // Where she is signed in: the times in the zone her requests' pages use (her own; without
      // one, her agreement calendar's), named, not in the browser's (UTC here).
      const account = await stack.api<{ shownTimeZone: string }>('/portal/account', { login: DEMO.customer });
      expect(account.shownTimeZone).toBe('Europe/Berlin');
      const sessions = await stack.api<{ items: { id: string; createdAt: string }[] }>('/auth/sessions', {
        login: DEMO.customer,
      });
      const signedIn = (zone: string) =>
        maria.evaluate(
          ([items, timeZone]) =>
            items.map((s) => [
              s.id,
              new Intl.DateTimeFormat(undefined, {
                dateStyle: 'medium',
                timeStyle: 'short',
                timeZone,
              }).format(new Date(s.createdAt)),
            ]),
          [sessions.items, zone] as const,
        );
      const shown = () =>
        maria
          .getByTestId('session-row')
          .evaluateAll((rows) =>
            rows.map((r) => [
              r.getAttribute('data-session-id'),
              r.querySelector('[data-testid="session-created"]')!.textContent!.trim(),
            ]),
          );
      // Each row listed (the list was read before stack.api may have signed her in once more).
      await eventually(async () => (await shown()).length).toBeGreaterThan(0);
      expect(await signedIn('Europe/Berlin')).toEqual(expect.arrayContaining(await shown()));
      expect(await text(maria.getByTestId('sessions-zone'))).toBe('Times in Europe/Berlin.');
      const form = maria.getByRole('form', { name: 'Your name, language and time zone' });
      await form.getByLabel('Name').fill('Maria Jensen-Holm');
      await form.getByLabel('Time zone').selectOption('Asia/Tokyo');
      // The languages we write in, by their own names.
      expect(await texts(form.getByLabel('Language').locator('option'))).toEqual([
        'Not set: our usual language',
        'English',
        'Deutsch',
        'Français',
        'Español',
        'Nederlands',
      ]);
      await form.getByLabel('Language').selectOption({ label: 'Français' });
      await form.getByRole('button', { name: 'Save' }).click();
      await eventually(() => text(maria.getByTestId('account-saved'))).toBe(
        'Saved. Your times are now shown in Asia/Tokyo. Our automatic e-mails to you are now in Français.',
      );
      await eventually(() => text(maria.getByTestId('user-name'))).toBe('Maria Jensen-Holm');
      // Her own zone, once saved, is the one her sessions' times are written in.
      await eventually(() => text(maria.getByTestId('sessions-zone'))).toBe('Times in Asia/Tokyo.');
      expect(await signedIn('Asia/Tokyo')).toEqual(expect.arrayContaining(await shown()));
      const saved = await stack.api<{ name: string; timeZone: string; language: string }>('/portal/account', {
        login: DEMO.customer,
      });
      expect([saved.name, saved.timeZone, saved.language]).toEqual(['Maria Jensen-Holm', 'Asia/Tokyo', 'fr']);
      // Her requests now say their times in Tokyo's zone.
      await maria.goto(`${stack.url}/portal`);
      await maria.getByTestId('request-list').waitFor();
      await maria.goto(`${stack.url}/account`);
      await maria.getByRole('heading', { name: 'My account' }).waitFor();
      // Listed once her account is read (its times are in her zone).
      await maria.getByRole('heading', { name: 'Where you are signed in' }).waitFor();

      const password = maria.getByRole('form', { name: 'Change your password' });
      await password.getByLabel('Current password').fill(DEMO.customer.password);
      await password.getByLabel('New password', { exact: true }).fill('maria-new-password');
      await password.getByLabel('New password again').fill('maria-new-password');
      await password.getByRole('button', { name: 'Change password' }).click();
      await eventually(() => text(maria.getByTestId('password-changed'))).toMatch(/^Password changed\./);
      const old = await fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO.customer.email, password: DEMO.customer.password }),
      });
      expect(old.status).toBe(401);
    } finally {
      // As the demo had her (this also signs the page above out). Plain calls: the password
      // change ended the session stack.api keeps for her.
      const call = async (path: string, method: string, body: unknown, token?: string) =>
        (await fetch(`${stack.url}/api/v1${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        }).then((r) => r.json())) as { token: string };
      const { token } = await call('/auth/login', 'POST', {
        email: DEMO.customer.email,
        password: 'maria-new-password',
      });
      await call(
        '/auth/password',
        'POST',
        { currentPassword: 'maria-new-password', newPassword: DEMO.customer.password },
        token,
      );
      await call('/portal/account', 'PATCH', { name: DEMO.customer.name, timeZone: null, language }, token);
      await maria.close();
    }
  });

  it('picks a category an admin offered and names an order: the request lands in the case about it', async () => {
    const admin = await stack.newPage();
    const maria = await stack.newPage();
    try {
      // The demo offers the everyday matters; an order change is not offered until an admin ticks it.
      await signIn(maria, stack.url, DEMO.customer);
      await maria.goto(`${stack.url}/portal/new`);
      const about = maria.getByLabel('What is it about?');
      await about.waitFor();
      expect(await texts(about.locator('option'))).toEqual([
        'Something else',
        'Damaged product',
        'Invoice error',
        'Late delivery',
        'Order status inquiry',
        'Wrong item shipped',
      ]);

      await signIn(admin, stack.url, DEMO.admin);
      await admin.goto(`${stack.url}/admin/case-fields`);
      const row = admin.getByTestId('category-row').filter({ hasText: 'order_change' });
      const { items } = await stack.api<{ items: { key: string; name: string }[] }>('/categories', {
        login: DEMO.admin,
      });
      const name = items.find((c) => c.key === 'order_change')!.name;
      // Ticked once saved (the list is read again), so clicked rather than checked.
      await row.getByLabel(`Offered to customers: ${name}`).click();
      await eventually(() => text(admin.getByRole('status').first())).toBe(
        `Customers can now pick “${name}” on a new request.`,
      );

      await maria.goto(`${stack.url}/portal/new`);
      await maria.getByLabel('Subject').fill('Change my delivery address');
      await maria.getByLabel('What is it about?').selectOption({ label: name });
      const number = maria.getByLabel('Order or shipment number (optional)');
      // Only an open (unsolved) proactive case is joined: the hint says so.
      expect(await text(maria.locator('[id$="-reference-hint"]'))).toBe(
        'If we already wrote to you about this order, your request joins that conversation while it is open; once it is solved, your request starts a new one.',
      );
      await number.fill('SO-77001');
      await maria.getByLabel('Message').fill('Please send it to my office instead.');
      await maria.getByRole('button', { name: 'Send request' }).click();
      await eventually(async () => new URL(maria.url()).pathname).toMatch(/^\/portal\/cases\/[0-9a-f-]{36}$/);
      const created = new URL(maria.url()).pathname.split('/').pop()!;
      const c = await stack.api<Case>(`/cases/${created}`, { login: DEMO.agent });
      expect([c.category, c.refs, c.channel]).toEqual([
        'order_change',
        { customerReference: 'SO-77001' },
        'portal',
      ]);

      // We told her about a late order (a proactive case); her request naming it lands there.
      const proactive = await stack.api<Case>('/cases', {
        login: DEMO.agent,
        method: 'POST',
        body: {
          subject: 'Your order SO-88123 is late',
          customerId: me.customerId,
          channel: 'proactive',
          refs: { orderId: 'SO-88123' },
        },
      });
      await maria.goto(`${stack.url}/portal/new`);
      await maria.getByLabel('Subject').fill('Where is my order?');
      await maria.getByLabel('Order or shipment number (optional)').fill('so-88123');
      await maria.getByLabel('Message').fill('It was due on Monday.');
      await maria.getByRole('button', { name: 'Send request' }).click();
      await eventually(async () => new URL(maria.url()).pathname).toBe(`/portal/cases/${proactive.id}`);
      const messages = await stack.api<{ items: { body: string }[] }>(`/cases/${proactive.id}/messages`, {
        login: DEMO.agent,
      });
      expect(messages.items.map((m) => m.body)).toContain('Where is my order?\n\nIt was due on Monday.');
    } finally {
      await stack.api('/categories/order_change', {
        login: DEMO.admin,
        method: 'PATCH',
        body: { offeredToCustomers: false },
      });
      await admin.close();
      await maria.close();
    }
  });

  it('a category taken back while she writes: the request is refused, the reason next to the choice', async () => {
    const maria = await stack.newPage();
    try {
      await signIn(maria, stack.url, DEMO.customer);
      await maria.goto(`${stack.url}/portal/new`);
      const about = maria.getByLabel('What is it about?');
      await about.selectOption({ label: 'Invoice error' });
      await maria.getByLabel('Subject').fill('Charged twice');
      await maria.getByLabel('Message').fill('The invoice lists the order twice.');
      await stack.api('/categories/invoice_error', {
        login: DEMO.admin,
        method: 'PATCH',
        body: { offeredToCustomers: false },
      });
      await maria.getByRole('button', { name: 'Send request' }).click();
      await eventually(() => about.getAttribute('aria-invalid')).toBe('true');
      const errorId = `${await about.getAttribute('id')}-error`;
      expect(await about.getAttribute('aria-describedby')).toBe(errorId);
      expect(await text(maria.locator(`[id="${errorId}"]`))).toBe(
        '"invoice_error" is not a category customers may choose',
      );
      expect(new URL(maria.url()).pathname).toBe('/portal/new');
      // Choosing again is the fix under way: the reason goes.
      await about.selectOption({ label: 'Something else' });
      expect(await about.getAttribute('aria-invalid')).toBe(null);
      expect(await maria.locator(`[id="${errorId}"]`).count()).toBe(0);
    } finally {
      await stack.api('/categories/invoice_error', {
        login: DEMO.admin,
        method: 'PATCH',
        body: { offeredToCustomers: true },
      });
      await maria.close();
    }
  });
});
