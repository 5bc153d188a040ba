// The knowledge base in a real browser: a visitor without an account searches the help center,
// reads an article (and its German version) and votes; an agent sees suggestions on a case and
// puts one into the reply; an agent edits and publishes an article with the live preview.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KbArticleSummary, KbReport } from '../../src/shared/schemas/kb.js';
import type { Me } from '../../src/shared/schemas/users.js';
import { DEMO, eventually, signIn, startStack, text, texts, type Stack } from './harness.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const votesOf = async (slug: string) => {
  const report = await stack.api<KbReport>('/kb/report', { login: DEMO.agent });
  const row = report.articles.find((a) => a.slug === slug)!;
  return { helpful: row.helpful, unhelpful: row.unhelpful };
};

describe('help center (no account)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await stack.newPage();
  });

  it('searches, opens an article, switches language and votes once', async () => {
    const before = await votesOf('damaged-delivery');
    await page.goto(`${stack.url}/help`);
    const categories = page.getByRole('navigation', { name: 'Categories' });
    await eventually(() =>
      texts(categories.getByRole('button')).then((t) => t.map((s) => s.replace(/\s+/g, ' '))),
    ).toEqual(['All articles', 'Orders and delivery 4', 'Invoices and payment 3', 'Returns and damage 3']);
    // Nobody is signed in: the help center offers to sign in, not the app's navigation.
    expect(await page.getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

    await page.getByLabel('Search the help center').fill('damaged parcel');
    await eventually(() => text(page.locator('#help-results-title'))).toBe('Results for “damaged parcel”');
    const results = page.getByTestId('help-results').locator('.help-list__title');
    await eventually(() => texts(results).then((t) => t[0])).toBe('My delivery arrived damaged');
    expect(new URL(page.url()).searchParams.get('q')).toBe('damaged parcel');

    await results.first().click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('My delivery arrived damaged');
    expect(await text(page.getByTestId('help-article-body'))).toContain('Take photos of the damaged goods');
    await page.getByRole('navigation', { name: 'Languages' }).getByRole('link', { name: 'German' }).click();
    await eventually(() => text(page.getByRole('heading', { level: 1 }))).toBe('Ware beschädigt angekommen');
    expect(await page.getByTestId('help-article').getAttribute('lang')).toBe('de');

    await page.getByRole('button', { name: 'Yes' }).click();
    await eventually(() => text(page.getByTestId('help-vote-thanks'))).toContain(
      'Thank you for your feedback!',
    );
    await eventually(() => votesOf('damaged-delivery')).toEqual({ ...before, helpful: before.helpful + 1 });

    // Changing the answer replaces the vote: still one from this browser.
    await page.getByRole('button', { name: 'Change my answer' }).click();
    await page.getByRole('button', { name: 'No' }).click();
    await eventually(() => text(page.getByTestId('help-vote-thanks'))).toContain(
      'We will work on this article',
    );
    await eventually(() => votesOf('damaged-delivery')).toEqual({
      helpful: before.helpful,
      unhelpful: before.unhelpful + 1,
    });
    // Not helped: a way to write to us (the web form, for a visitor not signed in).
    expect(await page.getByRole('link', { name: 'write to us' }).getAttribute('href')).toBe('/form');

    // Coming back, the browser remembers the answer.
    await page.reload();
    await eventually(() => text(page.getByTestId('help-vote-thanks'))).toContain(
      'We will work on this article',
    );
  });

  it('lists a category, and says when nothing matches', async () => {
    await page.goto(`${stack.url}/help`);
    await page.getByRole('button', { name: /^Invoices and payment/ }).click();
    await eventually(() => texts(page.getByTestId('help-results').locator('.help-list__title'))).toEqual([
      'Getting a copy of an invoice',
      'Payment methods and payment terms',
      'Something is wrong on my invoice',
    ]);
    // An article that opens with a table: its snippet reads row by row, not as run-on words.
    await page.getByRole('button', { name: /^Orders and delivery/ }).click();
    const carriers = page
      .getByTestId('help-results')
      .locator('.help-list__item')
      .filter({ hasText: 'Delivery times and carriers' });
    await eventually(() => text(carriers.locator('.help-list__snippet'))).toMatch(
      /^Destination · Carrier · Usual delivery; Germany · DHL · 1–2 business days; EU · DHL, DPD · 2–4 business days;/,
    );
    await page.getByLabel('Search the help center').fill('xylophone');
    await eventually(() => text(page.getByTestId('help-empty'))).toContain('No article matches “xylophone”');
  });

  it('keeps the staff workspace closed: /kb asks to sign in', async () => {
    await page.goto(`${stack.url}/kb`);
    await page.waitForURL(`${stack.url}/login`);
  });
});

