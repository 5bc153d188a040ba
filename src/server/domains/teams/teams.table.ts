import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, deletedAt, idColumn, timestamptz, updatedAt } from '../../../db/columns.js';
import type { AgentAvailability, AssignmentMode } from '../../../shared/schemas/teams.js';
import { users } from '../auth/auth.table.js';

export const teams = pgTable(
  'teams',
  {
    id: idColumn(),
    name: text('name').notNull(),
    description: text('description'),
    assignmentMode: text('assignment_mode').$type<AssignmentMode>().notNull().default('manual'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    check('teams_assignment_mode_ck', sql`${t.assignmentMode} in ('manual', 'round_robin', 'least_loaded')`),
    // One live team a name, in any case (the service checks first; this settles two at once).
    uniqueIndex('teams_name_live_uq')
      .on(sql`lower(${t.name})`)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Round robin hands the next case to the member who got one longest ago. */
    lastAssignedAt: timestamptz('last_assigned_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);

/** What an agent can do and take: skills, how many open cases at most, and whether they are in. */
export const agentProfiles = pgTable(
  'agent_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id),
    skills: text('skills')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    capacity: integer('capacity').notNull().default(20),
    availability: text('availability').$type<AgentAvailability>().notNull().default('available'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('agent_profiles_capacity_ck', sql`${t.capacity} >= 0`),
    check('agent_profiles_availability_ck', sql`${t.availability} in ('available', 'away')`),
  ],
);
