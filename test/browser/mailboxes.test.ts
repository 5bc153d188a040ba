// Mailboxes in the admin UI: an admin adds an IMAP mailbox (a real dovecot), polls it now, and
// the mail waiting there becomes a case; the password never shows and survives a save.
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { mailFixture, plainMail } from '../helpers/mail-fixtures.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

const USER = { user: 'help@imap.test', password: 'browser-imap-secret' };
let stack: Stack;
let page: Page;
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot([USER]);
  stack = await startStack();
  page = await stack.newPage();
  await signIn(page, stack.url, DEMO.admin);
});
afterAll(async () => {
  await stack?.stop();
  await dovecot?.stop();
});

async function appendMail(raw: Buffer) {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    auth: { user: USER.user, pass: USER.password },
    logger: false,
  });
  await client.connect();
  try {
    await client.append('INBOX', raw);
  } finally {
    await client.logout();
  }
}

describe('mailboxes (admin)', () => {
  it('adds an IMAP mailbox, polls it now, and the waiting mail becomes a case', async () => {
    await page.goto(`${stack.url}/admin`);
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Mailboxes' })
      .click();
    await page.getByRole('link', { name: 'New mailbox' }).click();
    await page.getByLabel('Address').fill(USER.user);
    await page.getByLabel('Name', { exact: true }).fill('Help desk');
    // "No team" first and chosen; the teams follow once the field has read them.
    const teamSelect = page.getByLabel('Team for new cases');
    await eventually(async () => (await texts(teamSelect.locator('option'))).length).toBeGreaterThan(1);
    expect((await texts(teamSelect.locator('option')))[0]).toBe('No team');
    expect(await teamSelect.inputValue()).toBe('');
    const team = (await texts(teamSelect.locator('option')))[1]!;
    await teamSelect.selectOption({ label: team });
    await page.getByLabel('IMAP URL').fill(dovecot.url());
    await page.getByRole('button', { name: 'Create mailbox' }).click();

    const row = page.getByTestId('mailbox-row').filter({ hasText: USER.user });
    await eventually(() => text(row)).toContain('Help desk');
    expect((await texts(row.locator('td'))).slice(0, 3)).toEqual([
      `${USER.user}\nHelp desk`,
      team,
      'IMAP (INBOX)',
    ]);
    // The imap-poll job takes a new mailbox's first look at once (empty); the next is 30 s away.
    await eventually(async () => {
      await page.reload();
      return text(row.locator('td').nth(3));
    }).toMatch(/\d/);

    await appendMail(
      plainMail({ from: 'Rita Ruiz <rita@example.org>', to: USER.user, subject: 'Lid missing from the box' }),
    );
    await row.getByRole('link', { name: USER.user }).click();
    // The form shows the mailbox's team as chosen.
    await eventually(() =>
      page
        .getByLabel('Team for new cases')
        .evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent),
    ).toBe(team);
    // The password is masked in the form.
    const shown = await page.getByLabel('IMAP URL').inputValue();
    expect(shown).toBe(`imap://help%40imap.test:********@127.0.0.1:${dovecot.port}`);
    expect(await page.content()).not.toContain(USER.password);

    await page.getByRole('button', { name: 'Poll now' }).click();
    await eventually(() => text(page.getByTestId('poll-result'))).toBe('1 new mail: 1 filed.');
    await eventually(() => text(page.getByTestId('mailbox-poll'))).toContain('position: UID 1');

    const cases = await stack.api<{
      items: { subject: string; channel: string; team: { name: string } | null }[];
    }>('/cases?q=Lid%20missing', { login: DEMO.admin });
    expect(cases.items.map((c) => [c.subject, c.channel, c.team?.name])).toEqual([
      ['Lid missing from the box', 'email', team],
    ]);

    // Saving with the masked URL keeps the password: the next poll still logs in.
    await page.getByLabel('Name', { exact: true }).fill('Help desk (IMAP)');
    await page.getByRole('button', { name: 'Save mailbox' }).click();
    await eventually(() => text(page.getByTestId('mailbox-row').filter({ hasText: USER.user }))).toContain(
      'Help desk (IMAP)',
    );
    // And keeps its team.
    expect(
      (await texts(page.getByTestId('mailbox-row').filter({ hasText: USER.user }).locator('td'))).slice(0, 2),
    ).toEqual([`${USER.user}\nHelp desk (IMAP)`, team]);
    await page.getByTestId('mailbox-row').filter({ hasText: USER.user }).getByRole('link').click();
    await page.getByRole('button', { name: 'Poll now' }).click();
    await eventually(() => text(page.getByTestId('poll-result'))).toBe('No new mail.');
  });

  it('shows a failing mailbox with its error', async () => {
    await page.goto(`${stack.url}/admin/mailboxes/new`);
    await page.getByLabel('Address').fill('wrong@imap.test');
    await page.getByLabel('Name', { exact: true }).fill('Wrong password');
    await page.getByLabel('IMAP URL').fill(`imap://help%40imap.test:nope@127.0.0.1:${dovecot.port}`);
    await page.getByRole('button', { name: 'Create mailbox' }).click();
    await page.getByTestId('mailbox-row').filter({ hasText: 'wrong@imap.test' }).getByRole('link').click();
    await page.getByRole('button', { name: 'Poll now' }).click();
    await eventually(() => text(page.getByTestId('poll-result'))).toMatch(/^The poll failed: /);
    await eventually(() => text(page.getByTestId('mailbox-last-error'))).toMatch(/^Last poll failed: /);
    await page.getByRole('link', { name: 'Mailboxes' }).first().click();
    await eventually(() =>
      text(
        page.getByTestId('mailbox-row').filter({ hasText: 'wrong@imap.test' }).getByTestId('mailbox-error'),
      ),
    ).toBe('Failed');
  });

  it('shows a mail that came as HTML as formatted, inline image included, on request', async () => {
    await appendMail(
      mailFixture('inline-image', { To: USER.user, 'Message-ID': '<inline-browser@example.it>' }),
    );
    await page.goto(`${stack.url}/admin/mailboxes`);
    await page.getByTestId('mailbox-row').filter({ hasText: USER.user }).getByRole('link').click();
    await page.getByRole('button', { name: 'Poll now' }).click();
    await eventually(() => text(page.getByTestId('poll-result'))).toBe('1 new mail: 1 filed.');
    const cases = await stack.api<{ items: { id: string }[] }>('/cases?q=Wrong%20colour', {
      login: DEMO.admin,
    });
    expect(cases.items).toHaveLength(1);
    await page.goto(`${stack.url}/cases/${cases.items[0]!.id}`);
    await eventually(() => text(page.getByTestId('message-body').first())).toContain('I ordered blue.');
    await page.getByRole('button', { name: 'Show as formatted' }).click();
    const frame = page.frameLocator('[data-testid="mail-html"]');
    await eventually(() => frame.locator('img').getAttribute('src')).toMatch(/^data:image\//);
    expect(await frame.locator('body').innerText()).toContain('I ordered blue.');
    await page.getByRole('button', { name: 'Show the text' }).click();
    await eventually(() => page.getByTestId('mail-html').count()).toBe(0);
  });

  it('says when mail to a mailbox without IMAP cannot arrive: the SMTP receiver is off', async () => {
    await stack.api('/mailboxes', {
      login: DEMO.admin,
      method: 'POST',
      body: { address: 'no-imap@shop.example', name: 'No IMAP' },
    });
    await page.goto(`${stack.url}/admin/mailboxes`);
    const row = page.getByTestId('mailbox-row').filter({ hasText: 'no-imap@shop.example' });
    await eventually(() => text(row.getByTestId('mailbox-no-receiver'))).toBe('SMTP receiver off');
    expect(await text(page.getByTestId('mailbox-receiver-warning'))).toMatch(
      /^The built-in SMTP receiver is off/,
    );
  });
});
