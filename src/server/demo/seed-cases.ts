// The demo company's service desk: calendars, agreements (default, enterprise segment,
// Northwind's own), teams with assignment modes, and a few weeks of cases in every state,
// dated relative to now so the queues always show promises met, at risk and breached. Cases
// come in the Berlin office's hours (their age is business hours back from now), so a demo
// seeded on a weekend or at night looks like one seeded on a working day: replies in office
// hours, a share of each target used, cases solved over the past weeks rather than all at once.
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
import { and, eq } from 'drizzle-orm';
import {
  addBusinessMs,
  businessMsBetween,
  compileCalendar,
  openIntervalsBetween,
  type BusinessCalendar,
} from '../../core/business-time.js';
import { agreements } from '../domains/agreements/agreements.table.js';
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

  await createAgreement(db, actor, {
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
  await createAgreement(db, actor, {
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
  await createAgreement(db, actor, {
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

  // Agents answer in the Berlin office's hours, so a reply comes the drawn number of business
  // hours after the case opened and "target used" reads as on a working day, whatever day the
  // demo starts; the enterprise desk answers round the clock. A reply that would fall in the
  // future (a case of this weekend) comes the drawn number of hours after the case instead.
  const office = compileCalendar(berlin);
  const answeredAt = (opened: Date, hours: number, roundTheClock: boolean) => {
    const inOfficeHours = addBusinessMs(office, opened, Math.round(hours * 3_600_000));
    return !roundTheClock && inOfficeHours.getTime() < Date.now()
      ? inOfficeHours
      : new Date(opened.getTime() + hours * 3_600_000);
  };
  const customers = (await listCustomers(db, actor, { limit: 500, sort: 'name' })).items;
  const now = Date.now();
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
    const c = await createCase(db, actor, input);
    created++;
    // Now and then the customer copied their purchasing desk in: it gets the replies too.
    if (input.channel === 'email' && customer.email && customer.organizationId && i % 6 === 0) {
      const cc = [`purchasing@${customer.email.slice(customer.email.indexOf('@') + 1)}`];
      await db.transaction((tx) => applyCaseUpdate(tx, actor, c.id, { cc }, 'mail_cc'));
    }
    // Older cases have progressed: replied, waiting on the customer, or solved.
    const stage =
      ageHours < 1
        ? 'new'
        : ageHours > 48
          ? faker.helpers.arrayElement(['solved', 'solved', 'pending', 'replied'])
          : faker.helpers.arrayElement(['replied', 'replied', 'pending', 'solved', 'untouched']);
    if (stage === 'untouched' || stage === 'new') continue;
    const replyAt = answeredAt(
      new Date(c.createdAt),
      faker.number.float({ min: 0.05, max: Math.min(ageHours * 0.5, 1.5) }),
      enterpriseCustomer,
    );
    const agentActor = {
      ...actor,
      kind: 'user' as const,
      userId: c.assigneeId ?? ava.id,
      role: 'agent' as const,
    };
    await addMessage(db, { ...agentActor, role: 'admin' }, c.id, {
      body: `Thank you for letting us know about ${ref}. I am looking into it and will update you shortly.`,
      public: true,
      createdAt: replyAt.toISOString(),
      status: stage === 'pending' ? 'pending' : undefined,
      // Waiting on the customer: the agent looks again one to four mornings from now.
      followUpAt: stage === 'pending' ? morningsAhead((i % 4) + 1) : undefined,
    });
    if (stage === 'solved') {
      await db.transaction((tx) => applyCaseUpdate(tx, actor, c.id, { status: 'solved' }));
      // Solved a few office hours after the reply (not the seeding minute), always before now.
      const at = answeredAt(replyAt, 1 + (i % 7) * 1.5, enterpriseCustomer);
      const latest = new Date((replyAt.getTime() + now) / 2);
      solved.push({ caseId: c.id, at: at.getTime() < now - 60_000 ? at : latest });
    }
    // A late delivery still being looked into: the agent asked the carrier in a side
    // conversation, and every other time the carrier has answered.
    if (category === 'late_delivery' && stage === 'replied') {
      const side = await startSideConversation(db, agentActor, c.id, {
        to: ['claims@boxly.example'],
        subject: `Where is the parcel of ${ref}?`,
        body: `Hello, our customer has not received ${ref}. Could you tell us where the parcel is and when it will be delivered?`,
      });
      if (++sideAnswers % 2 === 1)
        await db.transaction((tx) =>
          receiveSideMessage(
            tx,
            side.id,
            { address: 'claims@boxly.example', name: 'Boxly Claims' },
            `The parcel of ${ref} was held at our Leipzig hub after a sorting fault. It goes out on tomorrow's first tour.`,
          ),
        );
    }
  }
  await solveAt(
    db,
    solved,
    new Map([
      [berlin.id, office],
      [always.id, compileCalendar(always)],
    ]),
  );
  return { cases: created, teams: 3, agreements: 3, calendars: 3 };
}

/**
 * Dates the solving of demo cases when it happened, as an import from an older system would: the
 * case's solved time and its resolution clock, met then (on time when by its due time, else
 * breached at the due time and kept late), the business time it used on its calendar. The status
 * change itself went through the service (a clock, domain events) at the seeding minute.
 */
async function solveAt(
  db: Database,
  solved: { caseId: string; at: Date }[],
  calendars: Map<string, BusinessCalendar>,
) {
  const agreementCalendars = new Map(
    (await db.select({ id: agreements.id, calendarId: agreements.calendarId }).from(agreements)).map((r) => [
      r.id,
      r.calendarId,
    ]),
  );
  for (const { caseId, at } of solved) {
    await db.update(cases).set({ solvedAt: at }).where(eq(cases.id, caseId));
    const clocks = await db
      .select()
      .from(casePromises)
      .where(and(eq(casePromises.caseId, caseId), eq(casePromises.kind, 'resolution')));
    for (const clock of clocks) {
      if (clock.state !== 'met' && clock.state !== 'breached') continue;
      const cal = calendars.get(agreementCalendars.get(clock.agreementId) ?? '');
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
    }
  }
}
