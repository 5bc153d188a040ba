import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.js';
import {
  makeAgreement,
  makeCalendar,
  makeCase,
  makeCustomer,
  makeOrganization,
  makeUser,
  unique,
} from '../../../test/helpers/factories.js';
import { buildRule, makeRule } from '../../../test/helpers/signal-factories.js';
import { expectedVersion } from './edit-version.js';

describe('expectedVersion (If-Match)', () => {
  it('reads an updatedAt, quoted or not, weak or not, to the millisecond', () => {
    expect(expectedVersion(undefined)).toBeUndefined();
    expect(expectedVersion('*')).toBeUndefined();
    expect(expectedVersion('2026-12-04T09:30:00.120Z')).toBe('2026-12-04T09:30:00.120Z');
    expect(expectedVersion('"2026-12-04T09:30:00.12Z"')).toBe('2026-12-04T09:30:00.120Z');
    expect(expectedVersion('W/"2026-12-04T09:30:00Z"')).toBe('2026-12-04T09:30:00.000Z');
    expect(expectedVersion('2026-12-04T10:30:00.000+01:00')).toBe('2026-12-04T09:30:00.000Z');
  });
  it.each(['yesterday', '2026-12-04', '"abc"', '', '2026-13-45T99:00:00Z'])('refuses %j', (header) => {
    expect(() => expectedVersion(header)).toThrow(
      expect.objectContaining({ statusCode: 400, code: 'invalid_if_match' }),
    );
  });
});

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

interface Editable {
  what: string;
  /** Creates one; answers the record's API path. */
  create(): Promise<string>;
  method?: 'PATCH' | 'PUT';
  /** Where a save goes, when not to the record's own path (a part of it). */
  savePath?(path: string): string;
  /** Two different saves of one field, and how to read that field back. */
  first: Record<string, unknown>;
  second: Record<string, unknown>;
  read(record: Record<string, unknown>): unknown;
  /** What `read` gives once `body` is saved (by default `read` of the body itself). */
  shows?(body: Record<string, unknown>): unknown;
  /** The two saves sent at once, when not `first` and `second` (a switch: both the same). */
  together?: [Record<string, unknown>, Record<string, unknown>];
}

const shown = (e: Editable, body: Record<string, unknown>) => (e.shows ?? e.read)(body);

async function created(path: string, body: Record<string, unknown>, idKey = 'id') {
  const res = await t.post(path, body, admin);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return `${path}/${res.body[idKey] as string}`;
}

const named = (prefix: string) => ({
  first: { name: `${prefix} mine ${unique()}` },
  second: { name: `${prefix} theirs ${unique()}` },
  // Names of their own for the saves at once: another live record has taken the two above by
  // then, and names of teams, calendars, agreements and organizations are unique.
  together: [{ name: `${prefix} mine ${unique()}` }, { name: `${prefix} theirs ${unique()}` }] as [
    Record<string, unknown>,
    Record<string, unknown>,
  ],
  read: (r: Record<string, unknown>) => r.name,
});

