// Words for the proactive-service vocabulary (DESIGN.md glossary: signal, signal rule,
// commitment), shared by the board, the signal page, the rule editor and the customer page.
import type { ACTION_KINDS, RULE_KINDS, Severity } from '../../shared/schemas/rules.js';
import type { ACTION_STATES } from '../../shared/schemas/signals.js';
import {
  COMMITMENT_STATE_LABELS,
  SEVERITY_LABELS,
  SIGNAL_STATE_LABELS,
  signalStateText,
} from '../../shared/labels.js';
import { formatNumber, formatPercent } from '../lib/format.js';

// The words themselves live in src/shared: the CSV exports write them too.
export { COMMITMENT_STATE_LABELS, SEVERITY_LABELS, SIGNAL_STATE_LABELS, signalStateText };

/** Most severe first: the order of the board. */
export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];

export const ACTION_KIND_LABELS: Record<(typeof ACTION_KINDS)[number], string> = {
  open_case: 'Open a proactive case',
  notify_customer: 'Notify the customer',
  notify_team: 'Notify a team',
  escalate: 'Escalate',
  start_playbook: 'Start a playbook',
  attach_to_incident: 'Attach to an incident',
};

export const ACTION_STATE_LABELS: Record<(typeof ACTION_STATES)[number] | 'held', string> = {
  pending: 'Pending',
  held: 'Held',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

export const RULE_KIND_LABELS: Record<(typeof RULE_KINDS)[number], [string, string]> = {
  match: ['Match', 'An event that is a risk in itself (a damaged parcel, a failed payment).'],
  absence: ['Absence', 'An event that does not come in time after another (no scan 48 h after dispatch).'],
  threshold: ['Threshold', 'Too many events in a window (3 complaints in 30 days).'],
};

const lookup =
  <K extends string>(labels: Record<K, string>) =>
  (key: string): string =>
    (labels as Record<string, string>)[key] ?? key;

export const severityLabel = lookup(SEVERITY_LABELS);
export const signalStateLabel = lookup(SIGNAL_STATE_LABELS);
export const commitmentStateLabel = lookup(COMMITMENT_STATE_LABELS);
export const actionKindLabel = lookup(ACTION_KIND_LABELS);
export const actionStateLabel = lookup(ACTION_STATE_LABELS);
export const ruleKindLabel = (kind: string) =>
  (RULE_KIND_LABELS as Record<string, [string, string]>)[kind]?.[0] ?? kind;

/** What an on-time rate is made of: "183 met · 22 late or broken · 4 overdue" (overdue when any). */
export function onTimeCounts(c: { met: number; late: number; broken: number; overdue: number }): string {
  const overdue = c.overdue > 0 ? ` · ${formatNumber(c.overdue)} overdue` : '';
  return `${formatNumber(c.met)} met · ${formatNumber(c.late + c.broken)} late or broken${overdue}`;
}

/**
 * A customer's or an organization's on-time rate in one sentence. The rate counts what fell due
 * (met, late, broken, overdue now), but with nothing closed in the period it would read "0%" for
 * a single overdue one: then the sentence says nothing was closed, and names the overdue ones.
 */
export function onTimeSentence(
  c: { met: number; late: number; broken: number; overdue: number; onTimeRate: number | null } | undefined,
  days: number,
): string {
  const period = `in the last ${formatNumber(days)} days`;
  const overdue = c?.overdue ?? 0;
  if (!c || c.met + c.late + c.broken === 0)
    return overdue > 0
      ? `No commitment closed ${period}; ${formatNumber(overdue)} overdue now.`
      : `No commitment closed ${period}, and none overdue now.`;
  return `On time ${period}: ${formatPercent(c.onTimeRate)} (${formatNumber(c.met)} met, ${formatNumber(c.late)} late, ${formatNumber(c.broken)} broken, ${formatNumber(overdue)} overdue now)`;
}
