// Teams, their members, and agent profiles (skills, capacity, availability).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import type { AgentProfileUpdate, TeamInput, TeamUpdate } from '../../../shared/schemas/teams.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { assertNameFree, nameTakenMeanwhile, TEAM_NAMES } from '../../lib/unique-names.js';
import { users } from '../auth/auth.table.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { agentProfiles, teamMembers, teams } from './teams.table.js';
import { openCasesByAssignee } from './open-cases.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';

type TeamInputT = z.infer<typeof TeamInput>;
type TeamUpdateT = z.infer<typeof TeamUpdate>;
type ProfileUpdateT = z.infer<typeof AgentProfileUpdate>;

interface AgentRow {
  user_id: string;
  name: string;
  email: string;
  role: string;
  skills: string[];
  capacity: number;
  availability: 'available' | 'away';
  open_cases: number;
  team_ids: string[];
}

/**
 * Agents with their profile, open cases and teams. The counts and team lists are grouped once
 * for everyone and joined (not a subquery per agent): one pass over the cases, however many
 * agents; for one agent (`u.id = …`) the planner pushes the id into the groups.
 */
const agentSelect = (where: ReturnType<typeof sql>) => sql`
  select u.id as user_id, u.name, u.email, u.role,
    coalesce(p.skills, '{}'::text[]) as skills, coalesce(p.capacity, 20) as capacity,
    coalesce(p.availability, 'available') as availability,
    coalesce(oc.open_cases, 0) as open_cases,
    coalesce(mt.team_ids, '{}'::uuid[]) as team_ids
  from users u
  left join agent_profiles p on p.user_id = u.id
  left join ${openCasesByAssignee()} oc on oc.assignee_id = u.id
  left join (
    select tm.user_id, array_agg(tm.team_id order by tm.team_id) as team_ids
    from team_members tm join teams t on t.id = tm.team_id and t.deleted_at is null
    group by tm.user_id
  ) mt on mt.user_id = u.id
  where u.deleted_at is null and u.role in ('agent', 'admin') and ${where}
  order by u.name`;

const toAgentDto = (r: AgentRow) => ({
  userId: r.user_id,
  name: r.name,
  email: r.email,
  role: r.role,
  skills: r.skills,
  capacity: r.capacity,
  availability: r.availability,
  openCases: r.open_cases,
  teamIds: r.team_ids,
});

function assertStaff(actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff see teams and agents');
}
function assertAdmin(actor: Actor) {
  if (!isAdmin(actor)) throw forbidden('only admins manage teams');
}

export async function listAgents(db: Database, actor: Actor) {
  assertStaff(actor);
  return (await rows<AgentRow>(db, agentSelect(sql`true`))).map(toAgentDto);
}

export async function getAgent(db: Database, actor: Actor, userId: string) {
  assertStaff(actor);
  const [row] = await rows<AgentRow>(db, agentSelect(sql`u.id = ${userId}`));
  if (!row) throw notFound('agent');
  return toAgentDto(row);
}

async function getTeamRow(db: Database, id: string) {
  const [team] = await db
    .select()
    .from(teams)
    .where(and(eq(teams.id, id), isNull(teams.deletedAt)))
    .limit(1);
  return team;
}

export async function getTeam(db: Database, actor: Actor, id: string) {
  assertStaff(actor);
  const team = await getTeamRow(db, id);
  if (!team) throw notFound('team');
  const members = await rows<AgentRow>(
    db,
    agentSelect(sql`u.id in (select user_id from team_members where team_id = ${id})`),
  );
  return teamDto(team, members);
}

/** Every team with its members: two queries, whatever the number of teams. */
export async function listTeams(db: Database, actor: Actor) {
  assertStaff(actor);
  const all = await db.select().from(teams).where(isNull(teams.deletedAt)).orderBy(asc(teams.name));
  const members = await rows<AgentRow>(db, agentSelect(sql`u.id in (select user_id from team_members)`));
  return all.map((team) =>
    teamDto(
      team,
      members.filter((m) => m.team_ids.includes(team.id)),
    ),
  );
}

function teamDto(team: typeof teams.$inferSelect, members: AgentRow[]) {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    assignmentMode: team.assignmentMode,
    members: members.map((m) => ({
      userId: m.user_id,
      name: m.name,
      email: m.email,
      availability: m.availability,
      skills: m.skills,
      capacity: m.capacity,
      openCases: m.open_cases,
    })),
    createdAt: team.createdAt.toISOString(),
    updatedAt: team.updatedAt.toISOString(),
  };
}

async function setMembers(tx: Database, teamId: string, memberIds: string[]) {
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) {
    const staff = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(inArray(users.id, unique), isNull(users.deletedAt), sql`${users.role} in ('agent', 'admin')`),
      );
    if (staff.length !== unique.length) {
      throw unprocessable(
        'invalid_reference',
        'body.memberIds: every member must be an existing agent or admin',
        [{ path: 'body.memberIds', message: 'unknown user or not staff' }],
      );
    }
  }
  await tx
    .delete(teamMembers)
    .where(
      and(
        eq(teamMembers.teamId, teamId),
        unique.length ? sql`not (${teamMembers.userId} = any(${sql.param(unique)}::uuid[]))` : undefined,
      ),
    );
  if (unique.length > 0) {
    await tx
      .insert(teamMembers)
      .values(unique.map((userId) => ({ teamId, userId })))
      .onConflictDoNothing();
  }
}

