// Mail in the demo (no SMTP server set): an agent's reply to a customer with an e-mail address
// is held in the outbox, readable: the case says so on the message, the mail page lists it with
// its recipient and subject, and its detail shows the headers and the text.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { MailMessageDetail } from '../../src/shared/schemas/mail.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { createCase, findCustomer } from './fixtures.js';
import { receiveMail } from '../../src/server/domains/mail/inbound.js';
import { mailFixture } from '../helpers/mail-fixtures.js';

let stack: Stack;
let page: Page;
let parcel: Case;
const REPLY = 'Hello Maria, your replacement quokka lamp leaves our warehouse today.';

beforeAll(async () => {
  stack = await startStack();
  const maria = await findCustomer(stack, DEMO.customer.email);
  parcel = await createCase(stack, {
    subject: 'Quokka lamp arrived broken',
    customerId: maria.id,
    message: 'The lamp I ordered arrived in pieces.',
  });
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.agent);
});
afterAll(async () => {
  await stack?.stop();
});

describe('mail in the demo mode', () => {
  it('an agent’s reply is held in the outbox, and the case says so', async () => {
    await page.goto(`${stack.url}/cases/${parcel.id}`);
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(parcel.subject);
    await page.getByTestId('composer-body').fill(REPLY);
    await page.getByTestId('composer-send').click();
    const messages = page.getByTestId('message');
    await eventually(() => messages.count()).toBe(2);
    const note = messages.last().getByTestId('message-mail');
    await eventually(() => note.getAttribute('data-status')).toBe('held');
    expect(await text(note)).toBe(
      `Held in the outbox (no SMTP server set): not sent to ${DEMO.customer.email}`,
    );
    // The customer's own message carries no mail.
    expect(await messages.first().getByTestId('message-mail').count()).toBe(0);
  });

  it('the Mail page lists it with recipient, subject and case; the detail shows headers and text', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail' }).click();
    await eventually(async () => new URL(page.url()).pathname).toBe('/mail');
    const row = page.getByTestId('mail-row').filter({ hasText: 'Quokka lamp arrived broken' });
    await eventually(() => row.count()).toBe(1);
    expect(await text(row.getByTestId('mail-status'))).toBe('Held');
    expect(await row.getByTestId('mail-status').getAttribute('title')).toBe(
      'not sent: outgoing mail is not set up (no SMTP server)',
    );
    expect(await text(row.getByTestId('mail-correspondent'))).toBe(DEMO.customer.email);
    expect(await text(row.getByTestId('mail-subject'))).toBe(
      `[#${parcel.number}] Quokka lamp arrived broken`,
    );
    expect(await row.getByRole('link', { name: `#${parcel.number}`, exact: true }).getAttribute('href')).toBe(
      `/cases/${parcel.id}`,
    );
    expect(await text(page.getByTestId('mail-held-notice'))).toContain('outgoing mail is not set up');

    await row.getByTestId('mail-subject').click();
    await eventually(() => text(page.getByTestId('mail-heading'))).toBe(
      `[#${parcel.number}] Quokka lamp arrived broken`,
    );
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const mail = await stack.api<MailMessageDetail>(`/mail/${id}`, { login: DEMO.agent });
    expect(await text(page.getByTestId('mail-status-hint'))).toBe(
      'Outgoing · not sent: outgoing mail is not set up (no SMTP server)',
    );
    expect(await text(page.getByTestId('mail-to'))).toBe(DEMO.customer.email);
    expect(await text(page.getByTestId('mail-from'))).toBe(
      'Ava Agent (Steward Support) <support@steward.localhost>',
    );
    expect(await text(page.getByTestId('mail-reply-to'))).toMatch(
      /^support\+[a-z2-7]{16}@steward\.localhost$/,
    );
    expect(await text(page.getByTestId('mail-reply-to'))).toBe(mail.replyTo);
    expect(await text(page.getByTestId('mail-message-id'))).toBe(`<${mail.messageId}>`);
    expect(await text(page.getByTestId('mail-case'))).toBe(`Case #${parcel.number}`);
    // The reply, the link to the request in the portal (Maria has a portal login), and Ava's
    // signature (the demo gives her one) under the "-- " line.
    expect(await text(page.getByTestId('mail-text'))).toBe(
      `${REPLY}\n\nSee this request online: ${stack.url}/portal/cases/${parcel.id}\n\n-- \nAva Agent\nCustomer service, Steward Demo Shop\n+49 30 1234 5678`,
    );
    // Every header, decoded, behind a disclosure.
    await page.getByText(/^All headers/).click();
    const names = await page.getByTestId('mail-headers').locator('th').allTextContents();
    expect(names).toEqual(
      expect.arrayContaining(['From', 'To', 'Reply-To', 'Subject', 'Message-ID', 'X-Steward-Mail']),
    );
    // Sending again needs an SMTP server: no button that could only fail.
    expect(await page.getByTestId('mail-retry').count()).toBe(0);

    // Back to the case through the mail's case link.
    await page.getByTestId('mail-case').getByRole('link').click();
    await eventually(() => text(page.getByTestId('case-subject'))).toBe(parcel.subject);
  });

  it('customers have no Mail page', async () => {
    const customerPage = await stack.newPage();
    await signIn(customerPage, stack.url, DEMO.customer);
    const nav = customerPage.getByRole('navigation', { name: 'Main' });
    expect(await texts(nav.getByRole('link'))).not.toContain('Mail');
    // The address sends them back to their start page; the API would refuse them anyway (403).
    await customerPage.goto(`${stack.url}/mail`);
    await eventually(async () => new URL(customerPage.url()).pathname).toBe('/portal');
    expect(await customerPage.getByTestId('mail-table').count()).toBe(0);
  });
});

