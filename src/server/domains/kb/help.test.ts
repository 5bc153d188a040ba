// The help center as readers meet it: only published articles of live articles, search and
// ranking, language fallback, votes, suggestions (customers and agents), deflection counting, the
// report's arithmetic and the public rate limits.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { KB_LIMITS } from '../../../shared/schemas/kb.js';
import { publicRequests } from '../portal/portal.table.js';
import { recordDeflection } from './kb.service.js';

let t: TestApp;
let admin: string;
let agent: string;
let customer: { token: string; customerId: string };
beforeAll(async () => {
  t = await startTestApp({ publicUrl: 'https://help.example.com' });
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
  const c = await makeUser(t.db, 'customer');
  customer = { token: c.token, customerId: c.user.customerId! };
});
afterAll(() => t?.close());

const put = (path: string, body: unknown, token?: string) => t.request('PUT', path, { body, token });
const visitorKey = () => `visitor-${unique()}-${unique()}-${unique()}`;

/** An article with its variants: each [language, title, body]; published unless `publish` is false. */
async function article(
  variants: [string, string, string][],
  opts: { publish?: boolean; categoryId?: string; slug?: string } = {},
) {
  const [first, ...rest] = variants;
  const res = await t.post(
    '/api/v1/kb/articles',
    {
      slug: opts.slug ?? `a-${unique()}`,
      categoryId: opts.categoryId,
      language: first![0],
      title: first![1],
      bodyMd: first![2],
    },
    agent,
  );
  expect(res.status).toBe(201);
  for (const [language, title, bodyMd] of rest) {
    await put(`/api/v1/kb/articles/${res.body.id}/languages/${language}/draft`, { title, bodyMd }, agent);
  }
  if (opts.publish !== false) {
    for (const [language] of variants) {
      expect(
        (await t.post(`/api/v1/kb/articles/${res.body.id}/languages/${language}/publish`, {}, agent)).status,
      ).toBe(200);
    }
  }
  return res.body as { id: string; slug: string };
}