export async function createTeam(db: Database, actor: Actor, input: TeamInputT) {
  assertAdmin(actor);
  const id = await db
    .transaction(async (tx) => {
      await assertNameFree(tx, TEAM_NAMES, input.name);
      const [team] = await tx
        .insert(teams)
        .values({ name: input.name, description: input.description, assignmentMode: input.assignmentMode })
        .returning({ id: teams.id });
      if (input.memberIds) await setMembers(tx, team!.id, input.memberIds);
      await recordDomainEvent(tx, actor, {
        type: 'team.created',
        entityType: 'team',
        entityId: team!.id,
        data: { ...input },
      });
      return team!.id;
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, TEAM_NAMES, input.name);
    });
  return getTeam(db, actor, id);
}

export async function updateTeam(
  db: Database,
  actor: Actor,
  id: string,
  input: TeamUpdateT,
  /** The `updatedAt` of the copy edited (If-Match): refused if the team changed since. */
  expected?: string,
) {
  assertAdmin(actor);
  await db
    .transaction(async (tx) => {
      await assertUnchangedSince(tx, teams, eq(teams.id, id), expected, 'team');
      const before = await getTeamRow(tx, id);
      if (!before) throw notFound('team');
      const { memberIds, ...fields } = input;
      // Only a new name is checked: its own name, written otherwise, is no clash.
      if (fields.name !== undefined && fields.name.trim().toLowerCase() !== before.name.trim().toLowerCase())
        await assertNameFree(tx, TEAM_NAMES, fields.name, id);
      const changes = diff(before as unknown as Record<string, unknown>, fields);
      if (memberIds) {
        await setMembers(tx, id, memberIds);
        changes.memberIds = { from: null, to: memberIds };
      }
      if (Object.keys(changes).length > 0) {
        // The members are part of the team's version too: a change of them alone moves updatedAt.
        await tx
          .update(teams)
          .set({ ...fields, updatedAt: nextVersion() })
          .where(eq(teams.id, id));
        await recordDomainEvent(tx, actor, {
          type: 'team.updated',
          entityType: 'team',
          entityId: id,
          data: { changes },
        });
      }
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, TEAM_NAMES, input.name ?? '');
    });
  return getTeam(db, actor, id);
}

export async function deleteTeam(db: Database, actor: Actor, id: string) {
  assertAdmin(actor);
  await db.transaction(async (tx) => {
    if (!(await getTeamRow(tx, id))) throw notFound('team');
    const [open] = await rows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from cases where team_id = ${id} and status in ('new', 'open', 'pending', 'on_hold') and deleted_at is null`,
    );
    if (open!.n > 0)
      throw conflict('team_has_cases', `the team still has ${open!.n} unsolved cases: move them first`);
    await tx
      .update(teams)
      .set({ deletedAt: sql`now()` })
      .where(eq(teams.id, id));
    await recordDomainEvent(tx, actor, { type: 'team.deleted', entityType: 'team', entityId: id });
  });
}

/**
 * Admins set skills and capacity; agents may set their own availability. Going away hands
 * the agent's unsolved cases on (see reassignAwayAgent in the cases domain).
 */
export async function updateAgentProfile(
  db: Database,
  actor: Actor,
  userId: string,
  input: ProfileUpdateT,
  onAway: (tx: Database, userId: string) => Promise<number>,
) {
  if (!isAdmin(actor)) {
    if (actor.userId !== userId || actor.role !== 'agent')
      throw forbidden('agents may change only their own availability');
    if (input.skills !== undefined || input.capacity !== undefined)
      throw forbidden('only admins set skills and capacity');
  }
  const reassigned = await db.transaction(async (tx) => {
    const [u] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt), sql`${users.role} in ('agent', 'admin')`));
    if (!u) throw notFound('agent');
    const [before] = await tx.select().from(agentProfiles).where(eq(agentProfiles.userId, userId));
    await tx
      .insert(agentProfiles)
      .values({ userId, ...input })
      .onConflictDoUpdate({ target: agentProfiles.userId, set: { ...input, updatedAt: sql`now()` } });
    const changes = diff(
      (before ?? { skills: [], capacity: 20, availability: 'available' }) as Record<string, unknown>,
      input,
    );
    if (Object.keys(changes).length > 0) {
      await recordDomainEvent(tx, actor, {
        type: 'agent.updated',
        entityType: 'user',
        entityId: userId,
        data: { changes },
      });
    }
    return input.availability === 'away' && before?.availability !== 'away' ? onAway(tx, userId) : 0;
  });
  return { ...(await getAgent(db, actor, userId)), reassigned };
}

/** A team named in a request (`body.teamId`) must exist: `422 invalid_reference` otherwise. */
export async function assertTeamExists(db: Database, teamId: string) {
  const [team] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, teamId), isNull(teams.deletedAt)));
  if (!team)
    throw unprocessable('invalid_reference', 'body.teamId: no such team', [
      { path: 'body.teamId', message: 'no such team' },
    ]);
}

/** The names of these teams (nulls skipped); a deleted team is left out (show it as such). */
export async function teamNames(db: Database, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const found = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(and(inArray(teams.id, wanted), isNull(teams.deletedAt)));
  return new Map(found.map((t) => [t.id, t.name]));
}
