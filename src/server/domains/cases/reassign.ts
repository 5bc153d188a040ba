// An agent going away hands on their unsolved cases: to the next agent of the case's team
// (round robin or least-loaded), else back to the team queue (unassigned).
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { Actor } from '../../lib/actor.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { pickAssignee } from '../teams/assignment.js';
import { cases } from './cases.table.js';

export async function reassignCasesOfAwayAgent(tx: Database, actor: Actor, userId: string): Promise<number> {
  const open = await tx
    .select({ id: cases.id, teamId: cases.teamId, requiredSkills: cases.requiredSkills })
    .from(cases)
    .where(
      and(
        eq(cases.assigneeId, userId),
        inArray(cases.status, ['new', 'open', 'pending', 'on_hold']),
        isNull(cases.deletedAt),
      ),
    )
    .for('update');
  for (const c of open) {
    const next = c.teamId
      ? await pickAssignee(tx, {
          teamId: c.teamId,
          requiredSkills: c.requiredSkills,
          excludeUserIds: [userId],
        })
      : null;
    await tx
      .update(cases)
      .set({ assigneeId: next, updatedAt: nextVersion(new Date()) })
      .where(eq(cases.id, c.id));
    await recordDomainEvent(tx, actor, {
      type: 'case.updated',
      entityType: 'case',
      entityId: c.id,
      data: { changes: { assigneeId: { from: userId, to: next } }, reason: 'assignee_away' },
    });
  }
  return open.length;
}
