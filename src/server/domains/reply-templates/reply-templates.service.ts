// Reply templates (saved replies): staff keep text they write again and again ("Where is my
// parcel", "Refund on its way") and put it into a reply with the case's names filled in.
// Personal ones are their owner's alone; admins share one with every agent or a team's members
// (policies/shared-records.ts). Placeholders are checked on saving; every change is a domain
// event. Putting one into a reply counts a use (the picker lists the most used first); that
// count is bookkeeping, not a change of the template, so it writes no event.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { nextVersion } from '../../../db/columns.js';
import { rows, type Database } from '../../../db/client.js';
import { renderReply, unknownPlaceholders } from '../../../core/replies/reply-templates.js';
import {
  MAX_REPLY_TEMPLATES,
  REPLY_TEMPLATE_VARIABLES,
  type ReplyTemplate,
  type ReplyTemplateInput,
  type ReplyTemplateUpdate,
} from '../../../shared/schemas/reply-templates.js';
import type { Actor } from '../../lib/actor.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { notFound, unprocessable } from '../../lib/errors.js';
import * as policy from '../../policies/cases.js';
import { assertCanWriteShared, assertTeamOnShared, visibleShared } from '../../policies/shared-records.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { assertTeamExists, teamNames } from '../teams/teams.service.js';
import { replyTemplates } from './reply-templates.table.js';

type Row = typeof replyTemplates.$inferSelect;

const toDto = (r: Row, teams: Map<string, string>): ReplyTemplate => ({
  id: r.id,
  name: r.name,
  body: r.body,
  shared: r.ownerId === null,
  teamId: r.teamId,
  team: r.teamId ? { id: r.teamId, name: teams.get(r.teamId) ?? '(deleted team)' } : null,
  uses: r.uses,
  lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  updatedAt: r.updatedAt.toISOString(),
});

const dtos = async (db: Database, found: Row[]) => {
  const names = await teamNames(
    db,
    found.map((r) => r.teamId),
  );
  return found.map((r) => toDto(r, names));
};

const visible = (actor: Actor) => and(isNull(replyTemplates.deletedAt), visibleShared(actor, replyTemplates));

