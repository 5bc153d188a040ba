// Run-time settings: admins change them, staff read them, and the company's name is public.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeUser } from '../../../../test/helpers/factories.js';

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

describe('company name', () => {
  it('is none at first, set by admins on one line, read by anyone, and none again', async () => {
    expect((await t.get('/api/v1/branding')).body).toEqual({ companyName: null });
    expect((await t.get('/api/v1/settings', agent)).body.companyName).toBeNull();

    const set = await t.patch('/api/v1/settings', { companyName: '  Acme\nParcels ' }, admin);
    expect(set.status).toBe(200);
    expect(set.body.companyName).toBe('Acme Parcels');
    const anyone = await t.get('/api/v1/branding');
    expect(anyone.status).toBe(200);
    expect(anyone.body).toEqual({ companyName: 'Acme Parcels' });

    const cleared = await t.patch('/api/v1/settings', { companyName: null }, admin);
    expect(cleared.body.companyName).toBeNull();
    expect((await t.get('/api/v1/branding')).body).toEqual({ companyName: null });
  });

  it.each([
    ['', 'is required'],
    ['x'.repeat(61), 'at most 60 characters'],
  ])('refuses %j with a message tied to the field', async (companyName, message) => {
    const res = await t.patch('/api/v1/settings', { companyName }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'body.companyName', message }]);
  });

  it('agents and customers may not change it; customers may not read the settings', async () => {
    for (const token of [agent, customer]) {
      const res = await t.patch('/api/v1/settings', { companyName: 'Hijacked' }, token);
      expect(res.status).toBe(403);
    }
    expect((await t.get('/api/v1/settings', customer)).status).toBe(403);
    expect((await t.get('/api/v1/branding')).body.companyName).not.toBe('Hijacked');
  });
});

describe('company time zone', () => {
  it('is none (UTC) at first; admins set a zone the database knows, and none again', async () => {
    expect((await t.get('/api/v1/settings', agent)).body.timeZone).toBeNull();
    const set = await t.patch('/api/v1/settings', { timeZone: 'Europe/Berlin' }, admin);
    expect(set.status).toBe(200);
    expect(set.body.timeZone).toBe('Europe/Berlin');
    expect((await t.get('/api/v1/settings', agent)).body.timeZone).toBe('Europe/Berlin');
    const [event] = await rows<{ data: Record<string, unknown> }>(
      t.db,
      sql`select data from domain_events where type = 'settings.updated' order by occurred_at desc, id desc limit 1`,
    );
    expect(event!.data).toEqual({ timeZone: 'Europe/Berlin' });

    const cleared = await t.patch('/api/v1/settings', { timeZone: null }, admin);
    expect(cleared.body.timeZone).toBeNull();
    expect((await t.get('/api/v1/settings', admin)).body.timeZone).toBeNull();
  });

  it.each(['Mars/Olympus', 'UTC+2', '', 'europe/berlin'])(
    'refuses %j at the field, and changes nothing',
    async (timeZone) => {
      await t.patch('/api/v1/settings', { timeZone: 'Asia/Tokyo' }, admin);
      const res = await t.patch('/api/v1/settings', { timeZone, companyName: 'Not saved' }, admin);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.timeZone']);
      const now = (await t.get('/api/v1/settings', admin)).body;
      expect(now.timeZone).toBe('Asia/Tokyo');
      expect(now.companyName).not.toBe('Not saved');
      await t.patch('/api/v1/settings', { timeZone: null }, admin);
    },
  );

  it('agents and customers may not change it', async () => {
    await t.patch('/api/v1/settings', { timeZone: 'Europe/Lisbon' }, admin);
    for (const token of [agent, customer]) {
      const res = await t.patch('/api/v1/settings', { timeZone: 'Pacific/Auckland' }, token);
      expect(res.status).toBe(403);
    }
    expect((await t.get('/api/v1/settings', admin)).body.timeZone).toBe('Europe/Lisbon');
    await t.patch('/api/v1/settings', { timeZone: null }, admin);
  });
});
