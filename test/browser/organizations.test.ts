import type { Page } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSummary } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { Organization } from '../../src/shared/schemas/organizations.js';
import type { Commitment, Signal } from '../../src/shared/schemas/signals.js';
import { DEMO, customerNames, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { signalTitle } from '../../src/web/signals/ref-labels.js';

let stack: Stack;
let page: Page;
beforeAll(async () => {
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(async () => {
  await stack?.stop();
});

describe('organizations', () => {
  it('lists the organizations with their customer counts', async () => {
    await page.getByRole('link', { name: 'Organizations' }).click();
    await eventually(() => text(page.getByTestId('organization-total'))).toBe('8 organizations');
    const rows = page.getByTestId('organization-row');
    expect(await texts(rows.locator('td:first-child'))).toEqual([
      'Alpine Ski House',
      'Blue Yonder Pharmacy',
      'Coho Winery',
      'Contoso Retail',
      'Fabrikam Manufacturing',
      'Northwind Traders',
      'Tailspin Outfitters',
      'Wingtip Hardware',
    ]);
    const northwind = rows.filter({ hasText: 'Northwind Traders' });
    // The segment's name comes with the segment list, which may answer after the organizations.
    await eventually(() => texts(northwind.locator('td'))).toEqual([
      'Northwind Traders',
      'northwind.example',
      'Enterprise',
      '61',
      expect.any(String),
    ]);
    // One page only: no paging buttons.
    expect(await page.getByRole('button', { name: 'Next' }).count()).toBe(0);
  });

  it('searches by name and filters by segment', async () => {
    await page.goto(`${stack.url}/organizations`);
    await page.getByLabel('Search organizations').fill('wing');
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Wingtip Hardware',
    ]);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Segment').selectOption('enterprise');
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Contoso Retail',
      'Fabrikam Manufacturing',
      'Northwind Traders',
    ]);
    // Sorting by name the other way round.
    await page.getByRole('button', { name: 'Name' }).click();
    await eventually(() => texts(page.getByTestId('organization-row').locator('td:first-child'))).toEqual([
      'Northwind Traders',
      'Fabrikam Manufacturing',
      'Contoso Retail',
    ]);
  });

  it('opens an organization, which lists its customers page by page', async () => {
    const orgs = await stack.api<{ items: Organization[] }>('/organizations?q=northwind', {
      login: DEMO.agent,
    });
    const northwind = orgs.items[0]!;
    const expected = await stack.api<{ items: Customer[] }>(
      `/customers?organizationId=${northwind.id}&limit=500`,
      {
        login: DEMO.agent,
      },
    );
    expect(expected.items).toHaveLength(61);

    await page.goto(`${stack.url}/organizations`);
    await page.getByRole('link', { name: 'Northwind Traders' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Northwind Traders');
    expect(new URL(page.url()).pathname).toBe(`/organizations/${northwind.id}`);
    // The segment's name comes with the segment list, which may answer after the organization.
    await eventually(() => text(page.getByTestId('organization-segment'))).toBe('Enterprise');
    // What was promised to it: its own agreement, over its segment's (Enterprise premium).
    expect(await text(page.getByTestId('organization-agreement'))).toBe(
      'Northwind Traders PSA (for this organization)',
    );
    // An agent reads its name; the agreement's page is an admin's (linked for them, below).
    expect(await page.getByTestId('organization-agreement').getByRole('link').count()).toBe(0);
    expect(await text(page.getByTestId('organization-customer-count'))).toBe('61 customers');
    await eventually(() => text(page.getByTestId('organization-customer-total'))).toBe('61 customers');

    expect(await customerNames(page)).toEqual(expected.items.slice(0, 50).map((c) => c.name));
    expect(await text(page.getByTestId('pager-summary'))).toBe('1–50 of 61');
    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(() => text(page.getByTestId('pager-summary'))).toBe('51–61 of 61');
    await eventually(() => customerNames(page)).toEqual(expected.items.slice(50).map((c) => c.name));

    // A customer row leads to the customer, whose page links back to the organization.
    await page.getByRole('link', { name: expected.items[55]!.name }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(expected.items[55]!.name);
    expect(await text(page.getByTestId('customer-agreement'))).toBe(
      'Northwind Traders PSA (from its organization)',
    );
    await page.getByTestId('customer-organization').getByRole('link', { name: 'Northwind Traders' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Northwind Traders');
  });

  it('lists the organization’s cases, newest first, with the customer each is for', async () => {
    const orgs = await stack.api<{ items: Organization[] }>('/organizations?q=tailspin', {
      login: DEMO.agent,
    });
    const tailspin = orgs.items[0]!;
    const theirs = await stack.api<{ items: CaseSummary[] }>(
      `/cases?organizationId=${tailspin.id}&sort=-createdAt&limit=10`,
      { login: DEMO.agent },
    );
    expect(theirs.items.length).toBeGreaterThan(1);
    expect(new Set(theirs.items.map((c) => c.organizationId))).toEqual(new Set([tailspin.id]));

    await page.goto(`${stack.url}/organizations/${tailspin.id}`);
    const rows = page.getByTestId('record-case-row');
    await eventually(() => texts(rows.locator('td:first-child a'))).toEqual(
      theirs.items.map((c) => `#${c.number} ${c.subject}`),
    );
    expect(await texts(rows.locator('td:nth-child(2)'))).toEqual(theirs.items.map((c) => c.customer.name));
    // The customer link leads to the customer, whose page lists the same case.
    const first = theirs.items[0]!;
    await rows.first().getByRole('link', { name: first.customer.name }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(first.customer.name);
    await eventually(() => texts(page.getByTestId('record-case-row').locator('td:first-child a'))).toContain(
      `#${first.number} ${first.subject}`,
    );
  });

  it('lists the signals and commitments of the organization’s customers, as the API does', async () => {
    const login = { login: DEMO.agent };
    const northwind = (await stack.api<{ items: Organization[] }>('/organizations?q=northwind', login))
      .items[0]!;
    const signals = (
      await stack.api<{ items: Signal[] }>(`/signals?organizationId=${northwind.id}&limit=10`, login)
    ).items;
    // Those still to keep first (soonest due), then those kept or missed (latest due first).
    const commitmentsIn = async (state: string, sort: string) =>
      (
        await stack.api<{ items: Commitment[] }>(
          `/commitments?organizationId=${northwind.id}&state=${state}&sort=${sort}&limit=10`,
          login,
        )
      ).items;
    const commitments = [
      ...(await commitmentsIn('overdue,open', 'dueAt')),
      ...(await commitmentsIn('met,late,broken,cancelled', '-dueAt')),
    ];
    expect(signals.length).toBeGreaterThan(1);
    expect(commitments.length).toBeGreaterThan(1);
    expect(new Set(signals.map((s) => s.organizationId))).toEqual(new Set([northwind.id]));

    await page.goto(`${stack.url}/organizations/${northwind.id}`);
    const signalRows = page.getByTestId('organization-signal-row');
    await eventually(() => texts(signalRows.locator('td.cell-primary a'))).toEqual(signals.map(signalTitle));
    expect(await texts(signalRows.locator('td:nth-child(3) a'))).toEqual(signals.map((s) => s.customerName!));
    const commitmentRows = page.getByTestId('organization-commitment-row');
    await eventually(() => texts(commitmentRows.locator('td:nth-child(3)'))).toEqual(
      commitments.map((c) => c.customerName ?? 'No customer'),
    );
    expect(await commitmentRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual(
      commitments.map((c) => c.state),
    );
  });

  it('says so when an organization does not exist', async () => {
    await page.goto(`${stack.url}/organizations/00000000-0000-7000-8000-000000000000`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Organization not found');
  });
});

describe('adding, changing and deleting organizations and their customers', () => {
  /** Accepts the next confirm() and keeps its question. */
  function acceptNextDialog(p: Page) {
    const asked: string[] = [];
    p.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    return asked;
  }

  it('staff create an organization, fix a taken domain, and add a customer to it', async () => {
    await page.goto(`${stack.url}/organizations`);
    await page.getByRole('link', { name: 'New organization' }).click();
    // Nothing filled in: the name is asked for, in the browser, before anything is sent.
    await page.getByRole('button', { name: 'Create organization' }).click();
    await eventually(() => text(page.getByTestId('error-organization-name'))).not.toBe('');

    await page.getByLabel('Name').fill('Litware Labs');
    await page.getByLabel('E-mail domains').fill('litware.example, LITWARE.test');
    await page.getByLabel('Segment').selectOption('smb');
    await page.getByLabel('Notes (optional)').fill('Signed up at the trade fair.');
    // A custom field whose name the API refuses is shown next to the fields, then fixed.
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Custom field 1', { exact: true }).fill('2nd contact');
    await page.getByLabel('Value of custom field 1').fill('Ida Berg');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await eventually(() => text(page.getByTestId('error-organization-custom-fields'))).toBe(
      'custom field keys start with a letter: letters, digits, _ (max 63)',
    );
    await page.getByLabel('Custom field 1', { exact: true }).fill('accountManager');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Litware Labs');
    expect(await text(page.getByTestId('notice'))).toBe('Organization created.');
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const created = await stack.api<Organization>(`/organizations/${id}`, { login: DEMO.agent });
    expect(created).toMatchObject({
      name: 'Litware Labs',
      domains: ['litware.example', 'litware.test'],
      segment: 'smb',
      notes: 'Signed up at the trade fair.',
      customFields: { accountManager: 'Ida Berg' },
      customerCount: 0,
    });

    // Another organization's domain is refused next to the field, and nothing changes.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('E-mail domains').fill('litware.example, northwind.example');
    await page.getByRole('button', { name: 'Save organization' }).click();
    await eventually(() => text(page.getByTestId('error-organization-domains'))).toBe(
      'domain northwind.example already belongs to Northwind Traders',
    );
    expect((await stack.api<Organization>(`/organizations/${id}`, { login: DEMO.agent })).domains).toEqual([
      'litware.example',
      'litware.test',
    ]);
    await page.getByLabel('E-mail domains').fill('litware.example');
    await page.getByLabel('Name').fill('Litware Laboratories');
    await page.getByRole('button', { name: 'Save organization' }).click();
    await eventually(() => text(page.getByTestId('organization-heading'))).toBe('Litware Laboratories');
    expect(await text(page.getByTestId('notice'))).toBe('Changes saved.');
    // The page's history tells what happened, newest first.
    const entries = page.getByTestId('organization-history').getByTestId('history-entry');
    await eventually(() => texts(entries.locator('.timeline__text'))).toEqual([
      'Changed the organization',
      'Created the organization',
    ]);
    expect(await texts(entries.first().getByTestId('change-list').locator('li'))).toEqual([
      'Name: Litware Labs → Litware Laboratories',
      'E-mail domains: litware.example, litware.test → litware.example',
    ]);
    expect(await texts(entries.last().getByTestId('change-list').locator('li'))).toEqual([
      'Name: Litware Labs',
      'Notes: Signed up at the trade fair.',
      'E-mail domains: litware.example, litware.test',
      'Segment: Small and medium business',
      'Custom fields: Account manager: Ida Berg',
    ]);
    // An agent may not delete an organization: there is no Delete.
    await page.getByRole('link', { name: 'Edit' }).click();
    await eventually(() => page.getByRole('button', { name: 'Save organization' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Cancel' }).click();

    // A customer added from the organization's page belongs to it.
    await page.getByRole('link', { name: 'Add customer' }).click();
    await eventually(() => page.getByLabel('Organization', { exact: true }).inputValue()).toBe(id);
    await page.getByLabel('Name').fill('Lena Litware');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Custom field 1', { exact: true }).fill('badge');
    await page.getByLabel('Value of custom field 1').fill('L-7');
    // A taken address is refused next to its field.
    await page.getByLabel('E-mail').fill(DEMO.customer.email);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await eventually(() => text(page.getByTestId('error-email'))).not.toBe('');
    await page.getByLabel('E-mail').fill('lena@litware.example');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe('Lena Litware');
    expect(await text(page.getByTestId('notice'))).toBe('Customer created.');
    const lena = (
      await stack.api<{ items: Customer[] }>('/customers?email=lena@litware.example', { login: DEMO.agent })
    ).items[0]!;
    expect(lena.customFields).toEqual({ badge: 'L-7' });
    await page
      .getByTestId('customer-organization')
      .getByRole('link', { name: 'Litware Laboratories' })
      .click();
    await eventually(() => text(page.getByTestId('organization-customer-count'))).toBe('1 customer');
    expect(await customerNames(page)).toEqual(['Lena Litware']);
  });

  it('an admin deletes a customer, then their organization once it has none', async () => {
    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    // An admin's organization page links the agreement that applies to its page.
    const northwind = (
      await stack.api<{ items: Organization[] }>('/organizations?q=northwind', { login: DEMO.admin })
    ).items[0]!;
    await admin.goto(`${stack.url}/organizations/${northwind.id}`);
    const agreementLink = admin.getByTestId('organization-agreement').getByRole('link', {
      name: 'Northwind Traders PSA',
    });
    expect(await agreementLink.getAttribute('href')).toMatch(/^\/admin\/agreements\/[0-9a-f-]{36}$/);
    const org = (
      await stack.api<{ items: Organization[] }>('/organizations?q=litware', { login: DEMO.admin })
    ).items[0]!;
    await admin.goto(`${stack.url}/organizations/${org.id}/edit`);
    // With a customer left it is refused, and the form says why.
    let asked = acceptNextDialog(admin);
    await admin.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => text(admin.getByTestId('form-error'))).toBe(
      'Litware Laboratories still has 1 customer: move or delete them first',
    );
    expect(asked[0]).toContain('still has 1 customer');

    const lena = (
      await stack.api<{ items: Customer[] }>(`/customers?organizationId=${org.id}`, { login: DEMO.admin })
    ).items[0]!;
    await admin.goto(`${stack.url}/customers/${lena.id}/edit`);
    asked = acceptNextDialog(admin);
    await admin.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => text(admin.getByTestId('notice'))).toBe('Lena Litware was deleted.');
    expect(new URL(admin.url()).pathname).toBe('/customers');
    expect(asked).toEqual([
      'Delete Lena Litware? Their portal login goes too; their cases and history stay.',
    ]);

    await admin.goto(`${stack.url}/organizations/${org.id}/edit`);
    asked = acceptNextDialog(admin);
    await admin.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => text(admin.getByTestId('notice'))).toBe('Litware Laboratories was deleted.');
    expect(new URL(admin.url()).pathname).toBe('/organizations');
    expect(asked).toEqual(['Delete Litware Laboratories? Its cases and history stay.']);
    await eventually(() => text(admin.getByTestId('organization-total'))).toBe('8 organizations');
    await admin.close();
  });

  it('an admin merges a duplicate from the survivor’s page, and another through “Merge into…”', async () => {
    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    const login = { login: DEMO.admin };
    const northwind = (
      await stack.api<{ items: Organization[] }>('/organizations?q=northwind', login)
    ).items.find((o) => o.name === 'Northwind Traders')!;
    // A duplicate made by hand, with a customer of its own.
    const dup = await stack.api<Organization>('/organizations', {
      ...login,
      method: 'POST',
      body: { name: 'Northwind Traders GmbH', domains: ['northwind.de'] },
    });
    await stack.api('/customers', {
      ...login,
      method: 'POST',
      body: { name: 'Greta Nord', email: 'greta@northwind.de', organizationId: dup.id },
    });

    await admin.goto(`${stack.url}/organizations/${northwind.id}`);
    const row = admin.getByTestId('possible-duplicate').filter({ hasText: 'Northwind Traders GmbH' });
    await eventually(() => row.count()).toBe(1);
    const asked = acceptNextDialog(admin);
    await row.getByRole('button', { name: 'Merge into this organization' }).click();
    await eventually(() => text(admin.getByTestId('merge-outcome'))).toBe(
      'Northwind Traders GmbH was merged into this organization. 1 customer moved.',
    );
    expect(asked).toEqual([
      'Merge Northwind Traders GmbH into Northwind Traders? Its customers, cases, agreements, signals and commitments move here. There is no undo.',
    ]);
    await eventually(() => text(admin.getByTestId('organization-customer-count'))).toBe('62 customers');
    expect(await text(admin.getByTestId('merged-organizations'))).toContain('Northwind Traders GmbH');
    await eventually(() => customerNames(admin)).toContain('Greta Nord');
    await eventually(() => text(admin.getByTestId('organization-history').locator('li').first())).toContain(
      'Merged Northwind Traders GmbH into this one. 1 customer moved.',
    );
    expect(await text(admin.getByTestId('organization-history'))).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
    );
    expect((await stack.api<Organization>(`/organizations/${northwind.id}`, login)).domains.sort()).toEqual([
      'northwind.de',
      'northwind.example',
    ]);

    // An old link to the merged one says where it went.
    await admin.goto(`${stack.url}/organizations/${dup.id}`);
    await eventually(() => text(admin.getByTestId('organization-merged').locator('p'))).toBe(
      'This organization was merged into Northwind Traders.',
    );
    await admin.getByRole('link', { name: 'Open that organization' }).click();
    await eventually(() => text(admin.getByTestId('organization-heading'))).toBe('Northwind Traders');

    // From the duplicate's own page: pick the organization to merge into.
    const spare = await stack.api<Organization>('/organizations', {
      ...login,
      method: 'POST',
      body: { name: 'Spare Parts Co' },
    });
    await admin.goto(`${stack.url}/organizations/${spare.id}`);
    await admin.getByTestId('merge-organization').click();
    const dialog = admin.getByTestId('merge-organization-dialog');
    await dialog.getByLabel('Merge into').fill('conto');
    await dialog.getByRole('button', { name: /Contoso Retail/ }).click();
    expect(await text(dialog.getByTestId('merge-into'))).toContain('Contoso Retail');
    await dialog.getByRole('button', { name: 'Merge into Contoso Retail' }).click();
    await eventually(() => text(admin.getByTestId('organization-heading'))).toBe('Contoso Retail');
    expect(await text(admin.getByTestId('notice'))).toBe(
      'Spare Parts Co was merged into this organization. Nothing else to move.',
    );
    await admin.goto(`${stack.url}/organizations`);
    await eventually(() => text(admin.getByTestId('organization-total'))).toBe('8 organizations');
    await admin.close();

    // Agents see what was merged, but merge nothing.
    await page.goto(`${stack.url}/organizations/${northwind.id}`);
    await eventually(() => text(page.getByTestId('merged-organizations'))).toContain(
      'Northwind Traders GmbH',
    );
    expect(await page.getByTestId('merge-organization').count()).toBe(0);

    // Merges may leave more domains than a form may set (50); saving other changes still works.
    await stack.db.execute(sql`
      update organizations set domains = domains || array(select 'nw' || n || '.example' from generate_series(1, 60) n)
      where id = ${northwind.id}`);
    await page.goto(`${stack.url}/organizations/${northwind.id}/edit`);
    await page.getByLabel('Notes (optional)').fill('Merged with the GmbH record.');
    await page.getByRole('button', { name: 'Save organization' }).click();
    await eventually(() => text(page.getByTestId('notice'))).toBe('Changes saved.');
    const saved = await stack.api<Organization>(`/organizations/${northwind.id}`, login);
    expect([saved.notes, saved.domains.length]).toEqual(['Merged with the GmbH record.', 62]);
  });

  it('customers cannot open the forms', async () => {
    const customer = await stack.newPage();
    await signIn(customer, stack.url, DEMO.customer);
    await customer.goto(`${stack.url}/organizations/new`);
    await eventually(async () => new URL(customer.url()).pathname).not.toBe('/organizations/new');
    expect(await customer.getByRole('button', { name: 'Create organization' }).count()).toBe(0);
    await customer.goto(`${stack.url}/customers/new`);
    await eventually(async () => new URL(customer.url()).pathname).not.toBe('/customers/new');
    expect(await customer.getByRole('button', { name: 'Create customer' }).count()).toBe(0);
    await customer.close();
  });
});

describe('choosing among many organizations', () => {
  it('beyond the first 500 the organization field searches, and keeps the chosen name', async () => {
    // Five hundred more than the demo's eight: more than one page of the API.
    await stack.db.execute(sql`
      insert into organizations (id, name, domains)
      select gen_random_uuid(), 'Zephyr ' || lpad(n::text, 3, '0'), array['zephyr' || n || '.example']
      from generate_series(1, 500) n`);
    const maria = (
      await stack.api<{ items: Customer[] }>(`/customers?email=${DEMO.customer.email}`, { login: DEMO.agent })
    ).items[0]!;
    await page.goto(`${stack.url}/customers/${maria.id}/edit`);
    // Her organization shows by name, with a way to change it.
    await eventually(() => text(page.getByTestId('customer-organizationId-chosen'))).toContain(
      'Northwind Traders',
    );
    await page.getByTestId('customer-organizationId-chosen').getByRole('button', { name: 'Change' }).click();
    await page.getByLabel('Organization', { exact: true }).fill('zephyr 499');
    await page.getByRole('button', { name: /^Zephyr 499/ }).click();
    await eventually(() => text(page.getByTestId('customer-organizationId-chosen'))).toContain('Zephyr 499');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => text(page.getByTestId('customer-heading'))).toBe(maria.name);
    const after = await stack.api<Customer>(`/customers/${maria.id}`, { login: DEMO.agent });
    expect(after.organizationName).toBe('Zephyr 499');
    // Zephyr 499 is beyond the first 500 by name: the form asks for its name.
    await page.goto(`${stack.url}/customers/${maria.id}/edit`);
    await eventually(() => text(page.getByTestId('customer-organizationId-chosen'))).toContain('Zephyr 499');
  });
});
