// The cases behind a count of the Workload page (GET /workload): the case list's query (GET
// /cases, and the queue's address) for a team's or an agent's count. Pure; the page links its
// numbers with it, and the tests check that the list's total is the count.
import { UNSOLVED_STATUSES } from './schemas/cases.js';

/** The counts of a workload row that list cases. */
export type WorkloadCount = 'open' | 'waiting' | 'atRisk' | 'breached' | 'solvedToday';
/** What a workload row links to the queue: its counts, and the cases behind its longest wait. */
export type WorkloadList = WorkloadCount | 'awaitingReply';

/**
 * The query for one count of a team (`teamId` null: the cases of no team) and, for an agent's
 * row, its agent (`userId`; `none`: the cases nobody has; left out: the team's total).
 */
export function workloadCaseQuery(
  count: WorkloadList,
  row: { teamId: string | null; userId?: string | 'none' },
  today: { from: string; to: string },
): Record<string, string> {
  const query: Record<string, string> = { teamId: row.teamId ?? 'none' };
  if (row.userId) query.assigneeId = row.userId;
  const unsolved = UNSOLVED_STATUSES.join(',');
  switch (count) {
    case 'open':
      query.status = unsolved;
      break;
    case 'waiting':
      query.status = 'pending,on_hold';
      break;
    case 'atRisk':
      Object.assign(query, { status: unsolved, promise: 'at_risk' });
      break;
    case 'breached':
      Object.assign(query, { status: unsolved, promise: 'breached' });
      break;
    case 'solvedToday':
      Object.assign(query, { solvedFrom: today.from, solvedTo: today.to });
      break;
    case 'awaitingReply':
      query.awaitingReply = 'true';
      break;
  }
  return query;
}
