// The demo's cases and proactive cases dated as a team's past weeks, whatever day the demo is
// written (a Sunday, a night): opened in the Berlin office's hours, answered and solved in them,
// solved before the seeding minute, proactive cases opened when their first signal was detected;
// and the business-hours arithmetic that dates them, on a fixed Sunday.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Database } from '../../db/client.js';
import { compileCalendar } from '../../core/business-time.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { getPromiseKpis } from '../domains/signals/kpis.service.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { businessHoursAgo } from './seed-cases.js';
import { seedDemo } from './seed.js';

const office = compileCalendar({
  timezone: 'Europe/Berlin',
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '18:00' })),
  holidays: ['2026-12-25'],
});

describe('businessHoursAgo', () => {
  it.each([
    // Sunday noon in Berlin: back into Friday's office hours.
    ['2026-12-06T11:00:00.000Z', 2, '2026-12-04T15:00:00.000Z'],
    ['2026-12-06T11:00:00.000Z', 0.5, '2026-12-04T16:30:00.000Z'],
    // Twelve business hours back from Sunday: Thursday 16:00.
    ['2026-12-06T11:00:00.000Z', 12, '2026-12-03T15:00:00.000Z'],
    // Monday 09:00: one hour back is Monday 08:00, two is Friday 17:00.
    ['2026-12-07T08:00:00.000Z', 1, '2026-12-07T07:00:00.000Z'],
    ['2026-12-07T08:00:00.000Z', 2, '2026-12-04T16:00:00.000Z'],
    // Over a holiday (Friday 25 December) and the weekend.
    ['2026-12-28T08:00:00.000Z', 2, '2026-12-24T16:00:00.000Z'],
  ])('from %s, %s business hours back: %s', (now, hours, expected) => {
    expect(businessHoursAgo(office, new Date(now), hours).toISOString()).toBe(expected);
  });
});

