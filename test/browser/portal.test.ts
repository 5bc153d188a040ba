// The customer portal in a real browser: a customer without a password signs in by an e-mailed
// link (read from the held mail, the demo mode), sees their requests in plain words, answers
// one with a file, rates a solved one, opens a new request, and cannot open someone else's.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import type { Customer } from '../../src/shared/schemas/customers.js';
import type { MailMessage, MailMessageDetail } from '../../src/shared/schemas/mail.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';
import { createCase, findCustomer } from './fixtures.js';

let stack: Stack;
let page: Page;
let lena: Customer;
let waiting: Case;
let solved: Case;
const admin = { login: DEMO.admin };
const agent = { login: DEMO.agent };

beforeAll(async () => {
  stack = await startStack();
  lena = await stack.api<Customer>('/customers', {
    ...admin,
    method: 'POST',
    body: { name: 'Lena Vogel', email: 'lena.vogel@example.org', timeZone: 'Europe/Berlin' },
  });
  solved = await createCase(stack, {
    subject: 'Invoice shows the wrong address',
    customerId: lena.id,
    message: 'Please correct the billing address.',
  });
  await stack.api(`/cases/${solved.id}/messages`, {
    ...agent,
    method: 'POST',
    body: { body: 'Corrected, a new invoice is on its way.', public: true, status: 'solved' },
  });
  waiting = await createCase(stack, {
    subject: 'Blender arrived without a lid',
    customerId: lena.id,
    message: 'The lid is missing from the box.',
  });
  await stack.api(`/cases/${waiting.id}/messages`, {
    ...agent,
    method: 'POST',
    body: { body: 'Sorry! Could you send a photo of the box label?', public: true, status: 'pending' },
  });
  // An internal note Lena must never see.
  await stack.api(`/cases/${waiting.id}/messages`, {
    ...agent,
    method: 'POST',
    body: { body: 'Internal: supplier keeps forgetting lids', public: false },
  });
  page = await stack.newPage();
});
afterAll(async () => {
  await stack?.stop();
});

/** The newest held sign-in mail to an address, as staff read it on the mail page (admins). */
async function signInLink(email: string): Promise<string> {
  const held = await stack.api<{ items: MailMessage[] }>('/mail?direction=out&status=held&limit=50', admin);
  const mail = held.items.find((m) => m.toAddresses.includes(email) && m.subject === 'Your sign-in link');
  if (!mail) throw new Error(`no sign-in mail to ${email}`);
  const detail = await stack.api<MailMessageDetail>(`/mail/${mail.id}`, admin);
  const link = /https?:\/\/\S+\/login\/magic#token=\S+/.exec(detail.textBody ?? '')![0];
  // The link names STEWARD_PUBLIC_URL; the test server listens on its own port.
  const url = new URL(link);
  return `${stack.url}${url.pathname}${url.hash}`;
}

