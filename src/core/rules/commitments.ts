// Commitment instances on operations, without I/O: what the engine asks when an event comes in
// or a due time passes. Contract:
// - `commitmentOpening`: the event opens an instance of the commitment when it is of the `opens`
//   type, every `where` condition holds and it carries the `ref`; the instance is due at the time
//   in `dueFrom` (an ISO time in the event; a date alone is the end of that day in the customer's
//   time zone, else UTC) or `within` after the
//   event. Another type or a condition failing is null; an opening event without the ref, or
//   whose due time cannot be read, is a `problem` (the words of the accepted event's warning).
// - `closingEventOf`: the event type that closes an instance (fulfilledBy or brokenBy).
// - `endingsOf`: the (event type, ref) pairs that end instances of some commitments: closing
//   types, and cancelling types with the key they cancel. Kept for every definition ever saved,
//   so an instance ends on the terms it opened under.
// - `closingRefsByType`, `cancellationsByType`: what an event of a type may end, from those
//   pairs: the instances closing on it (found by their stored closing type and the ref), and the
//   commitment keys it may cancel (an instance is cancelled only when its own stored cancelling
//   type is the event's: two agreements may share a key and not its cancelledBy).
// - `closingState`: the state when the closing event arrives before the due time has closed it:
//   fulfil commitments are met at or before the due time and late after it; for avoid
//   commitments the breaking event arrived, so they are broken.
// - `dueState`: what the due time passing means: overdue (fulfil) or met (avoid).
// - `onTimeRate`: met / (met + late + broken + overdue), null when there is nothing to rate.
import { isoDurationMs } from '../../shared/schemas/rules.js';
import type { CommitmentDefinition } from '../../shared/schemas/signals.js';
import {
  conditionHolds,
  deadlineOf,
  deadlineZoneOf,
  type EventContext,
  missingRef,
  readField,
  refValueOf,
  unreadableTime,
} from './evaluate.js';

export type CommitmentMode = CommitmentDefinition['mode'];

export type CommitmentOpening = { refValue: string; dueAt: Date } | { problem: string };

export function commitmentOpening(def: CommitmentDefinition, ctx: EventContext): CommitmentOpening | null {
  if (ctx.type !== def.opens) return null;
  if (!(def.where ?? []).every((c) => conditionHolds(c, ctx))) return null;
  const refValue = refValueOf(ctx, def.ref);
  if (refValue === null || refValue === '') return { problem: missingRef(def.ref) };
  if (def.dueFrom) {
    const value = readField(ctx, def.dueFrom);
    const dueAt = deadlineOf(value, deadlineZoneOf(ctx));
    return dueAt ? { refValue, dueAt } : { problem: unreadableTime(def.dueFrom, value) };
  }
  const ms = def.within ? isoDurationMs(def.within) : null;
  return ms === null ? null : { refValue, dueAt: new Date(ctx.occurredAt.getTime() + ms) };
}

/** The event type that closes an instance: fulfilledBy (fulfil) or brokenBy (avoid). */
export function closingEventOf(def: CommitmentDefinition): string | null {
  return (def.mode === 'avoid' ? def.brokenBy : def.fulfilledBy) ?? null;
}

/** The event type that cancels an instance (cancelledBy), if any. */
export function cancellingEventOf(def: CommitmentDefinition): string | null {
  return def.cancelledBy ?? null;
}

/**
 * What events of `type` may end: instances closing on it (`cancels` empty), or live instances of
 * the commitment `cancels` that it cancels; either followed by the ref `refKey`.
 */
export interface CommitmentEnding {
  type: string;
  refKey: string;
  cancels: string;
}

/** The endings a list of commitment definitions declares, each once. */
export function endingsOf(defs: CommitmentDefinition[]): CommitmentEnding[] {
  const out = new Map<string, CommitmentEnding>();
  const add = (e: CommitmentEnding) => out.set(`${e.type}|${e.refKey}|${e.cancels}`, e);
  for (const def of defs) {
    const closing = closingEventOf(def);
    if (closing) add({ type: closing, refKey: def.ref, cancels: '' });
    const cancelling = cancellingEventOf(def);
    if (cancelling) add({ type: cancelling, refKey: def.ref, cancels: def.key });
  }
  return [...out.values()];
}

/** Closing event type → the ref keys of the instances it may close. */
export function closingRefsByType(endings: CommitmentEnding[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const e of endings) {
    if (e.cancels !== '') continue;
    const keys = out.get(e.type) ?? new Set<string>();
    keys.add(e.refKey);
    out.set(e.type, keys);
  }
  return out;
}

export interface Cancellation {
  /** The commitment key whose live instances (followed by `ref`) this type may cancel. */
  key: string;
  ref: string;
}

/** Cancelling event type → the commitments it may cancel, one entry per key and ref. */
export function cancellationsByType(endings: CommitmentEnding[]): Map<string, Cancellation[]> {
  const out = new Map<string, Map<string, Cancellation>>();
  for (const e of endings) {
    if (e.cancels === '') continue;
    const byKey = out.get(e.type) ?? new Map<string, Cancellation>();
    byKey.set(`${e.cancels}|${e.refKey}`, { key: e.cancels, ref: e.refKey });
    out.set(e.type, byKey);
  }
  return new Map([...out].map(([type, byKey]) => [type, [...byKey.values()]]));
}

export function closingState(
  def: { mode: CommitmentMode },
  dueAt: Date,
  closedAt: Date,
): 'met' | 'late' | 'broken' {
  if (def.mode === 'avoid') return 'broken';
  return closedAt.getTime() <= dueAt.getTime() ? 'met' : 'late';
}

export function dueState(mode: CommitmentMode): 'overdue' | 'met' {
  return mode === 'avoid' ? 'met' : 'overdue';
}

export function onTimeRate(c: { met: number; late: number; broken: number; overdue: number }): number | null {
  const all = c.met + c.late + c.broken + c.overdue;
  return all > 0 ? c.met / all : null;
}
