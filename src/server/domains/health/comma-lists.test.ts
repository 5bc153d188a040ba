// Query parameters that take a comma list (`?status=open,pending`) read it alike on every route
// (commaList in shared/schemas/common.ts): items trimmed, empty ones dropped, each value once, the
// parameter repeated as its values comma-joined; a list with nothing in it is the parameter not given; an unknown value is a 400 naming it and,
// for a fixed set, the values allowed. Table-driven over every such route and parameter, which
// the OpenAPI document is swept for, so a new one cannot be left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations, startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeCase, makeCustomer, makeUser, unique } from '../../../../test/helpers/factories.js';
import { makeCommitment, makeSignal } from '../../../../test/helpers/signal-factories.js';
import { CASE_STATUSES, CHANNELS, PRIORITIES } from '../../../shared/schemas/cases.js';
import { MAX_COMMA_ITEMS } from '../../../shared/schemas/common.js';
import { MAIL_STATUSES } from '../../../shared/schemas/mail.js';
import { COMMITMENT_STATES, SIGNAL_STATES } from '../../../shared/schemas/signals.js';
import { mailMessages } from '../mail/mail.table.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  // Records of each value, so that each list narrows what a route answers.
  const customer = await makeCustomer(t.db);
  const kase = (o: Parameters<typeof makeCase>[2]) =>
    makeCase(t.db, customer.id, { subject: `Comma ${unique()}`, ...o });
  await kase({
    status: 'open',
    priority: 'high',
    channel: 'email',
    category: 'order_status',
    tags: ['vip', 'gold'],
  });
  await kase({
    status: 'pending',
    priority: 'low',
    channel: 'phone',
    category: 'late_delivery',
    tags: ['vip'],
  });
  await kase({ status: 'new', priority: 'normal', channel: 'web', category: 'complaint', tags: ['other'] });
  await makeSignal(t.db, { state: 'open' });
  await makeSignal(t.db, { state: 'acted' });
  await makeSignal(t.db, { state: 'dismissed' });
  await makeCommitment(t.db, { state: 'open' });
  await makeCommitment(t.db, { state: 'met' });
  await makeCommitment(t.db, { state: 'broken' });
  for (const [direction, status] of [
    ['in', 'processed'],
    ['out', 'sent'],
    ['out', 'queued'],
  ] as const)
    await t.db.insert(mailMessages).values({
      direction,
      messageId: `${unique()}@example.com`,
      fromAddress: 'support@steward.test',
      status,
    });
});
afterAll(() => t?.close());

interface Row {
  path: string;
  param: string;
  /** Two values that each match some records, and together not all. */
  a: string;
  b: string;
  /** The values allowed (an enum), or an item refused and the message it gets. */
  refuse: readonly string[] | { value: string; message: string };
}

const CASE_CATEGORY = {
  value: 'Late Delivery',
  message: 'lower-case letters, digits and _ (max 50), starting with a letter',
};
const CASE_TAG = { value: 'vip!', message: 'tags are lower-case letters, digits and _ : . - (max 50)' };
const caseRows = (path: string): Row[] => [
  { path, param: 'status', a: 'open', b: 'pending', refuse: CASE_STATUSES },
  { path, param: 'priority', a: 'high', b: 'low', refuse: PRIORITIES },
  { path, param: 'category', a: 'order_status', b: 'late_delivery', refuse: CASE_CATEGORY },
  { path, param: 'channel', a: 'email', b: 'phone', refuse: CHANNELS },
  // Cases with all of the tags: vip and gold is the first case only; `VIP` is `vip`.
  { path, param: 'tag', a: 'vip', b: 'GOLD', refuse: CASE_TAG },
];
const ROWS: Row[] = [
  ...caseRows('/api/v1/cases'),
  ...caseRows('/api/v1/cases/export.csv'),
  { path: '/api/v1/signals', param: 'state', a: 'open', b: 'acted', refuse: SIGNAL_STATES },
  { path: '/api/v1/signals/export.csv', param: 'state', a: 'open', b: 'acted', refuse: SIGNAL_STATES },
  { path: '/api/v1/commitments', param: 'state', a: 'open', b: 'met', refuse: COMMITMENT_STATES },
  { path: '/api/v1/commitments/export.csv', param: 'state', a: 'open', b: 'met', refuse: COMMITMENT_STATES },
  { path: '/api/v1/mail', param: 'status', a: 'sent', b: 'queued', refuse: MAIL_STATUSES },
];

