// The customer's own account in the portal (name, time zone, password, sessions) and what a new
// portal request may say besides its text: a category offered to customers, and an order or
// shipment number that leads it into the open proactive case about that order. Every boundary a
// customer might try to cross: another customer's record, staff routes, categories not offered.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { updateSettings } from '../settings/settings.service.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  TEST_PASSWORD,
  makeAgreement,
  makeCalendar,
  makeCase,
  makeCustomer,
  makeUser,
  unique,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let agent: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  agent = (await makeUser(t.db, 'agent')).token;
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const customer = () => makeUser(t.db, 'customer');
const account = (token: string) => t.get('/api/v1/portal/account', token);

describe('My account', () => {
  it('says the zone her times are shown in: her own, else her agreement calendar’s', async () => {
    const me = await makeCustomer(t.db);
    const calendar = await makeCalendar(t.db, undefined, 'America/New_York');
    await makeAgreement(t.db, { calendarId: calendar.id, scope: { customerId: me.id } });
    const { token } = await makeUser(t.db, 'customer', { customerId: me.id });
    const before = await account(token);
    expect([before.body.timeZone, before.body.shownTimeZone]).toEqual([null, 'America/New_York']);
    const saved = await t.patch('/api/v1/portal/account', { timeZone: 'Asia/Tokyo' }, token);
    expect([saved.body.timeZone, saved.body.shownTimeZone]).toEqual(['Asia/Tokyo', 'Asia/Tokyo']);
    // The OpenAPI document names it.
    const doc = (await t.get('/api/docs/json')).body;
    const schema =
      doc.paths['/api/v1/portal/account'].get.responses['200'].content['application/json'].schema;
    expect(schema.required).toContain('shownTimeZone');
  });

  it('without her own zone or an agreement: the company’s, on her account and her requests alike', async () => {
    const { token } = await customer();
    await updateSettings(t.db, SYSTEM_ACTOR, { timeZone: 'Asia/Tokyo' });
    try {
      expect((await account(token)).body).toMatchObject({ timeZone: null, shownTimeZone: 'Asia/Tokyo' });
      const opened = await t.post(
        '/api/v1/portal/cases',
        { subject: 'Where is my order?', message: 'It has not come.' },
        token,
      );
      expect(opened.status).toBe(201);
      const listed = (await t.get('/api/v1/portal/cases', token)).body.items;
      expect([opened.body.timeZone, listed.map((c: { timeZone: string }) => c.timeZone)]).toEqual([
        'Asia/Tokyo',
        ['Asia/Tokyo'],
      ]);
    } finally {
      await updateSettings(t.db, SYSTEM_ACTOR, { timeZone: null });
    }
    // No company zone either: UTC.
    expect((await account(token)).body.shownTimeZone).toBe('UTC');
  });

  it('shows and changes the customer’s own name and time zone; the login goes by the new name', async () => {
    const a = await customer();
    const before = await account(a.token);
    expect(before.status).toBe(200);
    const [mine] = await rows<{ email: string }>(
      t.db,
      sql`select email from customers where id = ${a.user.customerId}`,
    );
    expect(before.body).toMatchObject({ email: mine!.email, timeZone: null, hasPassword: true });

    const saved = await t.request('PATCH', '/api/v1/portal/account', {
      token: a.token,
      body: { name: '  Lena Vogel ', timeZone: 'Europe/Berlin' },
      headers: { 'if-match': before.body.updatedAt },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Lena Vogel', timeZone: 'Europe/Berlin', hasPassword: true });
    expect((await t.get('/api/v1/auth/me', a.token)).body.name).toBe('Lena Vogel');
    const [record] = await rows<{ name: string; time_zone: string }>(
      t.db,
      sql`select name, time_zone from customers where id = ${a.user.customerId}`,
    );
    expect(record).toEqual({ name: 'Lena Vogel', time_zone: 'Europe/Berlin' });
    const events = await rows<{ type: string; data: { changes: Record<string, unknown> } }>(
      t.db,
      sql`select type, data from domain_events where entity_id = ${a.user.customerId} and type = 'customer.updated'`,
    );
    expect(events.map((e) => Object.keys(e.data.changes).sort())).toEqual([['name', 'timeZone']]);

    // A copy read before that save is stale now; null clears the zone.
    const stale = await t.request('PATCH', '/api/v1/portal/account', {
      token: a.token,
      body: { timeZone: null },
      headers: { 'if-match': before.body.updatedAt },
    });
    expect([stale.status, stale.body.error.code]).toEqual([412, 'edit_conflict']);
    const cleared = await t.patch('/api/v1/portal/account', { timeZone: null }, a.token);
    expect([cleared.status, cleared.body.timeZone]).toEqual([200, null]);
  });

  it('changes the language of our mail to them (a language tag); null: the company’s', async () => {
    const a = await customer();
    expect((await account(a.token)).body.language).toBe(null);
    const saved = await t.patch('/api/v1/portal/account', { language: 'de-CH' }, a.token);
    expect([saved.status, saved.body.language]).toEqual([200, 'de-CH']);
    const [record] = await rows<{ language: string }>(
      t.db,
      sql`select language from customers where id = ${a.user.customerId}`,
    );
    expect(record!.language).toBe('de-CH');
    const events = await rows<{ data: { changes: Record<string, unknown> } }>(
      t.db,
      sql`select data from domain_events where entity_id = ${a.user.customerId} and type = 'customer.updated'`,
    );
    expect(events.map((e) => e.data.changes.language)).toEqual([{ from: null, to: 'de-CH' }]);
    const cleared = await t.patch('/api/v1/portal/account', { language: null }, a.token);
    expect([cleared.status, cleared.body.language]).toEqual([200, null]);
  });

  it('refuses bad input with a code and changes nothing', async () => {
    const a = await customer();
    const name = (await account(a.token)).body.name;
    for (const body of [
      { language: 'German' },
      { language: 'de_DE' },
      { timeZone: 'Mars/Olympus' },
      { name: '' },
      { name: 'x'.repeat(201) },
      { email: 'other@example.com' },
      { phone: '+49 30 1234' },
    ]) {
      const res = await t.patch('/api/v1/portal/account', body, a.token);
      expect([res.status, res.body.error.code, typeof res.body.error.message]).toEqual([
        400,
        'validation_error',
        'string',
      ]);
    }
    expect((await account(a.token)).body).toMatchObject({ name, timeZone: null, language: null });
  });

  it('a customer changes only their own record: not another customer’s, by any route', async () => {
    const a = await customer();
    const b = await customer();
    const bBefore = (await account(b.token)).body;
    // No id in the portal route: A's change is A's.
    await t.patch('/api/v1/portal/account', { name: 'Changed by A' }, a.token);
    expect((await account(b.token)).body.name).toBe(bBefore.name);
    // The customer API: B's record is not A's to read or change.
    const direct = await t.patch(`/api/v1/customers/${b.user.customerId}`, { name: 'Changed by A' }, a.token);
    expect([404, 403]).toContain(direct.status);
    expect((await account(b.token)).body.name).toBe(bBefore.name);
    // Nor B's password or sessions.
    const password = await t.post(
      '/api/v1/auth/password',
      { currentPassword: TEST_PASSWORD, newPassword: 'another long password' },
      a.token,
    );
    expect(password.status).toBe(200);
    expect(
      (await t.post('/api/v1/auth/login', { email: b.user.email, password: TEST_PASSWORD })).status,
    ).toBe(200);
    const bSessions = (await t.get('/api/v1/auth/sessions', b.token)).body.items as { id: string }[];
    expect(
      (await t.request('DELETE', `/api/v1/auth/sessions/${bSessions[0]!.id}`, { token: a.token })).status,
    ).toBe(404);
    expect((await t.get('/api/v1/auth/me', b.token)).status).toBe(200);
  });

  it('is for customers: staff get 403; customers reach no staff routes', async () => {
    for (const token of [agent, admin]) {
      expect((await account(token)).status).toBe(403);
      expect((await t.patch('/api/v1/portal/account', { name: 'Staff' }, token)).status).toBe(403);
      expect((await t.get('/api/v1/portal/categories', token)).status).toBe(403);
    }
    expect((await t.get('/api/v1/portal/account')).status).toBe(401);
    const a = await customer();
    expect((await t.patch('/api/v1/auth/me', { name: 'Me' }, a.token)).status).toBe(403);
    expect((await t.patch('/api/v1/categories/other', { offeredToCustomers: true }, a.token)).status).toBe(
      403,
    );
    expect((await t.get('/api/v1/users', a.token)).status).toBe(403);
  });

  it('a customer with a password changes it (the other sessions end); one who signs in by link has none', async () => {
    const a = await customer();
    const other = await t.post('/api/v1/auth/login', { email: a.user.email, password: TEST_PASSWORD });
    const changed = await t.post(
      '/api/v1/auth/password',
      { currentPassword: TEST_PASSWORD, newPassword: 'a brand new password' },
      a.token,
    );
    expect(changed.status).toBe(200);
    expect(changed.body.endedTokens).toBeGreaterThanOrEqual(1);
    expect((await t.get('/api/v1/auth/me', other.body.token)).status).toBe(401);
    expect((await t.get('/api/v1/auth/me', a.token)).status).toBe(200);

    const linkOnly = await customer();
    await t.db.execute(sql`update users set password_hash = null where id = ${linkOnly.user.id}`);
    expect((await account(linkOnly.token)).body.hasPassword).toBe(false);
    const none = await t.post(
      '/api/v1/auth/password',
      { currentPassword: 'anything at all', newPassword: 'a brand new password' },
      linkOnly.token,
    );
    expect([none.status, none.body.error.code]).toEqual([409, 'no_password']);
  });
});

describe('a new request’s category and order or shipment number', () => {
  let offered: string;
  let internal: string;
  beforeAll(async () => {
    offered = `portal_${unique()}`.slice(0, 40);
    internal = `internal_${unique()}`.slice(0, 40);
    expect(
      (await t.post('/api/v1/categories', { key: offered, name: 'Damaged on arrival' }, admin)).status,
    ).toBe(201);
    expect(
      (await t.post('/api/v1/categories', { key: internal, name: 'Internal audit' }, admin)).status,
    ).toBe(201);
  });

  it('is not offered until an admin offers it; customers are offered only those, switched on', async () => {
    const a = await customer();
    const keys = async () =>
      ((await t.get('/api/v1/portal/categories', a.token)).body.items as { key: string }[]).map((c) => c.key);
    expect(await keys()).not.toContain(offered);
    const patched = await t.patch(`/api/v1/categories/${offered}`, { offeredToCustomers: true }, admin);
    expect([patched.status, patched.body.offeredToCustomers]).toEqual([200, true]);
    expect(await keys()).toContain(offered);
    expect(await keys()).not.toContain(internal);
    await t.patch(`/api/v1/categories/${offered}`, { active: false }, admin);
    expect(await keys()).not.toContain(offered);
    await t.patch(`/api/v1/categories/${offered}`, { active: true }, admin);
    const listed = (await t.get('/api/v1/categories', admin)).body.items as {
      key: string;
      offeredToCustomers: boolean;
    }[];
    expect(listed.find((c) => c.key === internal)?.offeredToCustomers).toBe(false);
  });

  it('opens a request in an offered category, keeping the number it names', async () => {
    await t.patch(`/api/v1/categories/${offered}`, { offeredToCustomers: true }, admin);
    const a = await customer();
    const res = await t.post(
      '/api/v1/portal/cases',
      {
        subject: 'Cracked vase',
        message: 'It arrived in pieces.',
        category: offered,
        reference: ' SO-4711 ',
      },
      a.token,
    );
    expect(res.status).toBe(201);
    const c = (await t.get(`/api/v1/cases/${res.body.id}`, agent)).body;
    expect([c.category, c.refs, c.channel]).toEqual([offered, { customerReference: 'SO-4711' }, 'portal']);
  });

  it('refuses an unknown or internal category and an over-long number: 4xx with a code, nothing written', async () => {
    const a = await customer();
    const tries: [Record<string, unknown>, number, string][] = [
      [{ category: 'no_such_category' }, 422, 'invalid_reference'],
      [{ category: internal }, 422, 'category_not_offered'],
      [{ reference: 'x'.repeat(201) }, 400, 'validation_error'],
      [{ category: 'Not A Key!' }, 400, 'validation_error'],
    ];
    for (const [extra, status, code] of tries) {
      const res = await t.post(
        '/api/v1/portal/cases',
        { subject: 'Hello', message: 'Hi', ...extra },
        a.token,
      );
      expect([res.status, res.body.error.code]).toEqual([status, code]);
      expect(res.body.error.message).toMatch(/category|reference/);
    }
    // The case API holds customers to the same categories.
    const viaCases = await t.post(
      '/api/v1/cases',
      { subject: 'Hello', customerId: a.user.customerId, category: internal, message: { body: 'Hi' } },
      a.token,
    );
    expect([viaCases.status, viaCases.body.error.code]).toEqual([422, 'category_not_offered']);
    const [{ n }] = (await rows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from cases where customer_id = ${a.user.customerId}`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('naming the order or shipment of an open proactive case lands in that case; another number opens one', async () => {
    const a = await customer();
    const customerId = a.user.customerId!;
    const order = `SO-${unique()}`;
    const shipment = `SH-${unique()}`;
    const older = await makeCase(t.db, customerId, {
      channel: 'proactive',
      subject: 'Your order is late',
      refs: { orderId: order },
    });
    const newer = await makeCase(t.db, customerId, {
      channel: 'proactive',
      subject: 'Your parcel is stuck',
      refs: { shipmentId: shipment, orderId: `SO-${unique()}` },
    });
    // Someone else's proactive case about the same order is never theirs to join.
    const b = await customer();
    const strangers = await makeCase(t.db, b.user.customerId!, {
      channel: 'proactive',
      subject: 'Late',
      refs: { orderId: order },
    });

    const byOrder = await t.post(
      '/api/v1/portal/cases',
      { subject: 'Where is it?', message: 'Still nothing.', reference: order.toLowerCase() },
      a.token,
    );
    expect([byOrder.status, byOrder.body.id]).toEqual([200, older.id]);
    const byShipment = await t.post(
      '/api/v1/portal/cases',
      { subject: 'Parcel', message: 'Any news?', reference: shipment },
      a.token,
    );
    expect([byShipment.status, byShipment.body.id]).toEqual([200, newer.id]);
    const timeline = (await t.get(`/api/v1/cases/${older.id}/timeline`, agent)).body.items as {
      type: string;
      data: { reason?: string; reference?: string };
    }[];
    expect(timeline.find((e) => e.type === 'case.contact_joined')?.data).toMatchObject({
      reason: 'ref',
      reference: order.toLowerCase(),
    });

    // A number none of their proactive cases has: a request of its own, even though one is open.
    const other = await t.post(
      '/api/v1/portal/cases',
      { subject: 'Another order', message: 'About this one.', reference: `SO-${unique()}` },
      a.token,
    );
    expect(other.status).toBe(201);
    expect([older.id, newer.id, strangers.id]).not.toContain(other.body.id);
    const strangerMessages = (await t.get(`/api/v1/cases/${strangers.id}/messages`, agent)).body.items;
    expect(strangerMessages).toEqual([]);
  });
});
