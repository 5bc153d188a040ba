import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  ALWAYS_OPEN,
  WEEKDAYS_9_TO_5,
  makeCalendar,
  makeCustomer,
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

describe('calendars', () => {
  it('admins create them; the answer tells the weekly open time', async () => {
    const res = await t.post(
      '/api/v1/calendars',
      { name: 'Berlin office', timezone: 'Europe/Berlin', hours: WEEKDAYS_9_TO_5, holidays: ['2026-12-25'] },
      admin,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ weeklyOpenMinutes: 5 * 8 * 60, is247: false, holidays: ['2026-12-25'] });
    const always = await t.post(
      '/api/v1/calendars',
      { name: '24/7', timezone: 'UTC', hours: ALWAYS_OPEN, holidays: [] },
      admin,
    );
    expect(always.body.is247).toBe(true);
    expect(
      (
        await t.post(
          '/api/v1/calendars',
          { name: 'x', timezone: 'UTC', hours: ALWAYS_OPEN, holidays: [] },
          agent,
        )
      ).status,
    ).toBe(403);
    expect((await t.get('/api/v1/calendars', agent)).status).toBe(200);
  });

  it.each([
    [{ timezone: 'Mars/Base' }, 'body.timezone'],
    [{ hours: [{ day: 8, open: '09:00', close: '17:00' }] }, 'body.hours.0.day'],
    [{ hours: [{ day: 1, open: '17:00', close: '09:00' }] }, 'body.hours.0'],
    [{ hours: [{ day: 1, open: '9:00', close: '17:00' }] }, 'body.hours.0.open'],
    [
      {
        hours: [
          { day: 1, open: '09:00', close: '13:00' },
          { day: 1, open: '12:00', close: '17:00' },
        ],
      },
      'body.hours',
    ],
    [{ holidays: ['2026-02-30'] }, 'body.holidays.0'],
  ])('rejects %j naming %s', async (override, path) => {
    const res = await t.post(
      '/api/v1/calendars',
      { name: 'Bad', timezone: 'Europe/Berlin', hours: WEEKDAYS_9_TO_5, holidays: [], ...override },
      admin,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message.startsWith(path)).toBe(true);
  });

  it('a calendar with no open hours is allowed, but no agreement can promise on it', async () => {
    const never = await t.post(
      '/api/v1/calendars',
      { name: 'Never', timezone: 'UTC', hours: [], holidays: [] },
      admin,
    );
    expect(never.status).toBe(201);
    const customer = await makeCustomer(t.db);
    const psa = await t.post(
      '/api/v1/agreements',
      {
        name: 'Never',
        calendarId: never.body.id,
        scope: { customerId: customer.id },
        targets: [{ kind: 'first_response', minutes: 60 }],
      },
      admin,
    );
    expect(psa.status).toBe(422);
    expect(psa.body.error.code).toBe('calendar_never_open');
    // Nor can a calendar in use be emptied.
    const cal = await makeCalendar(t.db);
    await t.post(
      '/api/v1/agreements',
      {
        name: 'Ok',
        calendarId: cal.id,
        scope: { customerId: customer.id },
        targets: [{ kind: 'first_response', minutes: 60 }],
      },
      admin,
    );
    const emptied = await t.patch(`/api/v1/calendars/${cal.id}`, { hours: [] }, admin);
    expect(emptied.status).toBe(422);
    expect(emptied.body.error.code).toBe('calendar_never_open');
    // A target the calendar cannot reach within its horizon is refused too.
    const tiny = await makeCalendar(t.db, [{ day: 1, open: '09:00', close: '09:01' }]);
    const far = await t.post(
      '/api/v1/agreements',
      {
        name: 'Far',
        calendarId: tiny.id,
        scope: { customerId: (await makeCustomer(t.db)).id },
        targets: [{ kind: 'resolution', minutes: 600_000 }],
      },
      admin,
    );
    expect(far.status).toBe(422);
    expect(far.body.error.code).toBe('target_unreachable');
  });

  it('a calendar in use cannot be deleted', async () => {
    const cal = await makeCalendar(t.db);
    await t.post(
      '/api/v1/agreements',
      {
        name: 'Uses it',
        calendarId: cal.id,
        scope: { customerId: (await makeCustomer(t.db)).id },
        targets: [{ kind: 'resolution', minutes: 60 }],
      },
      admin,
    );
    expect((await t.del(`/api/v1/calendars/${cal.id}`, admin)).status).toBe(409);
  });
});

