// Commitment instances on operations, without I/O: what the engine asks when an event comes in
// or a due time passes. Contract:
// - `commitmentOpening`: the event opens an instance of the commitment when it is of the `opens`
//   type, every `where` condition holds and it carries the `ref`; the instance is due at the time
//   in `dueFrom` (an ISO time in the event; a date alone is the end of that day in the customer's
//   time zone, else UTC) or `within` after the
//   event. Anything else (other type, a condition failing, no ref, no readable due time) is null.
// - `closingEventOf`: the event type that closes an instance (fulfilledBy or brokenBy).
// - `closingRefsByType`, `cancellationsByType`: what an event of a type may end, read from the
//   active agreements' commitments: the instances closing on it (found by their stored closing
//   type and the ref), and the commitment keys it cancels (per agreement: two agreements may
//   share a key and not its cancelledBy).
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
  readField,
  refValueOf,
} from './evaluate.js';

export type CommitmentMode = CommitmentDefinition['mode'];

export function commitmentOpening(
  def: CommitmentDefinition,
  ctx: EventContext,
): { refValue: string; dueAt: Date } | null {
  if (ctx.type !== def.opens) return null;
  if (!(def.where ?? []).every((c) => conditionHolds(c, ctx))) return null;
  const refValue = refValueOf(ctx, def.ref);
  if (refValue === null || refValue === '') return null;
  let dueAt: Date | null = null;
  if (def.dueFrom) dueAt = deadlineOf(readField(ctx, def.dueFrom), deadlineZoneOf(ctx));
  else if (def.within) {
    const ms = isoDurationMs(def.within);
    dueAt = ms === null ? null : new Date(ctx.occurredAt.getTime() + ms);
  }
  return dueAt ? { refValue, dueAt } : null;
}

/** The event type that closes an instance: fulfilledBy (fulfil) or brokenBy (avoid). */
export function closingEventOf(def: CommitmentDefinition): string | null {
  return (def.mode === 'avoid' ? def.brokenBy : def.fulfilledBy) ?? null;
}

/** The event type that cancels an instance (cancelledBy), if any. */
export function cancellingEventOf(def: CommitmentDefinition): string | null {
  return def.cancelledBy ?? null;
}

interface AgreementCommitments {
  id: string;
  commitments: CommitmentDefinition[];
}

/** Closing event type → the ref keys of the commitments it closes. */
export function closingRefsByType(agreements: AgreementCommitments[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const a of agreements)
    for (const def of a.commitments) {
      const type = closingEventOf(def);
      if (!type) continue;
      const keys = out.get(type) ?? new Set<string>();
      keys.add(def.ref);
      out.set(type, keys);
    }
  return out;
}

export interface Cancellation {
  key: string;
  ref: string;
  /** The agreements whose commitment `key` (followed by `ref`) this type cancels. */
  agreementIds: string[];
}

/** Cancelling event type → the commitments it cancels, one entry per key and ref. */
export function cancellationsByType(agreements: AgreementCommitments[]): Map<string, Cancellation[]> {
  const out = new Map<string, Map<string, Cancellation>>();
  for (const a of agreements)
    for (const def of a.commitments) {
      const type = cancellingEventOf(def);
      if (!type) continue;
      const byKey = out.get(type) ?? new Map<string, Cancellation>();
      const k = `${def.key}|${def.ref}`;
      const entry = byKey.get(k) ?? { key: def.key, ref: def.ref, agreementIds: [] };
      entry.agreementIds.push(a.id);
      byKey.set(k, entry);
      out.set(type, byKey);
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
