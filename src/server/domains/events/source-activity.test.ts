// A source's events per hour (its page's chart): every hour of the period listed, the source's own
// events only, warnings counted, hours in the time zone asked for; for admins only.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7Floor } from '../../../db/columns.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { makeUser } from '../../../../test/helpers/factories.js';
import { makeEvent } from '../../../../test/helpers/signal-factories.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const HOUR = 3_600_000;
/** A UUIDv7 of that moment, as the ingest would have given an event received then. */
const idAt = (d: Date) => uuidv7Floor(d).slice(0, 24) + randomBytes(6).toString('hex');
const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();

async function source(key: string) {
  const res = await t.post('/api/v1/event-sources', { key, name: key }, admin);
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
}
/** An event of the source received `back` hours before this hour's start, plus `minutes`. */
async function received(sourceId: string, back: number, minutes = 30, warnings: string[] | null = null) {
  const at = new Date(Date.parse(hourOf(Date.now())) - back * HOUR + minutes * 60_000);
  await makeEvent(t.db, { id: idAt(at), sourceId, receivedAt: at, occurredAt: at, warnings });
  return hourOf(at.getTime());
}

describe('source activity per hour', () => {
  it('lists every hour of the period with the source’s own events and warnings', async () => {
    const wms = await source('wms-activity');
    const other = await source('erp-activity');
    const three = await received(wms.id, 3);
    await received(wms.id, 3, 31, ['commitment not opened']);
    const one = await received(wms.id, 1);
    await received(wms.id, 30); // before the period
    await received(other.id, 1); // another source

    const res = await t.get('/api/v1/event-sources/wms-activity/activity?hours=24', admin);
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('UTC');
    const hours = res.body.hours as { start: string; events: number; warned: number }[];
    // From the hour 24 hours ago to the current hour, each once, oldest first.
    expect(hours[0]!.start).toBe(hourOf(Date.parse(res.body.from)));
    expect(hours.at(-1)!.start).toBe(hourOf(Date.parse(res.body.to)));
    expect(hours.length).toBeGreaterThanOrEqual(24);
    expect(hours.length).toBeLessThanOrEqual(25);
    for (let i = 1; i < hours.length; i++)
      expect(Date.parse(hours[i]!.start) - Date.parse(hours[i - 1]!.start)).toBe(HOUR);
    expect(hours.filter((h) => h.events > 0)).toEqual([
      { start: three, events: 2, warned: 1 },
      { start: one, events: 1, warned: 0 },
    ]);

    // The default: the last 48 hours, which include the event of 30 hours ago.
    const two = await t.get('/api/v1/event-sources/wms-activity/activity', admin);
    expect((two.body.hours as { events: number }[]).reduce((n, h) => n + h.events, 0)).toBe(4);
    expect(two.body.hours.length).toBeGreaterThanOrEqual(48);
  });

  it('starts the hours on the hour of the time zone asked for', async () => {
    const res = await t.get(
      '/api/v1/event-sources/wms-activity/activity?hours=3&timezone=Asia/Kolkata',
      admin,
    );
    expect(res.status).toBe(200);
    // India is 5:30 ahead of UTC: its hours begin at half past in UTC.
    for (const h of res.body.hours) expect(new Date(h.start).getUTCMinutes()).toBe(30);
  });

  it('refuses bad input, unknown or deleted sources, and anyone but admins', async () => {
    for (const q of ['hours=0', 'hours=337', 'hours=two', 'timezone=Nowhere/Special', 'extra=1']) {
      const res = await t.get(`/api/v1/event-sources/wms-activity/activity?${q}`, admin);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    expect((await t.get('/api/v1/event-sources/nope/activity', admin)).status).toBe(404);
    await source('gone-activity');
    expect((await t.del('/api/v1/event-sources/gone-activity', admin)).status).toBe(204);
    expect((await t.get('/api/v1/event-sources/gone-activity/activity', admin)).body.error.code).toBe(
      'not_found',
    );
    for (const role of ['agent', 'customer'] as const) {
      const res = await t.get(
        '/api/v1/event-sources/wms-activity/activity',
        (await makeUser(t.db, role)).token,
      );
      expect(res.status).toBe(403);
    }
    expect((await t.get('/api/v1/event-sources/wms-activity/activity')).status).toBe(401);
  });
});
