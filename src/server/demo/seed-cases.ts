// The demo company's service desk: calendars, agreements (default, enterprise segment,
// Northwind's own), teams with assignment modes, and a few weeks of cases in every state,
// dated relative to now so the queues always show promises met, at risk and breached. Cases
// come in the Berlin office's hours (their age is business hours back from now), so a demo
// seeded on a weekend or at night looks like one seeded on a working day: replies in office
// hours, a share of each target used, cases solved over the past weeks rather than all at once.
// What the seed does to a case goes through the services (at the seeding minute); each step is
// then dated when it happened (dateSteps, once all cases are seeded): its timeline entries, the
// messages and side conversations it wrote, a clock it paused, so a case's timeline reads like a
// team's past days.
import { Faker, en } from '@faker-js/faker';
import type { Database } from '../../db/client.js';
import type { CaseCreate } from '../../shared/schemas/cases.js';
import { SYSTEM_ACTOR } from '../lib/actor.js';
import { createAgreement } from '../domains/agreements/agreements.service.js';
import { createCalendar } from '../domains/calendars/calendars.service.js';
import { listCustomers } from '../domains/customers/customers.service.js';
import { applyCaseUpdate, createCase } from '../domains/cases/cases.service.js';
import { addMessage } from '../domains/cases/messages.service.js';
import { receiveSideMessage, startSideConversation } from '../domains/cases/side-conversations.service.js';
import { listOrganizations } from '../domains/organizations/organizations.service.js';
import { createTeam, updateAgentProfile } from '../domains/teams/teams.service.js';
import { listUsers } from '../domains/users/users.service.js';
import { and, eq, sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import {
  addBusinessMs,
  businessMsBetween,
  compileCalendar,
  openIntervalsBetween,
  type BusinessCalendar,
} from '../../core/business-time.js';
import { casePromises, cases } from '../domains/cases/cases.table.js';
import { berlinHolidays, holidaysAround, newYorkHolidays } from './holidays.js';

const WEEKDAYS = (open: string, close: string) => [1, 2, 3, 4, 5].map((day) => ({ day, open, close }));

const SUBJECTS: [string, string, string][] = [
  [
    'order_status',
    'Where is my order {ref}?',
    'I ordered {ref} last week and have heard nothing since. Can you tell me when it ships?',
  ],
  [
    'late_delivery',
    'Delivery {ref} is late',
    'The delivery for {ref} was promised for Tuesday and has not arrived.',
  ],
  [
    'damaged_product',
    'Item arrived damaged ({ref})',
    'Two of the boxes in shipment {ref} were crushed and the contents are broken.',
  ],
  ['wrong_item', 'Wrong item shipped in {ref}', 'We received size M instead of L in order {ref}.'],
  [
    'invoice_error',
    'Invoice {ref} shows the wrong price',
    'Invoice {ref} charges list price although our contract price applies.',
  ],
  ['order_change', 'Change delivery address for {ref}', 'Please deliver {ref} to our new warehouse instead.'],
  [
    'complaint',
    'Complaint about repeated delays',
    'This is the third late delivery this month. We need a plan to fix this.',
  ],
  [
    'technical_question',
    'How do I connect the scanner to the portal?',
    'Our new barcode scanner does not show up in the ordering portal.',
  ],
];

/** What customers with broken or wrong goods ask for, in turn (the demo's list field). */
const RESOLUTIONS = ['Refund', 'Replacement', 'Refund', 'Credit note'];

/** How many cases the demo opens. */
export const DEMO_CASES = 60;

/** `days` days from now at 09:00 UTC: a follow-up as an agent would set it. */
function morningsAhead(days: number): string {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + days);
  at.setUTCHours(9, 0, 0, 0);
  return at.toISOString();
}

const HOUR = 3_600_000;

