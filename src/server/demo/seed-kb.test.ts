import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import {
  getHelpArticle,
  helpCategories,
  listArticles,
  report,
  searchHelp,
} from '../domains/kb/kb.service.js';
import { DEMO_KB_ARTICLES, seedDemoKb } from './seed-kb.js';

let handle: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe('demo knowledge base', () => {
  it('publishes the demo articles in three categories, German variants and a waiting draft; seeds once', async () => {
    const db = handle.db;
    expect(await seedDemoKb(db)).toEqual({ created: true, articles: DEMO_KB_ARTICLES.length });

    const cats = await helpCategories(db, undefined);
    expect(cats.items.map((c) => [c.name, c.articleCount])).toEqual([
      ['Orders and delivery', 4],
      ['Invoices and payment', 3],
      ['Returns and damage', 3],
    ]);
    expect(cats.languages).toEqual(['de', 'en']);

    const german = await getHelpArticle(db, 'damaged-delivery', 'de');
    expect(german).toMatchObject({
      language: 'de',
      title: 'Ware beschädigt angekommen',
      languages: ['de', 'en'],
    });

    const drafts = await listArticles(db, SYSTEM_ACTOR, { state: 'draft', limit: 50 });
    expect(drafts.items.map((a) => a.slug)).toEqual(['change-or-cancel-an-order']);
    expect(drafts.items[0]!.languages[0]).toMatchObject({ publishedVersion: 1, draftVersion: 2 });

    const found = await searchHelp(db, { q: 'damaged', limit: 5 });
    expect(found.items[0]!.slug).toBe('damaged-delivery');

    const r = await report(db, SYSTEM_ACTOR, {});
    expect(r.channels.find((c) => c.channel === 'web')).toMatchObject({
      suggested: 40,
      deflected: 12,
      submitted: 20,
    });
    expect(r.articles.find((a) => a.slug === 'track-your-order')).toMatchObject({ helpful: 9, unhelpful: 1 });

    expect(await seedDemoKb(db)).toEqual({ created: false, articles: DEMO_KB_ARTICLES.length });
    const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n from kb_articles`);
    expect(count!.n).toBe(DEMO_KB_ARTICLES.length);
  });
});