const editables: Editable[] = [
  { what: 'team', create: () => created('/api/v1/teams', { name: `Team ${unique()}` }), ...named('Team') },
  {
    what: 'user',
    create: () =>
      created('/api/v1/users', {
        email: `u-${unique()}@example.com`,
        name: 'Uma',
        role: 'agent',
        password: 'correct horse battery',
      }),
    ...named('User'),
  },
  {
    what: 'calendar',
    create: async () => `/api/v1/calendars/${(await makeCalendar(t.db)).id}`,
    ...named('Calendar'),
  },
  {
    what: 'agreement',
    create: async () => {
      const scope = { customerId: (await makeCustomer(t.db)).id };
      return `/api/v1/agreements/${(await makeAgreement(t.db, { scope })).id}`;
    },
    ...named('PSA'),
  },
  {
    what: 'segment',
    create: () => created('/api/v1/segments', { key: `seg-${unique()}`, name: 'Segment' }, 'key'),
    ...named('Segment'),
  },
  {
    what: 'mailbox',
    create: () => created('/api/v1/mailboxes', { address: `help-${unique()}@example.com`, name: 'Help' }),
    ...named('Mailbox'),
  },
  {
    what: 'event source',
    create: () => created('/api/v1/event-sources', { key: `src-${unique()}`, name: 'ERP' }, 'key'),
    ...named('Source'),
  },
  {
    what: 'webhook',
    create: () =>
      created('/api/v1/outgoing-webhooks', {
        name: 'Hook',
        url: 'https://hooks.example.com/steward',
        events: ['case.created'],
      }),
    ...named('Hook'),
  },
  {
    what: 'organization',
    create: async () => `/api/v1/organizations/${(await makeOrganization(t.db)).id}`,
    ...named('Org'),
  },
  {
    what: 'customer',
    create: async () => `/api/v1/customers/${(await makeCustomer(t.db)).id}`,
    ...named('Customer'),
  },
  {
    what: 'rule',
    method: 'PUT',
    create: async () => `/api/v1/rules/${(await makeRule(t.db)).id}`,
    first: buildRule({ name: `Rule mine ${unique()}` }),
    second: buildRule({ name: `Rule theirs ${unique()}` }),
    // Names of their own: another live rule has taken the two above by then (names are unique).
    together: [buildRule({ name: `Rule mine ${unique()}` }), buildRule({ name: `Rule theirs ${unique()}` })],
    read: (r) => r.name,
  },
  ...(['case', 'customer'] as const).map((entity) => ({
    what: `${entity} field`,
    create: () =>
      created(`/api/v1/${entity}-fields`, { key: `f_${unique()}`, label: 'Field', type: 'text' }, 'key'),
    first: { label: `Mine ${unique()}` },
    second: { label: `Theirs ${unique()}` },
    read: (r: Record<string, unknown>) => r.label,
  })),
  {
    what: 'rule switch',
    create: async () => `/api/v1/rules/${(await makeRule(t.db, { enabled: true })).id}`,
    first: { enabled: false },
    second: { enabled: true },
    read: (r) => r.enabled,
    // A switch to what the rule already is writes nothing (no new version): both switch it off.
    together: [{ enabled: false }, { enabled: false }],
  },
  {
    what: 'case',
    create: async () => `/api/v1/cases/${(await makeCase(t.db, (await makeCustomer(t.db)).id)).id}`,
    first: { subject: `Mine ${unique()}` },
    second: { subject: `Theirs ${unique()}` },
    read: (r) => r.subject,
  },
  {
    what: 'settings',
    create: async () => '/api/v1/settings',
    first: { companyName: `Mine ${unique()}` },
    second: { companyName: `Theirs ${unique()}` },
    read: (r) => r.companyName,
  },
  {
    what: 'shared view',
    create: () => created('/api/v1/views', { name: `View ${unique()}`, filters: {}, shared: true }),
    ...named('View'),
  },
  {
    what: 'article draft',
    method: 'PUT',
    create: () =>
      created('/api/v1/kb/articles', {
        slug: `a-${unique()}`,
        language: 'en',
        title: 'Returns',
        bodyMd: 'Old',
      }),
    savePath: (path) => `${path}/languages/en/draft`,
    first: { title: 'Returns', bodyMd: 'Mine' },
    second: { title: 'Returns', bodyMd: 'Theirs' },
    read: (r) => (r.languages as { draft: { bodyMd: string } }[])[0]!.draft.bodyMd,
    shows: (body) => body.bodyMd,
  },
];

const save = (e: Editable, path: string, body: unknown, ifMatch?: string) =>
  t.request(e.method ?? 'PATCH', e.savePath?.(path) ?? path, {
    token: admin,
    body,
    headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
  });

