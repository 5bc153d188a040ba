import { mkdir, readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import { DEMO, customerNames, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
  total?: number;
}

const SCREENSHOT = fileURLToPath(new URL('../../tmp/ui-customers.png', import.meta.url));

let stack: Stack;
let page: Page;
beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
});

const total = () => text(page.getByTestId('customer-total'));
const summary = () => text(page.getByTestId('pager-summary'));

async function openList() {
  await page.goto(`${stack.url}/customers`);
  await eventually(total).toBe('336 customers');
}

describe('customer list', () => {
  it('looks right (screenshot for review)', async () => {
    await openList();
    await mkdir(fileURLToPath(new URL('../../tmp/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('filters by a name fragment', async () => {
    await openList();
    // A surname from the demo data; the API says which customers it should find.
    const sample = await stack.api<CustomerPage>('/customers?limit=1&sort=-name', { login: DEMO.admin });
    const fragment = sample.items[0]!.name.split(' ').at(-1)!.slice(0, 4).toLowerCase();
    const expected = await stack.api<CustomerPage>(`/customers?q=${fragment}&limit=50&includeTotal=true`, {
      login: DEMO.admin,
    });
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.total).toBeLessThan(50);

    await page.getByLabel('Search customers').fill(fragment);
    await eventually(total).toBe(
      `${expected.total} ${expected.total === 1 ? 'customer' : 'customers'} found`,
    );
    const names = await customerNames(page);
    expect(names).toEqual(expected.items.map((c) => c.name));
    for (const c of expected.items) {
      expect(`${c.name} ${c.email}`.toLowerCase()).toContain(fragment);
    }
    // The search is in the address, so it survives a reload.
    expect(new URL(page.url()).searchParams.get('q')).toBe(fragment);
    await page.reload();
    await eventually(total).toBe(
      `${expected.total} ${expected.total === 1 ? 'customer' : 'customers'} found`,
    );
    expect(await page.getByLabel('Search customers').inputValue()).toBe(fragment);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(total).toBe('336 customers');
    expect(await page.getByLabel('Search customers').inputValue()).toBe('');
  });

  it('filters by segment', async () => {
    await openList();
    await page.getByLabel('Segment').selectOption({ label: 'Consumer' });
    await eventually(total).toBe('90 customers found');
    // Consumers belong to no organization.
    const orgCells = await page.getByTestId('customer-row').locator('td:nth-child(4)').allInnerTexts();
    expect(new Set(orgCells)).toEqual(new Set(['Individual']));
  });

  it('pages forward and back with cursors', async () => {
    await openList();
    const api1 = await stack.api<CustomerPage>('/customers?limit=50', { login: DEMO.admin });
    const api2 = await stack.api<CustomerPage>(`/customers?limit=50&cursor=${api1.nextCursor}`, {
      login: DEMO.admin,
    });
    const page1 = await customerNames(page);
    expect(page1).toEqual(api1.items.map((c) => c.name));
    expect(await page.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(summary).toBe('51–100 of 336');
    await eventually(() => customerNames(page)).toEqual(api2.items.map((c) => c.name));

    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(summary).toBe('101–150 of 336');
    await page.getByRole('button', { name: 'Previous' }).click();
    await eventually(summary).toBe('51–100 of 336');
    await eventually(() => customerNames(page)).toEqual(api2.items.map((c) => c.name));

    await page.getByRole('button', { name: 'Previous' }).click();
    await eventually(summary).toBe('1–50 of 336');
    await eventually(() => customerNames(page)).toEqual(page1);
    expect(new URL(page.url()).searchParams.get('cursor')).toBeNull();
  });

  it('pages through search results, and the last page has no Next', async () => {
    await openList();
    // Matches the e-mail domain of Northwind's 61 customers: two pages.
    const expected = await stack.api<CustomerPage>('/customers?q=northwind&limit=500&includeTotal=true', {
      login: DEMO.admin,
    });
    const n = expected.total!;
    expect(n).toBe(61);
    await page.getByLabel('Search customers').fill('northwind');
    await eventually(summary).toBe(`1–50 of ${n}`);
    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(summary).toBe(`51–${n} of ${n}`);
    await eventually(() => customerNames(page)).toEqual(expected.items.slice(50).map((c) => c.name));
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await eventually(() => customerNames(page)).toEqual(expected.items.slice(0, 50).map((c) => c.name));
  });
});

describe('customer detail and edit', () => {
  let target: Customer;
  beforeAll(async () => {
    const list = await stack.api<CustomerPage>('/customers?limit=3&segment=smb', { login: DEMO.admin });
    target = list.items[0]!;
  });

  async function openTarget() {
    await page.goto(`${stack.url}/customers?q=${encodeURIComponent(target.email!)}`);
    await page.getByRole('link', { name: target.name }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(target.name);
  }

  it('shows the customer’s record', async () => {
    await openTarget();
    expect(await text(page.getByTestId('customer-email'))).toBe(target.email);
    expect(await text(page.getByTestId('customer-phone'))).toBe(target.phone);
    expect(await text(page.getByTestId('customer-organization'))).toBe(target.organizationName);
    expect(await text(page.getByTestId('customer-externalId'))).toBe(target.externalId);
    await eventually(() => page.title()).toBe(`${target.name} · Steward`);
    // What they let us mail on our own (their mail preferences), for whoever takes their call.
    expect(await text(page.getByTestId('customer-mail-preferences'))).toBe(
      'Request confirmations and proactive notices',
    );
    const set = (mailProactiveNotices: boolean) =>
      stack.api(`/customers/${target.id}`, {
        login: DEMO.admin,
        method: 'PATCH',
        body: { mailProactiveNotices },
      });
    await set(false);
    try {
      await page.reload();
      await eventually(() => text(page.getByTestId('customer-mail-preferences'))).toBe(
        'Request confirmations only (proactive notices turned off)',
      );
    } finally {
      await set(true);
    }
  });

  it('saves a changed phone number, which is still there after a reload', async () => {
    await openTarget();
    await page.getByRole('link', { name: 'Edit' }).click();
    const phone = page.getByLabel('Phone');
    expect(await phone.inputValue()).toBe(target.phone);
    await phone.fill('+44 20 7946 0958');
    await page.getByRole('button', { name: 'Save changes' }).click();

    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    expect(new URL(page.url()).pathname).toBe(`/customers/${target.id}`);
    expect(await text(page.getByTestId('customer-phone'))).toBe('+44 20 7946 0958');

    await page.reload();
    await eventually(() => text(page.getByTestId('customer-phone'))).toBe('+44 20 7946 0958');
    expect(await page.getByTestId('notice').count()).toBe(0);
    const stored = await stack.api<Customer>(`/customers/${target.id}`, { login: DEMO.admin });
    expect(stored.phone).toBe('+44 20 7946 0958');
    expect(stored.email).toBe(target.email); // only the changed field was sent
    // The change is in the record's history, attributed to the signed-in admin.
    const latest = page.getByTestId('customer-history').getByTestId('history-entry').first();
    await eventually(() => texts(latest.getByTestId('change-list').locator('li'))).toEqual([
      `Phone: ${target.phone} → +44 20 7946 0958`,
    ]);
    expect(await text(latest.locator('.timeline__text'))).toBe('Changed the customer record');
    expect(await text(latest.locator('.timeline__who'))).toBe('You');
  });

  it('shows a long history a page at a time, from the latest change to the first', async () => {
    const admin = { login: DEMO.admin };
    const made = await stack.api<Customer>('/customers', {
      ...admin,
      method: 'POST',
      body: { name: 'Hilda History', email: `hilda-${Date.now()}@example.com` },
    });
    // 205 changes after its creation: two pages and a bit.
    for (let i = 1; i <= 205; i++)
      await stack.api(`/customers/${made.id}`, {
        ...admin,
        method: 'PATCH',
        body: { phone: `+1 555 ${1000 + i}` },
      });
    await page.goto(`${stack.url}/customers/${made.id}`);
    const entries = page.getByTestId('customer-history').getByTestId('history-entry');
    await eventually(() => entries.count()).toBe(200);
    expect(await text(entries.first())).toContain('Phone: +1 555 1204 → +1 555 1205');
    expect(await text(entries.last())).toContain('Phone: +1 555 1005 → +1 555 1006');
    await page.getByRole('button', { name: 'Show older changes' }).click();
    await eventually(() => entries.count()).toBe(206);
    expect(await text(entries.nth(200))).toContain('Phone: +1 555 1004 → +1 555 1005');
    expect(await text(entries.last().locator('.timeline__text'))).toBe('Created the customer record');
    expect(await texts(entries.last().getByTestId('change-list').locator('li'))).toEqual([
      'Name: Hilda History',
      expect.stringMatching(/^E-mail: hilda-\d+@example\.com$/),
    ]);
    expect(await page.getByRole('button', { name: 'Show older changes' }).count()).toBe(0);
  });

  it('rejects an invalid e-mail in the browser with the shared schema’s message, saving nothing', async () => {
    await openTarget();
    await page.getByRole('link', { name: 'Edit' }).click();
    const patches: string[] = [];
    const onRequest = (req: { method(): string; url(): string }) => {
      if (req.method() === 'PATCH') patches.push(req.url());
    };
    page.on('request', onRequest);
    try {
      await page.getByLabel('E-mail').fill('not-an-email');
      await page.getByLabel('Phone').fill('+1 212 555 0100');
      await page.getByRole('button', { name: 'Save changes' }).click();

      // The message comes from Email in src/shared/schemas/common.ts.
      await eventually(() => text(page.getByTestId('error-email'))).toBe('must be an e-mail address');
      expect(await page.getByLabel('E-mail').getAttribute('aria-invalid')).toBe('true');
      expect(await text(page.getByTestId('form-errors'))).toContain('E-mail: must be an e-mail address');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('customer-email');
      expect(patches).toEqual([]);
      expect(new URL(page.url()).pathname).toBe(`/customers/${target.id}/edit`);

      // Correcting the field clears its message.
      await page.getByLabel('E-mail').fill(target.email!);
      expect(await page.getByTestId('error-email').count()).toBe(0);
    } finally {
      page.off('request', onRequest);
    }
    const stored = await stack.api<Customer>(`/customers/${target.id}`, { login: DEMO.admin });
    expect(stored.email).toBe(target.email);
    expect(stored.phone).toBe('+44 20 7946 0958');
  });

  it('shows what only the server knows (an e-mail in use) next to the field', async () => {
    const other = (
      await stack.api<CustomerPage>('/customers?limit=1&segment=consumer', { login: DEMO.admin })
    ).items[0]!;
    await openTarget();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('E-mail').fill(other.email!.toUpperCase());
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('error-email'))).toBe(
      'a customer with this e-mail already exists',
    );
    expect(new URL(page.url()).pathname).toBe(`/customers/${target.id}/edit`);
    const stored = await stack.api<Customer>(`/customers/${target.id}`, { login: DEMO.admin });
    expect(stored.email).toBe(target.email);
  });

  it('changes organization, segment and access from the pickers', async () => {
    await openTarget();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Coho Winery' });
    await page.getByLabel('Segment').selectOption({ label: 'Enterprise' });
    await page.getByLabel('Organization access').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    expect(await text(page.getByTestId('customer-organization'))).toBe('Coho Winery');
    await eventually(() => text(page.getByTestId('customer-segment'))).toBe('Enterprise');
    expect(await text(page.getByTestId('customer-organizationAccess'))).toBe(
      'May see the organization and its customers',
    );
    const stored = await stack.api<Customer>(`/customers/${target.id}`, { login: DEMO.admin });
    expect(stored).toMatchObject({
      organizationName: 'Coho Winery',
      segment: 'enterprise',
      organizationAccess: true,
    });
    // The history says it in words: the organizations and the segment by name, never ids or keys.
    const history = page.getByTestId('customer-history');
    await eventually(() =>
      texts(history.getByTestId('history-entry').first().locator('.audit-changes li')),
    ).toEqual([
      // The segment by its name too (the customer record holds its key).
      'Segment: — → Enterprise',
      `Organization: ${target.organizationName ?? '—'} → Coho Winery`,
      'Organization access: no → yes',
    ]);
    expect(await text(history)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  });

  it('lists the customer’s cases, newest first, each leading to its case', async () => {
    // The customer with the most cases in the demo data.
    const all = await stack.api<{ items: CaseSummary[] }>('/cases?limit=200', { login: DEMO.admin });
    const counts = new Map<string, number>();
    for (const c of all.items) counts.set(c.customerId, (counts.get(c.customerId) ?? 0) + 1);
    const [customerId, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    expect(count).toBeGreaterThan(1);
    const theirs = await stack.api<{ items: CaseSummary[] }>(
      `/cases?customerId=${customerId}&sort=-createdAt&limit=10`,
      { login: DEMO.admin },
    );
    expect(theirs.items).toHaveLength(Math.min(count, 10));

    await page.goto(`${stack.url}/customers/${customerId}`);
    const rows = page.getByTestId('record-case-row');
    await eventually(() => texts(rows.locator('td:first-child a'))).toEqual(
      theirs.items.map((c) => `#${c.number} ${c.subject}`),
    );
    const first = theirs.items[0]!;
    expect(await rows.first().getAttribute('data-status')).toBe(first.status);
    await rows.first().getByRole('link').click();
    await eventually(async () => new URL(page.url()).pathname).toBe(`/cases/${first.id}`);
  });

  it('says when a customer has no cases', async () => {
    const all = await stack.api<{ items: CaseSummary[] }>('/cases?limit=200', { login: DEMO.admin });
    const list = await stack.api<CustomerPage>('/customers?limit=100&segment=consumer', {
      login: DEMO.admin,
    });
    const without = list.items.find((c) => !all.items.some((k) => k.customerId === c.id))!;
    await page.goto(`${stack.url}/customers/${without.id}`);
    await eventually(() => text(page.getByTestId('record-cases-empty'))).toBe(
      'No cases for this customer yet.',
    );
  });

  it('a customer on their own record sees no staff sections (cases, signals, commitments)', async () => {
    const own = await stack.newPage();
    await signIn(own, stack.url, DEMO.customer);
    const me = await stack.api<{ items: Customer[] }>(
      `/customers?q=${encodeURIComponent(DEMO.customer.email)}`,
      { login: DEMO.admin },
    );
    await own.goto(`${stack.url}/customers/${me.items[0]!.id}`);
    await eventually(() => text(own.getByTestId('customer-heading'))).toBe(DEMO.customer.name);
    expect(await own.getByRole('heading', { name: 'Cases' }).count()).toBe(0);
    expect(await own.getByRole('heading', { name: 'Signals' }).count()).toBe(0);
    expect(await own.getByTestId('record-cases').count()).toBe(0);
    // Her mail preferences are hers to change on My account, not a fact of our record.
    expect(await own.getByTestId('customer-mail-preferences').count()).toBe(0);
    // Opening a case for someone is staff work: the portal has its own New request.
    expect(await own.getByTestId('new-case').count()).toBe(0);
    await own.close();
  });

  it('says so when a customer does not exist', async () => {
    await page.goto(`${stack.url}/customers/00000000-0000-7000-8000-000000000000`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Customer not found');
  });

  it('an admin downloads a customer’s personal data (a JSON file of theirs); an agent has no such button', async () => {
    const found = await stack.api<CustomerPage>(`/customers?q=${encodeURIComponent(DEMO.customer.email)}`, {
      login: DEMO.admin,
    });
    const maria = found.items[0]!;
    await page.goto(`${stack.url}/customers/${maria.id}`);
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(DEMO.customer.name);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download personal data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`personal-data-${maria.id}.json`);
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      customer: { name: string; email: string };
      cases: { subject: string }[];
    };
    expect(saved.customer).toMatchObject({ name: DEMO.customer.name, email: DEMO.customer.email });
    const theirs = await stack.api<{ items: CaseSummary[] }>(`/cases?customerId=${maria.id}&limit=100`, {
      login: DEMO.admin,
    });
    expect(saved.cases.map((c) => c.subject).sort()).toEqual(theirs.items.map((c) => c.subject).sort());
    // The download is in the customer's history, with who took it.
    await page.reload();
    await eventually(() => text(page.getByTestId('customer-history'))).toContain(
      'Downloaded the customer’s personal data',
    );

    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/customers/${maria.id}`);
    await eventually(() => text(agentPage.getByTestId('customer-heading'))).toBe(DEMO.customer.name);
    await eventually(() => agentPage.getByRole('button', { name: 'Merge into…' }).count()).toBe(1);
    expect(await agentPage.getByRole('button', { name: 'Download personal data' }).count()).toBe(0);
    await agentPage.close();
  });
});

describe('opening a case for a customer, from their page', () => {
  const make = (body: Record<string, unknown>) =>
    stack.api<Customer>('/customers', { login: DEMO.agent, method: 'POST', body });

  async function openDialog(customer: Customer) {
    await page.goto(`${stack.url}/customers/${customer.id}`);
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(customer.name);
    await page.getByTestId('new-case').click();
    const dialog = page.getByTestId('new-case-dialog');
    // The customer is given and fixed: no search, no Change.
    await eventually(() => text(dialog.getByTestId('case-customer'))).toBe(
      customer.email ? `${customer.name} · ${customer.email}` : customer.name,
    );
    expect(await dialog.getByRole('button', { name: 'Change' }).count()).toBe(0);
    expect(await dialog.getByLabel('Assign to me').isChecked()).toBe(true);
    return dialog;
  }

  it('writes to the customer: the case opens on the page with the message e-mailed to them', async () => {
    const stamp = Date.now();
    const customer = await make({ name: `Outbound ${stamp}`, email: `outbound-${stamp}@example.com` });
    const dialog = await openDialog(customer);
    expect(await text(dialog.locator('.field__hint'))).toBe(`E-mailed to ${customer.email}.`);
    await dialog.getByLabel('Subject').fill(`Your order ${stamp} is late`);
    await dialog.getByLabel('Category').selectOption({ label: 'Late delivery' });
    await dialog.getByLabel('Priority').selectOption({ label: 'High' });
    // "No team" first and chosen, then the teams (which the field reads itself).
    const teams = await stack.api<{ items: { id: string; name: string }[] }>('/teams', { login: DEMO.admin });
    const team = dialog.getByLabel('Team (optional)');
    await eventually(() => team.locator('option').count()).toBe(teams.items.length + 1);
    expect(
      await team
        .locator('option')
        .evaluateAll((all) => all.map((o) => [(o as HTMLOptionElement).value, o.textContent])),
    ).toEqual([['', 'No team'], ...teams.items.map((t) => [t.id, t.name])]);
    expect(await team.inputValue()).toBe('');
    const chosen = teams.items.at(-1)!;
    await team.selectOption({ label: chosen.name });
    await dialog
      .getByLabel('Message', { exact: true })
      .fill('We noticed your parcel is stuck; a new one is on its way.');
    await dialog.getByRole('button', { name: 'Open the case' }).click();

    await eventually(async () => new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(page.url()).pathname.split('/')[2]!;
    const message = page.getByTestId('message');
    await eventually(() => text(message.locator('.message__body'))).toContain('a new one is on its way');
    expect(await message.getAttribute('data-visibility')).toBe('public');
    // No SMTP server in the test stack: the mail waits in the outbox, to the customer's address.
    await eventually(() => text(message.getByTestId('message-mail'))).toBe(
      `Held in the outbox (no SMTP server set): not sent to ${customer.email}`,
    );
    const opened = await stack.api<CaseSummary>(`/cases/${caseId}`, { login: DEMO.admin });
    expect(opened).toMatchObject({
      subject: `Your order ${stamp} is late`,
      channel: 'email',
      category: 'late_delivery',
      priority: 'high',
      assignee: { name: DEMO.admin.name },
      team: { id: chosen.id, name: chosen.name },
      customer: { id: customer.id },
    });
  });

  it('opens a case with an internal note: not mailed, not shown to the customer', async () => {
    const stamp = Date.now();
    const customer = await make({ name: `Walk-in ${stamp}` });
    const dialog = await openDialog(customer);
    // Nowhere to mail it: the dialog says so before anything is sent.
    expect(await text(dialog.locator('.field__hint'))).toBe(
      `${customer.name} has no e-mail address: nothing will be e-mailed (they read it in the portal).`,
    );
    await dialog.getByLabel('Internal note').check();
    expect(await text(dialog.locator('.field__hint'))).toBe('Only staff see it. Nothing is e-mailed.');
    await dialog.getByLabel('Subject').fill(`Came to the desk ${stamp}`);
    await dialog.getByLabel('Assign to me').uncheck();
    await dialog.getByLabel('Message', { exact: true }).fill('Brought back a broken kettle; wants a refund.');
    await dialog.getByRole('button', { name: 'Open the case' }).click();

    await eventually(async () => new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(page.url()).pathname.split('/')[2]!;
    const message = page.getByTestId('message');
    await eventually(() => text(message.getByTestId('internal-label'))).toBe(
      'Internal note · not visible to the customer',
    );
    expect(await message.getByTestId('message-mail').count()).toBe(0);
    const opened = await stack.api<CaseSummary>(`/cases/${caseId}`, { login: DEMO.admin });
    expect(opened).toMatchObject({
      channel: 'proactive',
      customerVisible: false,
      assignee: null,
      team: null,
    });
  });

  it('from the case queue: the customer is searched for and picked, then the case opens', async () => {
    const stamp = Date.now();
    const customer = await make({ name: `Queue pick ${stamp}`, email: `queue-${stamp}@example.com` });
    await page.goto(`${stack.url}/cases`);
    await page.getByTestId('new-case').click();
    const dialog = page.getByTestId('new-case-dialog');
    await dialog.getByLabel('Customer', { exact: true }).fill(`Queue pick ${stamp}`);
    await dialog.getByRole('button', { name: new RegExp(`Queue pick ${stamp}`) }).click();
    await eventually(() => text(dialog.getByTestId('case-customer'))).toContain(
      `Queue pick ${stamp} · ${customer.email}`,
    );
    expect(await text(dialog.locator('.field__hint'))).toBe(`E-mailed to ${customer.email}.`);
    await dialog.getByLabel('Subject').fill(`Recall notice ${stamp}`);
    await dialog.getByLabel('Message', { exact: true }).fill('Your kettle is part of a recall.');
    await dialog.getByRole('button', { name: 'Open the case' }).click();
    await eventually(async () => new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    await eventually(() => text(page.getByTestId('message-body'))).toBe('Your kettle is part of a recall.');
    const caseId = new URL(page.url()).pathname.split('/')[2]!;
    expect(await stack.api<CaseSummary>(`/cases/${caseId}`, { login: DEMO.admin })).toMatchObject({
      customer: { id: customer.id },
      subject: `Recall notice ${stamp}`,
    });
  });

  it('refuses an empty subject next to the field, and stays on the dialog', async () => {
    const customer = await make({
      name: `No subject ${Date.now()}`,
      email: `nosubject-${Date.now()}@example.com`,
    });
    const dialog = await openDialog(customer);
    await dialog.getByLabel('Message', { exact: true }).fill('Something to say');
    await dialog.getByRole('button', { name: 'Open the case' }).click();
    const invalid = dialog.locator('.field--invalid');
    await eventually(() => texts(invalid.locator('.field__error'))).toEqual(['is required']);
    expect(await text(invalid.locator('label'))).toBe('Subject');
    await eventually(() => dialog.getByLabel('Subject').evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    expect(new URL(page.url()).pathname).toBe(`/customers/${customer.id}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});

describe('merging a duplicate customer', () => {
  it('merges into the customer picked, follows there with what moved, and old links lead there', async () => {
    const stamp = Date.now();
    const make = (body: Record<string, unknown>) =>
      stack.api<Customer>('/customers', { login: DEMO.agent, method: 'POST', body });
    const keep = await make({ name: `Keeper ${stamp}`, email: `keeper-${stamp}@example.com` });
    const dup = await make({
      name: `Twin ${stamp}`,
      email: `twin-${stamp}@example.com`,
      phone: '+49 40 555',
    });
    await stack.api('/cases', {
      login: DEMO.agent,
      method: 'POST',
      body: { customerId: dup.id, subject: `Twin's order ${stamp}`, message: { body: 'Where is it?' } },
    });

    await page.goto(`${stack.url}/customers/${dup.id}`);
    await page.getByTestId('merge-customer').click();
    const dialog = page.getByTestId('merge-customer-dialog');
    await dialog.getByLabel('Merge into').fill(`Twin ${stamp}`);
    // Not into itself: the customer being merged is not offered.
    await page.waitForTimeout(600);
    expect(await dialog.getByRole('list', { name: 'Customers found' }).count()).toBe(0);
    await dialog.getByLabel('Merge into').fill(`Keeper ${stamp}`);
    await dialog.getByRole('button', { name: new RegExp(`Keeper ${stamp}`) }).click();
    expect(await text(dialog.getByTestId('merge-into'))).toContain(
      `Keeper ${stamp} · keeper-${stamp}@example.com`,
    );
    await dialog.getByRole('button', { name: `Merge into Keeper ${stamp}` }).click();

    await eventually(async () => new URL(page.url()).pathname).toBe(`/customers/${keep.id}`);
    await eventually(() => text(page.locator('.notice--success'))).toBe(
      `Twin ${stamp} was merged into this customer. 1 case moved.`,
    );
    expect(await text(page.getByTestId('customer-heading'))).toBe(`Keeper ${stamp}`);
    // The survivor's own e-mail stays; its empty phone is filled from the twin.
    expect(await text(page.getByTestId('customer-email'))).toBe(`keeper-${stamp}@example.com`);
    expect(await text(page.getByTestId('customer-phone'))).toBe('+49 40 555');
    await eventually(() => texts(page.getByTestId('record-case-row').locator('.cell-primary a'))).toEqual([
      expect.stringContaining(`Twin's order ${stamp}`),
    ]);

    // The survivor's history says so.
    await eventually(() =>
      texts(page.getByTestId('customer-history').locator('.timeline__text')),
    ).toContainEqual(`Merged Twin ${stamp} into this one. 1 case moved.`);

    // An old link to the twin says where it went, and leads there.
    await page.goto(`${stack.url}/customers/${dup.id}`);
    await eventually(() => text(page.getByTestId('customer-merged').locator('p'))).toBe(
      `This customer was merged into Keeper ${stamp}.`,
    );
    await page.getByRole('link', { name: 'Open that customer' }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(`Keeper ${stamp}`);
  });

  it('offers a customer with the same name as a duplicate, and merges it in from here', async () => {
    const stamp = Date.now();
    const make = (body: Record<string, unknown>) =>
      stack.api<Customer>('/customers', { login: DEMO.agent, method: 'POST', body });
    const here = await make({ name: `Lena Brandt ${stamp}`, email: `lena-${stamp}@example.com` });
    const other = await make({ name: `lena brandt ${stamp}`, email: `l.brandt-${stamp}@mail.example` });
    await stack.api('/cases', {
      login: DEMO.agent,
      method: 'POST',
      body: { customerId: other.id, subject: `From the other address ${stamp}`, message: { body: 'Hi' } },
    });

    // Handling the other one's case, the agent is told there may be another record.
    const theirCase = (
      await stack.api<{ items: { id: string }[] }>(`/cases?customerId=${other.id}`, { login: DEMO.agent })
    ).items[0]!;
    await page.goto(`${stack.url}/cases/${theirCase.id}`);
    await eventually(() => text(page.getByTestId('duplicate-hint'))).toMatch(
      /^Another customer has the same name or phone number\.\s+Review duplicates$/,
    );

    await page.goto(`${stack.url}/customers/${here.id}`);
    const section = page.getByTestId('customer-duplicates');
    const row = section.getByTestId('possible-duplicate');
    await eventually(() => texts(row)).toEqual([expect.stringContaining(`lena brandt ${stamp}`)]);
    expect(await text(row)).toContain('same name');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Merge into this customer' }).click();
    await eventually(() => text(section.getByRole('status'))).toBe(
      `lena brandt ${stamp} was merged into this customer. 1 case moved.`,
    );
    await eventually(() => text(section.getByTestId('merged-customers'))).toContain(
      `l.brandt-${stamp}@mail.example`,
    );
    expect(await section.getByTestId('possible-duplicate').count()).toBe(0);
    // The page reads its cases again: the merged customer's case is here now.
    await eventually(() => texts(page.getByTestId('record-case-row').locator('.cell-primary a'))).toEqual([
      expect.stringContaining(`From the other address ${stamp}`),
    ]);
  });

  it('lists groups of possible duplicates; merging a group into the one chosen clears it', async () => {
    const stamp = Date.now();
    const make = (body: Record<string, unknown>) =>
      stack.api<Customer>('/customers', { login: DEMO.agent, method: 'POST', body });
    const name = `Ola Nordmann ${stamp}`;
    const a = await make({ name, email: `ola-${stamp}@example.com` });
    const b = await make({ name: name.toUpperCase(), email: `ola.n-${stamp}@mail.example` });
    const c = await make({ name: name.toLowerCase() });

    await page.goto(`${stack.url}/customers`);
    await page.getByTestId('duplicates-link').click();
    const group = page.getByRole('region', { name: `Same name: “${name.toLowerCase()}”` });
    await eventually(() => group.getByTestId('duplicate-member').count()).toBe(3);
    // The oldest is kept unless another is chosen.
    expect(
      await group.getByRole('radio', { name: `Keep ${name} (ola-${stamp}@example.com)` }).isChecked(),
    ).toBe(true);
    await group
      .getByRole('radio', { name: `Keep ${name.toUpperCase()} (ola.n-${stamp}@mail.example)` })
      .check();
    page.once('dialog', (d) => void d.accept());
    await group.getByRole('button', { name: `Merge 2 others into ${name.toUpperCase()}` }).click();
    await eventually(() => text(page.getByRole('status'))).toBe(
      `Merged 2 customers into ${name.toUpperCase()}. Nothing else to move.`,
    );
    await eventually(() => group.count()).toBe(0);
    for (const gone of [a, c]) {
      await expect(stack.api(`/customers/${gone.id}`, { login: DEMO.agent })).rejects.toThrow(
        /404 .*customer_merged/,
      );
    }
    expect((await stack.api<Customer>(`/customers/${b.id}`, { login: DEMO.agent })).email).toBe(
      `ola.n-${stamp}@mail.example`,
    );
  });
});

describe('customer import', () => {
  it('checks a CSV file, lists its invalid rows, and imports the valid ones when asked', async () => {
    const stamp = Date.now();
    const csv = [
      'name,email,phone,organization',
      `Ines Import,ines-${stamp}@example.com,+49 30 555,Import Test GmbH ${stamp}`,
      `Maria Again,${DEMO.customer.email},,`,
      `Bad Phone,bad-${stamp}@example.com,call me,`,
    ].join('\n');
    await page.goto(`${stack.url}/customers`);
    await page.getByRole('link', { name: 'Import CSV', exact: true }).click();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await eventually(() => text(page.getByTestId('import-summary'))).toBe(
      '3 rows: 1 valid row, 2 invalid rows.',
    );
    const problems = await texts(page.getByTestId('import-error'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^3\s+email\s+/);
    expect(problems[1]).toMatch(/^4\s+phone\s+/);
    // Every problem as a CSV file, to fix in a spreadsheet.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the problems (CSV)', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('customers-problems.csv');
    const report = parse(await readFile((await download.path())!, 'utf8'), { bom: true, columns: true });
    expect(report).toEqual([
      { line: '3', column: 'email', problem: expect.stringContaining('already exists') },
      {
        line: '4',
        column: 'phone',
        problem: 'must be in international format: + and the country code, e.g. +49 30 5550100',
      },
    ]);
    // Nothing written by the check; with invalid rows, importing needs the choice to leave them out.
    const found = () =>
      stack.api<CustomerPage>(`/customers?q=${encodeURIComponent(`ines-${stamp}`)}`, { login: DEMO.agent });
    expect((await found()).items).toEqual([]);
    const importButton = page.getByRole('button', { name: 'Import 1 customer', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await page
      .getByRole('checkbox', { name: 'Import the 1 valid row and leave out the invalid ones' })
      .check();
    await importButton.click();
    await eventually(async () => (await text(page.getByTestId('import-done'))).replace(/\s+/g, ' ')).toBe(
      'Imported 1 customer and created 1 organization; 2 invalid rows left out. See the customers',
    );
    expect((await found()).items.map((c) => [c.name, c.phone])).toEqual([['Ines Import', '+49 30 555']]);
  });

  it('is for admins: an agent has no Import link, and the page is not there for them', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/customers`);
    await eventually(() => agentPage.getByTestId('duplicates-link').count()).toBe(1);
    expect(await agentPage.getByRole('link', { name: 'Import CSV', exact: true }).count()).toBe(0);
    await agentPage.goto(`${stack.url}/customers/import`);
    await eventually(() => agentPage.getByRole('heading', { level: 1 }).first().textContent()).toMatch(
      /not found/i,
    );
  });
});

describe('a blocked customer', () => {
  it('their page says their mail is ignored, with a link to the blocked senders for admins', async () => {
    const stamp = Date.now().toString(36);
    const customer = await stack.api<Customer>('/customers', {
      login: DEMO.admin,
      method: 'POST',
      body: { name: `Blocked ${stamp}`, email: `loud-${stamp}@blocked-${stamp}.example` },
    });
    await page.goto(`${stack.url}/customers/${customer.id}`);
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(customer.name);
    expect(await page.getByTestId('customer-blocked').count()).toBe(0);
    await stack.api('/blocked-senders', {
      login: DEMO.admin,
      method: 'POST',
      body: { pattern: `@blocked-${stamp}.example` },
    });
    await page.reload();
    await eventually(() => text(page.getByTestId('customer-blocked'))).toContain(
      `Mail from ${customer.email} is ignored: @blocked-${stamp}.example is a blocked sender`,
    );
    expect(await page.getByTestId('customer-blocked').getByRole('link').getAttribute('href')).toBe(
      '/admin/blocked-senders',
    );
  });
});