describe('by keyboard', () => {
  it('the mail views and a mail’s Text / HTML tabs: one Tab stop each, arrow keys move and select', async () => {
    const subject = `Keyboard tabs ${Date.now().toString(36)}`;
    await receiveMail(stack.db, mailFixture('multipart-alternative', { Subject: subject }));
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await page.goto(`${stack.url}/mail`);
    const views = page.getByRole('tablist', { name: 'Mail views' });
    const view = () => text(views.locator('[role=tab][aria-selected=true]'));
    await eventually(view).toBe('Outbox');
    expect(await views.getByRole('tab', { name: 'Inbox' }).getAttribute('tabindex')).toBe('-1');
    await views.getByRole('tab', { name: 'Outbox' }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(view).toBe('Inbox');
    expect(await focusedText()).toBe('Inbox');
    await eventually(async () => new URL(page.url()).searchParams.get('view')).toBe('in');
    await page.keyboard.press('End');
    await eventually(view).toBe('All mail');
    await page.keyboard.press('ArrowRight'); // round to the first
    await eventually(view).toBe('Outbox');
    await page.keyboard.press('ArrowLeft');
    await eventually(view).toBe('All mail');
    // No panel of their own: no tab claims one.
    expect(await views.locator('[aria-controls]').count()).toBe(0);

    await page.getByTestId('mail-row').filter({ hasText: subject }).getByTestId('mail-subject').click();
    await eventually(() => text(page.getByTestId('mail-heading'))).toBe(subject);
    const versions = page.getByRole('tablist', { name: 'Message versions' });
    const version = () => text(versions.locator('[role=tab][aria-selected=true]'));
    expect(await version()).toBe('Text');
    await versions.getByRole('tab', { name: 'Text' }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(version).toBe('HTML');
    expect(await focusedText()).toBe('HTML');
    expect(await page.getByRole('tabpanel', { name: 'HTML' }).locator('iframe').count()).toBe(1);
    expect(await page.getByTestId('mail-text').count()).toBe(0);
    await page.keyboard.press('Home');
    await eventually(version).toBe('Text');
    expect(await text(page.getByRole('tabpanel', { name: 'Text' }))).toContain('SO-2211');
  });
});

describe('how mail is set up', () => {
  it('Settings says where mail goes out from and warns of the placeholder address and the held outbox', async () => {
    const admin = await stack.newPage();
    await signIn(admin, stack.url, DEMO.admin);
    await admin.goto(`${stack.url}/admin/settings`);
    await eventually(() => text(admin.getByTestId('mail-setup-from'))).toBe(
      'Steward Support <support@steward.localhost>',
    );
    expect(await text(admin.getByTestId('mail-setup-sending'))).toBe('Off: held in the outbox');
    const warnings = await texts(admin.getByTestId('mail-setup-warning'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Outgoing mail is not set up/);
    expect(warnings[1]).toMatch(/^Mail goes out from support@steward\.localhost, a placeholder/);
  });
});