describe('customer portal', () => {
  it('signs in by an e-mailed link and lands on their requests, in plain words', async () => {
    await page.goto(`${stack.url}/login`);
    await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
    await page.getByLabel('Your e-mail address').fill('Lena.Vogel@example.org');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await eventually(() => text(page.getByTestId('magic-link-sent'))).toBe(
      'If this address belongs to a customer account, a sign-in link is on its way. It works once, for 15 minutes.',
    );

    const link = await signInLink('lena.vogel@example.org');
    await page.goto(link);
    await page.getByTestId('user-name').filter({ hasText: 'Lena Vogel' }).waitFor();
    await eventually(async () => new URL(page.url()).pathname).toBe('/portal');
    expect(await text(page.getByTestId('user-role'))).toBe('My account');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await texts(nav.getByRole('link'))).toEqual(expect.arrayContaining(['My requests', 'My account']));
    expect(await texts(nav.getByRole('link'))).not.toContain('Customers');

    const rows = page.getByTestId('request-row');
    await eventually(() => rows.count()).toBe(2);
    expect(await texts(rows.locator('.request__subject'))).toEqual([
      'Blender arrived without a lid',
      'Invoice shows the wrong address',
    ]);
    expect(await texts(rows.getByTestId('plain-state'))).toEqual([
      'We are waiting for your reply',
      'Solved — tell us if anything is still wrong',
    ]);

    // The link worked once: opening it again explains and offers a new one.
    const again = await stack.newPage();
    await again.goto(link);
    await eventually(() => text(again.getByTestId('magic-link-error'))).toBe(
      'This sign-in link was used already: each link works once.',
    );
    expect(await again.getByRole('button', { name: 'Send me a link' }).count()).toBe(1);
  });

  it('answers a request with a file; the state moves on; internal notes stay internal', async () => {
    await page.getByRole('link', { name: 'Blender arrived without a lid' }).click();
    await eventually(() => text(page.getByTestId('request-subject'))).toBe('Blender arrived without a lid');
    const state = page.getByTestId('plain-state');
    expect(await text(state)).toBe('We are waiting for your reply');
    const bodies = page.getByTestId('message-body');
    await eventually(() => texts(bodies)).toEqual([
      'The lid is missing from the box.',
      'Sorry! Could you send a photo of the box label?',
    ]);
    // Her own first message (it came by e-mail) is "You"; ours name the agent.
    expect(await texts(page.getByTestId('message').locator('.message__author'))).toEqual([
      'You',
      'Ava Agent · Support team',
    ]);
    // Lena's record is in Berlin, the browser in UTC: the page's times are all in Berlin time
    // (as its state line's and her mails'), and it says so.
    expect(await text(page.getByTestId('request-zone'))).toBe('· times in Europe/Berlin');
    const first = await stack.api<{ items: { createdAt: string }[] }>(`/cases/${waiting.id}/messages`, agent);
    const inBerlin = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/Berlin',
    }).format(new Date(first.items[0]!.createdAt));
    expect(await text(page.getByTestId('message').first().locator('.message__time'))).toBe(inBerlin);

    await page.getByTestId('reply-body').fill('Here is the label.');
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'label.png', mimeType: 'image/png', buffer: Buffer.from('89504e470d0a1a0a', 'hex') },
      ]);
    await eventually(() => texts(page.getByTestId('picked-file').locator('span:first-child'))).toEqual([
      'label.png',
    ]);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await eventually(() => texts(bodies)).toEqual([
      'The lid is missing from the box.',
      'Sorry! Could you send a photo of the box label?',
      'Here is the label.',
    ]);
    // Said to a screen reader too, in the app's one live region.
    await eventually(() => text(page.getByTestId('announcer'))).toMatch(/^Reply sent/);
    const mine = page.getByTestId('message').last();
    expect(await text(mine.locator('.message__author'))).toBe('You');
    expect(await texts(mine.getByTestId('attachment').locator('.attachment__name'))).toEqual(['label.png']);
    await eventually(() => text(state)).not.toBe('We are waiting for your reply');
    expect(await text(state)).toMatch(/^We are working on it|^We have your request/);
    expect(await page.getByText('Internal: supplier keeps forgetting lids').count()).toBe(0);
    // The team sees the reply and its file.
    const staffView = await stack.api<{ items: { body: string; attachments: { filename: string }[] }[] }>(
      `/cases/${waiting.id}/messages`,
      agent,
    );
    expect(staffView.items.at(-1)).toMatchObject({
      body: 'Here is the label.',
      attachments: [{ filename: 'label.png' }],
    });
  });

  it('rates a solved request and can change the rating; staff read it', async () => {
    await page.getByRole('link', { name: 'My requests' }).first().click();
    await page.getByRole('link', { name: 'Invoice shows the wrong address' }).click();
    await eventually(() => text(page.getByTestId('plain-state'))).toBe(
      'Solved — tell us if anything is still wrong',
    );
    const form = page.getByTestId('rating-form');
    const star = (n: number) =>
      page
        .getByTestId('rating-form')
        .locator('label')
        .filter({ has: page.getByRole('radio', { name: `${n} stars` }) });
    await star(4).click();
    await form.getByLabel('Anything to add? (optional)').fill('Quick and friendly.');
    await form.getByRole('button', { name: 'Send rating' }).click();
    const rating = page.getByTestId('rating');
    await eventually(() => text(rating.locator('p'))).toBe(
      'Thank you for your rating. You rated this 4 of 5: “Quick and friendly.”',
    );
    const staff = await stack.api<{ rating: { rating: number; comment: string } }>(
      `/cases/${solved.id}/rating`,
      agent,
    );
    expect(staff.rating).toMatchObject({ rating: 4, comment: 'Quick and friendly.' });

    await rating.getByRole('button', { name: 'Change rating' }).click();
    await star(5).click();
    await page.getByTestId('rating-form').getByRole('button', { name: 'Send rating' }).click();
    await eventually(() => text(page.getByTestId('rating-value'))).toBe('5');
    expect(
      (await stack.api<{ rating: { rating: number } }>(`/cases/${solved.id}/rating`, agent)).rating.rating,
    ).toBe(5);
    // The list says it too.
    await page.getByRole('link', { name: 'My requests' }).first().click();
    await eventually(() =>
      text(
        page
          .getByTestId('request-row')
          .filter({ hasText: 'Invoice shows the wrong address' })
          .locator('.request__meta'),
      ),
    ).toMatch(/rated 5\/5$/);
  });

  it('opens a new request with a file and sees it first in the list', async () => {
    await page.getByTestId('new-request').click();
    // Sent empty, each field says so; typing in one takes its complaint away.
    await page.getByRole('button', { name: 'Send request' }).click();
    const problems = page.locator('.field__error');
    await eventually(() => texts(problems)).toEqual(['is required', 'is required']);
    // The first field to fix has the focus, not the button.
    await eventually(() => page.evaluate(() => document.activeElement?.id ?? '')).toBe(
      await page.getByLabel('Subject').getAttribute('id'),
    );
    // Each field is marked invalid (read as "invalid entry"), its message tied to it.
    expect(await page.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Message').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Subject').fill('Where is my second parcel?');
    expect(await texts(problems)).toEqual(['is required']);
    expect(await page.getByLabel('Subject').getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('Message').fill('Order 4711 had two parcels; only one came.');
    // The help center suggests articles; sending anyway is reported as "submitted" (the report
    // the staff's deflection rate is made of).
    const submittedOnPortal = async () =>
      (
        await stack.api<{ channels: { channel: string; submitted: number }[] }>(
          `/kb/report?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`,
          agent,
        )
      ).channels.find((c) => c.channel === 'portal')?.submitted ?? 0;
    const submittedBefore = await submittedOnPortal();
    await eventually(() => page.getByTestId('help-suggestion').count()).not.toBe(0);
    await page
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') },
      ]);
    await page.getByRole('button', { name: 'Send request' }).click();
    const created = page.getByTestId('request-created');
    await eventually(() => text(created)).toMatch(
      /^Thank you — we have your request #\d+\. We will answer here and by e-mail\.$/,
    );
    expect(await text(page.getByTestId('request-subject'))).toBe('Where is my second parcel?');
    expect(await text(page.getByTestId('plain-state'))).toMatch(/^We have your request/);
    await eventually(submittedOnPortal).toBe(submittedBefore + 1);
    // The attachment is shown with the conversation, a request of its own.
    await eventually(() => texts(page.getByTestId('attachment').locator('.attachment__name'))).toEqual([
      'receipt.pdf',
    ]);
    // Her first reply: the thanks for the new request has been read, and goes.
    await page.getByLabel('Your reply').fill('The parcel number is JJD0001.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await eventually(() => page.getByTestId('request-created').count()).toBe(0);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const staff = await stack.api<Case>(`/cases/${id}`, agent);
    expect(staff).toMatchObject({
      channel: 'portal',
      customerId: lena.id,
      subject: 'Where is my second parcel?',
    });

    await page.getByRole('link', { name: 'My requests' }).first().click();
    await eventually(() =>
      texts(page.getByTestId('request-row').locator('.request__subject')).then((t) => t[0]),
    ).toBe('Where is my second parcel?');

    // The number in the confirmation (and in our mails) is an address too.
    await page.goto(`${stack.url}/portal/cases/${staff.number}`);
    await eventually(async () => new URL(page.url()).pathname).toBe(`/portal/cases/${id}`);
    expect(await text(page.getByTestId('request-subject'))).toBe('Where is my second parcel?');
  });

  it('cannot open another customer’s request, and staff pages send them home', async () => {
    const maria = await findCustomer(stack, DEMO.customer.email);
    const hers = await createCase(stack, { subject: 'Maria’s private matter', customerId: maria.id });
    await page.goto(`${stack.url}/portal/cases/${hers.id}`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Request not found');
    expect(await page.getByText('Maria’s private matter').count()).toBe(0);
    await page.goto(`${stack.url}/portal/cases/${hers.number}`);
    await eventually(() => text(page.getByTestId('not-found').locator('h1'))).toBe('Request not found');
    expect(new URL(page.url()).pathname).toBe(`/portal/cases/${hers.number}`);
    await page.goto(`${stack.url}/cases/${hers.id}`);
    await eventually(async () => new URL(page.url()).pathname).toBe('/portal');
  });
});

