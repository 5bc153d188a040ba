// An agent's open cases: the one definition the agents list, the team members and assignment count by.
import { sql } from 'drizzle-orm';
import { UNSOLVED_STATUSES } from '../../../shared/schemas/cases.js';

/**
 * The open cases (unsolved, not deleted) per assignee, grouped in one pass over the cases: a
 * derived table of (`assignee_id`, `open_cases`) to left-join on the agent (no row: none open).
 * With `teamId`, only the team's members are counted (assignment looks at one team).
 */
export const openCasesByAssignee = (opts: { teamId?: string } = {}) => sql`(
  select c.assignee_id, count(*)::int as open_cases from cases c
  where c.status = any(${sql.param(UNSOLVED_STATUSES)}::text[]) and c.deleted_at is null
    ${opts.teamId ? sql`and c.assignee_id in (select tm.user_id from team_members tm where tm.team_id = ${opts.teamId})` : sql``}
  group by c.assignee_id
)`;
