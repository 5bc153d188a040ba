// The cases behind a count of PSA target compliance (GET /kpis/promises): the case list's query
// (GET /cases, and the queue's address) for a group row and a count. Pure; the KPI page links its
// numbers with it, and the tests check that the list's total is the row's count of cases.
import { NO_SEGMENT } from './schemas/cases.js';
import type { PromiseKpiGroup } from './schemas/signals.js';

/** The counts of a compliance row that list cases. */
export type PromiseCount = 'decided' | 'metOnTime' | 'breached' | 'overdueNow';

const OUTCOME: Record<PromiseCount, string> = {
  decided: 'decided',
  metOnTime: 'met_on_time',
  breached: 'breached',
  overdueNow: 'overdue',
};

/**
 * The query for one count: the group's own filter (none for the totals row, `group` null), the
 * outcome, and for the decided ones the period. A group without a team, assignee or segment
 * (`groupId` null) is "none".
 */
export function promiseCaseQuery(
  period: { from: string; to: string },
  count: PromiseCount,
  group: { by: PromiseKpiGroup; id: string | null } | null,
): Record<string, string> {
  const query: Record<string, string> = { promiseOutcome: OUTCOME[count] };
  if (count !== 'overdueNow') Object.assign(query, { decidedFrom: period.from, decidedTo: period.to });
  if (!group) return query;
  const id = group.id;
  switch (group.by) {
    case 'kind':
      if (id) query.promiseKind = id;
      break;
    case 'agreement':
      if (id) query.promiseAgreementId = id;
      break;
    case 'team':
      query.teamId = id ?? 'none';
      break;
    case 'assignee':
      query.assigneeId = id ?? 'none';
      break;
    case 'channel':
      if (id) query.channel = id;
      break;
    case 'segment':
      query.segment = id ?? NO_SEGMENT;
      break;
  }
  return query;
}
