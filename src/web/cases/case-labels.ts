// Words for the case vocabulary (DESIGN.md glossary), shared by the queue, the case page and admin.
import type { CASE_SORTS } from '../../shared/schemas/cases.js';
import { CHANNEL_LABELS, PRIORITY_LABELS, PROMISE_KIND_LABELS, STATUS_LABELS } from '../../shared/labels.js';

// The words themselves live in src/shared: the CSV exports write them too.
export { CHANNEL_LABELS, PRIORITY_LABELS, PROMISE_KIND_LABELS, STATUS_LABELS };

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
