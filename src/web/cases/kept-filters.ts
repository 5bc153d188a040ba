// What the filter form (case-filter-form.tsx) does with each of a view's filters: edits it, shows
// it as a box to untick (the KPI page's promise clock and segment), or keeps it as it is without
// showing it (set through the API, or by the Workload page's links), which the form then names
// in words. Every filter of CaseViewFilters has its place here, and every kept one its words (the
// compiler checks both), so a new filter is neither dropped on save nor kept unsaid. Pure.
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { solvedLabel } from './promise-filter-labels.js';

type Role = 'edited' | 'box' | 'kept';

export const FILTER_FORM_ROLES = {
  status: 'edited',
  priority: 'edited',
  category: 'edited',
  channel: 'edited',
  assigneeId: 'edited',
  teamId: 'edited',
  tags: 'edited',
  promise: 'edited',
  fields: 'edited',
  promiseKind: 'box',
  promiseAgreementId: 'box',
  promiseOutcome: 'box',
  decidedFrom: 'box',
  decidedTo: 'box',
  segment: 'box',
  customerId: 'kept',
  organizationId: 'kept',
  awaitingReply: 'kept',
  solvedFrom: 'kept',
  solvedTo: 'kept',
} as const satisfies Record<keyof CaseViewFilters, Role>;

type Roles = typeof FILTER_FORM_ROLES;
type KeyOf<R extends Role> = { [K in keyof Roles]: Roles[K] extends R ? K : never }[keyof Roles];

/** The filters the form has no field for: taken over from the filters it started from. */
export const FILTERS_NOT_EDITED = (Object.keys(FILTER_FORM_ROLES) as (keyof Roles)[]).filter(
  (k): k is KeyOf<'box' | 'kept'> => FILTER_FORM_ROLES[k] !== 'edited',
);

/** Each kept filter as the end of "cases …" (the solved period's two ends say one thing). */
const KEPT_WORDS: Record<KeyOf<'kept'>, (f: CaseViewFilters, time: (iso: string) => string) => string> = {
  customerId: () => 'of one customer (set through the API)',
  organizationId: () => 'of one organization (set through the API)',
  awaitingReply: () => 'awaiting our reply',
  solvedFrom: (f, time) => solved(f, time),
  solvedTo: (f, time) => solved(f, time),
};
const solved = (f: CaseViewFilters, time: (iso: string) => string) =>
  (solvedLabel(f, time) ?? '').replace(/^Solved/, 'solved');

const inWords = (parts: string[]) =>
  parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;

/**
 * The note on the filters kept but not shown, if any are set: "It also shows only cases awaiting
 * our reply, and keeps that." `time` writes an instant (the solved period's ends).
 */
export function keptFiltersNote(f: CaseViewFilters, time: (iso: string) => string): string | undefined {
  const parts = (Object.keys(KEPT_WORDS) as KeyOf<'kept'>[])
    .filter((k) => f[k] !== undefined)
    .map((k) => KEPT_WORDS[k](f, time));
  const distinct = [...new Set(parts)];
  return distinct.length ? `It also shows only cases ${inWords(distinct)}, and keeps that.` : undefined;
}