/** The instant `hours` business hours of `cal` before `now` (the office's hours, back over weekends). */
export function businessHoursAgo(cal: BusinessCalendar, now: Date, hours: number): Date {
  let left = Math.round(hours * HOUR);
  const open = openIntervalsBetween(cal, new Date(now.getTime() - 400 * 24 * HOUR), now);
  for (let i = open.length - 1; i >= 0; i--) {
    const { start, end } = open[i]!;
    const length = end.getTime() - start.getTime();
    if (left <= length) return new Date(end.getTime() - left);
    left -= length;
  }
  return new Date(now.getTime() - hours * HOUR);
}

export async function seedDemoCases(db: Database) {
  const actor = SYSTEM_ACTOR;
  const faker = new Faker({ locale: [en] });
  faker.seed(4711);

  const berlin = await createCalendar(db, actor, {
    name: 'Berlin office',
    timezone: 'Europe/Berlin',
    hours: WEEKDAYS('08:00', '18:00'),
    holidays: holidaysAround(new Date(), berlinHolidays),
  });
  const always = await createCalendar(db, actor, {
    name: '24/7 support',
    timezone: 'UTC',
    hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
    holidays: [],
  });
  await createCalendar(db, actor, {
    name: 'New York office',
    timezone: 'America/New_York',
    hours: [...WEEKDAYS('09:00', '12:30'), ...WEEKDAYS('13:30', '17:30')],
    holidays: holidaysAround(new Date(), newYorkHolidays),
  });

  const users = await listUsers(db, actor);
  const ava = users.find((u) => u.email === 'ava@steward.demo')!;
  const ben = users.find((u) => u.email === 'ben@steward.demo')!;
  const adminUser = users.find((u) => u.email === 'admin@steward.demo')!;

  const standard = await createAgreement(db, actor, {
    name: 'Standard service',
    description: 'Everyone without a more specific agreement.',
    calendarId: berlin.id,
    targets: [
      { kind: 'first_response', minutes: 240 },
      { kind: 'first_response', priority: 'high', minutes: 120 },
      { kind: 'first_response', priority: 'urgent', minutes: 60 },
      { kind: 'next_response', minutes: 480 },
      { kind: 'resolution', minutes: 2400 },
    ],
    ownerId: adminUser.id,
    reviewDate: '2027-03-31',
  });
  const premium = await createAgreement(db, actor, {
    name: 'Enterprise premium',
    description: 'Round-the-clock response for enterprise accounts.',
    calendarId: always.id,
    scope: { segment: 'enterprise' },
    targets: [
      { kind: 'first_response', minutes: 60 },
      { kind: 'first_response', priority: 'urgent', minutes: 15 },
      { kind: 'next_response', minutes: 120 },
      { kind: 'periodic_update', priority: 'urgent', minutes: 240 },
      { kind: 'resolution', minutes: 1440 },
    ],
    ownerId: ava.id,
    reviewDate: '2027-01-15',
  });
  const orgs = (await listOrganizations(db, actor, { limit: 50, sort: 'name' })).items;
  const northwind = orgs.find((o) => o.name === 'Northwind Traders')!;
  const northwindPsa = await createAgreement(db, actor, {
    name: 'Northwind Traders PSA',
    description: 'Negotiated with Northwind’s purchasing team: faster response on the business calendar.',
    calendarId: berlin.id,
    scope: { organizationId: northwind.id },
    targets: [
      { kind: 'first_response', minutes: 30 },
      { kind: 'next_response', minutes: 60 },
      { kind: 'resolution', minutes: 960 },
    ],
    warnPercent: 60,
    ownerId: ava.id,
    reviewDate: '2026-11-01',
  });

  await updateAgentProfile(
    db,
    actor,
    ava.id,
    { skills: ['german', 'enterprise'], capacity: 25 },
    async () => 0,
  );
  await updateAgentProfile(
    db,
    actor,
    ben.id,
    { skills: ['english', 'invoice'], capacity: 25 },
    async () => 0,
  );
  const orders = await createTeam(db, actor, {
    name: 'Order support',
    description: 'Orders, deliveries, changes',
    assignmentMode: 'round_robin',
    memberIds: [ava.id, ben.id],
  });
  const billing = await createTeam(db, actor, {
    name: 'Billing',
    description: 'Invoices and credits',
    assignmentMode: 'least_loaded',
    memberIds: [ben.id],
  });
  const enterprise = await createTeam(db, actor, {
    name: 'Enterprise desk',
    description: 'Named contacts for enterprise accounts',
    assignmentMode: 'manual',
    memberIds: [ava.id],
  });

  // Agents work in the Berlin office's hours, so a reply comes the drawn number of business
  // hours after the case opened and "target used" reads as on a working day, whatever day the
  // demo starts; the enterprise desk answers round the clock. What would fall after now (a case
  // solved after a reply of the last office hours, this weekend) comes halfway there instead,
  // in the same hours.
  const office = compileCalendar(berlin);
  const roundTheClock = compileCalendar(always);
  const now = Date.now();
  const answeredAt = (from: Date, hours: number, anyTime: boolean) => {
    const cal = anyTime ? roundTheClock : office;
    const wanted = addBusinessMs(cal, from, Math.round(hours * HOUR));
    if (wanted.getTime() < now - 60_000) return wanted;
    const left = businessMsBetween(cal, from, new Date(now - 60_000));
    return left > 0 ? addBusinessMs(cal, from, Math.round(left / 2)) : from;
  };
  const customers = (await listCustomers(db, actor, { limit: 500, sort: 'name' })).items;
  const calendarOf = new Map([
    [berlin.id, office],
    [always.id, roundTheClock],
  ]);
  /** Each agreement's calendar: where its clocks count business time. */
  const clockCalendars = new Map(
    [standard, premium, northwindPsa].map((a) => [a.id, calendarOf.get(a.calendarId)!] as const),
  );
  // Every step of every case's story, in the order they ran, dated together at the end.
  const steps: CaseStep[] = [];
  /** Runs one step of a case's story; what it wrote is dated at `at` (dateSteps). */
  const step = async <T>(caseId: string, at: Date, work: () => Promise<T>): Promise<T> => {
    const since = await databaseClock(db);
    const done = await work();
    steps.push({ caseId, since, at });
    return done;
  };
  const hours = (h: number) => businessHoursAgo(office, new Date(now), h).toISOString();
  // Solved cases and when they were solved, dated once all are seeded (solveAt).
  const solved: { caseId: string; at: Date }[] = [];
  let created = 0;
  let sideAnswers = 0;
  for (let i = 0; i < DEMO_CASES; i++) {
    const customer = faker.helpers.arrayElement(customers);
    const [category, subjectT, bodyT] = faker.helpers.arrayElement(SUBJECTS);
    const ref =
      category === 'invoice_error'
        ? `INV-${faker.number.int({ min: 20000, max: 29999 })}`
        : `SO-${faker.number.int({ min: 100000, max: 199999 })}`;
    const ageHours = faker.helpers.weightedArrayElement([
      { value: faker.number.float({ min: 0.1, max: 6 }), weight: 4 },
      { value: faker.number.float({ min: 6, max: 48 }), weight: 4 },
      // Business hours: up to about three weeks back.
      { value: faker.number.float({ min: 48, max: 160 }), weight: 2 },
    ]);
    const enterpriseCustomer = customer.effectiveSegment === 'enterprise';
    const team =
      category === 'invoice_error'
        ? billing
        : enterpriseCustomer && faker.datatype.boolean()
          ? enterprise
          : orders;
    const input: CaseCreate = {
      subject: subjectT.replace('{ref}', ref),
      customerId: customer.id,
      channel: faker.helpers.arrayElement(['email', 'email', 'web', 'phone', 'portal'] as const),
      category,
      priority: faker.helpers.weightedArrayElement([
        { value: 'normal' as const, weight: 6 },
        { value: 'high' as const, weight: 3 },
        { value: 'urgent' as const, weight: 1 },
        { value: 'low' as const, weight: 2 },
      ]),
      teamId: team.id,
      tags: category === 'complaint' ? ['escalated'] : [],
      requiredSkills: category === 'invoice_error' ? ['invoice'] : [],
      message: { body: bodyT.replace('{ref}', ref) },
      createdAt: hours(ageHours),
      // The case fields the demo defines (seed.ts): the order, and for broken or wrong goods
      // what the customer would like (taken from the case's place, not from the random draws,
      // so the rest of the demo stays as it was).
      customFields: {
        ...(ref.startsWith('SO-') && category !== 'complaint' && category !== 'technical_question'
          ? { order_number: ref }
          : {}),
        ...(category === 'damaged_product' || category === 'wrong_item'
          ? { preferred_resolution: RESOLUTIONS[i % RESOLUTIONS.length]! }
          : {}),
      },
    };
    const openedAt = new Date(input.createdAt!);
    const since = await databaseClock(db);
    const c = await createCase(db, actor, input);
    steps.push({ caseId: c.id, since, at: openedAt });
    created++;
    // Now and then the customer copied their purchasing desk in (with the mail that opened the
    // case): it gets the replies too.
    if (input.channel === 'email' && customer.email && customer.organizationId && i % 6 === 0) {
      const cc = [`purchasing@${customer.email.slice(customer.email.indexOf('@') + 1)}`];
      await step(c.id, openedAt, () =>
        db.transaction((tx) => applyCaseUpdate(tx, actor, c.id, { cc }, 'mail_cc')),
      );
    }
    // Older cases have progressed: replied, waiting on the customer, or solved.
    const stage =
      ageHours < 1
        ? 'new'
        : ageHours > 48
          ? faker.helpers.arrayElement(['solved', 'solved', 'pending', 'replied'])
          : faker.helpers.arrayElement(['replied', 'replied', 'pending', 'solved', 'untouched']);
    if (stage === 'untouched' || stage === 'new') continue;
    const anyTime = team === enterprise;
    const replyAt = answeredAt(
      new Date(c.createdAt),
      faker.number.float({ min: 0.05, max: Math.min(ageHours * 0.5, 1.5) }),
      anyTime,
    );
    const agentActor = {
      ...actor,
      kind: 'user' as const,
      userId: c.assigneeId ?? ava.id,
      role: 'agent' as const,
    };
    // The reply, and the status it set (pending, or open from new), when the agent wrote it.
    await step(c.id, replyAt, () =>
      addMessage(db, { ...agentActor, role: 'admin' }, c.id, {
        body: `Thank you for letting us know about ${ref}. I am looking into it and will update you shortly.`,
        public: true,
        createdAt: replyAt.toISOString(),
        status: stage === 'pending' ? 'pending' : undefined,
        // Waiting on the customer: the agent looks again one to four mornings from now.
        followUpAt: stage === 'pending' ? morningsAhead((i % 4) + 1) : undefined,
      }),
    );
    if (stage === 'solved') {
      // Solved a few office hours after the reply (not the seeding minute), always before now.
      const at = answeredAt(replyAt, 1 + (i % 7) * 1.5, anyTime);
      await step(c.id, at, () =>
        db.transaction((tx) => applyCaseUpdate(tx, agentActor, c.id, { status: 'solved' })),
      );
      solved.push({ caseId: c.id, at });
    }
    // A late delivery still being looked into: the agent asked the carrier in a side
    // conversation a quarter of an hour after the reply, and every other time the carrier has
    // answered, a few of its office hours later.
    if (category === 'late_delivery' && stage === 'replied') {
      const askedAt = answeredAt(replyAt, 0.25, anyTime);
      const side = await step(c.id, askedAt, () =>
        startSideConversation(db, agentActor, c.id, {
          to: ['claims@boxly.example'],
          subject: `Where is the parcel of ${ref}?`,
          body: `Hello, our customer has not received ${ref}. Could you tell us where the parcel is and when it will be delivered?`,
        }),
      );
      if (++sideAnswers % 2 === 1)
        await step(c.id, answeredAt(askedAt, 2.5, false), () =>
          db.transaction((tx) =>
            receiveSideMessage(
              tx,
              side.id,
              { address: 'claims@boxly.example', name: 'Boxly Claims' },
              `The parcel of ${ref} was held at our Leipzig hub after a sorting fault. It goes out on tomorrow's first tour.`,
            ),
          ),
        );
    }
  }
  await dateSteps(db, steps, clockCalendars);
  await solveAt(db, solved, clockCalendars);
  return { cases: created, teams: 3, agreements: 3, calendars: 3 };
}