describe('phone calls, logged by agents', () => {
  it('an agent logs a call on a case and opens a case from a call; the customer sees the call', async () => {
    const agentPage = await stack.newPage();
    await signIn(agentPage, stack.url, DEMO.agent);
    await agentPage.goto(`${stack.url}/cases/${waiting.id}`);
    await agentPage.getByTestId('log-call').click();
    const dialog = agentPage.getByTestId('log-call-dialog');
    await dialog.getByLabel('We called the customer').check();
    await dialog.getByLabel('Minutes').fill('4');
    await dialog.getByLabel('Seconds').fill('5');
    await dialog.getByLabel('Outcome').selectOption('callback_needed');
    await dialog.getByLabel('Summary').fill('Lid ordered from the supplier; calling back Friday.');
    await dialog.getByRole('button', { name: 'Log the call' }).click();
    const last = agentPage.getByTestId('message').last();
    await eventually(() => text(last.getByTestId('message-call'))).toBe(
      'Outbound call · 4 min 5 s · Callback needed',
    );
    expect(await text(last.getByTestId('message-body'))).toBe(
      'Lid ordered from the supplier; calling back Friday.',
    );

    // A new case from an inbound call.
    await agentPage.goto(`${stack.url}/cases`);
    await agentPage.getByTestId('log-call').click();
    const create = agentPage.getByTestId('log-call-dialog');
    // From the keyboard: the dialog opens on the customer box (not Close, which a space typed
    // into a name would press); the arrows walk the results and come back; Enter takes the
    // first, never sends the form; the focus goes on to the subject.
    const focused = () => agentPage.evaluate(() => document.activeElement?.id ?? '');
    const customerBox = create.getByLabel('Customer', { exact: true });
    await eventually(focused).toBe(await customerBox.getAttribute('id'));
    await agentPage.keyboard.type('Lena Vogel');
    await create.getByRole('button', { name: /Lena Vogel/ }).waitFor();
    await agentPage.keyboard.press('ArrowDown');
    expect(await agentPage.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Lena Vogel');
    await agentPage.keyboard.press('ArrowUp');
    expect(await focused()).toBe(await customerBox.getAttribute('id'));
    await agentPage.keyboard.press('Enter');
    await eventually(() => text(create.locator('.chosen__value'))).toContain('Lena Vogel');
    expect(await create.getByTestId('log-call-error').count()).toBe(0);
    await eventually(focused).toBe(await create.getByLabel('Subject').getAttribute('id'));
    await agentPage.keyboard.type('Wants to change the delivery day');
    await create.getByLabel('Minutes').fill('2');
    await create.getByLabel('Summary').fill('Asked to deliver on Saturday instead.');
    await create.getByRole('button', { name: 'Open the case' }).click();
    await eventually(() => text(agentPage.getByTestId('case-subject'))).toBe(
      'Wants to change the delivery day',
    );
    const id = new URL(agentPage.url()).pathname.split('/').pop()!;
    const created = await stack.api<Case>(`/cases/${id}`, agent);
    expect(created).toMatchObject({ channel: 'phone', customerId: lena.id });
    expect(await text(agentPage.getByTestId('message').first().getByTestId('message-call'))).toBe(
      'Inbound call · 2 min · Resolved on the call',
    );

    // Lena sees the logged call in her conversation, in her words.
    await page.goto(`${stack.url}/portal/cases/${waiting.id}`);
    await eventually(() => text(page.getByTestId('message').last().getByTestId('message-call'))).toBe(
      'Call from us · 4 min 5 s · we call back',
    );
  });
});
