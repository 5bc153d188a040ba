// The load of bench/events: a seeded stream of order, complaint and usage events for the bench's
// customers, sent to POST /events in batches, with timer probes. It runs on a worker thread of its
// own (`runLoadInWorker`), so that generating the events, encoding the requests and reading the
// answers do not take turns with the server on the server's event loop: a real sender is another
// process, usually another machine.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { moduleWorker } from '../src/db/module-worker.js';
import { now, progress } from './lib.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface LoadParams {
  /** The API's base URL, e.g. http://127.0.0.1:1234/api/v1. */
  base: string;
  /** The event source's token. */
  token: string;
  total: number;
  batch: number;
  concurrency: number;
  customers: number;
  timers: number;
  timerLeadMs: number;
}

export interface Probe {
  ref: string;
  dueAt: number;
  answeredAt: number;
}

export interface LoadResult {
  seconds: number;
  latencies: number[];
  probes: Probe[];
  sent: number;
  rejected: number;
  firstError?: string;
}

let customerCount = 5000;

/** A small seeded generator, so every run sends the same stream. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(4);
const chance = (p: number) => random() < p;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
/** Some customers are much busier than others. */
const someCustomer = () => Math.floor(customerCount * random() ** 2);
export const externalId = (c: number) => `C-${String(c).padStart(6, '0')}`;

interface Draft {
  type: string;
  refs: Record<string, string>;
  data: Record<string, unknown>;
}
interface Flow {
  customer: number;
  steps: Generator<Draft, void, number>;
  lastAt: number;
}

const CARRIERS = ['DHL', 'UPS', 'DPD', 'GLS', 'FedEx'];
const HUBS = ['Leipzig hub', 'Hamburg depot', 'Cologne hub', 'Munich depot', 'Vienna hub', 'Prague depot'];
let seq = 0;

/** One order: created, promised, dispatched, scanned, delivered (or stuck), maybe invoiced. */
function* orderFlow(): Generator<Draft, void, number> {
  const n = ++seq;
  const orderId = `SO-${n}`;
  const shipmentId = `SH-${n}`;
  const amount = between(20, 6000);
  // What a yield returns is the time of the next event of the flow.
  const at0 = yield {
    type: 'order.created',
    refs: { orderId },
    data: {
      amount,
      currency: 'EUR',
      channel: pick(['portal', 'email', 'phone', 'edi']),
      items: between(1, 12),
    },
  };
  if (chance(0.01)) return; // never promised
  const express = chance(0.05); // due within a day: the 24 h lead has begun, the wait fires at once
  const promisedAt = new Date(at0 + (express ? between(12, 23) * HOUR : between(2, 6) * DAY)).toISOString();
  yield { type: 'order.promised', refs: { orderId }, data: { promisedAt, express } };
  const carrier = pick(CARRIERS);
  yield {
    type: 'shipment.dispatched',
    refs: { orderId, shipmentId },
    data: { carrier, parcels: between(1, 3) },
  };
  if (chance(0.02)) return; // lost before the first scan
  for (let scans = between(1, 3); scans > 0; scans--) {
    const delayed = chance(0.05);
    yield {
      type: 'shipment.scanned',
      refs: { orderId, shipmentId },
      data: {
        carrier,
        location: pick(HUBS),
        status: chance(0.01) ? 'held_at_customs' : delayed ? 'delayed' : 'in_transit',
        delayMinutes: delayed ? between(30, 600) : 0,
      },
    };
  }
  if (chance(0.03)) {
    const reason = pick(['damaged', 'lost', 'address_problem', 'delay']);
    yield { type: 'shipment.exception', refs: { orderId, shipmentId }, data: { carrier, reason } };
    if (reason === 'lost') return;
  }
  const at1 = yield {
    type: 'shipment.delivered',
    refs: { orderId, shipmentId },
    data: { carrier, signed: chance(0.9) },
  };
  if (chance(0.4)) {
    const invoiceId = `INV-${n}`;
    const dueAt = new Date(at1 + between(14, 30) * DAY).toISOString();
    yield { type: 'invoice.issued', refs: { invoiceId, orderId }, data: { amount, currency: 'EUR', dueAt } };
    if (chance(0.05)) {
      yield {
        type: 'invoice.disputed',
        refs: { invoiceId, orderId },
        data: { amount, reason: pick(['wrong_price', 'not_delivered', 'duplicate']) },
      };
    } else if (chance(0.95)) {
      yield { type: 'invoice.paid', refs: { invoiceId, orderId }, data: { amount } };
    }
  }
}

function* complaintFlow(): Generator<Draft, void, number> {
  const complaintId = `CMP-${++seq}`;
  const severity = pick(['low', 'low', 'medium', 'medium', 'high', 'critical']);
  yield {
    type: 'complaint.received',
    refs: { complaintId },
    data: { severity, category: pick(['delivery', 'quality', 'billing', 'service']), channel: 'phone' },
  };
  if (chance(0.85)) yield { type: 'complaint.answered', refs: { complaintId }, data: { by: 'service desk' } };
}

function* usageFlow(): Generator<Draft, void, number> {
  const subscriptionId = `SUB-${++seq}`;
  for (let reports = between(1, 3); reports > 0; reports--) {
    yield {
      type: 'usage.reported',
      refs: { subscriptionId },
      data: { activeUsers: between(1, 500), apiCalls: between(0, 100_000) },
    };
  }
  if (chance(0.15)) {
    yield {
      type: 'usage.dropped',
      refs: { subscriptionId },
      data: { dropPercent: between(10, 95), metric: pick(['activeUsers', 'apiCalls']) },
    };
  }
}

