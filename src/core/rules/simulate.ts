// The dry run of a signal rule over past events ("would have fired on these 12 customers"),
// without I/O. Contract:
// - `events` are the events of the period, sorted by occurredAt, then id (they are re-sorted
//   defensively; the order of equal keys is kept). `opts.now` is the end of simulated time:
//   events after it are not read, and waits due after it do not fire.
// - The semantics are the live engine's, replayed in time order:
//   - the events that fire or count must be in the rule's scope (`inScope`): match and threshold
//     events, and absence starting events. An absence rule's expected event ends the wait
//     whatever its scope (a carrier's scan often has no customer), as in the live engine;
//   - match: each matching event fires; a repeat with the dedupe key of a live signal only adds
//     evidence. In a simulation nothing is resolved or dismissed by people, so a signal stays live
//     to the end (except absence signals, resolved when the expected event finally arrives);
//   - threshold: per subject (customer, or organization with per organization; events without
//     that subject are ignored), the matching events with occurredAt in (t - window, t] are
//     counted at each matching event t; at `count` the rule fires at t with those events as
//     evidence; while that signal is live further matching events add evidence;
//   - absence: a starting event with the sameRef ref (not empty) starts a wait, unless one is waiting for the
//     same ref value already; an expected event with that ref value and occurredAt >= the start's
//     ends it (fulfilled) when it comes at or before the due time. A wait due before the next
//     event (or at or before `now` at the end) fires at its due time (not before its starting
//     event, when the deadline was already past at the start), evidence = the starting event,
//     dueAt = when the promise falls due. An expected event arriving after that resolves the
//     signal, so a later start with the same ref may fire again.
// - Signals come back in firedAt order (then in the order they fired).
import type { AbsenceRule, RuleDefinition, ThresholdRule } from '../../shared/schemas/rules.js';
import { isoDurationMs } from '../../shared/schemas/rules.js';
import {
  dedupeKeyOf,
  dedupeRefOf,
  type EventContext,
  expectationDue,
  inScope,
  refValueOf,
  selectorMatches,
} from './evaluate.js';

export interface SimulatedSignal {
  dedupeKey: string;
  customerId: string | null;
  organizationId: string | null;
  /** The value of the ref the rule dedupes on (`dedupeRefOf`: an absence rule's sameRef unless told). */
  ref: string | null;
  firedAt: Date;
  /** When the promise at risk falls due (absence rules), else null. */
  dueAt: Date | null;
  /** Event ids, in the order they became evidence. */
  evidence: string[];
}

export interface SimulationResult {
  signals: SimulatedSignal[];
  /** Events read: those at or before `now`. */
  eventsScanned: number;
}

/** The signals a rule would have opened over these events. */
export function simulateRule(
  rule: RuleDefinition,
  events: EventContext[],
  opts: { now: Date },
): SimulationResult {
  const now = opts.now.getTime();
  const read = inTimeOrder(events).filter((e) => e.occurredAt.getTime() <= now);
  const run = new Run();
  if (rule.kind === 'match') {
    for (const e of read) {
      if (!inScope(rule.scope, e) || !selectorMatches(rule.when, e)) continue;
      run.fireOrAdd(dedupeKeyOf(rule, e), e, e.occurredAt, null, refOf(rule, e));
    }
  } else if (rule.kind === 'threshold') {
    simulateThreshold(rule, read, run);
  } else {
    simulateAbsence(rule, read, now, run);
  }
  return { signals: run.inFiredOrder(), eventsScanned: read.length };
}

const byTimeThenId = (a: EventContext, b: EventContext) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function inTimeOrder(events: EventContext[]): EventContext[] {
  for (let i = 1; i < events.length; i++)
    if (byTimeThenId(events[i - 1]!, events[i]!) > 0) return [...events].sort(byTimeThenId);
  return events;
}

/** The value of the ref the rule dedupes on, if it has one (as the live engine records it). */
function refOf(rule: RuleDefinition, e: EventContext): string | null {
  const key = dedupeRefOf(rule);
  return key ? refValueOf(e, key) : null;
}

/** The signals of one simulation and which of them are live, by dedupe key. */
class Run {
  readonly fired: SimulatedSignal[] = [];
  private readonly live = new Map<string, SimulatedSignal>();
  private readonly evidenceOf = new Map<SimulatedSignal, Set<string>>();

  liveSignal(key: string): SimulatedSignal | undefined {
    return this.live.get(key);
  }

  /** A new signal, or, when one with this key is live, more evidence for it. */
  fireOrAdd(
    key: string,
    subject: EventContext,
    firedAt: Date,
    dueAt: Date | null,
    ref: string | null,
    evidence: string[] = [subject.id],
  ): SimulatedSignal {
    const open = this.live.get(key);
    if (open) {
      const seen = this.evidenceOf.get(open)!;
      for (const id of evidence)
        if (!seen.has(id)) {
          seen.add(id);
          open.evidence.push(id);
        }
      return open;
    }
    const signal: SimulatedSignal = {
      dedupeKey: key,
      customerId: subject.customer?.id ?? null,
      organizationId: subject.organization?.id ?? null,
      ref,
      firedAt,
      dueAt,
      evidence: [...new Set(evidence)],
    };
    this.fired.push(signal);
    this.evidenceOf.set(signal, new Set(evidence));
    this.live.set(key, signal);
    return signal;
  }

