// Named holidays: a holiday may carry a name; the API takes plain dates as before (keeping the
// names they had) or {date, name}, and answers the dates as before beside the named list.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../../db/client.js';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  WEEKDAYS_9_TO_5,
  makeCalendar,
  makeCase,
  makeCustomerWithAgreement,
  makeUser,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
let agent: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
  agent = (await makeUser(t.db, 'agent')).token;
});
afterAll(() => t?.close());

const base = { timezone: 'Europe/Berlin', hours: WEEKDAYS_9_TO_5 };

describe('named holidays', () => {
  it('take plain dates and {date, name} alike; answer the dates as before and the names beside them', async () => {
    const res = await t.post(
      '/api/v1/calendars',
      {
        ...base,
        name: 'Berlin named',
        holidays: ['2026-01-01', { date: '2026-12-25', name: '  Christmas\nDay ' }, { date: '2026-12-26' }],
      },
      admin,
    );
    expect(res.status).toBe(201);
    expect(res.body.holidays).toEqual(['2026-01-01', '2026-12-25', '2026-12-26']);
    expect(res.body.namedHolidays).toEqual([
      { date: '2026-01-01', name: null },
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-26', name: null },
    ]);
    const read = await t.get(`/api/v1/calendars/${res.body.id}`, agent);
    expect(read.body.namedHolidays).toEqual(res.body.namedHolidays);
    const [event] = await rows<{ data: Record<string, unknown> }>(
      t.db,
      sql`select data from domain_events where type = 'calendar.created' and entity_id = ${res.body.id}`,
    );
    expect(event!.data.holidays).toEqual(['2026-01-01', '2026-12-25', '2026-12-26']);
    expect(event!.data.holidayNames).toEqual({ '2026-12-25': 'Christmas Day' });
  });

  it('a plain date keeps its name (a client that knows no names loses none); null or empty takes it away', async () => {
    const created = await t.post(
      '/api/v1/calendars',
      {
        ...base,
        name: 'Kept names',
        holidays: [
          { date: '2026-12-25', name: 'Christmas Day' },
          { date: '2026-12-26', name: 'Boxing Day' },
        ],
      },
      admin,
    );
    const id = created.body.id as string;
    // An old client adds a date to the dates it read.
    const added = await t.patch(
      `/api/v1/calendars/${id}`,
      { holidays: [...(created.body.holidays as string[]), '2026-12-31'] },
      admin,
    );
    expect(added.status).toBe(200);
    expect(added.body.namedHolidays).toEqual([
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-26', name: 'Boxing Day' },
      { date: '2026-12-31', name: null },
    ]);
    const renamed = await t.patch(
      `/api/v1/calendars/${id}`,
      {
        holidays: [
          { date: '2026-12-25', name: null },
          { date: '2026-12-26', name: '' },
          { date: '2026-12-31', name: 'New Year’s Eve' },
        ],
      },
      admin,
    );
    expect(renamed.body.namedHolidays).toEqual([
      { date: '2026-12-25', name: null },
      { date: '2026-12-26', name: null },
      { date: '2026-12-31', name: 'New Year’s Eve' },
    ]);
    // A date taken out takes its name with it: back in, it has none.
    await t.patch(`/api/v1/calendars/${id}`, { holidays: ['2026-12-25'] }, admin);
    const back = await t.patch(`/api/v1/calendars/${id}`, { holidays: ['2026-12-25', '2026-12-31'] }, admin);
    expect(back.body.namedHolidays).toEqual([
      { date: '2026-12-25', name: null },
      { date: '2026-12-31', name: null },
    ]);
  });

  it('a new name moves no promise clock; a new date does', async () => {
    const cal = await makeCalendar(t.db, WEEKDAYS_9_TO_5, 'Europe/Berlin', ['2030-12-25']);
    const { customer } = await makeCustomerWithAgreement(t.db, {
      calendarId: cal.id,
      targets: [{ kind: 'resolution', minutes: 480 }],
    });
    await makeCase(t.db, customer.id);
    const named = await t.patch(
      `/api/v1/calendars/${cal.id}`,
      { holidays: [{ date: '2030-12-25', name: 'Christmas Day' }] },
      admin,
    );
    expect(named.status).toBe(200);
    expect(named.body.recomputedClocks).toBe(0);
    const [event] = await rows<{ data: { changes: Record<string, unknown> } }>(
      t.db,
      sql`select data from domain_events where type = 'calendar.updated' and entity_id = ${cal.id}
        order by occurred_at desc limit 1`,
    );
    expect(Object.keys(event!.data.changes)).toEqual(['holidayNames']);
    const dated = await t.patch(
      `/api/v1/calendars/${cal.id}`,
      { holidays: ['2030-12-25', { date: '2030-12-26', name: 'Boxing Day' }] },
      admin,
    );
    expect(dated.body.recomputedClocks).toBe(1);
    expect(dated.body.namedHolidays).toEqual([
      { date: '2030-12-25', name: 'Christmas Day' },
      { date: '2030-12-26', name: 'Boxing Day' },
    ]);
  });

  it.each([
    [['2026-12-25', { date: '2026-12-25', name: 'Twice' }], 'body.holidays.1', 'listed twice'],
    [[{ date: '2026-02-30', name: 'Nowhere' }], 'body.holidays.0.date', 'real date'],
    [[{ date: '2026-12-25', name: 'x'.repeat(101) }], 'body.holidays.0.name', 'at most 100 characters'],
    [[{ date: '2026-12-25', label: 'Christmas' }], 'body.holidays.0', ''],
  ])('refuses %j at %s', async (holidays, path, message) => {
    const res = await t.post('/api/v1/calendars', { ...base, name: 'Refused', holidays }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    const detail = (res.body.error.details as { path: string; message: string }[]).find(
      (d) => d.path === path,
    );
    expect(detail?.message).toContain(message);
  });

  it('agents may read the names, not change them', async () => {
    const cal = await makeCalendar(t.db, WEEKDAYS_9_TO_5, 'Europe/Berlin', ['2026-05-01']);
    const res = await t.patch(
      `/api/v1/calendars/${cal.id}`,
      { holidays: [{ date: '2026-05-01', name: 'Labour Day' }] },
      agent,
    );
    expect(res.status).toBe(403);
    const read = await t.get(`/api/v1/calendars/${cal.id}`, agent);
    expect(read.body.namedHolidays).toEqual([{ date: '2026-05-01', name: null }]);
  });
});

describe('open hours that are not an interval', () => {
  it.each([
    [
      { day: 1, open: '09:00', close: '09:00' },
      'body.hours.0.close',
      'Monday: the closing time must be after the opening time (both are 09:00)',
    ],
    [
      { day: 5, open: '22:00', close: '02:00' },
      'body.hours.0.close',
      'Friday: the closing time must be after the opening time (02:00 is before 22:00); for hours past midnight, close at 24:00 and add hours from 00:00 on the next day',
    ],
  ])('%j: the message says which day and what to change', async (interval, path, message) => {
    const res = await t.post(
      '/api/v1/calendars',
      { ...base, name: 'Empty interval', hours: [interval], holidays: [] },
      admin,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual([{ path, message }]);
    expect(res.body.error.message).toBe(`${path}: ${message}`);
  });

  it('overlapping hours name the day and both intervals', async () => {
    const hours = [
      { day: 2, open: '09:00', close: '13:00' },
      { day: 2, open: '12:00', close: '17:00' },
    ];
    const res = await t.post('/api/v1/calendars', { ...base, name: 'Overlap', hours, holidays: [] }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      {
        path: 'body.hours.1',
        message:
          'Tuesday: the hours 09:00–13:00 and 12:00–17:00 overlap; make one end before the other starts',
      },
    ]);
  });
});
