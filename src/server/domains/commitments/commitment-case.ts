// What a case opened by hand for a commitment starts with (POST /commitments/:id/case): its
// subject, category and priority, and the first internal note stating the commitment's facts.
// Pure: the caller passes the time zone and "now".
import type { Priority } from '../../../shared/schemas/cases.js';
import { DEFAULT_CATEGORY } from '../../../shared/schemas/cases.js';
import { LIMITS } from '../../../shared/schemas/common.js';
import type { Commitment, CommitmentState } from '../../../shared/schemas/signals.js';
import { wallClockSpan } from '../../../shared/spans.js';
import { COMMITMENT_STATE_LABELS } from '../../../shared/labels.js';
import { refLabel, refNoun } from '../../../shared/ref-labels.js';

/** The state in words after the subject: a promise not kept yet says so; a kept one says nothing. */
const SUBJECT_STATE: Record<CommitmentState, string> = {
  open: '',
  overdue: ' overdue',
  broken: ' broken',
  late: ' met late',
  met: '',
  cancelled: ' cancelled',
};

/**
 * "Callback within 2 hours for CB-4004 overdue". A name and a ref may be 200 characters each, a
 * subject 300: the name is shortened then (ending in "…"), never the ref or its state, which say
 * what the case is about.
 */
export function commitmentCaseSubject(c: Pick<Commitment, 'name' | 'refValue' | 'state'>): string {
  const tail = ` for ${c.refValue}${SUBJECT_STATE[c.state]}`;
  const subject = `${c.name}${tail}`;
  if (subject.length <= LIMITS.subject) return subject;
  const room = LIMITS.subject - tail.length - 1;
  let name = '';
  // By code points, so a character outside the BMP is never cut in half.
  for (const ch of c.name) {
    if (name.length + ch.length > room) break;
    name += ch;
  }
  return `${name.trimEnd()}…${tail}`;
}

/** Not kept (yet): the promise is in trouble. */
const troubled = (state: CommitmentState) => state === 'overdue' || state === 'broken' || state === 'late';

/**
 * The category the case is filed under by the kind of thing its ref names: an invoice's is an
 * invoice error; an order's or shipment's a late delivery when the promise is not kept, else an
 * order status inquiry; anything else the default category.
 */
export function commitmentCaseCategory(c: Pick<Commitment, 'refKey' | 'state'>): string {
  const noun = refNoun(c.refKey);
  if (noun === 'invoice') return 'invoice_error';
  if (noun === 'order' || noun === 'shipment') return troubled(c.state) ? 'late_delivery' : 'order_status';
  return DEFAULT_CATEGORY;
}

/** High when the promise is overdue or broken: the customer is waiting now. */
export function commitmentCasePriority(c: Pick<Commitment, 'state'>): Priority {
  return c.state === 'overdue' || c.state === 'broken' ? 'high' : 'normal';
}

/** The first internal note: what was promised, to whom, about what, and where it stands. */
export function commitmentCaseNote(
  c: Pick<
    Commitment,
    | 'name'
    | 'agreementName'
    | 'refKey'
    | 'refValue'
    | 'state'
    | 'openedAt'
    | 'dueAt'
    | 'closedAt'
    | 'repromised'
  >,
  opts: { timeZone: string; now: Date; note?: string },
): string {
  const at = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: opts.timeZone,
  });
  const time = (iso: string) => `${at.format(new Date(iso))} (${opts.timeZone})`;
  const lateBy = Math.floor((opts.now.getTime() - Date.parse(c.dueAt)) / 60_000);
  const lines = [
    `Opened for the commitment "${c.name}" (agreement ${c.agreementName}) on ${refLabel(c.refKey, c.refValue)}.`,
    `State: ${COMMITMENT_STATE_LABELS[c.state].toLowerCase()}${c.state === 'overdue' && lateBy > 0 ? `, ${wallClockSpan(lateBy * 60_000, ' ')} past due` : ''}.`,
    `Opened: ${time(c.openedAt)}.`,
    `Due: ${time(c.dueAt)}${c.repromised > 0 ? ` (re-promised ${c.repromised}×)` : ''}.`,
    ...(c.closedAt ? [`Closed: ${time(c.closedAt)}.`] : []),
  ];
  return opts.note ? `${lines.join('\n')}\n\n${opts.note}` : lines.join('\n');
}