describe('what readers see', () => {
  it('published articles only: never drafts, unpublished or deleted ones; a newer draft does not show', async () => {
    const word = `zq${unique()}`;
    const published = await article([['en', `Published ${word}`, 'Live text']]);
    const draft = await article([['en', `Draft ${word}`, 'Not yet']], { publish: false });
    const deleted = await article([['en', `Deleted ${word}`, 'Gone']]);
    const unpublished = await article([['en', `Unpublished ${word}`, 'Taken off']]);
    await t.del(`/api/v1/kb/articles/${deleted.id}`, agent);
    await t.post(`/api/v1/kb/articles/${unpublished.id}/languages/en/unpublish`, {}, agent);
    await put(
      `/api/v1/kb/articles/${published.id}/languages/en/draft`,
      { title: `Secret ${word}`, bodyMd: 'secret' },
      agent,
    );

    const found = await t.get(`/api/v1/help/articles?q=${word}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((a: any) => a.title)).toEqual([`Published ${word}`]);
    // Only the draft has both words: the search is broadened, and still finds only what is live.
    const secret = await t.get(`/api/v1/help/articles?q=secret+${word}`);
    expect(secret.body.broadened).toBe(true);
    expect(secret.body.items.map((a: any) => a.title)).toEqual([`Published ${word}`]);

    const one = await t.get(`/api/v1/help/articles/${published.slug}`);
    expect(one.body).toMatchObject({
      title: `Published ${word}`,
      bodyHtml: '<p>Live text</p>\n',
      languages: ['en'],
    });
    for (const hidden of [draft, deleted, unpublished]) {
      expect((await t.get(`/api/v1/help/articles/${hidden.slug}`)).status).toBe(404);
    }
  });

  it('ranks a title match before a body match, and filters by language', async () => {
    const word = `zq${unique()}`;
    const inBody = await article([['en', 'Returns policy', `You can send it back. ${word} applies.`]]);
    const inTitle = await article([['en', `How ${word} works`, 'Plain text without it.']]);
    const german = await article([['de', `${word} auf Deutsch`, 'Text']]);

    const all = await t.get(`/api/v1/help/articles?q=${word}`);
    const order = all.body.items.map((a: any) => a.articleId);
    expect(order).toHaveLength(3);
    expect(order.indexOf(inTitle.id)).toBeLessThan(order.indexOf(inBody.id));
    const bodyHit = all.body.items.find((a: any) => a.articleId === inBody.id);
    expect(bodyHit.snippet).toBe(`You can send it back. ${word} applies.`);

    const en = await t.get(`/api/v1/help/articles?q=${word}&language=en`);
    expect(en.body.items.map((a: any) => a.articleId)).toEqual([inTitle.id, inBody.id]);
    const de = await t.get(`/api/v1/help/articles?q=${word}&language=de`);
    expect(de.body.items.map((a: any) => a.articleId)).toEqual([german.id]);

    // Pages of search results keep the ranking.
    const p1 = await t.get(`/api/v1/help/articles?q=${word}&language=en&limit=1`);
    expect(p1.body.items.map((a: any) => a.articleId)).toEqual([inTitle.id]);
    const p2 = await t.get(
      `/api/v1/help/articles?q=${word}&language=en&limit=1&cursor=${p1.body.nextCursor}`,
    );
    expect(p2.body.items.map((a: any) => a.articleId)).toEqual([inBody.id]);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('broadens a search nobody matches fully to articles with some of its words (as word starts)', async () => {
    const word = `zq${unique()}`;
    const a = await article([['en', `Damaged ${word}s`, 'Photos help.']]);
    const strict = await t.get(`/api/v1/help/articles?q=${word}s`);
    expect(strict.body).toMatchObject({
      broadened: false,
      items: [expect.objectContaining({ articleId: a.id })],
    });
    // No article has both words, and "zq…" alone is only the start of the title's word.
    const broad = await t.get(
      `/api/v1/help/articles?q=${encodeURIComponent(`${word} nothingmatches${word}`)}`,
    );
    expect(broad.body.broadened).toBe(true);
    expect(broad.body.items.map((i: any) => i.articleId)).toEqual([a.id]);
    const none = await t.get(`/api/v1/help/articles?q=nothingmatches${word}`);
    expect(none.body).toEqual({ items: [], nextCursor: null, broadened: false });
  });

  it('lists by category and title, and the categories with what is published in them', async () => {
    const cat = (
      await t.post('/api/v1/kb/categories', { key: `c-${unique()}`, name: 'Invoices', position: 1 }, admin)
    ).body;
    const b = await article(
      [
        ['en', 'B invoice copy', 'x'],
        ['de', 'B Rechnungskopie', 'y'],
      ],
      { categoryId: cat.id },
    );
    const a = await article([['en', 'A wrong amount', 'x']], { categoryId: cat.id });
    await article([['en', 'C draft', 'x']], { categoryId: cat.id, publish: false });

    const list = await t.get(`/api/v1/help/articles?category=${cat.key}&language=en`);
    expect(list.body.items.map((i: any) => i.articleId)).toEqual([a.id, b.id]);
    expect(list.body.items[0].category).toEqual({ id: cat.id, key: cat.key, name: 'Invoices' });
    // Without a language, one variant each (English preferred).
    const any = await t.get(`/api/v1/help/articles?category=${cat.key}`);
    expect(any.body.items.map((i: any) => [i.title, i.language])).toEqual([
      ['A wrong amount', 'en'],
      ['B invoice copy', 'en'],
    ]);

    const cats = await t.get('/api/v1/help/categories?language=de');
    expect(cats.body.items.find((c: any) => c.id === cat.id)).toMatchObject({ articleCount: 1 });
    expect(cats.body.languages).toEqual(expect.arrayContaining(['de', 'en']));
    const catsEn = await t.get('/api/v1/help/categories');
    expect(catsEn.body.items.find((c: any) => c.id === cat.id)).toMatchObject({ articleCount: 2 });
  });

  it('serves the language asked for, its family, else English, else the first, and says which exist', async () => {
    const a = await article([
      ['en', 'Damaged parcel', 'Tell us'],
      ['de', 'Beschädigtes Paket', 'Sagen Sie uns'],
    ]);
    const de = await t.get(`/api/v1/help/articles/${a.slug}?language=de`);
    expect(de.body).toMatchObject({
      language: 'de',
      fallback: false,
      title: 'Beschädigtes Paket',
      languages: ['de', 'en'],
    });
    const deCh = await t.get(`/api/v1/help/articles/${a.slug}?language=de-CH`);
    expect(deCh.body).toMatchObject({ language: 'de', fallback: false });
    const fr = await t.get(`/api/v1/help/articles/${a.slug}?language=fr`);
    expect(fr.body).toMatchObject({ language: 'en', fallback: true, title: 'Damaged parcel' });

    const onlyGerman = await article([
      ['nl', 'Pakket', 'x'],
      ['de', 'Paket', 'y'],
    ]);
    const first = await t.get(`/api/v1/help/articles/${onlyGerman.slug}?language=fr`);
    expect(first.body).toMatchObject({ language: 'de', fallback: true, languages: ['de', 'nl'] });
    expect((await t.get(`/api/v1/help/articles/${a.slug}?language=no_tag`)).status).toBe(400);
  });
});

describe('did this help?', () => {
  it('one vote per visitor, changeable; customers vote as themselves; counted in the report', async () => {
    const from = new Date().toISOString();
    const a = await article([
      ['en', 'Votes', 'x'],
      ['de', 'Stimmen', 'y'],
    ]);
    const key = visitorKey();
    const first = await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
      helpful: false,
      language: 'en',
      visitorKey: key,
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ helpful: false, changed: false });
    const changed = await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
      helpful: true,
      language: 'en',
      visitorKey: key,
    });
    expect(changed.body).toEqual({ helpful: true, changed: true });
    await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
      helpful: false,
      language: 'de',
      visitorKey: visitorKey(),
    });
    // A signed-in customer, twice: still one vote.
    await t.request('POST', `/api/v1/help/articles/${a.slug}/vote`, {
      body: { helpful: false, language: 'en' },
      token: customer.token,
    });
    const again = await t.request('POST', `/api/v1/help/articles/${a.slug}/vote`, {
      body: { helpful: true, language: 'en' },
      token: customer.token,
    });
    expect(again.body.changed).toBe(true);

    const stored = await rows<{ helpful: boolean; customer_id: string | null; visitor_hash: string | null }>(
      t.db,
      sql`select helpful, customer_id, visitor_hash from kb_votes where article_id = ${a.id} order by created_at, id`,
    );
    expect(stored).toHaveLength(3);
    expect(stored.filter((v) => v.customer_id === customer.customerId)).toEqual([
      { helpful: true, customer_id: customer.customerId, visitor_hash: null },
    ]);
    // The visitor's key is kept only as a hash.
    expect(stored.some((v) => v.visitor_hash === key)).toBe(false);
    expect(stored.filter((v) => v.visitor_hash).every((v) => /^[0-9a-f]{64}$/.test(v.visitor_hash!))).toBe(
      true,
    );

    // Helpful: visitor (changed to yes) + customer (changed to yes) = 2; unhelpful: 1 -> 2/3.
    const report = await t.get(
      `/api/v1/kb/report?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      agent,
    );
    expect(report.status).toBe(200);
    const row = report.body.articles.find((r: any) => r.articleId === a.id);
    expect(row).toMatchObject({ helpful: 2, unhelpful: 1, title: 'Votes' });
    expect(row.helpfulShare).toBeCloseTo(2 / 3, 10);
  });

  it('needs a visitor key from anonymous readers, a published article and one of its languages', async () => {
    const a = await article([['en', 'Keys', 'x']]);
    const noKey = await t.post(`/api/v1/help/articles/${a.slug}/vote`, { helpful: true, language: 'en' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('visitor_key_required');
    const wrongLanguage = await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
      helpful: true,
      language: 'de',
      visitorKey: visitorKey(),
    });
    expect(wrongLanguage.status).toBe(422);
    const draft = await article([['en', 'Draft', 'x']], { publish: false });
    const onDraft = await t.post(`/api/v1/help/articles/${draft.slug}/vote`, {
      helpful: true,
      language: 'en',
      visitorKey: visitorKey(),
    });
    expect(onDraft.status).toBe(404);
    const shortKey = await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
      helpful: true,
      language: 'en',
      visitorKey: 'short',
    });
    expect(shortKey.status).toBe(400);
  });
});

