import { describe, expect, it } from 'vitest';
import { pickLanguage, slugify, SLUG_PATTERN } from './language.js';
import { isSafeUrl, markdownToText, renderMarkdown } from './markdown.js';
import { orPrefixQuery, queryWords, searchTerms, snippet } from './search-text.js';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    expect(renderMarkdown('# Track *your* order\n\n- one\n- two')).toBe(
      '<h1>Track <em>your</em> order</h1>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n',
    );
  });

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['<a href="javascript:alert(1)">x</a>', '&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;'],
  ])('escapes raw HTML %j', (input, escaped) => {
    expect(renderMarkdown(input)).toBe(`<p>${escaped}</p>\n`);
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](vbscript:msgbox)',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](file:///etc/passwd)',
    '![x](data:image/svg+xml;base64,PHN2Zz4=)',
    '<javascript:alert(1)>',
  ])('makes no link or image of the unsafe URL in %j', (input) => {
    const html = renderMarkdown(input);
    expect(html).not.toMatch(/<a |<img /);
  });

  it('opens external links in a new tab without an opener, keeps internal links as they are', () => {
    expect(renderMarkdown('[DHL](https://www.dhl.de/track) and [returns](/help/returns)')).toBe(
      '<p><a href="https://www.dhl.de/track" target="_blank" rel="noopener noreferrer nofollow">DHL</a> and ' +
        '<a href="/help/returns">returns</a></p>\n',
    );
    expect(renderMarkdown('[mail us](mailto:help@example.com)')).toBe(
      '<p><a href="mailto:help@example.com">mail us</a></p>\n',
    );
  });

  it('escapes attribute values', () => {
    expect(renderMarkdown('[x](https://a.example/"onmouseover="alert(1))')).toBe(
      '<p><a href="https://a.example/%22onmouseover=%22alert(1)" target="_blank" rel="noopener noreferrer nofollow">x</a></p>\n',
    );
  });
});

describe('isSafeUrl', () => {
  it.each([
    ['https://a.example', true],
    ['http://a.example', true],
    ['mailto:a@b.example', true],
    ['tel:+4912345', true],
    ['/help/x', true],
    ['#top', true],
    ['relative/path:with-colon', true],
    ['java%09script:alert(1)', true],
    ['javascript:alert(1)', false],
    [' JavaScript:alert(1)', false],
    ['data:text/html,x', false],
    ['ftp://a.example', false],
  ])('%j -> %s', (url, safe) => expect(isSafeUrl(url)).toBe(safe));
});

describe('markdownToText', () => {
  it('keeps the words, drops the markup and URLs', () => {
    expect(
      markdownToText(
        '# Where is my parcel?\n\nOpen [the tracking page](https://x.example) and enter `ABC-123`.\n\n- Step **one**\n\n```\ncode here\n```',
      ),
    ).toBe('Where is my parcel? Open the tracking page and enter ABC-123. Step one code here');
  });

  it('reads a table row by row, its cells apart', () => {
    expect(
      markdownToText(
        'Carriers:\n\n| Destination | Carrier | Usual delivery |\n| --- | --- | --- |\n| Germany | **DHL** | 1–2 days |\n| EU | | 2–4 days |\n\nThe promised date counts.',
      ),
    ).toBe(
      'Carriers: Destination · Carrier · Usual delivery; Germany · DHL · 1–2 days; EU · 2–4 days. The promised date counts.',
    );
  });
});

describe('searchTerms and orPrefixQuery', () => {
  it('keeps words worth searching, in order, once, without stopwords or short words', () => {
    expect(searchTerms('Hello, where is my parcel?? The PARCEL was due on 12 May, order 10452!')).toEqual([
      'parcel',
      'due',
      'May',
      'order',
      '10452',
    ]);
  });
  it('drops German and French stopwords, keeps umlauts', () => {
    expect(searchTerms('Ich habe eine Rücksendung und die Rechnung ist falsch')).toEqual([
      'Rücksendung',
      'Rechnung',
      'falsch',
    ]);
    expect(searchTerms('Bonjour, pour une facture')).toEqual(['facture']);
  });
  it('caps the number of terms', () => {
    expect(searchTerms('alpha beta gamma delta', 2)).toEqual(['alpha', 'beta']);
  });
  it('makes an OR of prefixes, or null when nothing is left', () => {
    expect(orPrefixQuery(['parcel', 'late'])).toBe('parcel:* | late:*');
    expect(orPrefixQuery(searchTerms('the and a'))).toBeNull();
    expect(orPrefixQuery(['bad:term', "o'neil"])).toBeNull();
  });
  it('takes the words of a websearch query, without excluded ones', () => {
    expect(queryWords('refund -shipping "damaged box" or invoice')).toEqual([
      'refund',
      'damaged',
      'box',
      'invoice',
    ]);
  });
});

describe('snippet', () => {
  const text =
    'Orders usually leave our warehouse within one business day. You receive an e-mail with the tracking ' +
    'number as soon as the carrier scans your parcel. If the tracking has not changed for two days, contact ' +
    'us and we will ask the carrier. Refunds for lost parcels are paid within five days.';
  it('returns short text whole', () => {
    expect(snippet('Short text.', ['x'])).toBe('Short text.');
  });
  it('starts at the beginning when nothing matches', () => {
    const s = snippet(text, ['zebra'], 60);
    expect(s).toBe('Orders usually leave our warehouse within one business day.…');
  });
  it('shows the window around the first match, cut at words', () => {
    const s = snippet(text, ['refund'], 80);
    expect(s.startsWith('…')).toBe(true);
    expect(s).toContain('Refunds for lost parcels');
    expect(s.length).toBeLessThanOrEqual(82);
    expect(s).toMatch(/^…\S/);
  });
  it('matches at word starts only, case-insensitively', () => {
    // "days" occurs inside no other word; "ays" must not match inside "days".
    expect(snippet(text, ['ays'], 60)).toBe(snippet(text, [], 60));
    expect(snippet(text, ['CARRIER'], 80)).toContain('carrier');
  });
});

describe('pickLanguage', () => {
  it.each([
    ['de', ['en', 'de'], 'de', false],
    ['DE', ['en', 'de'], 'de', false],
    ['de-CH', ['en', 'de'], 'de', false],
    ['de', ['en', 'de-CH'], 'de-CH', false],
    ['de-AT', ['de-CH', 'de', 'en'], 'de', false],
    ['fr', ['de', 'en'], 'en', true],
    ['fr', ['nl', 'de'], 'de', true],
    [undefined, ['de', 'en'], 'en', false],
    [undefined, ['nl', 'de'], 'de', false],
  ] as const)('%s of %j -> %s', (requested, available, language, fallback) => {
    expect(pickLanguage(requested, available)).toEqual({ language, fallback });
  });
  it('has nothing to pick from no languages', () => {
    expect(pickLanguage('en', [])).toBeNull();
  });
});

describe('slugify', () => {
  it.each([
    ['Where is my parcel?', 'where-is-my-parcel'],
    ['Rücksendung & Umtausch', 'rucksendung-umtausch'],
    ['Straße  der   Lieferung', 'strasse-der-lieferung'],
    ['  --Hello--  ', 'hello'],
    ['???', ''],
  ])('%j -> %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    if (slug) expect(slug).toMatch(SLUG_PATTERN);
  });
  it('stays within 100 characters and ends on a letter or digit', () => {
    const slug = slugify(`${'a'.repeat(99)} b`);
    expect(slug.length).toBeLessThanOrEqual(100);
    expect(slug).toMatch(SLUG_PATTERN);
  });
});
