// Who carries how much (GET /workload): per team and per agent, the unsolved cases, those waiting
// (pending, on hold), promises at risk and breached now, the case waiting longest for a reply,
// and the cases solved today. Three set-based queries whatever the number of teams and agents:
// the day, the counts grouped by (team, assignee), and the teams with their members. Each count
// holds the same cases as the queue filter of `shared/workload-cases.ts`.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { isoText } from '../../../db/columns.js';
import { UNSOLVED_STATUSES } from '../../../shared/schemas/cases.js';
import type {
  AgentAvailability,
  Workload,
  WorkloadAgent,
  WorkloadCounts,
  WorkloadTeam,
} from '../../../shared/schemas/teams.js';
import { isStaff, type Actor } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { awaitingReply, promiseNow } from '../cases/cases.repo.js';
import { timeZoneSql } from '../settings/company-time-zone.js';

/** `(…)` of the unsolved statuses for `status in ${UNSOLVED}`, as parameters. */
const UNSOLVED = sql`(${sql.join(
  UNSOLVED_STATUSES.map((s) => sql`${s}`),
  sql`, `,
)})`;
/** Waiting on us (the queue's `awaitingReply` filter: one definition). */
const AWAITING = awaitingReply('c');
const promise = promiseNow('c');

interface CountRow {
  team_id: string | null;
  assignee_id: string | null;
  open: number;
  waiting: number;
  at_risk: number;
  breached: number;
  solved_today: number;
  oldest_case_id: string | null;
  oldest_number: number | null;
  oldest_since: string | null;
}

interface PersonRow {
  team_id: string | null;
  team_name: string | null;
  user_id: string | null;
  name: string | null;
  availability: AgentAvailability | null;
  member: boolean;
}

export async function getWorkload(
  db: Database,
  actor: Actor,
  options: { timeZone?: string } = {},
): Promise<Workload> {
  if (!isStaff(actor)) throw forbidden('only staff see the workload');
  // Today in the zone asked for (the web's: the one the person works in, ending at the browser's),
  // else the asking person's own, else the company's, else UTC: from its midnight to the next.
  const zone = options.timeZone ? sql`${options.timeZone}::text` : timeZoneSql(actor);
  const [day] = await rows<{ zone: string; day_from: string; day_to: string }>(
    db,
    sql`with z as (select ${zone} as zone),
      d as (select zone, date_trunc('day', now() at time zone zone) as local_day from z)
      select zone,
        ${isoText('(local_day at time zone zone)')} as day_from,
        ${isoText(`((local_day + interval '1 day') at time zone zone)`)} as day_to
      from d`,
  );
  const today = { from: day!.day_from, to: day!.day_to };
  const solvedToday = sql`c.solved_at >= ${today.from}::timestamptz and c.solved_at < ${today.to}::timestamptz`;
  const counts = await rows<CountRow>(
    db,
    sql`select c.team_id, c.assignee_id,
        count(*) filter (where c.status in ${UNSOLVED})::int as open,
        count(*) filter (where c.status in ('pending', 'on_hold'))::int as waiting,
        count(*) filter (where c.status in ${UNSOLVED} and ${promise.at_risk})::int as at_risk,
        count(*) filter (where c.status in ${UNSOLVED} and ${promise.breached})::int as breached,
        count(*) filter (where ${solvedToday})::int as solved_today,
        (array_agg(c.id order by c.last_customer_message_at, c.number) filter (where ${AWAITING}))[1] as oldest_case_id,
        (array_agg(c.number order by c.last_customer_message_at, c.number) filter (where ${AWAITING}))[1] as oldest_number,
        ${isoText(sql`min(c.last_customer_message_at) filter (where ${AWAITING})`)} as oldest_since
      from cases c
      where c.deleted_at is null and (c.status in ${UNSOLVED} or ${solvedToday})
      group by c.team_id, c.assignee_id`,
  );
  // Every team with its members (a team without any: one row without a person; a deleted team
  // only for the cases it solved today), and every assignee of the counted cases (who may be in
  // no team, or not in the team of some of their cases).
  const ids = (pick: (r: CountRow) => string | null) =>
    sql.param([...new Set(counts.flatMap((r) => (pick(r) ? [pick(r)!] : [])))]);
  const people = await rows<PersonRow>(
    db,
    sql`select t.id as team_id, t.name as team_name, u.id as user_id, u.name,
        coalesce(p.availability, 'available') as availability, u.id is not null as member
      from teams t
      left join team_members tm on tm.team_id = t.id
      left join users u on u.id = tm.user_id and u.deleted_at is null and u.role in ('agent', 'admin')
      left join agent_profiles p on p.user_id = u.id
      where t.deleted_at is null or t.id = any(${ids((r) => r.team_id)}::uuid[])
      union all
      select null, null, u.id, u.name, coalesce(p.availability, 'available'), false
      from users u left join agent_profiles p on p.user_id = u.id
      where u.id = any(${ids((r) => r.assignee_id)}::uuid[])`,
  );
  return { timeZone: day!.zone, today, teams: assembleWorkload(counts, people) };
}

