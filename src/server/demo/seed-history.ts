// Three months of the demo's past, so the proactive KPI page has trends to show: the signals the
// default rules raised from 2 to 91 days ago (each with the event it came from) and how each
// ended, and the delivery commitments closed in that time. Written directly, the way an import
// from an older system would land: no domain events, no proactive cases (the last 18 days, sent
// through the real ingest by seed-signals.ts, have those). The story it tells: more risks caught
// before the customer writes in as the team tunes its rules, deliveries more often on time, the
// carrier-delay rule crying wolf, and stuck parcels often moving again by themselves.
// The events agree with the signals: a rule's dry run over them finds exactly these (the will-miss
// signals are the late deliveries, caught a day before their promised date; a parcel that moved
// again, or arrived after a carrier's exception, has the scan or delivery that says so; a repeat
// complaint signal has its three complaints).
// Deterministic for a fixed faker seed; times relative to `now`.
import { signalTitleOf } from '../../shared/ref-labels.js';
import type { Faker } from '@faker-js/faker';
import { UUID } from 'uuidv7';
import type { Database } from '../../db/client.js';
import { newId } from '../../db/columns.js';
import type { RuleDefinition } from '../../shared/schemas/rules.js';
import { agreementCandidatesFor, agreementFor } from '../domains/agreements/agreements.repo.js';
import { commitments } from '../domains/commitments/commitments.table.js';
import { events } from '../domains/events/events.table.js';
import { signalEvidence, signals } from '../domains/signals/signals.table.js';
import { DEMO_RULES } from './seed-signals.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The history covers these days before now (beside the live flow's last 18 days, and before them). */
export const HISTORY_DAYS = { from: 91, to: 2 } as const;

export interface HistoryCustomer {
  id: string;
  name: string;
  segment: string | null;
  organizationId: string | null;
}

export interface HistoryRule {
  id: string;
  name: string;
  kind: RuleDefinition['kind'];
  severity: RuleDefinition['severity'];
}

type Ending = 'itself' | 'resolved' | 'dismissed';

/** Per rule: its share of the signals, the event behind them, the ref, and how they end. */
interface Profile {
  weight: number;
  type: string;
  ref: 'shipmentId' | 'orderId' | 'invoiceId' | null;
  endings: Record<Ending, number>;
  /** Hours from detection to the promise's due time (absence rules with `by` and a lead). */
  lead?: [number, number];
}

const profiles = (): Record<string, Profile> => ({
  [DEMO_RULES.notScanned]: {
    weight: 34,
    type: 'shipment.scanned',
    ref: 'shipmentId',
    endings: { itself: 45, resolved: 40, dismissed: 15 },
  },
  // Not drawn at random: each late delivery below is one (weight 0), caught `lead` before its date.
  [DEMO_RULES.willMiss]: {
    weight: 0,
    type: 'order.promised',
    ref: 'orderId',
    endings: { itself: 20, resolved: 72, dismissed: 8 },
    lead: [20, 26],
  },
  [DEMO_RULES.enterpriseWillMiss]: {
    weight: 0,
    type: 'order.promised',
    ref: 'orderId',
    endings: { itself: 15, resolved: 80, dismissed: 5 },
    lead: [22, 26],
  },
  [DEMO_RULES.damagedOrLost]: {
    weight: 8,
    type: 'shipment.exception',
    ref: 'shipmentId',
    endings: { itself: 0, resolved: 92, dismissed: 8 },
  },
  [DEMO_RULES.carrierDelay]: {
    weight: 16,
    type: 'shipment.exception',
    ref: 'shipmentId',
    endings: { itself: 25, resolved: 35, dismissed: 40 },
  },
  [DEMO_RULES.repeatComplaints]: {
    weight: 5,
    type: 'complaint.received',
    ref: null,
    endings: { itself: 0, resolved: 90, dismissed: 10 },
  },
  [DEMO_RULES.invoiceDisputed]: {
    weight: 11,
    type: 'invoice.disputed',
    ref: 'invoiceId',
    endings: { itself: 0, resolved: 88, dismissed: 12 },
  },
});

