// The web form embedded on someone else's site: a test page served by a tiny loopback HTTP server
// carries the one-line embed; the form in its iframe suggests articles while the visitor types,
// fits its height, and creates a case for the team named in the embed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/shared/schemas/cases.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
let site: Server;
let siteUrl: string;
let team: { id: string; name: string };
let page: Page;
let adminSnippet = '';
const admin = { login: DEMO.admin };

beforeAll(async () => {
  stack = await startStack();
  team = await stack.api('/teams', { ...admin, method: 'POST', body: { name: 'Web shop support' } });
  // An article the form can suggest.
  const article = await stack.api<{ id: string }>('/kb/articles', {
    ...admin,
    method: 'POST',
    body: {
      slug: 'blender-lid-missing',
      language: 'en',
      title: 'A part is missing from my blender',
      bodyMd: 'If a blender part such as the lid is missing, we send it free of charge.',
    },
  });
  await stack.api(`/kb/articles/${article.id}/languages/en/publish`, { ...admin, method: 'POST' });

  // Someone else's shop, with the one line that embeds the form.
  site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    // A page carrying the line an admin copied from Admin → Web form.
    if (req.url === '/from-admin') {
      res.end(`<!doctype html><html><head><title>Shop</title></head><body>${adminSnippet}</body></html>`);
      return;
    }
    res.end(`<!doctype html><html><head><title>Kitchen shop</title></head><body>
      <h1>Kitchen shop</h1><p>Questions? Write to us:</p>
      <script src="${stack.url}/embed.js" data-team="${team.id}" data-category="damaged_product" data-title="Write to Kitchen shop"></script>
      <footer>© Kitchen shop</footer></body></html>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  page = await stack.newPage();
});
afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
  await stack?.stop();
});

describe('the embedded web form', () => {
  it('suggests articles while typing, fits its iframe, and opens a case for the team', async () => {
    await page.goto(siteUrl);
    const iframe = page.locator('iframe[data-steward-form]');
    await iframe.waitFor();
    expect(await iframe.getAttribute('title')).toBe('Write to Kitchen shop');
    expect(new URL((await iframe.getAttribute('src'))!).search).toBe(
      `?team=${team.id}&category=damaged_product`,
    );
    const form = page.frameLocator('iframe[data-steward-form]');
    await form.getByRole('heading', { name: 'Contact us' }).waitFor();
    // In the shop's page, the shop is the frame: no top bar of ours.
    expect(await form.locator('.topbar').count()).toBe(0);

    // The iframe takes the form's height: nothing scrolls inside it.
    // (The form is on another origin than the shop: each side is measured in its own frame.)
    const frame = (await (await iframe.elementHandle())!.contentFrame())!;
    const fits = async () => {
      const outer = (await iframe.boundingBox())!.height;
      const inner = await frame.evaluate(() => document.documentElement.getBoundingClientRect().height);
      return Math.abs(outer - inner) <= 1;
    };
    await eventually(fits).toBe(true);
    // The honeypot is there for robots, out of sight.
    const trap = form.locator('input[name="website"]');
    expect(await trap.count()).toBe(1);
    expect((await trap.boundingBox())!.x).toBeLessThan(0);
    expect(await trap.getAttribute('tabindex')).toBe('-1');
    expect(await form.getByRole('textbox', { name: 'Website' }).count()).toBe(0); // hidden from screen readers

    await form.getByLabel('Your name').fill('Tomás Ruiz');
    await form.getByLabel('E-mail address').fill('tomas.ruiz@example.net');
    await form.getByLabel('Subject').fill('Blender lid missing');
    const suggestions = form.getByTestId('help-suggestion');
    await eventually(() => texts(suggestions.locator('a'))).toContain('A part is missing from my blender');
    await eventually(fits).toBe(true);

    await form.getByLabel('Message').fill('The box had no lid in it.');
    await form
      .getByTestId('file-input')
      .setInputFiles([
        { name: 'box.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
      ]);
    await form.getByRole('button', { name: 'Send' }).click();
    const thanks = form.getByTestId('webform-thanks');
    await eventually(() => text(thanks)).toMatch(/^Thank you — we have your request #\d+\./);
    const number = Number(/#(\d+)/.exec(await text(thanks))![1]);
    await eventually(fits).toBe(true);

    const found = await stack.api<{ items: Case[] }>(`/cases?q=${number}`, admin);
    const c = found.items.find((x) => x.number === number)!;
    expect(c).toMatchObject({
      subject: 'Blender lid missing',
      channel: 'web',
      category: 'damaged_product',
      teamId: team.id,
      customer: { name: 'Tomás Ruiz', email: 'tomas.ruiz@example.net' },
    });
    const messages = await stack.api<{ items: { body: string; attachments: { filename: string }[] }[] }>(
      `/cases/${c.id}/messages`,
      admin,
    );
    expect(messages.items).toMatchObject([
      { body: 'The box had no lid in it.', attachments: [{ filename: 'box.jpg' }] },
    ]);
  });

  it('is a page of its own from the help center: its top bar leads back to the articles', async () => {
    const visitor = await stack.newPage();
    await visitor.goto(`${stack.url}/help`);
    await visitor.getByTestId('help-contact').click();
    await visitor.getByRole('heading', { name: 'Contact us' }).waitFor();
    expect(new URL(visitor.url()).pathname).toBe('/form');
    await eventually(() => text(visitor.locator('.topbar .brand__name'))).toMatch(/Help center$/);
    await visitor.getByTestId('webform-help').click();
    await visitor.getByRole('heading', { name: 'How can we help?' }).waitFor();
    expect(new URL(visitor.url()).pathname).toBe('/help');
    await visitor.close();
  });

  it('refuses a program before anything is created, and says why', async () => {
    await page.goto(siteUrl);
    const form = page.frameLocator('iframe[data-steward-form]');
    await form.getByLabel('Your name').fill('Eve Example');
    await form.getByLabel('E-mail address').fill('eve@example.net');
    await form.getByLabel('Subject').fill('See attachment');
    await form.getByLabel('Message').fill('Run this to fix it.');
    await form
      .getByTestId('file-input')
      .setInputFiles([{ name: 'fix.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') }]);
    await form.getByRole('button', { name: 'Send' }).click();
    await eventually(() => text(form.getByTestId('webform-error'))).toBe(
      'fix.exe: executable files are not accepted',
    );
    const customers = await stack.api<{ items: unknown[] }>('/customers?q=eve%40example.net', admin);
    expect(customers.items).toEqual([]);
  });

  it('counts a visitor who opens a suggested article and leaves without sending as deflected', async () => {
    const before = await stack.api<{ channels: { channel: string; deflected: number }[] }>(
      '/kb/report',
      admin,
    );
    const deflectedBefore = before.channels.find((c) => c.channel === 'web')?.deflected ?? 0;
    await page.goto(siteUrl);
    const form = page.frameLocator('iframe[data-steward-form]');
    await form.getByLabel('Subject').fill('blender lid');
    const link = form.getByTestId('help-suggestion').locator('a').first();
    await link.waitFor();
    // Opens in a new tab; the visitor reads it there, then leaves the shop page.
    const popup = page.context().waitForEvent('page');
    await link.click();
    await (await popup).close();
    await page.goto('about:blank');
    await eventually(async () => {
      const report = await stack.api<{ channels: { channel: string; deflected: number }[] }>(
        '/kb/report',
        admin,
      );
      return report.channels.find((c) => c.channel === 'web')?.deflected ?? 0;
    }).toBe(deflectedBefore + 1);
  });
});

describe('Admin → Web form', () => {
  it('makes the line for a site from the team and category picked; the form there sends cases to that team', async () => {
    const adminPage = await stack.newPage();
    await signIn(adminPage, stack.url, DEMO.admin);
    await adminPage.goto(`${stack.url}/admin/web-form`);
    // One entry per category: the default one ("Other") once, as the choice that sends none.
    const categories = await stack.api<{ items: { key: string; name: string; active: boolean }[] }>(
      '/categories',
      { login: DEMO.admin },
    );
    const options = adminPage.getByLabel('Category').locator('option');
    await eventually(() => options.count()).toBe(categories.items.filter((c) => c.active).length);
    expect(
      await options.evaluateAll((all) => all.map((o) => [(o as HTMLOptionElement).value, o.textContent])),
    ).toEqual([
      ['', 'Other (the default)'],
      ...categories.items.filter((c) => c.active && c.key !== 'other').map((c) => [c.key, c.name]),
    ]);
    // The team: none first, saying what that means, then the teams.
    const teamOptions = adminPage.getByLabel('Team').locator('option');
    await eventually(() => teamOptions.count()).toBeGreaterThan(1);
    expect(await teamOptions.first().textContent()).toBe('No team: the cases wait unassigned');
    expect(await adminPage.getByLabel('Team').inputValue()).toBe('');
    // Each choice is described by its hint, as the page's other fields are.
    expect(await adminPage.getByLabel('Team').getAttribute('aria-describedby')).toBe('web-form-team-hint');
    expect(await adminPage.getByLabel('Category').getAttribute('aria-describedby')).toBe(
      'web-form-category-hint',
    );
    await adminPage.getByLabel('Team').selectOption({ label: team.name });
    await adminPage.getByLabel('Category').selectOption({ label: 'Damaged product' });
    await adminPage.getByLabel('Title for screen readers (optional)').fill('Write to us');
    adminSnippet = await adminPage.getByTestId('web-form-script').inputValue();
    expect(adminSnippet).toBe(
      `<script src="${stack.url}/embed.js" data-team="${team.id}" data-category="damaged_product" data-title="Write to us"></script>`,
    );
    expect(await adminPage.getByTestId('web-form-iframe').inputValue()).toContain(
      `src="${stack.url}/form?team=${team.id}&amp;category=damaged_product"`,
    );
    // The preview shows the form for those choices.
    expect(await adminPage.getByTestId('web-form-preview').getAttribute('src')).toBe(
      `${stack.url}/form?team=${team.id}&category=damaged_product`,
    );
    await adminPage
      .frameLocator('[data-testid="web-form-preview"]')
      .getByRole('heading', { name: 'Contact us' })
      .waitFor();

    // The copied line works on a site.
    const visitor = await stack.newPage();
    await visitor.goto(`${siteUrl}from-admin`);
    const iframe = visitor.locator('iframe[data-steward-form]');
    await iframe.waitFor();
    expect(await iframe.getAttribute('title')).toBe('Write to us');
    expect(new URL((await iframe.getAttribute('src'))!).search).toBe(
      `?team=${team.id}&category=damaged_product`,
    );
  });
});
