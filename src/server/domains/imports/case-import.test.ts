import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import {
  WEEKDAYS_9_TO_5,
  makeCalendar,
  makeCustomerWithAgreement,
  makeUser,
} from '../../../../test/helpers/factories.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = (await makeUser(t.db, 'admin')).token;
});
afterAll(() => t?.close());

const clock = (c: { promises: { kind: string; cycle: number }[] }, kind: string, cycle = 1) =>
  c.promises.find((p) => p.kind === kind && p.cycle === cycle) as Record<string, unknown>;

describe('case import', () => {
  it('imports history and computes the clocks a live case would have had', async () => {
    const cal = await makeCalendar(t.db, WEEKDAYS_9_TO_5, 'Europe/Berlin');
    const { customer, agreement } = await makeCustomerWithAgreement(t.db, {
      calendarId: cal.id,
      targets: [
        { kind: 'first_response', minutes: 60 },
        { kind: 'next_response', minutes: 60 },
        { kind: 'resolution', minutes: 480 },
      ],
    });
    const res = await t.post(
      '/api/v1/imports/cases',
      {
        cases: [
          {
            subject: 'Imported: broken pallet',
            customerEmail: customer.email!.toUpperCase(),
            category: 'damaged_product',
            status: 'solved',
            // Friday 2026-11-20 16:30 Berlin: first response due Monday 09:30 (08:30Z).
            createdAt: '2026-11-20T15:30:00.000Z',
            messages: [
              { from: 'customer', body: 'The pallet arrived broken', createdAt: '2026-11-20T15:30:00.000Z' },
              {
                from: 'agent',
                body: 'Sorry! Replacement is on its way',
                createdAt: '2026-11-20T15:50:00.000Z',
              },
              {
                from: 'agent',
                public: false,
                body: 'Carrier claim filed',
                createdAt: '2026-11-20T15:55:00.000Z',
              },
            ],
            solvedAt: '2026-11-20T16:00:00.000Z',
          },
          {
            subject: 'Imported: still waiting',
            customerId: customer.id,
            status: 'open',
            createdAt: '2026-11-20T15:30:00.000Z',
            messages: [],
          },
        ],
      },
      admin,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ total: 2, imported: 2, committed: true, errors: [] });
    const [solvedId, openId] = res.body.caseIds;
    const solved = (await t.get(`/api/v1/cases/${solvedId}`, admin)).body;
    expect(solved).toMatchObject({
      status: 'solved',
      category: 'damaged_product',
      agreement: { id: agreement.id },
      firstRespondedAt: '2026-11-20T15:50:00.000Z',
      solvedAt: '2026-11-20T16:00:00.000Z',
    });
    expect(clock(solved, 'first_response')).toMatchObject({
      state: 'met',
      metAt: '2026-11-20T15:50:00.000Z',
      dueAt: '2026-11-23T08:30:00.000Z',
    });
    expect(clock(solved, 'resolution')).toMatchObject({
      state: 'met',
      metAt: '2026-11-20T16:00:00.000Z',
      usedMinutes: 30,
    });
    const msgs = (await t.get(`/api/v1/cases/${solvedId}/messages`, admin)).body.items;
    expect(msgs.map((m: { public: boolean }) => m.public)).toEqual([true, true, false]);
    const open = (await t.get(`/api/v1/cases/${openId}`, admin)).body;
    expect(clock(open, 'first_response').dueAt).toBe('2026-11-23T08:30:00.000Z');
    expect(open.nextDueAt).toBe('2026-11-23T08:30:00.000Z');
    const timeline = (await t.get(`/api/v1/cases/${solvedId}/timeline`, admin)).body.items;
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['case.imported']);
  });

  it('all or nothing, with per-case errors; skipInvalid imports the valid ones', async () => {
    const { customer } = await makeCustomerWithAgreement(t.db);
    const body = {
      cases: [
        { subject: 'Good', customerId: customer.id, createdAt: '2026-01-05T10:00:00.000Z' },
        { subject: 'Nobody', customerEmail: 'nobody@example.com', createdAt: '2026-01-05T10:00:00.000Z' },
        {
          subject: 'Bad category',
          customerId: customer.id,
          category: 'nosuch',
          createdAt: '2026-01-05T10:00:00.000Z',
        },
        {
          subject: 'Time travel',
          customerId: customer.id,
          createdAt: '2026-01-05T10:00:00.000Z',
          messages: [{ from: 'customer', body: 'x', createdAt: '2026-01-04T10:00:00.000Z' }],
        },
      ],
    };
    const strict = await t.post('/api/v1/imports/cases', body, admin);
    expect(strict.status).toBe(422);
    expect(
      strict.body.report.errors.map((e: { index: number; field: string }) => [e.index, e.field]),
    ).toEqual([
      [1, 'customerEmail'],
      [2, 'category'],
      [3, 'messages.0.createdAt'],
    ]);
    const before = (await t.get(`/api/v1/cases?customerId=${customer.id}&includeTotal=true`, admin)).body
      .total;
    expect(before).toBe(0);
    const lenient = await t.post('/api/v1/imports/cases?skipInvalid=true', body, admin);
    expect(lenient.body).toMatchObject({ imported: 1, invalid: 3, committed: true });
    const agent = await makeUser(t.db, 'agent');
    expect((await t.post('/api/v1/imports/cases', body, agent.token)).status).toBe(403);
  });
});