describe('knowledge base for agents', () => {
  let page: Page;
  beforeAll(async () => {
    page = await stack.newPage();
    await signIn(page, stack.url, DEMO.agent);
  });

  it('suggests articles on a case page and puts one into the reply', async () => {
    const maria = await stack.api<Me>('/auth/me', { login: DEMO.customer });
    const kase = await stack.api<{ id: string }>('/cases', {
      login: DEMO.agent,
      method: 'POST',
      body: {
        subject: 'Parcel arrived damaged',
        customerId: maria.customerId,
        channel: 'email',
        message: { body: 'The box was crushed and two glasses are broken. What now?' },
      },
    });
    await page.goto(`${stack.url}/cases/${kase.id}`);
    const panel = page.getByTestId('kb-suggestions');
    await eventually(() => texts(panel.locator('.kb-suggestion__title')).then((t) => t[0])).toBe(
      'My delivery arrived damaged',
    );
    const first = panel.getByTestId('kb-suggestion').first();
    // Absolute, for the customer: STEWARD_PUBLIC_URL (here the default, from HOST and PORT).
    const href = (await first.locator('a').getAttribute('href'))!;
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/help\/damaged-delivery$/);

    await first.getByRole('button', { name: 'Insert into reply' }).click();
    const composer = page.getByTestId('composer').locator('textarea');
    await eventually(() => composer.inputValue()).toBe(`My delivery arrived damaged: ${href}`);
    await eventually(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    // Into a reply already written and signed off: a paragraph of its own above the closing
    // words, not run on under them.
    await composer.fill('Hello Maria,\n\nSorry about the glasses.\n\nBest regards,');
    await first.getByRole('button', { name: 'Insert into reply' }).click();
    await eventually(() => composer.inputValue()).toBe(
      `Hello Maria,\n\nSorry about the glasses.\n\nMy delivery arrived damaged: ${href}\n\nBest regards,`,
    );
    await composer.fill('');

    // The customer writes again about something else: the panel asks again once the page has
    // read the new message (it reads messages every 15 s), without a reload.
    const titles = () => texts(panel.locator('.kb-suggestion__title'));
    expect(await titles()).not.toContain('Getting a copy of an invoice');
    await stack.api(`/cases/${kase.id}/messages`, {
      login: DEMO.customer,
      method: 'POST',
      body: { body: 'Also: I need a copy of the invoice for this order, please.', public: true },
    });
    await expect.poll(titles, { timeout: 25_000, interval: 250 }).toContain('Getting a copy of an invoice');

    // Other articles: the agent searches with words of their own ("forwar" finds "freight forwarder");
    // an empty search goes back to the case's suggestions.
    const caseTitles = await titles();
    const search = panel.getByRole('searchbox', { name: 'Search the help articles' });
    await search.fill('forwar');
    await eventually(titles).toEqual(['Delivery times and carriers']);
    await search.fill('xylophone');
    await eventually(() => text(panel.getByTestId('kb-suggestions-empty'))).toBe(
      'No published article matches “xylophone”.',
    );
    await search.fill('');
    await eventually(titles).toEqual(caseTitles);
  });

  it('edits an article with a live preview, publishes it, and the help center shows it', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Knowledge base' })
      .click();
    await page.getByLabel('State').selectOption('draft');
    const rows = page.getByTestId('kb-row');
    await eventually(() => texts(rows.locator('td:first-child a'))).toEqual([
      'Changing or cancelling an order',
    ]);
    expect(await text(rows.first().locator('.kb-lang-state'))).toBe('EN v1 live, v2 draft');
    await rows.first().locator('td:first-child a').click();

    await eventually(() => text(page.getByTestId('kb-language-state'))).toContain('Draft v2 not published');
    const body = page.getByLabel('Text (Markdown)');
    expect(await body.inputValue()).toContain('From next month orders placed before 14:00');
    await body.fill(
      'Orders can be changed **until they are packed**.\n\n<b>raw</b> [x](javascript:alert(1))',
    );
    const preview = page.getByTestId('kb-preview');
    await eventually(() => preview.innerHTML()).toBe(
      '<p>Orders can be changed <strong>until they are packed</strong>.</p>\n<p>&lt;b&gt;raw&lt;/b&gt; [x](javascript:alert(1))</p>\n',
    );
    expect(await text(page.getByTestId('kb-language-state'))).toContain('Unsaved changes');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await eventually(() => text(page.getByTestId('kb-notice'))).toBe(
      'Published: readers see this version now.',
    );
    await eventually(() => text(page.getByTestId('kb-language-state'))).toMatch(/^Published v2/);
    expect(await texts(page.getByTestId('kb-history').locator('.kb-history__head strong'))).toEqual([
      'v2',
      'v1',
    ]);
    expect(await texts(page.getByTestId('kb-history').locator('.badge'))).toEqual(['Published', 'Archived']);

    const list = await stack.api<{ items: KbArticleSummary[] }>('/kb/articles?state=draft', {
      login: DEMO.agent,
    });
    expect(list.items).toEqual([]);

    const reader = await stack.newPage();
    await reader.goto(`${stack.url}/help/change-or-cancel-an-order`);
    await eventually(() => text(reader.getByTestId('help-article-body'))).toBe(
      'Orders can be changed until they are packed.\n\n<b>raw</b> [x](javascript:alert(1))',
    );
  });

  it('does not save a draft over one a colleague saved meanwhile, and loads theirs', async () => {
    const { items } = await stack.api<{ items: KbArticleSummary[] }>('/kb/articles', { login: DEMO.agent });
    const article = items.find((a) => a.slug === 'change-or-cancel-an-order')!;
    await page.reload();
    const body = page.getByLabel('Text (Markdown)');
    await eventually(() => body.inputValue()).toContain('until they are packed');
    // A colleague saves a draft while this agent is writing theirs.
    await stack.api(`/kb/articles/${article.id}/languages/en/draft`, {
      login: DEMO.admin,
      method: 'PUT',
      body: { title: 'Changing or cancelling an order', bodyMd: 'Orders can be changed until noon.' },
    });
    await body.fill('Orders can be changed until they leave the warehouse.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    const conflict = page.getByTestId('edit-conflict');
    await eventually(() => text(conflict)).toContain('Someone else saved this article');
    expect(await text(page.getByTestId('kb-language-state'))).toContain('Unsaved changes');

    await conflict.getByRole('button', { name: 'Load their version' }).click();
    await eventually(() => body.inputValue()).toBe('Orders can be changed until noon.');
    await body.fill('Orders can be changed until noon, Monday to Friday.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await eventually(() => text(page.getByTestId('kb-notice'))).toBe('Draft saved.');
    const saved = await stack.api<{ languages: { draft: { bodyMd: string } | null }[] }>(
      `/kb/articles/${article.id}`,
      { login: DEMO.agent },
    );
    expect(saved.languages[0]!.draft!.bodyMd).toBe('Orders can be changed until noon, Monday to Friday.');

    // Edits not saved: a link away asks first; staying keeps them, leaving drops them.
    await body.fill('Half a thought');
    const answer = (accept: boolean) =>
      new Promise<string>((resolve) =>
        page.once('dialog', (d) => {
          resolve(d.message());
          void (accept ? d.accept() : d.dismiss());
        }),
      );
    const backLink = page.getByRole('link', { name: '← Knowledge base' });
    let asked = answer(false);
    await backLink.click();
    expect(await asked).toBe('Your changes are not saved. Leave this page and lose them?');
    expect(new URL(page.url()).pathname).toBe(`/kb/${article.id}`);
    expect(await body.inputValue()).toBe('Half a thought');
    asked = answer(true);
    await backLink.click();
    await asked;
    await eventually(async () => new URL(page.url()).pathname).toBe('/kb');
  });

  it('the knowledge base’s tabs and an article’s languages move with the arrow keys', async () => {
    const url = () => new URL(page.url());
    const focusedText = () =>
      page.evaluate(() => document.activeElement?.textContent?.replace(/\s+/g, ' ').trim());
    await page.goto(`${stack.url}/kb`);
    const sections = page.getByRole('tablist', { name: 'Knowledge base' });
    await sections.getByRole('tab', { name: 'Articles' }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(async () => url().searchParams.get('view')).toBe('report');
    expect(await focusedText()).toBe('Report');
    await eventually(() => page.getByRole('tabpanel', { name: 'Report' }).count()).toBe(1);
    await page.keyboard.press('Home');
    await eventually(async () => url().searchParams.get('view')).toBe(null);
    expect(await focusedText()).toBe('Articles');
    await eventually(() => page.getByRole('tabpanel', { name: 'Articles' }).count()).toBe(1);

    const found = await stack.api<{ items: KbArticleSummary[] }>('/kb/articles?q=damaged', {
      login: DEMO.agent,
    });
    const article = found.items.find((a) => a.slug === 'damaged-delivery')!;
    await page.goto(`${stack.url}/kb/${article.id}`);
    const languages = page.getByRole('tablist', { name: 'Languages' });
    await eventually(() =>
      texts(languages.getByRole('tab')).then((all) => all.map((t) => t.replace(/\s+/g, ' '))),
    ).toEqual(['English live', 'German live']);
    // "+ Add language" is beside the tabs, not one of them.
    expect(await languages.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: '+ Add language' }).count()).toBe(1);
    await languages.getByRole('tab', { name: /English/ }).focus();
    await page.keyboard.press('ArrowRight');
    await eventually(async () => url().searchParams.get('language')).toBe('de');
    expect(await focusedText()).toBe('German live');
    await eventually(() => page.getByRole('tabpanel', { name: /German/ }).count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await eventually(async () => url().searchParams.get('language')).toBe('en');
    await eventually(() => languages.getByRole('tab', { name: /German/ }).getAttribute('tabindex')).toBe(
      '-1',
    );
  });
});
