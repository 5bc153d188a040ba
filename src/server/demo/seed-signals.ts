// The demo's order-to-delivery flow, watched by the default signal rules. An ERP and a warehouse
// system (event sources), the commitments of the demo agreements (delivery by the promised date,
// invoice correct first time, Northwind's callback within 2 hours), the rules an operations team
// starts with, and about fifty orders of the last two and a half weeks sent as events through the
// real ingest path. Most are delivered on time; some late, some stuck at a hub, some about to miss
// their promised date, a damaged and a lost parcel, a disputed invoice, a customer complaining for
// the third time. The flow is replayed as Steward would have watched it (replay.ts): events in
// the order they happened, each wait firing when its due time passes between two of them, the
// rules' actions at once, the demo's agents answering and solving cases at their times, all
// dated when it happened. So the first start shows proactive cases, signals and commitments met,
// late and overdue, and a dry run of each rule finds exactly what it raised; three waits come
// due a few minutes after seeding, so whoever watches the board sees signals appear.
// Deterministic: a fixed faker seed and a fixed mix; times are relative to now. Does nothing when
// the demo's sources exist already.
import { Faker, en } from '@faker-js/faker';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import type { RuleDefinitionInput } from '../../shared/schemas/rules.js';
import { RuleDefinition } from '../../shared/schemas/rules.js';
import type { CommitmentDefinition } from '../../shared/schemas/signals.js';
import { SYSTEM_ACTOR, type Actor } from '../lib/actor.js';
import { listAgreements, updateAgreement } from '../domains/agreements/agreements.service.js';
import { createCase } from '../domains/cases/cases.service.js';
import { addMessage } from '../domains/cases/messages.service.js';
import { openOrJoinCase } from '../domains/cases/proactive-contact.js';
import { closeDueCommitments } from '../domains/commitments/commitments.engine.js';
import { listCustomers } from '../domains/customers/customers.service.js';
import { readSettings } from '../domains/settings/settings.service.js';
import { zonedDate } from '../../shared/zoned-dates.js';
import { createEventSource, listEventSources } from '../domains/events/event-sources.service.js';
import { createRule } from '../domains/signals/rules.service.js';
import { signals } from '../domains/signals/signals.table.js';
import { agreementCalendars } from './date-proactive-cases.js';
import { replayAsWatched, type EventIn, type ReplayStep, type SourcedEvent } from './replay.js';
import { databaseClock, dateStep, solveAt } from './seed-cases.js';
import { seedSignalHistory } from './seed-history.js';
import { listTeams } from '../domains/teams/teams.service.js';
import { listUsers } from '../domains/users/users.service.js';
import { NOTHING_RECOMPUTED } from '../lib/recomputed-clocks.js';

/** How many orders of each kind the demo flow holds (53 in all). */
export const DEMO_ORDER_MIX = {
  /** Delivered at least a day before the promised date (the will-miss rules' lead): no alarm. */
  onTime: 26,
  /** Delivered after it. */
  late: 6,
  /** On their way (or not yet dispatched), the promise more than a day ahead. */
  inTransit: 7,
  /** No scan for more than 48 hours: the "not scanned" rule has fired. */
  stuck: 4,
  /** Stuck, then scanned again right after the rule fired: its signal resolved itself. */
  movesAgain: 1,
  /** Not delivered a day before the promised date (or after it). */
  willMiss: 3,
  damaged: 1,
  lost: 1,
  /** Waits that come due 5, 12 and 20 minutes after seeding. */
  upcoming: 3,
  /** Cancelled by the customer before it left the warehouse: its promise is cancelled, not late. */
  cancelled: 1,
} as const;

/** The demo's default rules, by name. */
export const DEMO_RULES = {
  notScanned: 'Shipment not scanned for 48 hours',
  willMiss: 'Order will miss its promised date',
  enterpriseWillMiss: 'Enterprise order will miss its promised date',
  damagedOrLost: 'Damaged or lost in transit',
  carrierDelay: 'Carrier delay reported',
  repeatComplaints: 'Repeat complaints',
  invoiceDisputed: 'Invoice disputed',
} as const;

const COMMITMENTS = {
  delivery: {
    key: 'on_time_delivery',
    name: 'Delivery by the promised date',
    mode: 'fulfil',
    opens: 'order.promised',
    ref: 'orderId',
    dueFrom: 'data.promisedAt',
    fulfilledBy: 'shipment.delivered',
    cancelledBy: 'order.cancelled',
  },
  invoice: {
    key: 'invoice_accuracy',
    name: 'Invoice correct first time',
    mode: 'avoid',
    opens: 'invoice.issued',
    ref: 'invoiceId',
    within: 'P14D',
    brokenBy: 'invoice.disputed',
  },
  callback: {
    key: 'callback_2h',
    name: 'Callback within 2 hours',
    mode: 'fulfil',
    opens: 'callback.requested',
    ref: 'callbackId',
    within: 'PT2H',
    fulfilledBy: 'callback.completed',
  },
} satisfies Record<string, CommitmentDefinition>;

const SIGNATURE = '\n\nKind regards,\nyour customer service team';