describe('suggestions', () => {
  it('for a customer writing in: matching published articles, preferred language, counted only with record=1 and results', async () => {
    const word = `zq${unique()}`;
    const a = await article([
      ['en', `Parcel ${word} late`, 'When a parcel is late, check the tracking first.'],
      [
        'de',
        `Paket ${word} verspätet`,
        'Wenn ein Paket zu spät ist, prüfen Sie zuerst die Sendungsverfolgung.',
      ],
    ]);
    await article([['en', `Draft ${word}`, 'x']], { publish: false });
    const countSuggested = async () =>
      (
        await rows<{ n: number }>(
          t.db,
          sql`select count(*)::int as n from kb_deflections where outcome = 'suggested' and query like ${`%${word}%`}`,
        )
      )[0]!.n;

    // Typing: a prefix of the word matches too; stopwords do not match everything.
    const typing = await t.get(
      `/api/v1/help/suggest?q=${encodeURIComponent(`my ${word.slice(0, -2)}`)}&channel=web`,
    );
    expect(typing.status).toBe(200);
    expect(typing.body.items).toEqual([
      {
        articleId: a.id,
        slug: a.slug,
        language: 'en',
        title: `Parcel ${word} late`,
        snippet: 'When a parcel is late, check the tracking first.',
        url: `https://help.example.com/help/${a.slug}`,
      },
    ]);
    expect(await countSuggested()).toBe(0);

    const german = await t.get(`/api/v1/help/suggest?q=${word}&language=de&channel=portal&record=1`);
    expect(german.body.items.map((i: any) => [i.title, i.url])).toEqual([
      [`Paket ${word} verspätet`, `https://help.example.com/help/${a.slug}?language=de`],
    ]);
    expect(await countSuggested()).toBe(1);
    // Nothing found: nothing counted.
    const none = await t.get(`/api/v1/help/suggest?q=${word}nothing&record=1`);
    expect(none.body.items).toEqual([]);
    expect((await t.get('/api/v1/help/suggest?q=the+and+of&record=1')).body.items).toEqual([]);
    expect(await countSuggested()).toBe(1);
  });

  it('for an agent on a case: from the subject and the newest customer message, in the customer’s language', async () => {
    const word = `zq${unique()}`;
    const other = `zq${unique()}`;
    const damaged = await article([
      ['en', `Damaged ${word} goods`, 'Send us a photo.'],
      ['de', `Beschädigte ${word} Ware`, 'Schicken Sie uns ein Foto.'],
    ]);
    const invoice = await article([['en', `Invoice ${other}`, `Wrong ${other} amounts and ${word}.`]]);
    const c = await makeCustomer(t.db, { language: 'de' });
    const kase = await makeCase(t.db, c.id, {
      subject: `Problem ${word}`,
      message: { body: `The ${other} was wrong`, from: 'customer' },
    });
    const res = await t.get(`/api/v1/kb/suggest?caseId=${kase.id}`, agent);
    expect(res.status).toBe(200);
    // The invoice article matches both words (in title and body), the damaged one only one.
    // (Other articles of this file may match "wrong" too.)
    const ours = res.body.items.filter((i: any) => i.articleId === invoice.id || i.articleId === damaged.id);
    expect(ours.map((i: any) => [i.articleId, i.language])).toEqual([
      [invoice.id, 'en'],
      [damaged.id, 'de'],
    ]);
    expect(ours[1].title).toBe(`Beschädigte ${word} Ware`);
    // The agent's own words instead of the case's (the beginning of a word is enough), still in
    // the customer's language.
    const searched = await t.get(`/api/v1/kb/suggest?caseId=${kase.id}&q=${word.slice(0, -2)}`, agent);
    expect(searched.status).toBe(200);
    const byId = (a: string[], b: string[]) => a[0]!.localeCompare(b[0]!);
    expect(searched.body.items.map((i: any) => [i.articleId, i.language]).sort(byId)).toEqual(
      [
        [damaged.id, 'de'],
        [invoice.id, 'en'],
      ].sort(byId),
    );
    expect((await t.get(`/api/v1/kb/suggest?caseId=${kase.id}&q=${other}`, agent)).body.items).toEqual([
      expect.objectContaining({ articleId: invoice.id, title: `Invoice ${other}` }),
    ]);
    const tooLong = await t.get(`/api/v1/kb/suggest?caseId=${kase.id}&q=${'a'.repeat(201)}`, agent);
    expect([tooLong.status, tooLong.body.error.code]).toEqual([400, 'validation_error']);
    expect(
      (await t.get('/api/v1/kb/suggest?caseId=01900000-0000-7000-8000-000000000001', agent)).status,
    ).toBe(404);
  });
});

