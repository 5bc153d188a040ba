// The proactive KPIs per day, week or month (the trend behind the KPI page's charts) and per
// rule, through the API, on rows made by the factories (real rows, not the engine).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { ERASED_SIGNAL_RESOLUTION } from './end-signals.js';
import { getProactiveTrend } from './kpis.service.js';
import { makeUser } from '../../../../test/helpers/factories.js';
import {
  hoursFromNow,
  makeCommitment,
  makeRule,
  makeSignal,
} from '../../../../test/helpers/signal-factories.js';

const at = (iso: string) => new Date(iso);
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000);

describe('proactive KPI trend', () => {
  let k: TestApp;
  let token: string;
  beforeAll(async () => {
    k = await startTestApp();
    token = (await makeUser(k.db, 'agent')).token;
    const rule = await makeRule(k.db);
    const sig = (o: Parameters<typeof makeSignal>[1]) => makeSignal(k.db, { ruleId: rule.id, ...o });
    // 2026-03-02 (Monday, UTC): two signals; one caught and avoided with a lead of 60 min, one the
    // customer wrote in about first.
    await sig({
      state: 'resolved',
      detectedAt: at('2026-03-02T09:00:00.000Z'),
      dueAt: plus('2026-03-02T09:00:00.000Z', 60),
    });
    await sig({ state: 'acted', detectedAt: at('2026-03-02T23:59:59.000Z'), customerContactedFirst: true });
    // 2026-03-04: dismissed (a false alarm), and one that resolved itself; leads 30 and 90 min.
    await sig({
      state: 'dismissed',
      detectedAt: at('2026-03-04T12:00:00.000Z'),
      dueAt: plus('2026-03-04T12:00:00.000Z', 30),
    });
    await sig({
      state: 'resolved',
      resolvedByEvent: true,
      detectedAt: at('2026-03-04T13:00:00.000Z'),
      dueAt: plus('2026-03-04T13:00:00.000Z', 90),
    });
    // Around the daylight-saving change in Berlin (2026-03-29 02:00 → 03:00): 22:30 UTC on the
    // 29th is already the 30th there.
    await sig({ state: 'open', detectedAt: at('2026-03-29T21:30:00.000Z') });
    await sig({ state: 'open', detectedAt: at('2026-03-29T22:30:00.000Z') });
    // Outside the periods asked below.
    await sig({ state: 'open', detectedAt: at('2026-02-28T23:59:59.000Z') });
    // Commitments count in the bucket they closed in.
    const com = (state: any, closedAt: string) =>
      makeCommitment(k.db, { state, closedAt: at(closedAt), dueAt: at(closedAt) });
    await com('met', '2026-03-02T10:00:00.000Z');
    await com('met', '2026-03-04T10:00:00.000Z');
    await com('late', '2026-03-04T11:00:00.000Z');
    await com('broken', '2026-03-04T12:00:00.000Z');
    await com('cancelled', '2026-03-04T12:00:00.000Z');
    await makeCommitment(k.db, { state: 'overdue', closedAt: null, dueAt: hoursFromNow(-1) });
  });
  afterAll(() => k?.close());

  const empty = {
    signals: 0,
    caughtBeforeContact: 0,
    caughtBeforeContactShare: null,
    contactsAvoided: 0,
    dismissed: 0,
    resolvedByEvent: 0,
    leadTimeMedianMinutes: null,
    commitments: { met: 0, late: 0, broken: 0, onTimeRate: null },
  };

  it('counts per UTC day, every day of the period, empty ones too', async () => {
    const res = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-03-01T00:00:00.000Z&to=2026-03-05T00:00:00.000Z',
      token,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-05T00:00:00.000Z',
      interval: 'day',
      timezone: 'UTC',
    });
    expect(res.body.buckets).toEqual([
      { start: '2026-03-01T00:00:00.000Z', end: '2026-03-02T00:00:00.000Z', ...empty },
      {
        start: '2026-03-02T00:00:00.000Z',
        end: '2026-03-03T00:00:00.000Z',
        signals: 2,
        caughtBeforeContact: 1,
        caughtBeforeContactShare: 0.5,
        contactsAvoided: 1,
        dismissed: 0,
        resolvedByEvent: 0,
        leadTimeMedianMinutes: 60,
        commitments: { met: 1, late: 0, broken: 0, onTimeRate: 1 },
      },
      { start: '2026-03-03T00:00:00.000Z', end: '2026-03-04T00:00:00.000Z', ...empty },
      {
        start: '2026-03-04T00:00:00.000Z',
        end: '2026-03-05T00:00:00.000Z',
        signals: 2,
        caughtBeforeContact: 2,
        caughtBeforeContactShare: 1,
        // The dismissed one was a false alarm, not a contact avoided.
        contactsAvoided: 1,
        dismissed: 1,
        resolvedByEvent: 1,
        leadTimeMedianMinutes: 60,
        commitments: { met: 1, late: 1, broken: 1, onTimeRate: 1 / 3 },
      },
    ]);
  });

  it('a period starting mid-day counts only from its start in the first bucket', async () => {
    const res = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-03-02T12:00:00.000Z&to=2026-03-03T00:00:00.000Z',
      token,
    );
    expect(res.body.buckets).toEqual([
      expect.objectContaining({
        start: '2026-03-02T00:00:00.000Z',
        signals: 1,
        contactsAvoided: 0,
        commitments: expect.objectContaining({ met: 0 }),
      }),
    ]);
  });

  it('buckets are local days in the time zone asked for, 23 hours long on the day clocks go forward', async () => {
    const res = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-03-28T23:00:00.000Z&to=2026-03-30T22:00:00.000Z&timezone=Europe/Berlin',
      token,
    );
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Europe/Berlin');
    expect(res.body.buckets.map((b: any) => [b.start, b.end, b.signals])).toEqual([
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 1],
      ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z', 1],
    ]);
    // In UTC both fall on the 29th.
    const utc = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-03-29T00:00:00.000Z&to=2026-03-30T00:00:00.000Z',
      token,
    );
    expect(utc.body.buckets.map((b: any) => b.signals)).toEqual([2]);
  });

  it('weeks start on Monday, months on the first; the interval follows the period when not asked', async () => {
    const weeks = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-03-01T00:00:00.000Z&to=2026-03-16T00:00:00.000Z&interval=week',
      token,
    );
    expect(weeks.body.buckets.map((b: any) => [b.start, b.signals])).toEqual([
      ['2026-02-23T00:00:00.000Z', 0], // the week of Sunday 1 March, counted from the 1st
      ['2026-03-02T00:00:00.000Z', 4],
      ['2026-03-09T00:00:00.000Z', 0],
    ]);
    const months = await k.get(
      '/api/v1/kpis/proactive/trend?from=2026-02-01T00:00:00.000Z&to=2026-04-01T00:00:00.000Z&interval=month',
      token,
    );
    expect(months.body.buckets.map((b: any) => [b.start, b.end, b.signals])).toEqual([
      ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', 1],
      ['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 6],
    ]);
    const auto = async (from: string, to: string) =>
      (await k.get(`/api/v1/kpis/proactive/trend?from=${from}&to=${to}`, token)).body.interval;
    expect(await auto('2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')).toBe('day');
    expect(await auto('2026-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z')).toBe('week');
    expect(await auto('2023-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z')).toBe('month');
    // The default: the last 90 days, by week.
    const res = await k.get('/api/v1/kpis/proactive/trend', token);
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(90 * 24 * 3600_000);
    expect(res.body.interval).toBe('week');
    expect(res.body.buckets.length).toBeGreaterThanOrEqual(13);
    expect(res.body.buckets.length).toBeLessThanOrEqual(15);
  });

  it('refuses a bad period, interval or time zone, and too many buckets, naming the field', async () => {
    const bad = async (query: string, path: string) => {
      const res = await k.get(`/api/v1/kpis/proactive/trend?${query}`, token);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
      return res;
    };
    await bad('from=2026-03-05T00:00:00.000Z&to=2026-03-01T00:00:00.000Z', 'query.from');
    await bad('interval=hour', 'query.interval');
    // Outside 1970 to 9000: a bucket there would end past the year 9999, or be misread.
    await bad('to=9999-12-31T23:59:59.999Z', 'query.to');
    await bad('from=0001-01-01T00:00:00.000Z&to=0002-01-01T00:00:00.000Z&interval=month', 'query.from');
    await bad('from=0000-01-01T00:00:00.000Z', 'query.from');
    await bad('timezone=Mars/Olympus', 'query.timezone');
    const many = await bad(
      'from=2020-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z&interval=day',
      'query.interval',
    );
    expect(many.body.error.message).toContain('at most 600 buckets');
    // A zone the schema lets through but the database does not know: still a 400, not a 500.
    const err = await getProactiveTrend(k.db, SYSTEM_ACTOR, { timezone: 'Mars/Olympus' }).catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, code: 'validation_error' });
    expect(err.details).toEqual([
      { path: 'query.timezone', message: 'the database does not know the time zone "Mars/Olympus"' },
    ]);
    // Six years by week is fine (313 weeks).
    const ok = await k.get(
      '/api/v1/kpis/proactive/trend?from=2020-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z&interval=week',
      token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.buckets).toHaveLength(314);
  });
});