describe('saving with If-Match', () => {
  it.each(editables)('$what: a save of a stale copy is refused, and nothing of it is written', async (e) => {
    const path = await e.create();
    const copy = (await t.get(path, admin)).body as { updatedAt: string };

    // A colleague saves first, from the same copy: that save passes and makes a new version.
    const theirs = await save(e, path, e.first, copy.updatedAt);
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    expect(theirs.body.updatedAt).not.toBe(copy.updatedAt);

    // The second save of that copy would undo theirs: refused, with the version it was made on.
    const mine = await save(e, path, e.second, `"${copy.updatedAt}"`);
    expect(mine.status).toBe(412);
    expect(mine.body.error.code).toBe('edit_conflict');
    expect(mine.body.error.message).toContain(theirs.body.updatedAt);
    const now = (await t.get(path, admin)).body;
    expect(e.read(now)).toEqual(e.read(theirs.body));
    expect(now.updatedAt).toBe(theirs.body.updatedAt);

    // Made again on the record as it is now, it passes.
    const again = await save(e, path, e.second, theirs.body.updatedAt);
    expect(again.status).toBe(200);
    expect(e.read(again.body)).toEqual(shown(e, e.second));

    // Without If-Match, or with *, a save overwrites whatever version is there.
    expect((await save(e, path, e.first)).status).toBe(200);
    expect((await save(e, path, e.second, '*')).status).toBe(200);
    expect(e.read((await t.get(path, admin)).body)).toEqual(shown(e, e.second));

    // A header that is not a time is a bad request, not a conflict.
    const bad = await save(e, path, e.first, 'yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_if_match');
  });

  it.each(editables)('$what: two saves of one copy at once: exactly one passes', async (e) => {
    const path = await e.create();
    const copy = (await t.get(path, admin)).body as { updatedAt: string };
    const answers = await Promise.all(
      (e.together ?? [e.first, e.second]).map((body) => save(e, path, body, copy.updatedAt)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    expect(e.read((await t.get(path, admin)).body)).toEqual(e.read(winner.body));
  });
});

describe('the OpenAPI document', () => {
  it('names If-Match and the 412 on every save that takes it', async () => {
    const doc = (await t.get('/api/docs/json')).body as {
      paths: Record<
        string,
        Record<string, { parameters?: { in: string; name: string }[]; responses: object }>
      >;
    };
    const guarded = [
      ['patch', '/api/v1/teams/{id}'],
      ['patch', '/api/v1/users/{id}'],
      ['patch', '/api/v1/calendars/{id}'],
      ['patch', '/api/v1/agreements/{id}'],
      ['patch', '/api/v1/segments/{key}'],
      ['patch', '/api/v1/mailboxes/{id}'],
      ['patch', '/api/v1/event-sources/{key}'],
      ['patch', '/api/v1/outgoing-webhooks/{id}'],
      ['patch', '/api/v1/organizations/{id}'],
      ['patch', '/api/v1/customers/{id}'],
      ['put', '/api/v1/rules/{id}'],
      ['patch', '/api/v1/rules/{id}'],
      ['patch', '/api/v1/cases/{id}'],
      ['patch', '/api/v1/settings'],
      ['patch', '/api/v1/case-fields/{key}'],
      ['patch', '/api/v1/customer-fields/{key}'],
      ['patch', '/api/v1/views/{id}'],
      ['put', '/api/v1/kb/articles/{id}/languages/{language}/draft'],
    ] as const;
    expect(guarded).toHaveLength(editables.length);
    for (const [method, path] of guarded) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(
        op!.parameters?.filter((p) => p.in === 'header').map((p) => p.name),
        path,
      ).toEqual(['if-match']);
      expect(Object.keys(op!.responses), path).toContain('412');
    }
  });
});

describe('If-Match across a boundary', () => {
  it('tells nobody more than before: 404 for a record not theirs, 403 for a role, never 412', async () => {
    const other = await makeCustomer(t.db);
    const stale = '2000-01-01T00:00:00.000Z';
    const customer = await makeUser(t.db, 'customer');
    const agent = await makeUser(t.db, 'agent');
    const asCustomer = await t.request('PATCH', `/api/v1/customers/${other.id}`, {
      token: customer.token,
      body: { name: 'Not mine' },
      headers: { 'if-match': stale },
    });
    expect(asCustomer.status).toBe(404);
    expect(asCustomer.body.error.code).toBe('not_found');
    const team = await created('/api/v1/teams', { name: `Team ${unique()}` });
    const asAgent = await t.request('PATCH', team, {
      token: agent.token,
      body: { name: 'Not mine' },
      headers: { 'if-match': stale },
    });
    expect(asAgent.status).toBe(403);
    // Neither changed anything.
    expect((await t.get(`/api/v1/customers/${other.id}`, admin)).body.name).toBe(other.name);
  });
});