describe('deflection and the report', () => {
  it('counts per channel and article; deflection rate = deflected / (deflected + submitted)', async () => {
    const from = new Date().toISOString();
    const word = `zq${unique()}`;
    const a = await article([['en', `Deflect ${word}`, 'x']]);
    const c = await makeCustomer(t.db);
    const kase = await makeCase(t.db, c.id, { subject: 'Sent anyway' });

    // web: 3 shown sets, 2 deflected (by the article), 1 submitted -> rate 2/3.
    for (let i = 0; i < 3; i++) await t.get(`/api/v1/help/suggest?q=${word}&channel=web&record=1`);
    const d1 = await t.post('/api/v1/help/deflections', {
      channel: 'web',
      outcome: 'deflected',
      articleId: a.id,
      query: word,
    });
    expect(d1.status).toBe(201);
    expect(d1.body.outcome).toBe('deflected');
    await t.post('/api/v1/help/deflections', { channel: 'web', outcome: 'deflected', articleId: a.id });
    // The public report names no case: anyone may send it.
    const named = await t.post('/api/v1/help/deflections', {
      channel: 'web',
      outcome: 'submitted',
      caseId: kase.id,
    });
    expect(named.status).toBe(400);
    expect(named.body.error.code).toBe('validation_error');
    await recordDeflection(t.db, { input: { channel: 'web', outcome: 'submitted', caseId: kase.id } });
    // portal: 1 shown set, 0 deflected, 2 submitted -> rate 0.
    await t.get(`/api/v1/help/suggest?q=${word}&channel=portal&record=1`);
    await t.post('/api/v1/help/deflections', { channel: 'portal', outcome: 'submitted' });
    await t.post('/api/v1/help/deflections', { channel: 'portal', outcome: 'submitted' });

    const to = new Date(Date.now() + 60_000).toISOString();
    const report = await t.get(`/api/v1/kb/report?from=${from}&to=${to}`, agent);
    expect(report.body.channels).toEqual([
      { channel: 'web', suggested: 3, deflected: 2, submitted: 1, deflectionRate: 2 / 3 },
      { channel: 'portal', suggested: 1, deflected: 0, submitted: 2, deflectionRate: 0 },
    ]);
    expect(report.body.articles.find((r: any) => r.articleId === a.id)).toMatchObject({
      helpful: 0,
      unhelpful: 0,
      helpfulShare: null,
      deflected: 2,
    });

    // A window before all of it: zeros, and no rate without outcomes.
    const before = await t.get(
      `/api/v1/kb/report?from=2020-01-01T00:00:00.000Z&to=2020-02-01T00:00:00.000Z`,
      agent,
    );
    expect(before.body.channels).toEqual([
      { channel: 'web', suggested: 0, deflected: 0, submitted: 0, deflectionRate: null },
      { channel: 'portal', suggested: 0, deflected: 0, submitted: 0, deflectionRate: null },
    ]);
    expect((await t.get(`/api/v1/kb/report?from=${to}&to=${from}`, agent)).status).toBe(400);
    // A year the database cannot count in is refused with the field named, as on the KPI reports.
    const ancient = await t.get(`/api/v1/kb/report?from=0001-01-01T00:00:00.000Z`, agent);
    expect([ancient.status, ancient.body.error.details]).toEqual([
      400,
      [{ path: 'query.from', message: 'must fall between 1970 and the year 9000' }],
    ]);
  });

  it('refuses unknown articles and cases and invalid outcomes', async () => {
    const ghost = '01900000-0000-7000-8000-000000000001';
    const unknownArticle = await t.post('/api/v1/help/deflections', {
      channel: 'web',
      outcome: 'deflected',
      articleId: ghost,
    });
    expect(unknownArticle.status).toBe(422);
    // Server code naming a case that does not exist.
    await expect(
      recordDeflection(t.db, { input: { channel: 'web', outcome: 'submitted', caseId: ghost } }),
    ).rejects.toMatchObject({ statusCode: 422, code: 'unknown_case' });
    expect((await t.post('/api/v1/help/deflections', { channel: 'web', outcome: 'suggested' })).status).toBe(
      400,
    );
  });
});