describe('proactive KPIs per rule', () => {
  let k: TestApp;
  let token: string;
  const from = '2026-03-01T00:00:00.000Z';
  const to = '2026-04-01T00:00:00.000Z';
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    k = await startTestApp();
    token = (await makeUser(k.db, 'admin')).token;
    const scans = await makeRule(k.db, { name: 'Shipment not scanned', severity: 'medium' });
    const damaged = await makeRule(k.db, { name: 'Damaged in transit', severity: 'high' });
    const quiet = await makeRule(k.db, { name: 'Quiet rule', severity: 'low' });
    const off = await makeRule(k.db, { name: 'Switched off', enabled: false });
    const gone = await makeRule(k.db, { name: 'Deleted, fired in March' });
    const goneQuiet = await makeRule(k.db, { name: 'Deleted, never fired' });
    Object.assign(ids, { scans: scans.id, damaged: damaged.id, quiet: quiet.id, off: off.id, gone: gone.id });
    const sig = (ruleId: string, o: Parameters<typeof makeSignal>[1] = {}) =>
      makeSignal(k.db, { ruleId, detectedAt: at('2026-03-10T10:00:00.000Z'), ...o });
    const d = '2026-03-10T10:00:00.000Z';
    await sig(scans.id, { state: 'resolved', resolvedByEvent: true, dueAt: plus(d, 120) });
    await sig(scans.id, { state: 'resolved', resolvedByEvent: true, dueAt: plus(d, 240) });
    await sig(scans.id, {
      state: 'dismissed',
      dueAt: plus(d, 60),
      detectedAt: at('2026-03-20T10:00:00.000Z'),
    });
    await sig(scans.id, { state: 'open', customerContactedFirst: true });
    await sig(damaged.id, { state: 'acted', caseId: null });
    // Dismissed by the erasure of its customer: not a false alarm of the rule.
    await sig(damaged.id, { state: 'dismissed', resolution: ERASED_SIGNAL_RESOLUTION });
    await sig(gone.id, { state: 'resolved' });
    // Outside the period.
    await sig(quiet.id, { detectedAt: at('2026-02-27T00:00:00.000Z') });
    await sig(scans.id, { detectedAt: at(to) });
    await k.db.execute(
      sql`update signal_rules set deleted_at = now() where id in (${gone.id}, ${goneQuiet.id})`,
    );
  });
  afterAll(() => k?.close());

  it('lists every live rule and deleted ones that fired, most signals first, with what became of them', async () => {
    const res = await k.get(`/api/v1/kpis/proactive/rules?from=${from}&to=${to}`, token);
    expect(res.status).toBe(200);
    expect(res.body.from).toBe(from);
    expect(res.body.items.map((r: any) => [r.name, r.signals, r.enabled, r.deleted])).toEqual([
      ['Shipment not scanned', 4, true, false],
      ['Damaged in transit', 2, true, false],
      ['Deleted, fired in March', 1, true, true],
      ['Quiet rule', 0, true, false],
      ['Switched off', 0, false, false],
    ]);
    expect(res.body.items[0]).toEqual({
      ruleId: ids.scans,
      name: 'Shipment not scanned',
      kind: 'match',
      severity: 'medium',
      enabled: true,
      deleted: false,
      signals: 4,
      live: 1,
      resolved: 2,
      resolvedByEvent: 2,
      dismissed: 1,
      dismissedErased: 0,
      dismissedShare: 0.25,
      casesOpened: 0,
      caughtBeforeContact: 3,
      caughtBeforeContactShare: 0.75,
      contactsAvoided: 2,
      leadTimeMedianMinutes: 120,
      lastDetectedAt: '2026-03-20T10:00:00.000Z',
    });
    expect(res.body.items[1]).toMatchObject({
      name: 'Damaged in transit',
      live: 1,
      dismissed: 0,
      dismissedErased: 1,
      dismissedShare: 0,
    });
    expect(res.body.items[3]).toMatchObject({
      name: 'Quiet rule',
      signals: 0,
      dismissedShare: null,
      caughtBeforeContactShare: null,
      leadTimeMedianMinutes: null,
      lastDetectedAt: null,
    });
  });

  it('is for staff only', async () => {
    const customer = (await makeUser(k.db, 'customer')).token;
    for (const path of ['/api/v1/kpis/proactive/rules', '/api/v1/kpis/proactive/trend']) {
      const res = await k.get(path, customer);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await k.get(path)).status).toBe(401);
    }
  });
});

