import { z } from 'zod';
import { Id, IsoDateTime, Name, TimeZone } from './common.js';
import { Skill } from './cases.js';

export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_loaded'] as const;
export const AssignmentMode = z.enum(ASSIGNMENT_MODES);
export type AssignmentMode = z.infer<typeof AssignmentMode>;
export const AgentAvailability = z.enum(['available', 'away']);
export type AgentAvailability = z.infer<typeof AgentAvailability>;

export const TeamInput = z.strictObject({
  name: Name,
  description: z.string().max(2000).nullable().optional(),
  assignmentMode: AssignmentMode.optional(),
  memberIds: z.array(Id).max(500).optional().describe('replaces the members'),
});
export const TeamUpdate = TeamInput.partial();

export const TeamMember = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  availability: AgentAvailability,
  skills: z.array(z.string()),
  capacity: z.number().int(),
  openCases: z.number().int(),
});

export const Team = z.object({
  id: Id,
  name: z.string(),
  description: z.string().nullable(),
  assignmentMode: AssignmentMode,
  members: z.array(TeamMember),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});

export const AgentProfileUpdate = z.strictObject({
  skills: z.array(Skill).max(50).optional(),
  capacity: z.number().int().min(0).max(1000).optional(),
  availability: AgentAvailability.optional().describe(
    'away: open cases go back to their team queue or the next agent',
  ),
});

export const AgentProfile = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: z.string(),
  skills: z.array(z.string()),
  capacity: z.number().int(),
  availability: AgentAvailability,
  openCases: z.number().int(),
  teamIds: z.array(Id),
});

/** The work of one agent in one team, or of a whole team: what the Workload page counts. */
export const WorkloadCounts = z.object({
  open: z.number().int().describe('unsolved cases (new, open, pending, on hold)'),
  waiting: z.number().int().describe('of them pending or on hold'),
  atRisk: z.number().int().describe('of them with a running promise clock past its warning, none overdue'),
  breached: z.number().int().describe('of them with a promise still to be kept past its due time'),
  solvedToday: z
    .number()
    .int()
    .describe('cases solved since the start of today in the asking staff member’s zone (not reopened since)'),
  oldestAwaitingReply: z
    .object({
      caseId: Id,
      number: z.number().int(),
      since: IsoDateTime.describe('the customer’s message still without an agent’s reply'),
    })
    .nullable()
    .describe('the new or open case whose customer has waited longest for a reply'),
});
export type WorkloadCounts = z.infer<typeof WorkloadCounts>;

export const WorkloadAgent = WorkloadCounts.extend({
  userId: Id,
  name: z.string(),
  availability: AgentAvailability,
  member: z.boolean().describe('false: not in the team, yet assigned some of its cases'),
});
export type WorkloadAgent = z.infer<typeof WorkloadAgent>;

export const WorkloadTeam = z.object({
  teamId: Id.nullable().describe('null: the cases of no team'),
  name: z.string().nullable(),
  total: WorkloadCounts.describe('all of the team’s cases, assigned or not'),
  unassigned: WorkloadCounts.describe('the team’s cases that nobody has'),
  agents: z.array(WorkloadAgent).describe('members (by name), then others with cases of the team'),
});
export type WorkloadTeam = z.infer<typeof WorkloadTeam>;

export const WorkloadQuery = z.strictObject({
  timezone: TimeZone.optional().describe(
    'the IANA zone of "today" (the web sends the zone the person works in: their own, else the company’s, else the browser’s); default: their own, else the company’s, else UTC',
  ),
});
export type WorkloadQuery = z.infer<typeof WorkloadQuery>;

export const Workload = z.object({
  timeZone: z
    .string()
    .describe(
      'the zone of "today": `timezone` when asked, else the asking staff member’s own, else the company’s, else UTC',
    ),
  today: z.object({ from: IsoDateTime, to: IsoDateTime }).describe('today in that zone, [from, to)'),
  teams: z.array(WorkloadTeam).describe('by name; the cases of no team last, when there are any'),
});
export type Workload = z.infer<typeof Workload>;
