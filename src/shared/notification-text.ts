// What a notification says, in the web UI and in its e-mail alike (pure, no I/O).
import type { PromiseKind } from './schemas/cases.js';
import type { NotificationKind } from './schemas/notifications.js';

const PROMISES: Record<PromiseKind, string> = {
  first_response: 'first response',
  next_response: 'next response',
  periodic_update: 'periodic update',
  resolution: 'resolution',
};

export interface NotificationFacts {
  kind: NotificationKind;
  /** The colleague who caused it; null: Steward itself, or the customer. */
  actorName: string | null;
  /**
   * Who wrote, for customer_replied: the case's customer, or someone on its CC list or a colleague
   * of theirs; for side_reply: the third party.
   */
  customerName: string | null;
  promise: PromiseKind | null;
}

/** One sentence, without the case (the UI and the mail show the case next to it). */
export function notificationSentence(n: NotificationFacts): string {
  const promise = n.promise ? PROMISES[n.promise] : 'a promise';
  switch (n.kind) {
    case 'case_assigned':
      return n.actorName ? `${n.actorName} assigned this case to you` : 'This case was assigned to you';
    case 'case_queued':
      return 'This case is waiting in your team’s queue';
    case 'customer_replied':
      return n.customerName ? `${n.customerName} wrote` : 'The customer wrote';
    case 'note_added':
      return `${n.actorName ?? 'Steward'} added an internal note`;
    case 'mentioned':
      return `${n.actorName ?? 'Steward'} mentioned you in a note`;
    case 'promise_warning':
      return `The ${promise} is due soon`;
    case 'promise_breached':
      return `The ${promise} was missed`;
    case 'follow_up_due':
      return 'Time to follow up: this case is open again';
    case 'side_reply':
      return `${n.customerName ?? 'A third party'} answered in a side conversation`;
  }
}

/** The names people see for each kind (preferences, filters). */
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  case_assigned: 'A case is assigned to me',
  case_queued: 'A case lands in my team’s queue, assigned to nobody',
  customer_replied: 'The customer writes on my case, or on one I follow',
  note_added: 'A colleague adds a note on my case, or on one I follow',
  mentioned: 'A colleague mentions me in a note (@name) on any case',
  promise_warning: 'A promise is due soon on my case, one I follow, or my team’s unassigned one',
  promise_breached: 'A promise is missed on my case, one I follow, or my team’s unassigned one',
  follow_up_due:
    'A waiting case opens again at its follow-up time: my case, one I follow, or my team’s unassigned one',
  side_reply:
    'A third party answers a side conversation on my case, one I follow, or my team’s unassigned one',
};
