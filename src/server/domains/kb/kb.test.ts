// Authoring through the API: categories, articles, drafts, publishing, versions, languages, and
// who may do it. The help center's side (what readers see) is in help.test.ts.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeUser, unique } from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: string;
let customer: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  customer = (await makeUser(t.db, 'customer')).token;
});
afterAll(() => t?.close());

const put = (path: string, body: unknown, token?: string) => t.request('PUT', path, { body, token });

async function newArticle(overrides: Record<string, unknown> = {}, token = agent) {
  const res = await t.post(
    '/api/v1/kb/articles',
    {
      slug: `article-${unique()}`,
      language: 'en',
      title: 'Track your order',
      bodyMd: 'Use the **tracking** link.',
      ...overrides,
    },
    token,
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe('categories', () => {
  it('admins add, rename and delete empty categories; keys are never reused', async () => {
    const key = `orders-${unique()}`;
    const created = await t.post('/api/v1/kb/categories', { key, name: 'Orders', position: 2 }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key, name: 'Orders', position: 2, articleCount: 0 });

    const renamed = await t.patch(
      `/api/v1/kb/categories/${created.body.id}`,
      { name: 'Orders and delivery' },
      admin,
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Orders and delivery');

    const list = await t.get('/api/v1/kb/categories', agent);
    expect(list.body.items.find((c: any) => c.id === created.body.id)).toMatchObject({
      name: 'Orders and delivery',
      articleCount: 0,
    });

    expect((await t.del(`/api/v1/kb/categories/${created.body.id}`, admin)).status).toBe(204);
    const again = await t.post('/api/v1/kb/categories', { key, name: 'Again' }, admin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('category_exists');
    expect(
      (await t.get('/api/v1/kb/categories', agent)).body.items.some((c: any) => c.id === created.body.id),
    ).toBe(false);
  });

  it('refuses to delete a category with live articles in it', async () => {
    const cat = (await t.post('/api/v1/kb/categories', { key: `c-${unique()}`, name: 'Busy' }, admin)).body;
    const article = await newArticle({ categoryId: cat.id });
    const res = await t.del(`/api/v1/kb/categories/${cat.id}`, admin);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('category_in_use');
    expect((await t.del(`/api/v1/kb/articles/${article.id}`, agent)).status).toBe(204);
    expect((await t.del(`/api/v1/kb/categories/${cat.id}`, admin)).status).toBe(204);
  });

  it('agents may not manage categories, customers and anonymous callers not even list them', async () => {
    expect((await t.post('/api/v1/kb/categories', { key: `x-${unique()}`, name: 'X' }, agent)).status).toBe(
      403,
    );
    expect((await t.get('/api/v1/kb/categories', customer)).status).toBe(403);
    expect((await t.get('/api/v1/kb/categories')).status).toBe(401);
  });

  it('validates keys', async () => {
    const res = await t.post('/api/v1/kb/categories', { key: 'Not A Key', name: 'X' }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body.key');
  });
});

describe('articles', () => {
  it('a new article is a draft (version 1) with its Markdown rendered safely', async () => {
    const a = await newArticle({
      bodyMd: 'Hi <script>alert(1)</script> [x](javascript:alert(1)) [dhl](https://dhl.example)',
    });
    expect(a.languages).toHaveLength(1);
    const en = a.languages[0];
    expect(en.language).toBe('en');
    expect(en.published).toBeNull();
    expect(en.draft).toMatchObject({ version: 1, state: 'draft', title: 'Track your order' });
    expect(en.draft.bodyHtml).toBe(
      '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) ' +
        '<a href="https://dhl.example" target="_blank" rel="noopener noreferrer nofollow">dhl</a></p>\n',
    );
    expect(en.draft.createdBy.name).toMatch(/^agent /);
  });

  it('saving edits the open draft; after publishing a save starts a new version; publishing archives the old one', async () => {
    const a = await newArticle();
    const base = `/api/v1/kb/articles/${a.id}/languages/en`;

    const edited = await put(`${base}/draft`, { title: 'Track your parcel', bodyMd: 'v1 edited' }, agent);
    expect(edited.status).toBe(200);
    expect(edited.body.languages[0].versions).toHaveLength(1);
    expect(edited.body.languages[0].draft).toMatchObject({
      version: 1,
      title: 'Track your parcel',
      bodyMd: 'v1 edited',
    });

    const published = await t.post(`${base}/publish`, {}, agent);
    expect(published.status).toBe(200);
    expect(published.body.languages[0].published).toMatchObject({ version: 1, state: 'published' });
    expect(published.body.languages[0].published.publishedAt).toMatch(/Z$/);
    expect(published.body.languages[0].draft).toBeNull();

    // Nothing new to publish.
    const twice = await t.post(`${base}/publish`, {}, agent);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('nothing_to_publish');

    const v2 = await put(`${base}/draft`, { title: 'Track your parcel', bodyMd: 'v2' }, agent);
    expect(v2.body.languages[0].draft).toMatchObject({ version: 2, state: 'draft' });
    expect(v2.body.languages[0].published.version).toBe(1);
    const v2again = await put(`${base}/draft`, { title: 'Track your parcel', bodyMd: 'v2 better' }, agent);
    expect(v2again.body.languages[0].versions.map((v: any) => [v.version, v.state])).toEqual([
      [2, 'draft'],
      [1, 'published'],
    ]);

    const republished = await t.post(`${base}/publish`, {}, admin);
    expect(republished.body.languages[0].versions.map((v: any) => [v.version, v.state, v.bodyMd])).toEqual([
      [2, 'published', 'v2 better'],
      [1, 'archived', 'v1 edited'],
    ]);

    const unpublished = await t.post(`${base}/unpublish`, {}, agent);
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.languages[0].published).toBeNull();
    expect(unpublished.body.languages[0].versions.map((v: any) => v.state)).toEqual(['archived', 'archived']);
    expect((await t.post(`${base}/unpublish`, {}, agent)).body.error.code).toBe('not_published');

    // Back on the help center: save (a new version 3) and publish.
    await put(`${base}/draft`, { title: 'Track your parcel', bodyMd: 'v3' }, agent);
    const back = await t.post(`${base}/publish`, {}, agent);
    expect(back.body.languages[0].published.version).toBe(3);

    // The audit trail has each step.
    const events = await rows<{ type: string }>(
      t.db,
      sql`select type from domain_events where entity_id = ${a.id} order by occurred_at, id`,
    );
    expect(events.map((e) => e.type)).toEqual([
      'kb_article.created',
      'kb_article.draft_saved',
      'kb_article.published',
      'kb_article.draft_saved',
      'kb_article.draft_saved',
      'kb_article.published',
      'kb_article.unpublished',
      'kb_article.draft_saved',
      'kb_article.published',
    ]);
  });

  it('a language variant starts with its own draft and is published on its own', async () => {
    const a = await newArticle();
    await t.post(`/api/v1/kb/articles/${a.id}/languages/en/publish`, {}, agent);
    const de = await put(
      `/api/v1/kb/articles/${a.id}/languages/de/draft`,
      { title: 'Bestellung verfolgen', bodyMd: 'Nutzen Sie den Link.' },
      agent,
    );
    expect(de.status).toBe(200);
    expect(
      de.body.languages.map((l: any) => [l.language, l.published?.version ?? null, l.draft?.version ?? null]),
    ).toEqual([
      ['en', 1, null],
      ['de', null, 1],
    ]);
    const list = await t.get(`/api/v1/kb/articles?q=${a.slug}`, agent);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].languages).toEqual([
      expect.objectContaining({ language: 'en', publishedVersion: 1, draftVersion: null }),
      expect.objectContaining({
        language: 'de',
        publishedVersion: null,
        draftVersion: 1,
        title: 'Bestellung verfolgen',
      }),
    ]);
  });

  it('rejects bad language tags, slugs and taken slugs (deleted ones too)', async () => {
    const a = await newArticle();
    const badLang = await put(
      `/api/v1/kb/articles/${a.id}/languages/Deutsch/draft`,
      { title: 'x', bodyMd: '' },
      agent,
    );
    expect(badLang.status).toBe(400);
    expect(badLang.body.error.details[0].path).toBe('params.language');
    const badSlug = await t.post(
      '/api/v1/kb/articles',
      { slug: 'Bad Slug', language: 'en', title: 'x', bodyMd: '' },
      agent,
    );
    expect(badSlug.status).toBe(400);
    expect(
      (await t.post('/api/v1/kb/articles', { slug: a.slug, language: 'en', title: 'x', bodyMd: '' }, agent))
        .body.error.code,
    ).toBe('slug_taken');
    await t.del(`/api/v1/kb/articles/${a.id}`, agent);
    expect(
      (await t.post('/api/v1/kb/articles', { slug: a.slug, language: 'en', title: 'x', bodyMd: '' }, agent))
        .status,
    ).toBe(409);
    const unknownCategory = await t.post(
      '/api/v1/kb/articles',
      {
        slug: `s-${unique()}`,
        categoryId: '01900000-0000-7000-8000-000000000001',
        language: 'en',
        title: 'x',
        bodyMd: '',
      },
      agent,
    );
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.body.error.code).toBe('unknown_category');
  });

  it('changes slug and category; a deleted article is gone for staff too', async () => {
    const cat = (await t.post('/api/v1/kb/categories', { key: `c-${unique()}`, name: 'Moves' }, admin)).body;
    const a = await newArticle();
    const slug = `moved-${unique()}`;
    const moved = await t.patch(`/api/v1/kb/articles/${a.id}`, { slug, categoryId: cat.id }, agent);
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ slug, category: { id: cat.id, name: 'Moves' } });
    expect((await t.del(`/api/v1/kb/articles/${a.id}`, agent)).status).toBe(204);
    expect((await t.get(`/api/v1/kb/articles/${a.id}`, agent)).status).toBe(404);
    expect((await t.del(`/api/v1/kb/articles/${a.id}`, agent)).status).toBe(404);
    expect(
      (await put(`/api/v1/kb/articles/${a.id}/languages/en/draft`, { title: 'x', bodyMd: 'y' }, agent))
        .status,
    ).toBe(404);
  });

  it('lists with filters and keyset pages, newest change first', async () => {
    const cat = (await t.post('/api/v1/kb/categories', { key: `c-${unique()}`, name: 'List' }, admin)).body;
    const word = `zq${unique()}`;
    const a1 = await newArticle({ categoryId: cat.id, title: `First ${word}` });
    const a2 = await newArticle({ categoryId: cat.id, title: `Second ${word}` });
    const a3 = await newArticle({ categoryId: cat.id, title: `Third ${word}` });
    await t.post(`/api/v1/kb/articles/${a2.id}/languages/en/publish`, {}, agent);
    await put(`/api/v1/kb/articles/${a3.id}/languages/de/draft`, { title: 'Dritter', bodyMd: 'x' }, agent);

    const all = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}`, agent);
    expect(all.body.items.map((a: any) => a.id)).toEqual([a3.id, a2.id, a1.id]);
    const published = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}&state=published`, agent);
    expect(published.body.items.map((a: any) => a.id)).toEqual([a2.id]);
    const drafts = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}&state=draft`, agent);
    expect(drafts.body.items.map((a: any) => a.id)).toEqual([a3.id, a1.id]);
    const unpublished = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}&state=unpublished`, agent);
    expect(unpublished.body.items.map((a: any) => a.id)).toEqual([a3.id, a1.id]);
    const german = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}&language=de`, agent);
    expect(german.body.items.map((a: any) => a.id)).toEqual([a3.id]);
    const searched = await t.get(`/api/v1/kb/articles?q=${word}`, agent);
    expect(searched.body.items).toHaveLength(3);

    const page1 = await t.get(`/api/v1/kb/articles?categoryId=${cat.id}&limit=2`, agent);
    expect(page1.body.items.map((a: any) => a.id)).toEqual([a3.id, a2.id]);
    const page2 = await t.get(
      `/api/v1/kb/articles?categoryId=${cat.id}&limit=2&cursor=${page1.body.nextCursor}`,
      agent,
    );
    expect(page2.body.items.map((a: any) => a.id)).toEqual([a1.id]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('previews Markdown with the readers’ renderer', async () => {
    const res = await t.post('/api/v1/kb/preview', { bodyMd: '**bold** <b>raw</b>' }, agent);
    expect(res.body.bodyHtml).toBe('<p><strong>bold</strong> &lt;b&gt;raw&lt;/b&gt;</p>\n');
  });
});

describe('boundaries', () => {
  it('customers cannot author, read drafts, the report or case suggestions; anonymous callers get 401', async () => {
    const a = await newArticle();
    const attempts: [string, string, unknown?][] = [
      ['GET', '/api/v1/kb/articles'],
      ['GET', `/api/v1/kb/articles/${a.id}`],
      ['POST', '/api/v1/kb/articles', { slug: `c-${unique()}`, language: 'en', title: 'x', bodyMd: 'y' }],
      ['PATCH', `/api/v1/kb/articles/${a.id}`, { slug: `c-${unique()}` }],
      ['PUT', `/api/v1/kb/articles/${a.id}/languages/en/draft`, { title: 'x', bodyMd: 'y' }],
      ['POST', `/api/v1/kb/articles/${a.id}/languages/en/publish`, {}],
      ['POST', `/api/v1/kb/articles/${a.id}/languages/en/unpublish`, {}],
      ['DELETE', `/api/v1/kb/articles/${a.id}`],
      ['POST', '/api/v1/kb/preview', { bodyMd: 'x' }],
      ['GET', '/api/v1/kb/report'],
      ['GET', `/api/v1/kb/suggest?caseId=${a.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const asCustomer = await t.request(method, path, { body, token: customer });
      expect([method, path, asCustomer.status]).toEqual([method, path, 403]);
      const anonymous = await t.request(method, path, { body });
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
    // Nothing changed.
    const after = await t.get(`/api/v1/kb/articles/${a.id}`, agent);
    expect(after.body.slug).toBe(a.slug);
    expect(after.body.languages[0].versions).toHaveLength(1);
    expect(after.body.languages[0].published).toBeNull();
  });
});
