// Words for the case and proactive-service vocabulary (DESIGN.md glossary), shared by the web UI
// and the CSV exports, so a file says what the page says ("On hold", "Met late"), not the key.
import type { CaseStatus, Channel, Priority, PromiseKind } from './schemas/cases.js';
import type { RULE_KINDS, Severity } from './schemas/rules.js';
import { LIVE_SIGNAL_STATES, type CommitmentState, type SignalState } from './schemas/signals.js';

export const STATUS_LABELS: Record<CaseStatus, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Pending',
  on_hold: 'On hold',
  solved: 'Solved',
  closed: 'Closed',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: 'Low',
  normal: 'Normal',
  high: 'High',
  urgent: 'Urgent',
};

export const PROMISE_KIND_LABELS: Record<PromiseKind, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  periodic_update: 'Periodic update',
  resolution: 'Resolution',
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: 'E-mail',
  web: 'Web form',
  portal: 'Portal',
  phone: 'Phone',
  chat: 'Chat',
  api: 'API',
  proactive: 'Proactive',
};

/** A case's promises now, worst running clock first (`promiseState`). */
export const PROMISE_STATE_LABELS: Record<'ok' | 'at_risk' | 'breached' | 'none', string> = {
  ok: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
  none: 'None',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const SIGNAL_STATE_LABELS: Record<SignalState, string> = {
  open: 'Open',
  acted: 'Acted on',
  resolved: 'Resolved',
  dismissed: 'Dismissed',
};

export const COMMITMENT_STATE_LABELS: Record<CommitmentState, string> = {
  open: 'Open',
  overdue: 'Overdue',
  met: 'Met',
  late: 'Met late',
  broken: 'Broken',
  cancelled: 'Cancelled',
};

/** A commitment's kind of promise, as the agreement's editor offers it. */
export const COMMITMENT_MODE_LABELS: Record<'fulfil' | 'avoid', string> = {
  fulfil: 'Fulfil',
  avoid: 'Avoid',
};

export const RULE_KIND_NAMES: Record<(typeof RULE_KINDS)[number], string> = {
  match: 'Match',
  absence: 'Absence',
  threshold: 'Threshold',
};

/** A label lookup that gives an unknown key back as it is (a value newer than the list). */
export const lookup =
  <K extends string>(labels: Record<K, string>) =>
  (key: string | null | undefined): string =>
    key === null || key === undefined ? '' : ((labels as Record<string, string>)[key] ?? key);

/**
 * Whether a signal's state should say that nobody owns its case: a live one (open or acted on)
 * whose case is unsolved and assigned to nobody (`caseUnassigned`, the server's condition). An
 * ended signal's risk is over: it stays "Resolved" or "Dismissed", whoever has the case.
 */
export const signalUnowned = (state: string, caseUnassigned = false) =>
  caseUnassigned && (LIVE_SIGNAL_STATES as string[]).includes(state);

/**
 * A signal's state in words, as its pill and the CSV export say it: "Acted on" alone reads as if
 * someone were on it, and an open signal whose case was opened while its other actions wait (a
 * customer mail held) has a case nobody may be on either, so a live signal whose case nobody owns
 * says so: "Acted on · nobody on it", "Open · nobody on it".
 */
export const signalStateText = (state: string, caseUnassigned = false) =>
  signalUnowned(state, caseUnassigned)
    ? `${lookup(SIGNAL_STATE_LABELS)(state)} · nobody on it`
    : lookup(SIGNAL_STATE_LABELS)(state);