/** What a route answers: its status, and the ids listed (a list) or the text (a CSV export). */
async function answer(path: string, param: string, value?: string | string[]) {
  const query = new URLSearchParams(path.endsWith('.csv') ? { timezone: 'UTC' } : { limit: '500' });
  for (const one of value === undefined ? [] : [value].flat()) query.append(param, one);
  const res = await t.get(`${path}?${query}`, admin);
  const body =
    typeof res.body === 'string' ? res.body : (res.body?.items?.map((x: { id: string }) => x.id) ?? res.body);
  return { status: res.status, body };
}

const name = (r: Row) => `${r.path}?${r.param}=`;

describe('comma lists in query parameters', () => {
  it('every parameter documented as comma-separated is in the table', async () => {
    interface Op {
      parameters?: { in: string; name: string; description?: string }[];
    }
    const documented = (await apiOperations<Op>(t))
      .filter(({ method }) => method === 'GET')
      .flatMap(({ template, op }) =>
        (op.parameters ?? [])
          .filter((p) => p.in === 'query' && /comma/i.test(p.description ?? ''))
          .map((p) => `${template}?${p.name}=`),
      );
    expect(documented.sort()).toEqual(ROWS.map(name).sort());
  });

  it.each(ROWS.map((r) => [name(r), r] as const))(
    '%s: spacing, empty items and repeats read as the plain list',
    async (_, r) => {
      const plain = await answer(r.path, r.param, `${r.a},${r.b}`);
      const all = await answer(r.path, r.param);
      expect(plain.status).toBe(200);
      // The list narrows (so the spellings below are compared on something).
      expect(plain.body).not.toEqual(all.body);
      expect(plain.body.length).toBeGreaterThan(0);
      for (const spelling of [
        `${r.a},${r.b},`,
        `,${r.a},,${r.b}`,
        ` ${r.a} , ${r.b} `,
        `${r.b},${r.a},${r.a}`,
        `${r.a.toLowerCase()},${r.b.toLowerCase()},${r.b}`,
      ])
        expect(await answer(r.path, r.param, spelling), JSON.stringify(spelling)).toEqual(plain);
      // The parameter repeated is the same list (and may itself hold a comma list).
      for (const repeats of [
        [r.a, r.b],
        [r.a, ` ${r.b} `, ''],
        [`${r.a},`, r.b, r.a],
      ])
        expect(await answer(r.path, r.param, repeats), JSON.stringify(repeats)).toEqual(plain);
      // One value narrows further than two (or, for tags, less).
      expect((await answer(r.path, r.param, ` ${r.a} ,`)).body).not.toEqual(plain.body);
      // Nothing in the list: as if not given, like an empty parameter.
      for (const empty of [',', ' , ,', ',,,', ''])
        expect(await answer(r.path, r.param, empty), JSON.stringify(empty)).toEqual(all);
    },
  );

  it.each(ROWS.map((r) => [name(r), r] as const))(
    '%s: an unknown value is a 400 naming it and what is allowed',
    async (_, r) => {
      const [value, message] = Array.isArray(r.refuse)
        ? ['nonsense', `unknown value "nonsense": must be one of ${r.refuse.map((v) => `"${v}"`).join(', ')}`]
        : [
            (r.refuse as { value: string }).value,
            `"${(r.refuse as { value: string }).value}": ${(r.refuse as { message: string }).message}`,
          ];
      const res = await t.get(`${r.path}?${r.param}=${encodeURIComponent(`${r.a}, ${value},`)}`, admin);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: 'validation_error',
        message: `query.${r.param}: ${message}`,
        details: [{ path: `query.${r.param}`, message }],
      });
    },
  );

  it(`more than ${MAX_COMMA_ITEMS} different values in one list are refused; repeats count once`, async () => {
    const tags = Array.from({ length: MAX_COMMA_ITEMS + 1 }, (_, i) => `t${i}`);
    const many = await t.get(`/api/v1/cases?tag=${tags.join(',')}`, admin);
    expect(many.status).toBe(400);
    expect(many.body.error.message).toBe(`query.tag: must have at most ${MAX_COMMA_ITEMS} values`);
    const repeated = await t.get(`/api/v1/cases?tag=${Array(40).fill('vip').join(',')}`, admin);
    expect(repeated.status).toBe(200);
  });
});