describe('the signals behind each KPI: the signals list filters as the KPIs count', () => {
  let k: TestApp;
  let token: string;
  const from = '2026-05-01T00:00:00.000Z';
  const to = '2026-06-01T00:00:00.000Z';
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    k = await startTestApp();
    token = (await makeUser(k.db, 'agent')).token;
    const rule = await makeRule(k.db, { name: 'KPI filters rule' });
    const d = '2026-05-10T10:00:00.000Z';
    const sig = async (name: string, o: Parameters<typeof makeSignal>[1]) => {
      ids[name] = (await makeSignal(k.db, { ruleId: rule.id, detectedAt: at(d), ...o })).id;
    };
    // Caught, handled, the customer never wrote in: a contact avoided, with a due time.
    await sig('avoided', { state: 'resolved', dueAt: plus(d, 120) });
    // Caught and acted on, but the customer wrote in later: not avoided.
    await sig('wroteLater', { state: 'acted', customerContactAt: at('2026-05-11T08:00:00.000Z') });
    // The customer had written first: not caught, not avoided; a due time.
    await sig('contactedFirst', { state: 'resolved', customerContactedFirst: true, dueAt: plus(d, 30) });
    // Caught, but a false alarm; and one still open.
    await sig('dismissed', { state: 'dismissed', dueAt: plus(d, 60) });
    await sig('open', { state: 'open' });
    // Outside the period: caught, avoided, with a due time.
    await sig('before', { state: 'resolved', detectedAt: at('2026-04-30T23:59:59.000Z'), dueAt: plus(d, 5) });
  });
  afterAll(() => k?.close());

  const listed = async (filter: string) => {
    const res = await k.get(
      `/api/v1/signals?detectedFrom=${from}&detectedTo=${to}&includeTotal=true&${filter}`,
      token,
    );
    expect(res.status).toBe(200);
    const names = (res.body.items as { id: string }[]).map(
      (s) => Object.entries(ids).find(([, id]) => id === s.id)![0],
    );
    expect(res.body.total).toBe(names.length);
    return names.sort();
  };

  it('lists exactly the signals each tile counts, and with false the others of the period', async () => {
    const kpis = (await k.get(`/api/v1/kpis/proactive?from=${from}&to=${to}`, token)).body;
    expect(kpis).toMatchObject({
      signals: 5,
      caughtBeforeContact: 4,
      contactsAvoided: 1,
      leadTimeMinutes: { count: 3 },
    });
    const caught = await listed('caughtBeforeContact=true');
    expect(caught).toEqual(['avoided', 'dismissed', 'open', 'wroteLater']);
    expect(caught).toHaveLength(kpis.caughtBeforeContact);
    expect(await listed('caughtBeforeContact=false')).toEqual(['contactedFirst']);

    const avoided = await listed('contactAvoided=true');
    expect(avoided).toEqual(['avoided']);
    expect(avoided).toHaveLength(kpis.contactsAvoided);
    expect(await listed('contactAvoided=false')).toEqual([
      'contactedFirst',
      'dismissed',
      'open',
      'wroteLater',
    ]);

    const due = await listed('hasDueTime=true');
    expect(due).toEqual(['avoided', 'contactedFirst', 'dismissed']);
    expect(due).toHaveLength(kpis.leadTimeMinutes.count);
    expect(await listed('hasDueTime=false')).toEqual(['open', 'wroteLater']);

    // With the other filters, as any.
    expect(await listed('caughtBeforeContact=true&hasDueTime=true&state=resolved,dismissed')).toEqual([
      'avoided',
      'dismissed',
    ]);
  });

  it('the export holds the same signals; a filter that is not true or false is a 400 naming it', async () => {
    const csv = await k.get(
      `/api/v1/signals/export.csv?detectedFrom=${from}&detectedTo=${to}&contactAvoided=true&timezone=UTC`,
      token,
    );
    expect(csv.status).toBe(200);
    const lines = (csv.body as string).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(ids.avoided);

    const bad = await k.get('/api/v1/signals?caughtBeforeContact=yes', token);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(bad.body.error.message).toMatch(/caughtBeforeContact/);
  });
});