/**
 * Interleaves many flows at once. A flow rests for `gap` events after each of its events, so the
 * events of one order reach the server batches apart, as in life (minutes or days apart), and
 * not in two batches in flight at once.
 */
class EventStream {
  private ready: Flow[] = [];
  private resting: { flow: Flow; until: number }[] = [];
  private head = 0;
  private sent = 0;
  constructor(
    private readonly gap: number,
    private readonly choice = 3000,
  ) {}

  private start(at: number): Flow {
    const r = random();
    const steps = r < 0.7 ? orderFlow() : r < 0.8 ? complaintFlow() : usageFlow();
    return { customer: someCustomer(), steps, lastAt: at - 60_000 };
  }

  /** The next event, happening about `at` (a few seconds earlier, never before its flow's last). */
  next(at: number) {
    for (;;) {
      // A queue read from `head` (compacted now and then): splicing its front per event would
      // cost the server's CPU, which this process shares.
      while (this.head < this.resting.length && this.resting[this.head]!.until <= this.sent)
        this.ready.push(this.resting[this.head++]!.flow);
      if (this.head > 4096) {
        this.resting = this.resting.slice(this.head);
        this.head = 0;
      }
      while (this.ready.length < this.choice) this.ready.push(this.start(at));
      const i = Math.floor(random() * this.ready.length);
      const flow = this.ready[i]!;
      this.ready[i] = this.ready[this.ready.length - 1]!;
      this.ready.pop();
      const occurredAt = Math.max(flow.lastAt + 1, at - between(0, 30_000));
      const step = flow.steps.next(occurredAt);
      if (step.done) continue;
      flow.lastAt = occurredAt;
      this.resting.push({ flow, until: this.sent + this.gap });
      return {
        id: `ev-${++this.sent}`,
        type: step.value.type,
        occurredAt: new Date(occurredAt).toISOString(),
        customer: { externalId: externalId(flow.customer) },
        refs: step.value.refs,
        data: step.value.data,
      };
    }
  }
}

async function post(p: LoadParams, events: unknown[]) {
  const res = await fetch(`${p.base}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (res.status >= 400) throw new Error(`POST /events: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{
    accepted: number;
    rejected: number;
    results: { status: string; reason?: string }[];
  }>;
}

/** Sends the load with timer probes spread over the part of the run whose due times fall in it. */
export async function runLoad(p: LoadParams): Promise<LoadResult> {
  customerCount = p.customers;
  const stream = new EventStream(2 * p.batch * p.concurrency);
  const batches = Math.ceil(p.total / p.batch);
  const latencies: number[] = [];
  const probes: Probe[] = [];
  let sent = 0;
  let nextBatch = 0;
  let firstError: string | undefined;
  let rejected = 0;
  const t0 = now();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: p.concurrency }, async () => {
      while (nextBatch < batches) {
        const b = nextBatch++;
        const n = Math.min(p.batch, p.total - b * p.batch);
        const at = Date.now();
        const list = Array.from({ length: n }, () => stream.next(at));
        // Probes so far should be K x (the share of the run left after the lead has passed).
        const elapsed = at - started;
        const estimated = b > 0 ? (elapsed / (b * p.batch)) * p.total : 0;
        const mine: Probe[] = [];
        if (estimated > 0 && elapsed + p.timerLeadMs + 2000 < estimated) {
          const due = Math.min(
            p.timers,
            Math.ceil((p.timers * elapsed) / (estimated - p.timerLeadMs - 2000)),
          );
          while (probes.length < due) {
            const k = probes.length;
            // Due times a little apart, so one timer run does not fire them all at once.
            const probe = {
              ref: `SH-PROBE-${k}`,
              dueAt: at + p.timerLeadMs + between(0, 999),
              answeredAt: 0,
            };
            probes.push(probe);
            mine.push(probe);
            // Replaces an ordinary event (not another probe): the batch keeps its size.
            let slot = Math.floor(random() * list.length);
            while (list[slot]!.id.startsWith('probe-')) slot = (slot + 1) % list.length;
            list[slot] = {
              id: `probe-${k}`,
              type: 'shipment.dispatched',
              occurredAt: new Date(probe.dueAt - 48 * HOUR).toISOString(),
              customer: { externalId: externalId(someCustomer()) },
              refs: { orderId: `SO-PROBE-${k}`, shipmentId: probe.ref },
              data: { carrier: pick(CARRIERS), parcels: 1 },
            };
          }
        }
        const t = now();
        const answer = await post(p, list);
        latencies.push(now() - t);
        for (const probe of mine) probe.answeredAt = Date.now();
        if (answer.rejected > 0) {
          rejected += answer.rejected;
          firstError ??= answer.results.find((r: { status: string }) => r.status === 'rejected')?.reason;
        }
        sent += answer.accepted;
        progress('events', Math.min(p.total, (b + 1) * p.batch), p.total);
      }
    }),
  );
  return { seconds: (now() - t0) / 1000, latencies, probes, sent, rejected, firstError };
}

/** `runLoad` on a worker thread; the server keeps its event loop to itself. */
export function runLoadInWorker(p: LoadParams): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = moduleWorker(new URL(import.meta.url), { workerData: { benchLoad: p } });
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load's worker stopped (exit code ${code})`)));
  });
}

if (!isMainThread && (workerData as { benchLoad?: LoadParams } | null)?.benchLoad) {
  void runLoad((workerData as { benchLoad: LoadParams }).benchLoad).then((result) =>
    parentPort!.postMessage(result),
  );
}