  resolve(signal: SimulatedSignal): void {
    if (this.live.get(signal.dedupeKey) === signal) this.live.delete(signal.dedupeKey);
  }

  inFiredOrder(): SimulatedSignal[] {
    // Stable: signals that fire at the same instant keep the order they fired in.
    return [...this.fired].sort((a, b) => a.firedAt.getTime() - b.firedAt.getTime());
  }
}

function simulateThreshold(rule: ThresholdRule, events: EventContext[], run: Run): void {
  const windowMs = isoDurationMs(rule.window);
  if (windowMs === null) return;
  // Per subject, the matching events still inside the window (oldest first, from `head`).
  const recent = new Map<string, { events: EventContext[]; head: number }>();
  for (const e of events) {
    if (!inScope(rule.scope, e) || !selectorMatches(rule.when, e)) continue;
    const subject = rule.per === 'organization' ? e.organization?.id : e.customer?.id;
    if (!subject) continue;
    let w = recent.get(subject);
    if (!w) recent.set(subject, (w = { events: [], head: 0 }));
    w.events.push(e);
    const from = e.occurredAt.getTime() - windowMs;
    while (w.events[w.head]!.occurredAt.getTime() <= from) w.head++;
    if (w.head > 1024 && w.head * 2 > w.events.length) {
      w.events = w.events.slice(w.head);
      w.head = 0;
    }
    const key = dedupeKeyOf(rule, e);
    if (run.liveSignal(key)) run.fireOrAdd(key, e, e.occurredAt, null, refOf(rule, e));
    else if (w.events.length - w.head >= rule.count)
      run.fireOrAdd(
        key,
        e,
        e.occurredAt,
        null,
        refOf(rule, e),
        w.events.slice(w.head).map((x) => x.id),
      );
  }
}

interface Wait {
  seq: number;
  start: EventContext;
  refValue: string;
  dueAt: number;
  promiseDueAt: Date | null;
  done: boolean;
}

function simulateAbsence(rule: AbsenceRule, events: EventContext[], now: number, run: Run): void {
  const waiting = new Map<string, Wait>(); // by ref value
  const due = new WaitHeap();
  // Live absence signals by the ref value they wait for: the expected event resolves them.
  const firedFor = new Map<string, SimulatedSignal[]>();
  // The latest expected event per ref value, for a start whose expected event came at the same
  // instant but sorted before it.
  const lastExpected = new Map<string, number>();
  let seq = 0;

  const fireDue = (before: (dueAt: number) => boolean) => {
    for (let w = due.peek(); w && before(w.dueAt); w = due.peek()) {
      due.pop();
      if (w.done) continue;
      w.done = true;
      waiting.delete(w.refValue);
      const firedAt = new Date(Math.max(w.dueAt, w.start.occurredAt.getTime()));
      const signal = run.fireOrAdd(
        dedupeKeyOf(rule, w.start),
        w.start,
        firedAt,
        w.promiseDueAt,
        refOf(rule, w.start),
      );
      const list = firedFor.get(w.refValue) ?? [];
      if (!list.includes(signal)) list.push(signal);
      firedFor.set(w.refValue, list);
    }
  };

  for (const e of events) {
    const at = e.occurredAt.getTime();
    fireDue((dueAt) => dueAt < at);
    const refValue = refValueOf(e, rule.sameRef);
    if (!refValue) continue;
    const expected = selectorMatches(rule.expect, e);
    if (expected) {
      const w = waiting.get(refValue);
      if (w && at >= w.start.occurredAt.getTime() && at <= w.dueAt) {
        w.done = true;
        waiting.delete(refValue);
      }
      for (const signal of firedFor.get(refValue) ?? []) run.resolve(signal);
      firedFor.delete(refValue);
    }
    if (
      selectorMatches(rule.after, e) &&
      inScope(rule.scope, e) &&
      !((lastExpected.get(refValue) ?? -Infinity) >= at)
    ) {
      const times = expectationDue(rule, e);
      if (times) {
        // A repeated start (re-promised, dispatched again) replaces the running wait.
        const running = waiting.get(refValue);
        if (running) running.done = true;
        const w: Wait = {
          seq: seq++,
          start: e,
          refValue,
          dueAt: times.dueAt.getTime(),
          promiseDueAt: times.promiseDueAt,
          done: false,
        };
        waiting.set(refValue, w);
        due.push(w);
      }
    }
    if (expected) lastExpected.set(refValue, at);
  }
  fireDue((dueAt) => dueAt <= now);
}

/** A binary min-heap of waits by due time, then by the order they started. */
class WaitHeap {
  private readonly items: Wait[] = [];

  private static less(a: Wait, b: Wait): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  peek(): Wait | undefined {
    return this.items[0];
  }

  push(w: Wait): void {
    const h = this.items;
    h.push(w);
    for (let i = h.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!WaitHeap.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): Wait | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && WaitHeap.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && WaitHeap.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