describe('demo cases seed', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let seededAt: Date;
  beforeAll(async () => {
    handle = await createTestDatabase();
    db = handle.db;
    seededAt = new Date();
    await seedDemo(db, { history: false });
  }, 120_000);
  afterAll(() => handle?.close());

  /** A time's hour and weekday in Berlin (1 = Monday … 7 = Sunday). */
  const inBerlin = sql`extract(isodow from c.created_at at time zone 'Europe/Berlin')::int as dow,
    extract(hour from c.created_at at time zone 'Europe/Berlin')::int as hour`;

  it('opens the cases in Berlin office hours over about three weeks, not only in the last days', async () => {
    const found = await rows<{ dow: number; hour: number; created_at: string }>(
      db,
      sql`select ${inBerlin}, c.created_at from cases c where c.channel <> 'proactive'`,
    );
    expect(found.length).toBeGreaterThanOrEqual(60);
    const outside = found.filter((c) => c.dow > 5 || c.hour < 8 || c.hour >= 18);
    // The demo's own late customer e-mail and Maria's answer come at the seeding minute.
    expect(outside.length).toBeLessThanOrEqual(2);
    const oldest = Math.min(...found.map((c) => Date.parse(c.created_at)));
    expect(seededAt.getTime() - oldest).toBeGreaterThan(10 * 24 * 3_600_000);
  });

  it('solves cases before the seeding minute, their resolution promise met then', async () => {
    const solved = await rows<{ solved_at: string; met_at: string | null; replied: string | null }>(
      db,
      sql`select c.solved_at, p.met_at, c.first_responded_at as replied
        from cases c left join case_promises p on p.case_id = c.id and p.kind = 'resolution'
        where c.status = 'solved' and c.channel <> 'proactive'`,
    );
    expect(solved.length).toBeGreaterThan(5);
    const early = solved.filter((c) => Date.parse(c.solved_at) < seededAt.getTime() - 60_000);
    // All but the case the demo's agent solves at the end of the flow.
    expect(early.length).toBeGreaterThanOrEqual(solved.length - 1);
    for (const c of early) {
      if (c.met_at) expect(c.met_at).toBe(c.solved_at);
      if (c.replied) expect(Date.parse(c.solved_at)).toBeGreaterThan(Date.parse(c.replied));
    }
    // Spread over days, not one minute.
    expect(new Set(early.map((c) => c.solved_at.slice(0, 10))).size).toBeGreaterThan(3);
  });

  it('opens each proactive case when its first signal was detected, its clocks started then', async () => {
    const found = await rows<{ created_at: string; opened: string; started: string | null; message: string }>(
      db,
      sql`select c.created_at, min(s.detected_at) as opened,
          (select min(p.started_at) from case_promises p where p.case_id = c.id) as started,
          (select min(m.created_at) from messages m where m.case_id = c.id) as message
        from cases c join signals s on s.case_id = c.id
        where c.channel = 'proactive' group by c.id, c.created_at`,
    );
    expect(found.length).toBeGreaterThan(5);
    for (const c of found) {
      expect(new Date(c.created_at).getTime()).toBe(new Date(c.opened).getTime());
      if (c.started) expect(new Date(c.started).getTime()).toBe(new Date(c.created_at).getTime());
      expect(Date.parse(c.message) - Date.parse(c.created_at)).toBeLessThan(60_000);
    }
    expect(
      found.filter((c) => Date.parse(c.created_at) < seededAt.getTime() - 3_600_000).length,
    ).toBeGreaterThan(found.length / 2);
  });

  /** Every case's timeline (its domain events) with the case's own times. */
  const timelines = () =>
    rows<{
      number: number;
      channel: string;
      created_at: string;
      solved_at: string | null;
      type: string;
      occurred_at: string;
      data: Record<string, unknown>;
      message_at: string | null;
      team: string | null;
      office: boolean;
    }>(
      db,
      sql`select c.number, c.channel, c.created_at, c.solved_at, e.type, e.occurred_at, e.data,
          (select m.created_at from messages m where m.id::text = e.data->>'messageId') as message_at,
          t.name as team,
          extract(isodow from e.occurred_at at time zone 'Europe/Berlin') <= 5
            and extract(hour from e.occurred_at at time zone 'Europe/Berlin') between 8 and 17 as office
        from domain_events e join cases c on c.id = e.entity_id left join teams t on t.id = c.team_id
        where e.entity_type = 'case' order by c.number, e.occurred_at, e.id`,
    );

  it('dates every timeline entry in the case’s own story, not at the seeding minute', async () => {
    const entries = await timelines();
    const at = (iso: string) => new Date(iso).getTime();
    const desk = entries.filter((e) => e.channel !== 'proactive');
    expect(new Set(desk.map((e) => e.number)).size).toBeGreaterThanOrEqual(60);
    // The service desk's cases: nothing at the seeding minute (the demo's live flow happens on
    // proactive cases), every entry at or after the case opened, the opening at its time.
    expect(desk.filter((e) => at(e.occurred_at) >= seededAt.getTime())).toEqual([]);
    for (const e of entries) expect(at(e.occurred_at)).toBeGreaterThanOrEqual(at(e.created_at));
    for (const e of entries.filter((x) => x.type === 'case.created'))
      expect(at(e.occurred_at)).toBe(at(e.created_at));
    // A reply or note when its message was written (the service stamps the message by the
    // server's clock and the entry by its transaction's: a moment apart when not dated by the
    // seed); a solved case's status change when it was solved.
    const messages = entries.filter((e) => e.message_at !== null);
    expect(
      messages.filter((e) => e.type === 'case.replied' && e.channel !== 'proactive').length,
    ).toBeGreaterThan(30);
    for (const e of messages)
      if (e.channel === 'proactive')
        expect(Math.abs(at(e.occurred_at) - at(e.message_at!))).toBeLessThan(1000);
      else expect(at(e.occurred_at)).toBe(at(e.message_at!));
    const solvedNow = desk.filter(
      (e) =>
        e.type === 'case.updated' && (e.data.changes as { status?: { to: string } })?.status?.to === 'solved',
    );
    expect(solvedNow.length).toBeGreaterThan(5);
    for (const e of solvedNow) expect(at(e.occurred_at)).toBe(at(e.solved_at!));
    // Replies, status changes and questions to the carrier in the Berlin office's hours (the
    // Enterprise desk answers round the clock; a promise breaches at its due time, whenever that
    // is); the timeline spreads over days, as the cases do.
    const openedInOffice = new Set(
      desk.filter((e) => e.type === 'case.created' && e.office).map((e) => e.number),
    );
    const officeWork = desk.filter(
      (e) =>
        openedInOffice.has(e.number) && e.team !== 'Enterprise desk' && e.type !== 'case.promise_breached',
    );
    expect(officeWork.length).toBeGreaterThan(150);
    expect(officeWork.filter((e) => !e.office)).toEqual([]);
    expect(new Set(desk.map((e) => e.occurred_at.slice(0, 10))).size).toBeGreaterThan(8);
    // The demo's live flow (a customer's late e-mail, Maria's answer, a signal resolving itself)
    // happens on three proactive cases at the seeding minute; the rest of theirs came before.
    const live = new Set(entries.filter((e) => at(e.occurred_at) >= seededAt.getTime()).map((e) => e.number));
    expect(live.size).toBeLessThanOrEqual(3);
  });

  it('dates the service desk cases’ last update and their mail in their story', async () => {
    const desk = await rows<{ number: number; created_at: string; updated_at: string; last: string }>(
      db,
      sql`select c.number, c.created_at, c.updated_at,
          (select max(e.occurred_at) from domain_events e
            where e.entity_type = 'case' and e.entity_id = c.id
              and e.type <> 'case.promise_breached') as last
        from cases c where c.channel <> 'proactive'`,
    );
    expect(desk.length).toBeGreaterThanOrEqual(60);
    const at = (iso: string) => new Date(iso).getTime();
    // Updated when its last step was taken (not at the seeding minute), a message in a side
    // conversation with the carrier too, as outside the demo.
    expect(desk.filter((c) => at(c.updated_at) >= seededAt.getTime())).toEqual([]);
    for (const c of desk) expect(at(c.updated_at), `case ${c.number}`).toBe(at(c.last));
    expect(new Set(desk.map((c) => c.updated_at.slice(0, 10))).size).toBeGreaterThan(8);
    // The mail the desk wrote and got (questions to the carrier and its answers) then too.
    const mail = await rows<{ created_at: string; side: boolean }>(
      db,
      sql`select m.created_at, m.side_conversation_id is not null as side from mail_messages m
        left join side_conversations s on s.id = m.side_conversation_id
        join cases c on c.id = coalesce(m.case_id, s.case_id)
        where c.channel <> 'proactive'`,
    );
    expect(mail.filter((m) => m.side).length).toBeGreaterThan(2);
    expect(mail.filter((m) => at(m.created_at) >= seededAt.getTime())).toEqual([]);
  });

  it('uses a share of the target on promises kept: the median target used is not 0%, whatever the day', async () => {
    const kpis = await getPromiseKpis(db, SYSTEM_ACTOR, {
      from: new Date(seededAt.getTime() - 40 * 24 * 3_600_000).toISOString(),
      groupBy: 'kind',
    });
    const first = kpis.items.find((r) => r.groupId === 'first_response')!;
    const resolution = kpis.items.find((r) => r.groupId === 'resolution')!;
    expect(first.metOnTime).toBeGreaterThan(10);
    expect(first.medianTargetUsed).toBeGreaterThan(0.05);
    expect(resolution.decided).toBeGreaterThan(10);
    expect(resolution.medianTargetUsed).toBeGreaterThan(0.01);
  });
});
