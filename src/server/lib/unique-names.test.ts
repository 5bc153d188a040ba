// Names tell records apart in every picker: a live calendar, agreement, organization or signal
// rule (teams: teams.test.ts) is refused a name another live one of its kind has, in any case;
// a deleted one's name is free again; two admins at one moment: exactly one wins (on
// PostgreSQL the unique index decides; on PGlite the check does).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers/app.js';
import { makeCalendar, makeCustomer, makeUser, unique } from '../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let calendarId: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  calendarId = (await makeCalendar(t.db)).id;
});
afterAll(() => t?.close());

interface Kind {
  path: string;
  code: string;
  noun: string;
  table: string;
  /** A valid new record of this name. */
  create: (name: string) => Promise<Record<string, unknown>>;
  /** Renames one (PUT for rules: the whole definition). */
  rename: (id: string, name: string) => Promise<{ status: number; body: { error?: { code: string } } }>;
}

const rule = (name: string) => ({
  kind: 'match',
  name,
  severity: 'low',
  when: { type: 'shipment.exception' },
  actions: [],
});

const KINDS: Kind[] = [
  {
    path: '/api/v1/calendars',
    code: 'calendar_exists',
    noun: 'calendar',
    table: 'calendars',
    create: async (name) => ({
      name,
      timezone: 'UTC',
      hours: [{ day: 1, open: '09:00', close: '17:00' }],
      holidays: [],
    }),
    rename: (id, name) => t.patch(`/api/v1/calendars/${id}`, { name }, admin),
  },
  {
    path: '/api/v1/agreements',
    code: 'agreement_exists',
    noun: 'agreement',
    table: 'agreements',
    // One active agreement per scope: each its own customer.
    create: async (name) => ({
      name,
      calendarId,
      scope: { customerId: (await makeCustomer(t.db)).id },
      targets: [{ kind: 'first_response', minutes: 60 }],
    }),
    rename: (id, name) => t.patch(`/api/v1/agreements/${id}`, { name }, admin),
  },
  {
    path: '/api/v1/organizations',
    code: 'organization_exists',
    noun: 'organization',
    table: 'organizations',
    create: async (name) => ({ name }),
    rename: (id, name) => t.patch(`/api/v1/organizations/${id}`, { name }, admin),
  },
  {
    path: '/api/v1/rules',
    code: 'rule_exists',
    noun: 'signal rule',
    table: 'signal_rules',
    create: async (name) => rule(name),
    rename: (id, name) => t.request('PUT', `/api/v1/rules/${id}`, { body: rule(name), token: admin }),
  },
];

const create = async (kind: Kind, name: string) => t.post(kind.path, await kind.create(name), admin);

describe.each(KINDS)('unique names: $noun', (kind) => {
  it('refuses a name another live one has, in any case, and frees a deleted one’s', async () => {
    const name = `Berlin office ${unique()}`;
    const first = await create(kind, name);
    expect(first.status).toBe(201);
    const twice = await create(kind, `  ${name.toUpperCase()} `);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toEqual({
      code: kind.code,
      message: `a ${kind.noun} named "${name}" exists already`,
    });
    // Renaming another onto it is refused, and changes nothing.
    const otherName = `New York office ${unique()}`;
    const other = await create(kind, otherName);
    expect(other.status).toBe(201);
    const renamed = await kind.rename(other.body.id, name.toLowerCase());
    expect(renamed.status).toBe(409);
    expect(renamed.body.error!.code).toBe(kind.code);
    expect((await t.get(`${kind.path}/${other.body.id}`, admin)).body.name).toBe(otherName);
    // Its own name written otherwise is no clash.
    const recased = await kind.rename(first.body.id, name.toUpperCase());
    expect(recased.status).toBe(200);
    // The database holds it too, whatever writes there.
    await expect(
      t.db.execute(sql`update ${sql.identifier(kind.table)} set name = ${name} where id = ${other.body.id}`),
    ).rejects.toThrow();
    // Deleted, its name is free.
    expect((await t.del(`${kind.path}/${first.body.id}`, admin)).status).toBe(204);
    expect((await create(kind, name)).status).toBe(201);
  });

  it('two admins naming two at one moment: exactly one succeeds', async () => {
    const name = `Night shift ${unique()}`;
    const bodies = await Promise.all(
      [name, name.toUpperCase(), name.toLowerCase()].map((n) => kind.create(n)),
    );
    const creates = await Promise.all(bodies.map((b) => t.post(kind.path, b, admin)));
    expect(creates.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const lost of creates.filter((r) => r.status === 409)) expect(lost.body.error.code).toBe(kind.code);
    const renamedTo = `Weekend ${unique()}`;
    const a = await create(kind, `A ${unique()}`);
    const b = await create(kind, `B ${unique()}`);
    const renames = await Promise.all([a, b].map((x) => kind.rename(x.body.id, renamedTo)));
    expect(renames.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(renames.find((r) => r.status === 409)!.body.error!.code).toBe(kind.code);
  });
});