describe('agreements', () => {
  it('validates targets, scope and references', async () => {
    const cal = await makeCalendar(t.db);
    const base = { name: 'PSA', calendarId: cal.id, targets: [{ kind: 'first_response', minutes: 60 }] };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ targets: [] }, 400, 'body.targets'],
      [{ targets: [{ kind: 'first_response', minutes: -1 }] }, 400, 'body.targets.0.minutes'],
      [{ targets: [{ kind: 'teleport', minutes: 1 }] }, 400, 'body.targets.0.kind'],
      [
        {
          targets: [
            { kind: 'resolution', minutes: 5 },
            { kind: 'resolution', minutes: 6 },
          ],
        },
        400,
        'body.targets.1',
      ],
      [
        { scope: { segment: 'smb', organizationId: '01900000-0000-7000-8000-000000000000' } },
        400,
        'body.scope',
      ],
      [{ scope: { segment: 'nosuchsegment' } }, 422, 'body.scope.segment'],
      [{ calendarId: '01900000-0000-7000-8000-000000000000' }, 422, 'body.calendarId'],
      [{ pauseOn: ['solved'] }, 400, 'body.pauseOn.0'],
      [{ warnPercent: 0 }, 400, 'body.warnPercent'],
      [{ reviewDate: '2026-13-01' }, 400, 'body.reviewDate'],
    ];
    for (const [override, status, path] of cases) {
      const res = await t.post('/api/v1/agreements', { ...base, ...override }, admin);
      expect(res.status, JSON.stringify(override)).toBe(status);
      expect(
        res.body.error.message.startsWith(path),
        `${JSON.stringify(override)}: ${res.body.error.message}`,
      ).toBe(true);
    }
  });

  it('refuses a target of 0 minutes and names a target set twice in words', async () => {
    const cal = await makeCalendar(t.db);
    const base = { name: `Words ${Date.now()}`, calendarId: cal.id };
    const zero = await t.post(
      '/api/v1/agreements',
      { ...base, targets: [{ kind: 'first_response', priority: 'urgent', minutes: 0 }] },
      admin,
    );
    expect([zero.status, zero.body.error.code, zero.body.error.message]).toEqual([
      400,
      'validation_error',
      'body.targets.0.minutes: must be at least 1 minute: a target of 0 minutes is broken as soon as its clock starts',
    ]);
    const twice = await t.post(
      '/api/v1/agreements',
      {
        ...base,
        targets: [
          { kind: 'first_response', priority: 'urgent', minutes: 30 },
          { kind: 'first_response', priority: 'urgent', minutes: 60 },
          { kind: 'periodic_update', minutes: 60 },
          { kind: 'periodic_update', minutes: 90 },
        ],
      },
      admin,
    );
    expect(twice.status).toBe(400);
    expect(twice.body.error.details).toEqual([
      { path: 'body.targets.1', message: 'First response for Urgent is set twice' },
      { path: 'body.targets.3', message: 'Periodic update for any priority is set twice' },
    ]);
    const noCalendar = await t.post(
      '/api/v1/agreements',
      { name: base.name, targets: [{ kind: 'resolution', minutes: 60 }] },
      admin,
    );
    expect([noCalendar.status, noCalendar.body.error.message]).toEqual([400, 'body.calendarId: is required']);
  });

  it('lists agreements due for review', async () => {
    const cal = await makeCalendar(t.db);
    const due = await t.post(
      '/api/v1/agreements',
      {
        name: 'Due',
        calendarId: cal.id,
        scope: { customerId: (await makeCustomer(t.db)).id },
        targets: [{ kind: 'resolution', minutes: 60 }],
        reviewDate: '2026-01-01',
      },
      admin,
    );
    const later = await t.post(
      '/api/v1/agreements',
      {
        name: 'Later',
        calendarId: cal.id,
        scope: { customerId: (await makeCustomer(t.db)).id },
        targets: [{ kind: 'resolution', minutes: 60 }],
        reviewDate: '2099-01-01',
      },
      admin,
    );
    expect(due.body).toMatchObject({ reviewDue: true, scopeLevel: 'customer' });
    const list = await t.get('/api/v1/agreements?reviewDue=true', agent);
    const ids = list.body.items.map((a: { id: string }) => a.id);
    expect(ids).toContain(due.body.id);
    expect(ids).not.toContain(later.body.id);
    expect(
      (await t.patch(`/api/v1/agreements/${due.body.id}`, { reviewDate: '2027-06-30' }, agent)).status,
    ).toBe(403);
  });
});