/** A template's text names only the variables there are: `422 invalid_placeholder` otherwise. */
function checkBody(body: string | undefined) {
  if (body === undefined) return;
  const unknown = unknownPlaceholders(body);
  if (unknown.length > 0)
    throw unprocessable(
      'invalid_placeholder',
      `body.body: no such placeholder ${unknown.map((p) => `{{${p}}}`).join(', ')}; use ${REPLY_TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
      unknown.map((p) => ({ path: 'body.body', message: `no such placeholder {{${p}}}` })),
    );
}

async function checkTeam(db: Database, teamId: string | null | undefined, shared: boolean) {
  assertTeamOnShared(teamId, shared, 'personal_template', 'template');
  if (teamId) await assertTeamExists(db, teamId);
}

/** The templates someone may use, most used first; `q`: words in the name or text. */
export async function listReplyTemplates(db: Database, actor: Actor, q?: string): Promise<ReplyTemplate[]> {
  policy.assertStaffOnCases(actor, 'use reply templates');
  const words = (q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const found = await db
    .select()
    .from(replyTemplates)
    .where(
      and(
        visible(actor),
        ...words.map(
          (w) => sql`strpos(lower(${replyTemplates.name} || ' ' || ${replyTemplates.body}), ${w}) > 0`,
        ),
      ),
    )
    .orderBy(desc(replyTemplates.uses), asc(replyTemplates.name), asc(replyTemplates.id))
    .limit(MAX_REPLY_TEMPLATES);
  return dtos(db, found);
}

async function findTemplate(db: Database, actor: Actor, id: string) {
  const [row] = await db
    .select()
    .from(replyTemplates)
    .where(and(eq(replyTemplates.id, id), visible(actor)));
  if (!row) throw notFound('reply template');
  return row;
}

export async function getReplyTemplate(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'use reply templates');
  return (await dtos(db, [await findTemplate(db, actor, id)]))[0]!;
}

export async function createReplyTemplate(db: Database, actor: Actor, input: ReplyTemplateInput) {
  policy.assertStaffOnCases(actor, 'use reply templates');
  const ownerId = input.shared || input.teamId ? null : actor.userId;
  assertCanWriteShared(actor, { ownerId }, 'shared templates');
  await checkTeam(db, input.teamId, ownerId === null);
  checkBody(input.body);
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(replyTemplates)
      .values({
        name: input.name,
        body: input.body,
        ownerId,
        teamId: input.teamId ?? null,
        createdBy: actor.userId,
      })
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'reply_template.created',
      entityType: 'reply_template',
      entityId: created!.id,
      data: { name: created!.name, shared: ownerId === null, teamId: created!.teamId },
    });
    return created!;
  });
  return (await dtos(db, [row]))[0]!;
}

export async function updateReplyTemplate(
  db: Database,
  actor: Actor,
  id: string,
  input: ReplyTemplateUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if the template changed since. */
  expected?: string,
) {
  policy.assertStaffOnCases(actor, 'use reply templates');
  const current = await findTemplate(db, actor, id);
  assertCanWriteShared(actor, current, 'shared templates');
  await checkTeam(db, input.teamId, current.ownerId === null);
  checkBody(input.body);
  const row = await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, replyTemplates, eq(replyTemplates.id, id), expected, 'reply template');
    const before = await findTemplate(tx, actor, id);
    const changes = diff(before as unknown as Record<string, unknown>, input);
    if (Object.keys(changes).length === 0) return before;
    const [updated] = await tx
      .update(replyTemplates)
      .set({ ...input, updatedAt: nextVersion() })
      .where(eq(replyTemplates.id, id))
      .returning();
    await recordDomainEvent(tx, actor, {
      type: 'reply_template.updated',
      entityType: 'reply_template',
      entityId: id,
      data: { changes },
    });
    return updated!;
  });
  return (await dtos(db, [row]))[0]!;
}

export async function deleteReplyTemplate(db: Database, actor: Actor, id: string) {
  policy.assertStaffOnCases(actor, 'use reply templates');
  await db.transaction(async (tx) => {
    const before = await findTemplate(tx, actor, id);
    assertCanWriteShared(actor, before, 'shared templates');
    await tx
      .update(replyTemplates)
      .set({ deletedAt: sql`now()` })
      .where(eq(replyTemplates.id, id));
    await recordDomainEvent(tx, actor, {
      type: 'reply_template.deleted',
      entityType: 'reply_template',
      entityId: id,
      data: { name: before.name },
    });
  });
}

/**
 * The template's text for a reply on this case, its placeholders filled (the case's number and
 * subject, its customer and organization, the agent); counts a use. 404 for a template the
 * agent may not use and for a deleted case.
 */
export async function renderReplyTemplate(db: Database, actor: Actor, id: string, caseId: string) {
  policy.assertStaffOnCases(actor, 'use reply templates');
  const template = await findTemplate(db, actor, id);
  const [facts] = await rows<{
    number: number;
    subject: string;
    customer_name: string | null;
    email: string | null;
    organization_name: string | null;
    agent_name: string | null;
  }>(
    db,
    sql`select c.number, c.subject, cu.name as customer_name, cu.email, o.name as organization_name,
        (select name from users where id = ${actor.userId}) as agent_name
      from cases c join customers cu on cu.id = c.customer_id
      left join organizations o on o.id = c.organization_id
      where c.id = ${caseId} and c.deleted_at is null`,
  );
  if (!facts) throw notFound('case');
  const rendered = renderReply(template.body, {
    case: { number: facts.number, subject: facts.subject },
    customer: { name: facts.customer_name, email: facts.email },
    organization: facts.organization_name ? { name: facts.organization_name } : null,
    agent: { name: facts.agent_name ?? '' },
  });
  await db
    .update(replyTemplates)
    .set({ uses: sql`${replyTemplates.uses} + 1`, lastUsedAt: sql`now()` })
    .where(eq(replyTemplates.id, id));
  return rendered;
}