/**
 * Dates the solving of demo cases when it happened, as an import from an older system would: the
 * case's solved time and its resolution clock, met then (on time when by its due time, else
 * breached at the due time and kept late), the business time it used on its calendar, and its
 * timeline entry saying so. The status change itself went through the service (a clock, domain
 * events), dated by dateStep.
 */
export async function solveAt(
  db: Database,
  solved: { caseId: string; at: Date }[],
  /** Each agreement's calendar (by agreement id). */
  calendarOf: Map<string, BusinessCalendar>,
) {
  for (const { caseId, at } of solved) {
    await db.update(cases).set({ solvedAt: at }).where(eq(cases.id, caseId));
    const clocks = await db
      .select()
      .from(casePromises)
      .where(and(eq(casePromises.caseId, caseId), eq(casePromises.kind, 'resolution')));
    for (const clock of clocks) {
      if (clock.state !== 'met' && clock.state !== 'breached') continue;
      const cal = calendarOf.get(clock.agreementId);
      const onTime = clock.dueAt !== null && at.getTime() <= clock.dueAt.getTime();
      await db
        .update(casePromises)
        .set({
          state: onTime ? 'met' : 'breached',
          metAt: at,
          breachedAt: onTime ? null : clock.dueAt,
          usedMs: cal ? businessMsBetween(cal, clock.startedAt, at) : clock.usedMs,
        })
        .where(eq(casePromises.id, clock.id));
      await db.execute(sql`update domain_events
        set data = data || jsonb_build_object('metAt', ${at.toISOString()}::text, 'late', ${!onTime}::boolean)
        where entity_type = 'case' and entity_id = ${caseId} and type = 'case.promise_met'
          and data->>'kind' = 'resolution'`);
      // Solved in time, as it was then: the breach the seeding minute saw never happened.
      if (onTime)
        await db.execute(sql`delete from domain_events
          where entity_type = 'case' and entity_id = ${caseId} and type = 'case.promise_breached'
            and data->>'kind' = 'resolution'`);
    }
  }
}