export async function seedSignalHistory(
  db: Database,
  q: {
    now: number;
    faker: Faker;
    customers: HistoryCustomer[];
    rules: HistoryRule[];
    /** Event source ids: the ERP sends orders, invoices and complaints; the warehouse, shipments. */
    sources: { erp: string; wms: string };
  },
): Promise<{ signals: number; commitments: number }> {
  const { now, faker: f, customers, sources } = q;
  const PROFILE = profiles();
  const rules = q.rules.filter((r) => PROFILE[r.name]);
  const ruleChoice = rules
    .filter((r) => PROFILE[r.name]!.weight > 0)
    .map((r) => ({ value: r, weight: PROFILE[r.name]!.weight }));
  const ruleNamed = (name: string) => rules.find((r) => r.name === name)!;
  // A repeat-complaints signal per customer: the rule counts a customer's complaints over 30 days,
  // and another customer's three would not be this one's.
  const complained = new Set<string>();
  // Each customer's agreement, from one query for all of them.
  const candidates = await agreementCandidatesFor(db, customers);
  const agreementOf = new Map(
    customers.map((c) => [c.id, agreementFor(candidates, c)?.agreement.id ?? null]),
  );

  const eventRows: (typeof events.$inferInsert)[] = [];
  const signalRows: (typeof signals.$inferInsert)[] = [];
  const evidenceRows: (typeof signalEvidence.$inferInsert)[] = [];
  const commitmentRows: (typeof commitments.$inferInsert)[] = [];
  let serial = 0;
  const between = (a: number, b: number) => f.number.float({ min: a, max: b });
  const chance = (p: number) => f.number.float({ min: 0, max: 1 }) < p;
  const event = (type: string, at: Date, c: HistoryCustomer, refs: Record<string, string>, data = {}) => {
    const receivedAt = new Date(at.getTime() + 60_000);
    // A UUIDv7 of the time it was received, as the ingest would have given it (retention and the
    // source's activity read the time from the id).
    const id = UUID.fromFieldsV7(
      receivedAt.getTime(),
      f.number.int({ max: 0xfff }),
      f.number.int({ max: 0x3fffffff }),
      f.number.int({ max: 0xffffffff }),
    ).toString();
    eventRows.push({
      id,
      sourceId: type.startsWith('shipment.') ? sources.wms : sources.erp,
      eventId: `history-${++serial}`,
      type,
      occurredAt: at,
      receivedAt,
      customerId: c.id,
      organizationId: c.organizationId,
      refs,
      data,
    });
    return id;
  };

  const historyStart = now - HISTORY_DAYS.from * DAY;
  const ending = (p: Profile) =>
    f.helpers.weightedArrayElement(
      (Object.entries(p.endings) as [Ending, number][])
        .filter(([, weight]) => weight > 0)
        .map(([value, weight]) => ({ value, weight })),
    );
  /** A signal that ended: resolved (by its awaited event at `byEventAt`, or by someone) or dismissed. */
  const addSignal = (s: {
    rule: HistoryRule;
    p: Profile;
    c: HistoryCustomer;
    refValue: string | null;
    detectedAt: Date;
    dueAt: Date | null;
    evidence: { id: string; at: Date }[];
    ending: Ending;
    resolvedAt: Date;
    progress: number;
  }) => {
    const { rule, p, c, refValue, detectedAt, ending, resolvedAt, progress } = s;
    const refs: Record<string, string> = p.ref && refValue ? { [p.ref]: refValue } : {};
    const customerFirst = chance(0.3 - 0.2 * progress);
    const wroteLater = !customerFirst && ending !== 'dismissed' && chance(0.18 - 0.1 * progress);
    const id = newId();
    signalRows.push({
      id,
      ruleId: rule.id,
      ruleVersion: 1,
      kind: rule.kind,
      severity: rule.severity,
      state: ending === 'dismissed' ? 'dismissed' : 'resolved',
      title: signalTitleOf(rule.name, p.ref, refValue),
      dedupeKey: `customer:${c.id}${p.ref ? `|${p.ref}:${refValue}` : ''}`,
      customerId: c.id,
      organizationId: c.organizationId,
      refKey: p.ref,
      refValue,
      refs,
      dueAt: s.dueAt,
      detectedAt,
      actedAt: ending === 'dismissed' ? null : new Date(detectedAt.getTime() + between(1, 10) * 60_000),
      resolvedAt,
      resolution:
        ending === 'itself'
          ? `the awaited event arrived (${p.type === 'shipment.scanned' ? 'shipment.scanned' : 'shipment.delivered'})`
          : ending === 'dismissed'
            ? f.helpers.arrayElement([
                'false alarm: the carrier confirmed it is on time',
                'handled in another case',
              ])
            : f.helpers.arrayElement([
                'replacement sent',
                'new date agreed with the customer',
                'carrier traced it',
              ]),
      resolvedByEvent: ending === 'itself',
      evidenceCount: s.evidence.length,
      lastEvidenceAt: s.evidence[s.evidence.length - 1]!.at,
      customerContactedFirst: customerFirst,
      customerContactAt: wroteLater ? new Date(detectedAt.getTime() + between(2, 20) * HOUR) : null,
      updatedAt: resolvedAt,
    });
    for (const e of s.evidence) evidenceRows.push({ signalId: id, eventId: e.id, addedAt: detectedAt });
  };

  for (let day = HISTORY_DAYS.from; day >= HISTORY_DAYS.to; day--) {
    const dayStart = now - day * DAY;
    const weekday = ![0, 6].includes(new Date(dayStart).getUTCDay());
    // 0 at the start of the history, 1 at its end: the team gets better at this.
    const progress = (HISTORY_DAYS.from - day) / (HISTORY_DAYS.from - HISTORY_DAYS.to);

    // Deliveries closing their commitment that day: fewer late ones as time goes on. On time is a
    // day ahead at least (the will-miss rules warn a day before the date); a late one was caught
    // then, by the will-miss rule of the customer's segment.
    const deliveries = weekday ? f.number.int({ min: 5, max: 9 }) : f.number.int({ min: 1, max: 3 });
    for (let i = 0; i < deliveries; i++) {
      const c = f.helpers.arrayElement(customers);
      const agreementId = agreementOf.get(c.id);
      if (!agreementId) continue;
      const closedAt = new Date(dayStart + between(7, 19) * HOUR);
      const late = chance(0.16 - 0.1 * progress);
      const dueAt = new Date(closedAt.getTime() + (late ? -between(4, 40) : between(26, 60)) * HOUR);
      // Promised two to five days before the date or the delivery, whichever came first.
      const openedAt = new Date(Math.min(dueAt.getTime(), closedAt.getTime()) - between(48, 120) * HOUR);
      const orderId = `SO-H${String(++serial).padStart(5, '0')}`;
      const opener = event('order.promised', openedAt, c, { orderId }, { promisedAt: dueAt.toISOString() });
      const closer = event('shipment.delivered', closedAt, c, { orderId });
      commitmentRows.push({
        agreementId,
        key: 'on_time_delivery',
        name: 'Delivery by the promised date',
        mode: 'fulfil',
        customerId: c.id,
        organizationId: c.organizationId,
        segment: c.segment,
        refKey: 'orderId',
        refValue: orderId,
        closesOn: 'shipment.delivered',
        cancelsOn: 'order.cancelled',
        state: late ? 'late' : 'met',
        openedAt,
        dueAt,
        closedAt,
        openedByEventId: opener,
        closedByEventId: closer,
      });
      if (!late) continue;
      const rule = ruleNamed(
        c.segment === 'enterprise' ? DEMO_RULES.enterpriseWillMiss : DEMO_RULES.willMiss,
      );
      const p = PROFILE[rule.name]!;
      const detectedAt = new Date(dueAt.getTime() - 24 * HOUR);
      // Before the history began: not Steward's to have seen.
      if (detectedAt.getTime() < historyStart) continue;
      const end = ending(p);
      addSignal({
        rule,
        p,
        c,
        refValue: orderId,
        detectedAt,
        dueAt,
        evidence: [{ id: opener, at: openedAt }],
        ending: end,
        // Resolved by the delivery itself, or by someone before it came.
        resolvedAt:
          end === 'itself'
            ? closedAt
            : new Date(
                detectedAt.getTime() + between(1, (closedAt.getTime() - detectedAt.getTime()) / HOUR) * HOUR,
              ),
        progress,
      });
    }

    // Other signals detected that day, and how each ended.
    const count = weekday ? f.number.int({ min: 1, max: 5 }) : f.number.int({ min: 0, max: 2 });
    for (let i = 0; i < count; i++) {
      const rule = f.helpers.weightedArrayElement(ruleChoice);
      const p = PROFILE[rule.name]!;
      const threshold = rule.kind === 'threshold';
      const fresh = threshold ? customers.filter((x) => !complained.has(x.id)) : customers;
      const c = f.helpers.arrayElement(fresh.length > 0 ? fresh : customers);
      if (threshold) complained.add(c.id);
      const detectedAt = new Date(dayStart + between(6, 20) * HOUR);
      const refValue =
        p.ref === 'shipmentId'
          ? `SH-H${String(++serial).padStart(5, '0')}`
          : p.ref === 'invoiceId'
            ? `INV-H${String(++serial).padStart(5, '0')}`
            : null;
      const refs: Record<string, string> = p.ref && refValue ? { [p.ref]: refValue } : {};
      const evidenceAt = new Date(detectedAt.getTime() - (rule.kind === 'absence' ? 48 * HOUR : 60_000));
      const data =
        p.type === 'shipment.exception'
          ? { reason: rule.name === DEMO_RULES.carrierDelay ? 'delayed' : 'damaged' }
          : {};
      // A repeat complaint is the third in 30 days: the two before it count too.
      const evidence = threshold
        ? [20, 9].map((days) => {
            const at = new Date(evidenceAt.getTime() - days * DAY);
            return { id: event(p.type, at, c, refs, data), at };
          })
        : [];
      evidence.push({ id: event(p.type, evidenceAt, c, refs, data), at: evidenceAt });
      const end = ending(p);
      const resolvedAt = new Date(detectedAt.getTime() + between(1, 30) * HOUR);
      addSignal({
        rule,
        p,
        c,
        refValue,
        detectedAt,
        dueAt: null,
        evidence,
        ending: end,
        resolvedAt,
        progress,
      });
      // What the shipment did next, as the warehouse reported it: a parcel that moved again was
      // scanned (and delivered half a day later); one with an exception was delivered in the end.
      // Without these the "not scanned" rule would see a parcel silent for good.
      if (p.ref === 'shipmentId' && refValue) {
        if (p.type === 'shipment.scanned' && end === 'itself') {
          event('shipment.scanned', resolvedAt, c, refs);
          event('shipment.delivered', new Date(resolvedAt.getTime() + 12 * HOUR), c, refs);
        } else if (p.type === 'shipment.exception') event('shipment.delivered', resolvedAt, c, refs);
      }
    }
  }

  await db.transaction(async (tx) => {
    for (let i = 0; i < eventRows.length; i += 500)
      await tx.insert(events).values(eventRows.slice(i, i + 500));
    if (signalRows.length > 0) await tx.insert(signals).values(signalRows);
    if (evidenceRows.length > 0) await tx.insert(signalEvidence).values(evidenceRows);
    if (commitmentRows.length > 0) await tx.insert(commitments).values(commitmentRows);
  });
  return { signals: signalRows.length, commitments: commitmentRows.length };
}
