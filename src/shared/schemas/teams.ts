import { z } from 'zod';
import { Id, IsoDateTime, Name } from './common.js';
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