/** The database's clock now (text, to the microsecond): where the next step's rows start. */
export async function databaseClock(db: Database): Promise<string> {
  const [clock] = await rows<{ now: string }>(db, sql`select clock_timestamp()::text as now`);
  return clock!.now;
}

/** A step of a demo case's story: what it wrote from `since` (databaseClock before it ran) on. */
export interface CaseStep {
  caseId: string;
  since: string;
  /** When it happened. */
  at: Date;
}

/** Dates one step of a demo case at `at`, right after it ran (dateSteps with that step alone). */
export async function dateStep(
  db: Database,
  /** calendarOf: each agreement's calendar (by agreement id). */
  opts: CaseStep & { calendarOf: Map<string, BusinessCalendar> },
) {
  await dateSteps(db, [opts], opts.calendarOf);
}

/**
 * Dates the steps of demo cases, given in the order they ran, each at its `at`: what a step wrote
 * from its `since` until the next step's began (the last: until now) — the case's timeline entries
 * (a promise breached on the way at its own breach time), the messages, side conversations and
 * mail it wrote, the case's last update, and a clock it paused (the business time used until then
 * on the agreement's calendar). Rows outside the steps' windows are not touched. A few set-based
 * statements for all steps, in one transaction.
 */
export async function dateSteps(
  db: Database,
  steps: CaseStep[],
  /** Each agreement's calendar (by agreement id). */
  calendarOf: Map<string, BusinessCalendar>,
) {
  if (steps.length === 0) return;
  const uuids = (values: string[]) => sql`${sql.param(values)}::uuid[]`;
  const times = (values: string[]) => sql`${sql.param(values)}::timestamptz[]`;
  // One row per step: its case, its window [since, until) and when it happened.
  const caseIds = uuids(steps.map((s) => s.caseId));
  const since = times(steps.map((s) => s.since));
  const until = times(steps.map((_, i) => steps[i + 1]?.since ?? 'infinity'));
  const at = times(steps.map((s) => s.at.toISOString()));
  const window = sql`unnest(${caseIds}, ${since}, ${until}, ${at}) as s(case_id, since, until, at)`;
  await db.transaction(async (tx) => {
    // A promise found breached as the step ran was breached at its due time, before or after
    // the step (a resolution still open), not at the seeding minute.
    await tx.execute(sql`update domain_events e set occurred_at =
        case when e.type = 'case.promise_breached' and e.data ? 'breachedAt'
          then (e.data->>'breachedAt')::timestamptz else s.at end
      from ${window}
      where e.entity_type = 'case' and e.entity_id = s.case_id
        and e.occurred_at >= s.since and e.occurred_at < s.until`);
    await tx.execute(sql`update messages m set created_at = s.at from ${window}
      where m.case_id = s.case_id and m.created_at >= s.since and m.created_at < s.until`);
    // The case changed then (its list's "Updated" column), and the mail the step wrote (a reply
    // to the customer, a question to the carrier) was written then.
    await tx.execute(sql`update cases c set updated_at = s.at from ${window}
      where c.id = s.case_id and c.updated_at >= s.since and c.updated_at < s.until`);
    await tx.execute(sql`update mail_messages m set created_at = s.at from ${window}
      where m.created_at >= s.since and m.created_at < s.until and (m.case_id = s.case_id
        or m.side_conversation_id in (select id from side_conversations where case_id = s.case_id))`);
    // A side conversation's start and its last message: one at a time, as they may be two steps
    // (an update matches one row of the steps per row it changes).
    for (const column of [sql.identifier('created_at'), sql.identifier('last_message_at')])
      await tx.execute(sql`update side_conversations c set ${column} = s.at from ${window}
        where c.case_id = s.case_id and c.${column} >= s.since and c.${column} < s.until`);
    const paused = await rows<{
      id: string;
      agreement_id: string;
      kind: string;
      started_at: string;
      used_ms: number;
      case_id: string;
      at: string;
    }>(
      tx,
      sql`select p.id, p.agreement_id, p.kind, p.started_at, p.used_ms, p.case_id, s.at
        from case_promises p join ${window} on p.case_id = s.case_id
        where p.paused_at >= s.since and p.paused_at < s.until`,
    );
    if (paused.length === 0) return;
    const usedMs = paused.map((clock) => {
      const cal = calendarOf.get(clock.agreement_id);
      return cal
        ? businessMsBetween(cal, new Date(clock.started_at), new Date(clock.at))
        : Number(clock.used_ms);
    });
    const clockIds = uuids(paused.map((p) => p.id));
    const pausedAt = times(paused.map((p) => new Date(p.at).toISOString()));
    const used = sql`${sql.param(usedMs)}::bigint[]`;
    const clocks = sql`unnest(${clockIds}, ${pausedAt}, ${used}) as v(id, at, used_ms)`;
    await tx.execute(sql`update case_promises p set paused_at = v.at, used_ms = v.used_ms
      from ${clocks} where p.id = v.id`);
    await tx.execute(sql`update domain_events e
      set data = e.data || jsonb_build_object('usedMinutes', round(v.used_ms / 60000.0)::int)
      from ${clocks} join case_promises p on p.id = v.id
      where e.entity_type = 'case' and e.entity_id = p.case_id and e.type = 'case.promise_paused'
        and e.data->>'kind' = p.kind and e.occurred_at = v.at`);
  });
}
