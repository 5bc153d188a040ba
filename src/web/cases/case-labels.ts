// Words for the case vocabulary (DESIGN.md glossary), shared by the queue, the case page and admin.
import type { CASE_SORTS, CaseStatus, Channel, Priority, PromiseKind } from '../../shared/schemas/cases.js';

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

/** The queue's orders (the list's and a view's sort). */
export const SORT_LABELS: Record<(typeof CASE_SORTS)[number], string> = {
  nextDueAt: 'Most urgent first',
  createdAt: 'Oldest first',
  '-createdAt': 'Newest first',
  updatedAt: 'Least recently updated',
  '-updatedAt': 'Recently updated',
  followUpAt: 'Follow-up soonest',
};

const lookup =
  <K extends string>(labels: Record<K, string>) =>
  (key: string): string =>
    (labels as Record<string, string>)[key] ?? key;

export const statusLabel = lookup(STATUS_LABELS);
export const priorityLabel = lookup(PRIORITY_LABELS);
export const promiseKindLabel = lookup(PROMISE_KIND_LABELS);
export const channelLabel = lookup(CHANNEL_LABELS);
