// Picks the agent for a case a team receives. Manual teams leave it in the team queue;
// round robin hands it to the available member who got one longest ago; least-loaded to the
// available member with the fewest open cases. Both skip members who lack a required skill or
// are at capacity. Open cases are counted once for the team's members (`open-cases.ts`), not per
// member. The team row is locked for the choice, so two nodes never double-assign.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { openCasesByAssignee } from './open-cases.js';

export async function pickAssignee(
  tx: Database,
  opts: { teamId: string; requiredSkills: string[]; excludeUserIds?: string[] },
): Promise<string | null> {
  const [team] = await rows<{ assignment_mode: string }>(
    tx,
    sql`select assignment_mode from teams where id = ${opts.teamId} and deleted_at is null for update`,
  );
  if (!team || team.assignment_mode === 'manual') return null;
  const order =
    team.assignment_mode === 'least_loaded'
      ? sql`open_cases asc, tm.last_assigned_at asc nulls first, u.id`
      : sql`tm.last_assigned_at asc nulls first, u.id`;
  const exclude = opts.excludeUserIds ?? [];
  const [choice] = await rows<{ user_id: string }>(
    tx,
    sql`
    select u.id as user_id, coalesce(oc.open_cases, 0) as open_cases
    from team_members tm
    join users u on u.id = tm.user_id
    left join agent_profiles p on p.user_id = u.id
    left join ${openCasesByAssignee({ teamId: opts.teamId })} oc on oc.assignee_id = u.id
    where tm.team_id = ${opts.teamId}
      and u.active and u.deleted_at is null and u.role in ('agent', 'admin')
      and coalesce(p.availability, 'available') = 'available'
      and coalesce(p.skills, '{}'::text[]) @> ${sql.param(opts.requiredSkills)}::text[]
      and not (u.id = any(${sql.param(exclude)}::uuid[]))
      and coalesce(oc.open_cases, 0) < coalesce(p.capacity, 20)
    order by ${order}
    limit 1`,
  );
  if (!choice) return null;
  await tx.execute(
    sql`update team_members set last_assigned_at = clock_timestamp() where team_id = ${opts.teamId} and user_id = ${choice.user_id}`,
  );
  return choice.user_id;
}