describe('public rate limits', () => {
  it('votes and deflection reports answer 429 with Retry-After beyond the limit per IP', async () => {
    const a = await article([['en', 'Limits', 'x']]);
    const fill = async (action: string, n: number) =>
      t.db
        .insert(publicRequests)
        .values(Array.from({ length: n }, () => ({ action, clientKey: '127.0.0.1' })));
    await fill('kb_vote', KB_LIMITS.votesPerWindow);
    await fill('kb_deflection', KB_LIMITS.deflectionsPerWindow);
    try {
      const vote = await t.post(`/api/v1/help/articles/${a.slug}/vote`, {
        helpful: true,
        language: 'en',
        visitorKey: visitorKey(),
      });
      expect(vote.status).toBe(429);
      expect(vote.body.error.code).toBe('too_many_requests');
      expect(Number(vote.headers.get('retry-after'))).toBeGreaterThan(0);
      const deflection = await t.post('/api/v1/help/deflections', { channel: 'web', outcome: 'submitted' });
      expect(deflection.status).toBe(429);
      expect(Number(deflection.headers.get('retry-after'))).toBeGreaterThan(0);
      // Nothing was stored.
      const [votes] = await rows<{ n: number }>(
        t.db,
        sql`select count(*)::int as n from kb_votes where article_id = ${a.id}`,
      );
      expect(votes!.n).toBe(0);
    } finally {
      await t.db.execute(sql`delete from public_requests where action in ('kb_vote', 'kb_deflection')`);
    }
  });
});

describe('OpenAPI', () => {
  it('documents the help center as public and the authoring routes as signed-in', async () => {
    const doc = (await t.get('/api/docs/json')).body;
    expect(doc.paths['/api/v1/help/articles'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/help/articles/{slug}/vote'].post.responses['429']).toBeDefined();
    expect(doc.paths['/api/v1/kb/articles'].post.security).toBeUndefined();
  });
});