function defaultRules(team: { orders: string; billing: string; enterprise: string }): RuleDefinitionInput[] {
  return [
    {
      kind: 'absence',
      name: DEMO_RULES.notScanned,
      description:
        'A parcel the carrier has not scanned for two days is usually stuck at a hub or lost. Tell the customer before they have to ask, and have the carrier trace it. Any news from the carrier restarts the wait; a parcel reported lost is handled by "Damaged or lost in transit".',
      severity: 'medium',
      after: {
        type: ['shipment.dispatched', 'shipment.scanned', 'shipment.exception'],
        where: [{ field: 'data.reason', op: 'neq', value: 'lost' }],
      },
      expect: { type: ['shipment.scanned', 'shipment.exception', 'shipment.delivered'] },
      sameRef: 'shipmentId',
      within: 'PT48H',
      actions: [
        {
          kind: 'open_case',
          category: 'late_delivery',
          priority: 'normal',
          teamId: team.orders,
          // The case's subject is the customer's too (their portal, our mail): their words, not the rule's.
          subject: 'Delivery of order {{refs.orderId}} delayed (shipment {{refs.shipmentId}})',
          note: 'Last scan: {{data.location}} by {{data.carrier}} (tracking {{data.trackingNumber}}) at {{event.occurredAt | datetime}}. Ask the carrier for a trace and update the customer within one business day.',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\nyour order {{refs.orderId}} is on its way with {{data.carrier}}, but the parcel (shipment {{refs.shipmentId}}) has not been scanned since {{data.location}} two days ago. We have asked {{data.carrier}} to trace it and will update you within one business day. You do not need to do anything.${SIGNATURE}`,
        },
      ],
    },
    {
      kind: 'absence',
      name: DEMO_RULES.willMiss,
      description:
        'Not delivered a day before the date promised to the customer: tell them now, with a new date, rather than after the date has passed. Enterprise accounts have a rule of their own.',
      severity: 'medium',
      after: { type: 'order.promised', where: [{ field: 'segment', op: 'neq', value: 'enterprise' }] },
      // A cancelled order will not miss anything.
      expect: { type: ['shipment.delivered', 'order.cancelled'] },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT24H',
      actions: [
        {
          kind: 'open_case',
          category: 'late_delivery',
          priority: 'normal',
          teamId: team.orders,
          subject: 'Order {{refs.orderId}} will miss its promised date ({{data.promisedDate | date}})',
          note: 'Promised to {{customer.name}} for {{data.promisedAt | datetime}} and not delivered yet. Find out where it is, agree a new date with the warehouse and tell the customer.',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\nwe are sorry: your order {{refs.orderId}} will most likely not arrive by {{data.promisedDate | date}} as we promised. We are on it and will send you a new delivery date today. If the delay causes you a problem, reply to this message and we will find a solution together.${SIGNATURE}`,
        },
      ],
    },
    {
      kind: 'absence',
      name: DEMO_RULES.enterpriseWillMiss,
      description:
        'The same promise for enterprise accounts: the Enterprise desk takes it at high priority and calls the customer the same day.',
      severity: 'high',
      scope: { segments: ['enterprise'] },
      after: { type: 'order.promised' },
      // A cancelled order will not miss anything.
      expect: { type: ['shipment.delivered', 'order.cancelled'] },
      sameRef: 'orderId',
      by: 'data.promisedAt',
      lead: 'PT24H',
      actions: [
        {
          kind: 'open_case',
          category: 'late_delivery',
          priority: 'high',
          teamId: team.enterprise,
          subject:
            'Order {{refs.orderId}} for {{organization.name}} will miss its promised date ({{data.promisedDate | date}})',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\nwe are sorry: your order {{refs.orderId}} will most likely not arrive by {{data.promisedDate | date}} as we promised. Your account team is on it and will call you today with a new delivery date.${SIGNATURE}`,
        },
        {
          kind: 'escalate',
          priority: 'high',
          teamId: team.enterprise,
          note: 'Enterprise promise at risk: {{organization.name}} was promised {{refs.orderId}} for {{data.promisedDate | date}}. Call {{customer.name}} today with a new date.',
        },
      ],
    },
    {
      kind: 'match',
      name: DEMO_RULES.damagedOrLost,
      description:
        'The carrier reports a parcel damaged or lost: offer a replacement or a credit before the customer has to chase it.',
      severity: 'high',
      when: {
        type: 'shipment.exception',
        where: [{ field: 'data.reason', op: 'in', value: ['damaged', 'lost'] }],
      },
      dedupe: { enabled: true, ref: 'shipmentId' },
      actions: [
        {
          kind: 'open_case',
          category: 'damaged_product',
          priority: 'high',
          teamId: team.orders,
          subject: 'Shipment {{refs.shipmentId}} {{data.reason}} in transit (order {{refs.orderId}})',
          note: '{{data.carrier}} reported it {{data.reason}} at {{data.location}}: {{data.note}}. Offer a replacement shipment or a credit.',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\n{{data.carrier}} has told us that the parcel with your order {{refs.orderId}} was {{data.reason}} in transit. We are sorry. We will send a replacement as soon as possible and confirm its delivery date here; if you would rather have a credit, just reply.${SIGNATURE}`,
        },
      ],
    },
    {
      kind: 'match',
      name: DEMO_RULES.carrierDelay,
      description:
        'The carrier reports a delay (weather, a missed connection). No action of its own: it shows on the board so the team sees trouble building up; the 48-hour and promised-date rules act if it gets worse.',
      severity: 'low',
      when: { type: 'shipment.exception', where: [{ field: 'data.reason', op: 'eq', value: 'delayed' }] },
      dedupe: { enabled: true, ref: 'shipmentId' },
      actions: [],
    },
    {
      kind: 'threshold',
      name: DEMO_RULES.repeatComplaints,
      description:
        'A third complaint within 30 days puts the relationship at risk: a senior agent calls the customer and looks for the root cause.',
      severity: 'high',
      when: { type: 'complaint.received' },
      count: 3,
      window: 'P30D',
      per: 'customer',
      actions: [
        {
          kind: 'open_case',
          category: 'complaint',
          priority: 'high',
          teamId: team.orders,
          subject: 'Following up on your recent requests',
          note: 'The first of them: {{data.summary}} Follow the complaint procedure: acknowledge, investigate the root cause, resolve, follow up.',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\nyou have had reason to complain to us three times in the last few weeks, and we are sorry. A senior member of our team will call you within one business day to understand what went wrong and to agree what we change.${SIGNATURE}`,
        },
        {
          kind: 'notify_team',
          teamId: team.orders,
          message:
            '{{customer.name}} has complained three times in 30 days. Call them today and find the root cause before the next order ships.',
        },
      ],
    },
    {
      kind: 'match',
      name: DEMO_RULES.invoiceDisputed,
      description:
        'A customer disputes an invoice: Billing checks it against the contract and answers within two business days.',
      severity: 'medium',
      when: { type: 'invoice.disputed' },
      dedupe: { enabled: true, ref: 'invoiceId' },
      actions: [
        {
          kind: 'open_case',
          category: 'invoice_error',
          priority: 'normal',
          teamId: team.billing,
          subject: 'Your question about invoice {{refs.invoiceId}}',
          note: 'Reason given: {{data.reason}}. Disputed: {{data.amountDisputed}} of {{data.amount}} {{data.currency}}.',
        },
        {
          kind: 'notify_customer',
          message: `Hello {{customer.name}},\n\nthank you for telling us about invoice {{refs.invoiceId}}. Our billing team is checking it against your contract and will answer within two business days. You do not need to pay the disputed amount until then.${SIGNATURE}`,
        },
      ],
    },
  ];
}

// ---- the orders ---------------------------------------------------------------------------------

const HOUR = 3_600_000;
const CARRIERS = ['DHL Freight', 'DB Schenker', 'DPD', 'UPS'];
const WAREHOUSE = 'Kassel distribution centre';
const HUBS = [
  'Hannover hub',
  'Leipzig hub',
  'Nuremberg hub',
  'Cologne hub',
  'Hamburg hub',
  'Frankfurt hub',
  'Dortmund hub',
];
const CITIES = ['Berlin', 'Munich', 'Hamburg', 'Stuttgart', 'Düsseldorf', 'Dresden', 'Bremen', 'Vienna'];

interface DemoCustomer {
  id: string;
  name: string;
  externalId: string;
  email: string | null;
  segment: string | null;
  organizationId: string | null;
  organization: string | null;
  /** Their own zone, else the company's: where the rules' messages write their times (`| datetime`). */
  timeZone: string;
}

/**
 * The calendar day of `at` in `zone` ("2026-12-02"), as the ERP writes a promised date for a
 * customer: the day the promise falls on where they are, so `{{data.promisedDate | date}}` names
 * the day of `{{data.promisedAt | datetime}}` beside it (a promise at 16:00 UTC is the next day
 * in Singapore, not the UTC day).
 */
function localDay(at: Date, zone: string): string {
  const d = zonedDate(at.getTime(), zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(d.year).padStart(4, '0')}-${pad(d.month + 1)}-${pad(d.day)}`;
}

type Kind = keyof typeof DEMO_ORDER_MIX;

interface Order {
  kind: Kind;
  orderId: string;
  shipmentId: string;
  invoiceId: string;
  customer: DemoCustomer;
  carrier: string;
  trackingNumber: string;
  shipTo: string;
  route: string[];
  lines: number;
  createdAt: Date;
  promisedAt: Date;
  dispatchedAt?: Date;
  scans: Date[];
  exception?: { at: Date; reason: 'damaged' | 'lost' | 'delayed'; note: string };
  deliveredAt?: Date;
  cancelledAt?: Date;
  invoice?: { issuedAt: Date; amount: number; disputedAt?: Date };
}

interface Plan {
  orders: Order[];
  complaints: { id: string; customer: DemoCustomer; at: Date; orderId: string; summary: string }[];
  callbacks: { id: string; customer: DemoCustomer; requestedAt: Date; completedAt?: Date; topic: string }[];
  /** The customer of a stuck order who wrote in before the rule fired. */
  wroteFirst: Order;
  /** Maria Jensen's stuck order: she answers the proactive notification; an agent solves it. */
  mariaStuck: Order;
  /** Scanned again right after its signal fired. */
  movesAgain: Order;
  /** Past its promised date: the customer writes in after we told them (joins the proactive case). */
  writesAfter: Order;
}

function planOrders(now: number, f: Faker, customers: DemoCustomer[]): Plan {
  const ago = (h: number) => new Date(now - h * HOUR);
  const plus = (d: Date, h: number) => new Date(d.getTime() + h * HOUR);
  const u = (min: number, max: number) => f.number.float({ min, max, fractionDigits: 2 });
  const toHour = (d: Date) => new Date(Math.round(d.getTime() / HOUR) * HOUR);
  /** Promises are for the end of a working day: 16:00 UTC (17:00 in Berlin in winter). */
  const endOfDay = (d: Date) => {
    const x = new Date(d);
    x.setUTCHours(16, 0, 0, 0);
    if (x < d) x.setUTCDate(x.getUTCDate() + 1);
    return x;
  };
  const latest = (...ds: Date[]) => new Date(Math.max(...ds.map((d) => d.getTime())));

  const by = (p: (c: DemoCustomer) => boolean) => customers.filter(p);
  const maria = customers.find((c) => c.email === 'maria.jensen@northwind.example')!;
  const enterprise = by((c) => c.segment === 'enterprise' && c !== maria);
  // Contoso and Fabrikam: the enterprise segment's agreement (Northwind has its own).
  const premium = enterprise.filter((c) => c.organization !== 'Northwind Traders');
  const northwind = enterprise.filter((c) => c.organization === 'Northwind Traders');
  const smb = by((c) => c.segment === 'smb');
  const consumers = by((c) => c.segment === 'consumer');
  const anyone = () =>
    f.helpers.arrayElement(
      f.helpers.weightedArrayElement([
        { value: enterprise, weight: 45 },
        { value: smb, weight: 35 },
        { value: consumers, weight: 20 },
      ]),
    );

  const orders: Order[] = [];
  const order = (kind: Kind, customer: DemoCustomer, createdAt: Date, promisedAt: Date): Order => {
    const o: Order = {
      kind,
      orderId: '',
      shipmentId: '',
      invoiceId: '',
      customer,
      carrier: f.helpers.arrayElement(CARRIERS),
      trackingNumber: f.string.numeric(12),
      shipTo: f.helpers.arrayElement(CITIES),
      route: f.helpers.arrayElements(HUBS, 3),
      lines: f.number.int({ min: 1, max: 12 }),
      createdAt,
      promisedAt,
      scans: [],
    };
    orders.push(o);
    return o;
  };
  /** Dispatched at `at`, then scanned after each gap (hours). */
  const ship = (o: Order, at: Date, gaps: number[]) => {
    o.dispatchedAt = at;
    let t = at;
    for (const g of gaps) o.scans.push((t = plus(t, g)));
    return t;
  };

  let disputed: Order | undefined;
  for (let i = 0; i < DEMO_ORDER_MIX.onTime; i++) {
    const customer = i === 0 ? maria : i === 1 ? f.helpers.arrayElement(premium) : anyone();
    // The second one's invoice is disputed (an enterprise customer: the commitment is broken).
    const created = ago(i === 1 ? u(120, 200) : u(84, 430));
    const o = order('onTime', customer, created, created);
    if (i === 1) disputed = o;
    const gaps = Array.from({ length: f.number.int({ min: 2, max: 3 }) }, () => u(5, 16));
    const last = ship(o, plus(created, u(6, 20)), gaps);
    o.deliveredAt = plus(last, u(3, 10));
    // A day's margin at least: delivered later, the will-miss rules (24 hours' lead) would have
    // warned the customer, as their dry run shows.
    o.promisedAt = endOfDay(latest(plus(created, 48), plus(o.deliveredAt, u(26, 50))));
  }
  const complainer = f.helpers.arrayElement(smb);
  for (let i = 0; i < DEMO_ORDER_MIX.late; i++) {
    const created = ago(u(140, 400));
    const o = order('late', i < 2 ? complainer : anyone(), created, endOfDay(plus(created, u(48, 60))));
    // Held at a hub for a day or more on the way.
    const last = ship(o, plus(created, u(8, 20)), [u(6, 14), u(20, 40), u(5, 12)]);
    o.deliveredAt = latest(plus(last, u(3, 10)), plus(o.promisedAt, u(3, 28)));
  }
  for (let i = 0; i < DEMO_ORDER_MIX.inTransit; i++) {
    if (i < 2) {
      // Ordered a few hours ago, not yet dispatched.
      order('inTransit', anyone(), ago(u(3, 10)), endOfDay(ago(-u(40, 90))));
      continue;
    }
    const created = ago(u(20, 44));
    const o = order('inTransit', i === 2 ? maria : anyone(), created, endOfDay(ago(-u(30, 90))));
    let t = plus(created, u(4, 8));
    o.dispatchedAt = t;
    if (i === 3 || i === 4) {
      o.exception = {
        at: plus(t, u(1, 3)),
        reason: 'delayed',
        note: i === 3 ? 'Storm warning: line haul held back overnight' : 'Missed the connecting line haul',
      };
      t = o.exception.at;
    }
    for (let gap = u(6, 14); t.getTime() + gap * HOUR < now - HOUR && o.scans.length < 3; gap = u(6, 14))
      o.scans.push((t = plus(t, gap)));
  }

  // Stuck: the last scan `hours` ago. Promise far enough ahead that only the 48-hour rule fires,
  // or close (or past) so the promised-date rule fires too, after it (the proactive case is shared).
  const stuck = (kind: Kind, customer: DemoCustomer, hours: number, scans: number, promisedAt: Date) => {
    const last = ago(hours + u(0, 1));
    const gaps = Array.from({ length: scans }, () => u(8, 16));
    const dispatched = plus(last, -gaps.reduce((a, b) => a + b, 0));
    const o = order(kind, customer, plus(dispatched, -u(6, 20)), promisedAt);
    ship(o, dispatched, gaps);
    return o;
  };
  const wroteFirst = stuck('stuck', anyone(), 60, 1, endOfDay(ago(-40)));
  stuck('stuck', anyone(), 75, 0, endOfDay(ago(-30)));
  stuck('stuck', anyone(), 70, 1, toHour(ago(-6)));
  const mariaStuck = stuck('stuck', maria, 90, 2, toHour(ago(8)));
  const movesAgain = stuck('movesAgain', anyone(), 58, 1, endOfDay(ago(-44)));

  // Will miss: a back-order not yet dispatched; one in transit whose date has passed; an
  // enterprise order due tomorrow morning.
  order('willMiss', f.helpers.arrayElement(consumers), ago(40), toHour(ago(-10)));
  const w2 = order('willMiss', f.helpers.arrayElement(smb), ago(70 + u(0, 2)), toHour(ago(4)));
  ship(w2, ago(30), [10]);
  const w3 = order('willMiss', f.helpers.arrayElement(premium), ago(50), toHour(ago(-12)));
  ship(w3, ago(26), [12]);

  // Delivered (damaged) more than a day before its date: the will-miss rules had nothing to say.
  const damaged = order('damaged', anyone(), ago(120), endOfDay(ago(-6)));
  ship(damaged, ago(110), [40]);
  damaged.exception = {
    at: ago(40),
    reason: 'damaged',
    note: 'Pallet wrap torn, two cartons crushed on unloading',
  };
  damaged.deliveredAt = ago(30);
  const lost = order('lost', anyone(), ago(150), toHour(ago(30)));
  ship(lost, ago(140), [40]);
  lost.exception = { at: ago(60), reason: 'lost', note: 'Not found at the hub after an inventory search' };

  // Cancelled the day after it was ordered, before dispatch.
  const cancelled = order('cancelled', anyone(), ago(u(40, 60)), endOfDay(ago(-u(30, 60))));
  cancelled.cancelledAt = plus(cancelled.createdAt, u(18, 26));

  // Waits that come due minutes after seeding.
  const minutes = (m: number) => ago(-m / 60);
  const u1 = order('upcoming', anyone(), ago(57), endOfDay(ago(-60)));
  ship(u1, plus(minutes(5), -48), []);
  const u2 = order('upcoming', anyone(), ago(67), endOfDay(ago(-40)));
  ship(u2, ago(60), [60 - (48 - 12 / 60)]); // scanned 47 h 48 min ago
  order('upcoming', f.helpers.arrayElement(premium), ago(5), plus(minutes(20), 24));

  // Numbers in the order the orders were placed; invoices when the goods leave.
  orders.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  orders.forEach((o, i) => {
    o.orderId = `SO-${1001 + i}`;
    o.shipmentId = `SH-${50001 + i}`;
    o.invoiceId = `INV-${70001 + i}`;
    if (o.dispatchedAt) {
      const issuedAt = new Date(Math.min(plus(o.dispatchedAt, u(0.2, 2)).getTime(), now - 0.1 * HOUR));
      o.invoice = { issuedAt, amount: f.number.int({ min: 180, max: 24_000 }) };
    }
  });
  const invoice = disputed!.invoice!;
  invoice.disputedAt = new Date(Math.min(plus(invoice.issuedAt, u(30, 70)).getTime(), now - 2 * HOUR));

  // Three complaints in 30 days from one customer (two about late orders); two from another.
  const [late1, late2] = orders.filter((o) => o.kind === 'late' && o.customer === complainer);
  const other = f.helpers.arrayElement(smb.filter((c) => c !== complainer));
  const complaints = [
    {
      customer: complainer,
      at: ago(24 * 19 + u(0, 5)),
      orderId: 'SO-0961',
      summary: 'Order SO-0961 arrived without the delivery note; goods receipt could not book it.',
    },
    {
      customer: complainer,
      at: plus(lateSolvedAt(late1!), u(1, 6)),
      orderId: late1!.orderId,
      summary: `Order ${late1!.orderId} arrived a day after the promised date; our crew waited for it.`,
    },
    {
      customer: complainer,
      at: plus(lateSolvedAt(late2!), u(1, 6)),
      orderId: late2!.orderId,
      summary: `Again late: ${late2!.orderId}. This keeps happening.`,
    },
    {
      customer: other,
      at: ago(200),
      orderId: 'SO-0974',
      summary: 'Wrong pallet labels on SO-0974.',
    },
    {
      customer: other,
      at: ago(50),
      orderId: 'SO-0988',
      summary: 'Driver refused to carry the goods to the loading bay.',
    },
  ]
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((c, i) => ({ ...c, id: `CMP-${2001 + i}` }));

  const caller = () => f.helpers.arrayElement(northwind);
  const callbacks = [
    {
      customer: caller(),
      requestedAt: ago(50),
      completedAt: ago(50 - 3.2),
      topic: 'Credit note for returns',
    },
    { customer: caller(), requestedAt: ago(30), completedAt: ago(30 - 0.75), topic: 'Change of ship-to' },
    { customer: caller(), requestedAt: ago(9), topic: 'Framework contract prices 2027' },
    { customer: caller(), requestedAt: ago(40 / 60), topic: 'Rush order for the Hamburg store' },
  ].map((c, i) => ({ ...c, id: `CB-${4001 + i}` }));

  return { orders, complaints, callbacks, wroteFirst, mariaStuck, movesAgain, writesAfter: w2 };
}

// ---- the events ---------------------------------------------------------------------------------

/** The flow's events, as the ERP and the warehouse send them (the replay puts them in time order). */
function eventsOf(plan: Plan, now: number): SourcedEvent[] {
  const erpOpen: EventIn[] = [];
  const wms: EventIn[] = [];
  const erpClose: EventIn[] = [];
  const ev = (
    id: string,
    type: string,
    at: Date,
    c: DemoCustomer,
    refs: Record<string, string>,
    data: Record<string, unknown>,
  ): EventIn => ({
    id,
    type,
    occurredAt: at.toISOString(),
    customer: { externalId: c.externalId },
    refs,
    data: { customerName: c.name, ...data },
  });
  for (const o of plan.orders) {
    const c = o.customer;
    const orderRefs = { orderId: o.orderId };
    erpOpen.push(
      ev(`erp-${o.orderId}-created`, 'order.created', o.createdAt, c, orderRefs, {
        lines: o.lines,
        shipTo: o.shipTo,
      }),
      ev(
        `erp-${o.orderId}-promised`,
        'order.promised',
        new Date(o.createdAt.getTime() + 10 * 60_000),
        c,
        orderRefs,
        {
          promisedAt: o.promisedAt.toISOString(),
          promisedDate: localDay(o.promisedAt, c.timeZone),
          shipTo: o.shipTo,
        },
      ),
    );
    if (o.cancelledAt)
      erpClose.push(
        ev(`erp-${o.orderId}-cancelled`, 'order.cancelled', o.cancelledAt, c, orderRefs, {
          reason: 'Ordered twice by mistake',
        }),
      );
    if (o.invoice) {
      const refs = { invoiceId: o.invoiceId, orderId: o.orderId };
      const money = { amount: o.invoice.amount, currency: 'EUR' };
      erpOpen.push(ev(`erp-${o.invoiceId}-issued`, 'invoice.issued', o.invoice.issuedAt, c, refs, money));
      if (o.invoice.disputedAt)
        erpClose.push(
          ev(`erp-${o.invoiceId}-disputed`, 'invoice.disputed', o.invoice.disputedAt, c, refs, {
            ...money,
            amountDisputed: Math.round(o.invoice.amount * 0.18),
            reason: 'Contract price not applied: list price charged',
          }),
        );
    }
    if (!o.dispatchedAt) continue;
    const refs = { orderId: o.orderId, shipmentId: o.shipmentId };
    const parcel = { carrier: o.carrier, trackingNumber: o.trackingNumber };
    wms.push(
      ev(`wms-${o.shipmentId}-dispatched`, 'shipment.dispatched', o.dispatchedAt, c, refs, {
        ...parcel,
        location: WAREHOUSE,
      }),
    );
    o.scans.forEach((at, i) =>
      wms.push(
        ev(`wms-${o.shipmentId}-scan-${i + 1}`, 'shipment.scanned', at, c, refs, {
          ...parcel,
          location: o.route[i % o.route.length],
        }),
      ),
    );
    if (o.exception) {
      const scansBefore = o.scans.filter((at) => at < o.exception!.at).length;
      wms.push(
        ev(`wms-${o.shipmentId}-exception`, 'shipment.exception', o.exception.at, c, refs, {
          ...parcel,
          reason: o.exception.reason,
          note: o.exception.note,
          location: scansBefore ? o.route[(scansBefore - 1) % o.route.length] : WAREHOUSE,
        }),
      );
    }
    if (o.deliveredAt)
      wms.push(
        ev(`wms-${o.shipmentId}-delivered`, 'shipment.delivered', o.deliveredAt, c, refs, {
          ...parcel,
          location: o.shipTo,
        }),
      );
  }
  // An integration's slip, for the event sources page: the ERP sent one open order's promise again
  // with a date still to be confirmed. Accepted, with warnings: no commitment or wait is moved.
  const unconfirmed = [...plan.orders].reverse().find((o) => !o.dispatchedAt && !o.cancelledAt);
  if (unconfirmed)
    erpClose.push(
      ev(
        `erp-${unconfirmed.orderId}-promised-again`,
        'order.promised',
        new Date(Math.min(Date.now() - 60_000, unconfirmed.createdAt.getTime() + 60 * 60_000)),
        unconfirmed.customer,
        { orderId: unconfirmed.orderId },
        { promisedAt: 'TBC', note: 'New date to follow from the supplier' },
      ),
    );
  for (const k of plan.complaints)
    erpClose.push(
      ev(
        `erp-${k.id}`,
        'complaint.received',
        k.at,
        k.customer,
        { complaintId: k.id, orderId: k.orderId },
        {
          summary: k.summary,
          channel: 'phone',
        },
      ),
    );
  for (const b of plan.callbacks) {
    const refs = { callbackId: b.id };
    erpOpen.push(
      ev(`erp-${b.id}-requested`, 'callback.requested', b.requestedAt, b.customer, refs, { topic: b.topic }),
    );
    if (b.completedAt)
      erpClose.push(
        ev(`erp-${b.id}-completed`, 'callback.completed', b.completedAt, b.customer, refs, {
          topic: b.topic,
        }),
      );
  }
  // The stuck parcel that moves again: scanned a couple of minutes before seeding, after its
  // signal fired; the signal resolves itself.
  const m = plan.movesAgain;
  wms.push(
    ev(
      `wms-${m.shipmentId}-scan-${m.scans.length + 1}`,
      'shipment.scanned',
      new Date(now - 2 * 60_000),
      m.customer,
      { orderId: m.orderId, shipmentId: m.shipmentId },
      { carrier: m.carrier, trackingNumber: m.trackingNumber, location: movedAgainAt(m) },
    ),
  );
  return [
    ...erpOpen.map((event) => ({ source: 'erp', event })),
    ...wms.map((event) => ({ source: 'wms', event })),
    ...erpClose.map((event) => ({ source: 'erp', event })),
  ];
}

/** The time, or the office's next morning (08:30 in Berlin in winter) when it is outside its hours. */
function inOfficeHours(d: Date): Date {
  const hour = d.getUTCHours();
  if (hour >= 7 && hour < 16) return d;
  const x = new Date(d);
  if (hour >= 16) x.setUTCDate(x.getUTCDate() + 1);
  x.setUTCHours(7, 30, 0, 0);
  return x;
}

/** When the agent solves a late order's case: after its delivery, in office hours. */
const lateSolvedAt = (o: Order) => inOfficeHours(new Date(o.deliveredAt!.getTime() + 0.8 * HOUR));

/** Where the parcel that moves again is scanned. */
const movedAgainAt = (m: Order) => m.route[m.scans.length % m.route.length]!;

// ---- seeding ------------------------------------------------------------------------------------

async function caseOfSignal(db: Database, refValue: string): Promise<string> {
  const [found] = await db
    .select({ caseId: signals.caseId })
    .from(signals)
    .where(and(eq(signals.refValue, refValue), isNotNull(signals.caseId)))
    .limit(1);
  if (!found?.caseId) throw new Error(`demo: no proactive case for ${refValue}`);
  return found.caseId;
}

export async function countSignals(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(signals);
  return row?.n ?? 0;
}

export async function seedDemoSignals(
  db: Database,
  options: { history?: boolean } = {},
): Promise<{ signals: number; history?: { signals: number; commitments: number } }> {
  const actor = SYSTEM_ACTOR;
  if ((await listEventSources(db, actor)).some((s) => s.key === 'erp'))
    return { signals: await countSignals(db) };
  const faker = new Faker({ locale: [en] });
  faker.seed(1123);
  const now = Date.now();

  const erp = await createEventSource(db, actor, {
    key: 'erp',
    name: 'ERP (orders, invoices, customer service)',
    createUnknownCustomers: false,
    active: true,
    silenceAlertMinutes: null,
  });
  const wms = await createEventSource(db, actor, {
    key: 'wms',
    name: 'Warehouse and carriers',
    createUnknownCustomers: false,
    active: true,
    // The warehouse scans all day: four hours without a scan means the feed broke, and its
    // "not scanned" signals are then false alarms. (The demo's feed stops after seeding, so a
    // demo left running shows the warning after four hours.)
    silenceAlertMinutes: 240,
  });

  const agreements = await listAgreements(db, actor);
  const named = (name: string) => agreements.find((a) => a.name === name)!;
  const withCommitments = (name: string, add: CommitmentDefinition[]) => {
    const a = named(name);
    return updateAgreement(
      db,
      actor,
      a.id,
      { commitments: [...a.commitments, ...add] },
      async () => NOTHING_RECOMPUTED,
    );
  };
  await withCommitments('Standard service', [COMMITMENTS.delivery]);
  await withCommitments('Enterprise premium', [COMMITMENTS.delivery, COMMITMENTS.invoice]);
  await withCommitments('Northwind Traders PSA', [COMMITMENTS.delivery, COMMITMENTS.callback]);

  const teams = await listTeams(db, actor);
  const teamId = (name: string) => teams.find((t) => t.name === name)!.id;
  const team = {
    orders: teamId('Order support'),
    billing: teamId('Billing'),
    enterprise: teamId('Enterprise desk'),
  };
  const rules = [];
  for (const rule of defaultRules(team)) rules.push(await createRule(db, actor, RuleDefinition.parse(rule)));

  const companyZone = (await readSettings(db)).timeZone ?? 'UTC';
  const customers = (await listCustomers(db, actor, { limit: 500, sort: 'name' })).items
    .filter((c) => c.externalId)
    .map((c) => ({
      id: c.id,
      name: c.name,
      externalId: c.externalId!,
      email: c.email,
      segment: c.effectiveSegment,
      organizationId: c.organizationId,
      organization: c.organizationName,
      timeZone: c.timeZone ?? companyZone,
    }))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
  const plan = planOrders(now, faker, customers);
  const users = await listUsers(db, actor);
  const agent = (email: string): Actor => ({
    ...actor,
    kind: 'user',
    userId: users.find((u) => u.email === email)!.id,
    role: 'agent',
  });
  const ava = agent('ava@steward.demo');
  const ben = agent('ben@steward.demo');
  const calendarOf = await agreementCalendars(db);

  /** An agent's public reply on a late order's proactive case at `at`: dated then (solved then, if it solves it). */
  const reply = (o: Order, who: Actor, at: Date, body: string, status: 'pending' | 'solved'): ReplayStep => ({
    at,
    run: async () => {
      const id = await caseOfSignal(db, o.orderId);
      const since = await databaseClock(db);
      await addMessage(db, who, id, { body, public: true, status });
      await dateStep(db, { caseId: id, since, at, calendarOf });
      if (status === 'solved') await solveAt(db, [{ caseId: id, at }], calendarOf);
    },
  });
  const steps: ReplayStep[] = [];
  // One customer wrote in about their stuck order before any rule fired: the signal joins it.
  const w = plan.wroteFirst;
  steps.push({
    at: new Date(now - 20 * HOUR),
    run: async () => {
      const since = await databaseClock(db);
      const wrote = await createCase(db, actor, {
        subject: `Where is my order ${w.orderId}?`,
        customerId: w.customer.id,
        channel: 'email',
        category: 'order_status',
        teamId: team.orders,
        message: {
          body: `Hello, the tracking for ${w.orderId} (${w.carrier} ${w.trackingNumber}) has not changed for two days. Can you find out where it is?`,
        },
        createdAt: new Date(now - 20 * HOUR).toISOString(),
      });
      // Its timeline opens when the mail came, not at the seeding minute.
      await dateStep(db, { caseId: wrote.id, since, at: new Date(wrote.createdAt), calendarOf });
    },
  });
  // The late orders: the will-miss rule warned the customer a day before the promised date; the
  // case's agent gives them the new date within the hour, and solves the case once delivered.
  for (const o of plan.orders.filter((x) => x.kind === 'late')) {
    const warned = new Date(o.promisedAt.getTime() - 24 * HOUR);
    const who = o.customer.segment === 'enterprise' ? ava : ben;
    const day = (d: Date) => localDay(d, o.customer.timeZone);
    steps.push(
      reply(
        o,
        who,
        new Date(warned.getTime() + 0.4 * HOUR),
        `Hello ${o.customer.name.split(' ')[0]}, ${o.carrier} is holding the parcel for ${o.orderId} at ${o.route[1]}. The new delivery date is ${day(o.deliveredAt!)}. We are sorry for the wait; reply here if that date does not work for you.`,
        'pending',
      ),
      reply(
        o,
        who,
        lateSolvedAt(o),
        `${o.orderId} has been delivered in ${o.shipTo}. Thank you for your patience; I am closing this case.`,
        'solved',
      ),
    );
  }
  await replayAsWatched(db, eventsOf(plan, now), steps, new Date(now), calendarOf);
  while ((await closeDueCommitments(db)) > 0);

  const m = plan.movesAgain;
  await addMessage(db, ben, await caseOfSignal(db, m.shipmentId), {
    body: `Good news: ${m.carrier} scanned your parcel at ${movedAgainAt(m)} just now, so it is moving again and should reach you by ${localDay(m.promisedAt, m.customer.timeZone)} as promised. I am closing this case; reply if anything is still wrong.`,
    public: true,
    status: 'solved',
  });

  // A customer e-mails about an order we had already told them about: the mail joins that case
  // (and counts as a contact the proactive message did not avoid).
  const late = plan.writesAfter;
  await openOrJoinCase(db, actor, {
    subject: `Order ${late.orderId}`,
    customerId: late.customer.id,
    channel: 'email',
    category: 'order_status',
    message: {
      body: `Your message says ${late.orderId} will be late. It was promised for ${localDay(late.promisedAt, late.customer.timeZone)} and our site is waiting for it. Can you give us a firm delivery date today?`,
    },
  });

  // Maria Jensen answers the notification about her stuck order in the portal, and Ava sends a
  // replacement and solves the case. Solved on purpose: a customer's new contact that names no
  // reference joins their open proactive case, and the portal customer's contacts (the browser
  // tests open cases for her) must stay cases of their own.
  const d = plan.mariaStuck;
  const mariaCase = await caseOfSignal(db, d.shipmentId);
  const maria = users.find((u) => u.email === d.customer.email)!;
  const mariaActor: Actor = {
    ...actor,
    kind: 'user',
    userId: maria.id,
    role: 'customer',
    customerId: d.customer.id,
    organizationId: d.customer.organizationId,
    organizationAccess: true,
  };
  await addMessage(db, mariaActor, mariaCase, {
    body: `Thanks for the warning. We need these parts for a line changeover on Friday. If the parcel is not found by tomorrow noon, please send a replacement by express and we will refuse the first one.`,
    public: true,
  });
  await addMessage(db, ava, mariaCase, {
    body: `Dear Maria, we have sent a replacement for ${d.orderId} by express today; it will be with you tomorrow before 10:00. ${d.carrier} keeps tracing the first parcel: if it turns up, please refuse it and we will take it back at our cost.`,
    public: true,
    status: 'solved',
  });

  // The months before, for the KPI trends: after the live flow, so its rules never see them. A
  // faker of its own, so the live flow stays the same.
  if (options.history === false) return { signals: await countSignals(db) };
  const historyFaker = new Faker({ locale: [en] });
  historyFaker.seed(2026);
  const history = await seedSignalHistory(db, {
    now,
    faker: historyFaker,
    customers,
    rules: rules.map((r) => ({ id: r.id, name: r.name, kind: r.kind, severity: r.severity })),
    sources: { erp: erp.id, wms: wms.id },
  });
  return { signals: await countSignals(db), history };
}
