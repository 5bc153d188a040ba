// What a saved view shows, in a line under the queue's title: "New, Open · Urgent · assigned to
// me · Carrier: Boxly". Pure, so the wording is easy to test.
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { splitFieldFilter } from '../../shared/field-values.js';
import { channelLabel, priorityLabel, statusLabel } from './case-labels.js';

export interface SummaryNames {
  agent(id: string): string | undefined;
  team(id: string): string | undefined;
  category(key: string): string | undefined;
  /** A case field's label by key. */
  field(key: string): string | undefined;
}

/** The parts of the line, in the editor's order; none for a view that shows every case. */
export function viewSummary(f: CaseViewFilters, names: SummaryNames): string[] {
  const parts: string[] = [];
  const list = (values: string[] | undefined, label: (v: string) => string) =>
    values?.length ? values.map(label).join(', ') : undefined;
  const push = (part: string | undefined) => part && parts.push(part);
  push(list(f.status, statusLabel));
  push(list(f.priority, priorityLabel));
  push(list(f.channel, channelLabel));
  push(list(f.category, (k) => names.category(k) ?? k));
  if (f.assigneeId === 'me') push('assigned to me');
  else if (f.assigneeId === 'none') push('unassigned');
  else if (f.assigneeId) push(`assigned to ${names.agent(f.assigneeId) ?? 'an agent'}`);
  if (f.teamId === 'none') push('no team');
  else if (f.teamId) push(`team ${names.team(f.teamId) ?? '(removed)'}`);
  if (f.promise === 'at_risk') push('promises at risk');
  if (f.promise === 'breached') push('promises breached');
  if (f.tags?.length) push(`tagged ${f.tags.join(', ')}`);
  if (f.customerId) push('one customer');
  if (f.organizationId) push('one organization');
  for (const [key, value] of (f.fields ?? []).map(splitFieldFilter)) {
    const label = names.field(key) ?? key;
    push(value === '' ? `${label} not set` : `${label}: ${value}`);
  }
  return parts;
}