/** A row with nothing in it (a team's Nobody row before its cases are counted). */
export const zero = (): WorkloadCounts => ({
  open: 0,
  waiting: 0,
  atRisk: 0,
  breached: 0,
  solvedToday: 0,
  oldestAwaitingReply: null,
});

function add(into: WorkloadCounts, r: CountRow) {
  into.open += r.open;
  into.waiting += r.waiting;
  into.atRisk += r.at_risk;
  into.breached += r.breached;
  into.solvedToday += r.solved_today;
  if (r.oldest_case_id && r.oldest_since && r.oldest_number !== null) {
    const older =
      !into.oldestAwaitingReply ||
      r.oldest_since < into.oldestAwaitingReply.since ||
      (r.oldest_since === into.oldestAwaitingReply.since &&
        r.oldest_number < into.oldestAwaitingReply.number);
    if (older)
      into.oldestAwaitingReply = { caseId: r.oldest_case_id, number: r.oldest_number, since: r.oldest_since };
  }
}

const byName = (a: { name: string | null }, b: { name: string | null }) =>
  (a.name ?? '').localeCompare(b.name ?? '');

/**
 * The teams' tables from the counts per (team, assignee) and the people: members first, by
 * name, then those assigned the team's cases without being in it; the cases of no team last
 * (only when there are some). Pure.
 */
export function assembleWorkload(counts: CountRow[], people: PersonRow[]): WorkloadTeam[] {
  const persons = new Map<string, { name: string; availability: AgentAvailability }>();
  for (const p of people)
    if (p.user_id && p.name)
      persons.set(p.user_id, { name: p.name, availability: p.availability ?? 'available' });
  const teams = new Map<string | null, WorkloadTeam>();
  const agentOf = new Map<string, WorkloadAgent>();
  const rowOf = (team: WorkloadTeam, userId: string, member: boolean) => {
    const key = `${team.teamId}/${userId}`;
    let agent = agentOf.get(key);
    if (!agent) {
      const person = persons.get(userId) ?? { name: 'Unknown agent', availability: 'available' as const };
      agent = { userId, name: person.name, availability: person.availability, member, ...zero() };
      agentOf.set(key, agent);
      team.agents.push(agent);
    }
    return agent;
  };
  const teamOf = (teamId: string | null, name: string | null) => {
    let team = teams.get(teamId);
    if (!team) {
      team = { teamId, name, total: zero(), unassigned: zero(), agents: [] };
      teams.set(teamId, team);
    }
    return team;
  };
  for (const p of [...people].filter((p) => p.team_id).sort(byName)) {
    const team = teamOf(p.team_id, p.team_name);
    if (p.user_id && p.member) rowOf(team, p.user_id, true);
  }
  for (const r of counts) {
    const team = teams.get(r.team_id) ?? teamOf(r.team_id, null);
    add(team.total, r);
    if (r.assignee_id) add(rowOf(team, r.assignee_id, false), r);
    else add(team.unassigned, r);
  }
  const list = [...teams.values()];
  for (const team of list)
    team.agents.sort((a, b) => Number(b.member) - Number(a.member) || a.name.localeCompare(b.name));
  return [
    ...list.filter((t) => t.teamId !== null).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
    ...list.filter((t) => t.teamId === null),
  ];
}
