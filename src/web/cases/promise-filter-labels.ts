// The queue's filters on promise clocks and segment (the cases behind a count of the KPI page's
// promise compliance) in words, for the chips that say why the list is narrowed and for the
// line under the queue's title: "Resolution promises breached, decided Sep 1, 2026 – Dec 5, 2026,
// agreement Gold PSA". Pure.
import { NO_SEGMENT } from '../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { promiseKindLabel } from './case-labels.js';

const OUTCOMES = {
  decided: 'met or breached',
  met_on_time: 'met on time',
  breached: 'breached',
  overdue: 'overdue now',
} as const;

export interface PromiseFilterNames {
  agreement(id: string): string | undefined;
  segment(key: string): string | undefined;
  date(iso: string): string;
}

/** The promise clock filter, if any: kind, outcome, decision period and agreement in one phrase. */
export function promiseClockLabel(f: CaseViewFilters, names: PromiseFilterNames): string | undefined {
  const period = f.decidedFrom || f.decidedTo;
  const outcome = f.promiseOutcome ?? (period ? 'decided' : undefined);
  if (!outcome && !f.promiseKind && !f.promiseAgreementId) return undefined;
  const kind = f.promiseKind ? `${promiseKindLabel(f.promiseKind)} promises` : 'Promises';
  const parts = [outcome ? `${kind} ${OUTCOMES[outcome]}` : kind];
  if (period) {
    const from = f.decidedFrom ? names.date(f.decidedFrom) : undefined;
    const to = f.decidedTo ? names.date(f.decidedTo) : undefined;
    parts.push(
      from && to ? `decided ${from} – ${to}` : from ? `decided since ${from}` : `decided before ${to}`,
    );
  }
  if (f.promiseAgreementId) parts.push(`agreement ${names.agreement(f.promiseAgreementId) ?? '(not found)'}`);
  return parts.join(', ');
}

/**
 * The solved period, if any (the Workload page's "solved today"), its ends as date and time:
 * "Solved Dec 6, 2026, 00:00 – Dec 7, 2026, 00:00".
 */
export function solvedLabel(f: CaseViewFilters, time: (iso: string) => string): string | undefined {
  if (!f.solvedFrom && !f.solvedTo) return undefined;
  const from = f.solvedFrom ? time(f.solvedFrom) : undefined;
  const to = f.solvedTo ? time(f.solvedTo) : undefined;
  return from && to ? `Solved ${from} – ${to}` : from ? `Solved since ${from}` : `Solved before ${to}`;
}

/** The segment filter, if any: "Segment: Gold", "No segment". */
export function segmentLabel(f: CaseViewFilters, names: PromiseFilterNames): string | undefined {
  if (!f.segment) return undefined;
  if (f.segment === NO_SEGMENT) return 'No segment';
  return `Segment: ${names.segment(f.segment) ?? f.segment}`;
}

/** The filters without the promise clock's (or the segment's), as a chip's × leaves them. */
export function withoutPromiseClock(f: CaseViewFilters): CaseViewFilters {
  const {
    promiseKind: _k,
    promiseAgreementId: _a,
    promiseOutcome: _o,
    decidedFrom: _f,
    decidedTo: _t,
    ...rest
  } = f;
  return rest;
}
export function withoutSolved(f: CaseViewFilters): CaseViewFilters {
  const { solvedFrom: _f, solvedTo: _t, ...rest } = f;
  return rest;
}
/** The Workload page's "longest wait" filter, if any: the cases waiting on our reply. */
export const awaitingLabel = (f: CaseViewFilters) => (f.awaitingReply ? 'Awaiting our reply' : undefined);
export function withoutAwaiting(f: CaseViewFilters): CaseViewFilters {
  const { awaitingReply: _a, ...rest } = f;
  return rest;
}
export function withoutSegment(f: CaseViewFilters): CaseViewFilters {
  const { segment: _s, ...rest } = f;
  return rest;
}
