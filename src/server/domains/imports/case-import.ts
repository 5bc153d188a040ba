// Bulk import of case history (migration from another help desk): cases with their messages and
// historic times. Each case's promise clocks are computed by replaying its history through the
// same pure clock plans the live system uses, so imported KPIs match live ones. Validation first,
// then set-based multi-row inserts in one transaction: all or nothing unless skipInvalid.
import { and, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { newId } from '../../../db/columns.js';
import {
  planAgentReply,
  planCaseCreated,
  planCustomerMessage,
  planStatusChange,
  settleAll,
  type PlanCase,
  type PlanCtx,
  type StoredClock,
} from '../../../core/clock-plans.js';
import type { CaseImportReport, ImportedCase } from '../../../shared/schemas/imports.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin } from '../../lib/actor.js';
import { forbidden } from '../../lib/errors.js';
import { agreementCandidatesFor, agreementFor } from '../agreements/agreements.repo.js';
import { users } from '../auth/auth.table.js';
import { casePromises, cases, categories, messages } from '../cases/cases.table.js';
import { customers } from '../customers/customers.table.js';
import { findMergedCustomerRefs } from '../customers/customers.repo.js';
import { domainEvents } from '../domain-events/domain-events.table.js';
import { organizations } from '../organizations/organizations.table.js';
import { newClockRows, nextTimesOf, planContextOf } from '../cases/clocks.js';
import { teams } from '../teams/teams.table.js';

const BATCH = 1000;

interface Who {
  id: string;
  organizationId: string | null;
  segment: string | null;
}

/** Replays one case's history through the clock plans; returns its clocks as of now. */
export function replayClocks(ctx: PlanCtx, c: ImportedCase, solvedAt: Date | null, now: Date): StoredClock[] {
  const createdAt = new Date(c.createdAt);
  const state: PlanCase = { status: 'new', priority: c.priority, createdAt, lastAgentReplyAt: null };
  let clocks = planCaseCreated(ctx, state).clocks;
  for (const m of [...c.messages].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    if (!m.public) continue;
    const at = new Date(m.createdAt);
    clocks = settleAll(clocks, at);
    if (m.from === 'agent') {
      state.status = 'open';
      clocks = planAgentReply(ctx, clocks, state, at).clocks;
      state.lastAgentReplyAt = at;
    } else {
      clocks = planCustomerMessage(ctx, clocks, state, at).clocks;
    }
  }
  if (c.status !== 'new' && c.status !== 'open') {
    const lastAt = c.messages.reduce((t, m) => (m.createdAt > t ? m.createdAt : t), c.createdAt);
    const at =
      c.status === 'solved' || c.status === 'closed' ? (solvedAt ?? new Date(lastAt)) : new Date(lastAt);
    const from = state.status;
    state.status = c.status;
    clocks = planStatusChange(ctx, settleAll(clocks, at), state, from, at).clocks;
  }
  return settleAll(clocks, now);
}

export async function importCases(
  db: Database,
  actor: Actor,
  items: ImportedCase[],
  options: { skipInvalid?: boolean; dryRun?: boolean } = {},
): Promise<CaseImportReport> {
  if (!isAdmin(actor)) throw forbidden('only admins import cases');
  const now = new Date();
  const errors: CaseImportReport['errors'] = [];
  const fail = (index: number, field: string, message: string) => errors.push({ index, field, message });

  // Everything the rows refer to, in a few set-based queries.
  const ids = [...new Set(items.map((c) => c.customerId).filter((x): x is string => !!x))];
  const emails = [
    ...new Set(items.map((c) => c.customerEmail?.toLowerCase()).filter((x): x is string => !!x)),
  ];
  const who = await whoIs(db, ids, emails);
  const byId = new Map(who.map((w) => [w.id, w]));
  const byEmail = new Map(who.filter((w) => w.email).map((w) => [w.email!.toLowerCase(), w]));
  // A merged customer's id or address: the customer it went into.
  const merged = await findMergedCustomerRefs(db, {
    ids: ids.filter((id) => !byId.has(id)),
    externalIds: [],
    emails: emails.filter((e) => !byEmail.has(e)),
  });
  if (merged.length > 0) {
    const intoIds = [...new Set(merged.map((m) => m.intoId))];
    const into = new Map((await whoIs(db, intoIds, [])).map((w) => [w.id, w]));
    for (const m of merged) {
      const w = into.get(m.intoId);
      if (!w) continue;
      if (!byId.has(m.id)) byId.set(m.id, w);
      if (m.email && !byEmail.has(m.email)) byEmail.set(m.email, w);
    }
  }
  const agentEmails = [
    ...new Set(
      items
        .flatMap((c) => [c.assigneeEmail, ...c.messages.map((m) => m.authorEmail)])
        .filter((x): x is string => !!x)
        .map((e) => e.toLowerCase()),
    ),
  ];
  const staff = agentEmails.length
    ? await db
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(
          and(
            isNull(users.deletedAt),
            sql`${users.role} in ('agent', 'admin')`,
            sql`lower(${users.email}) = any(${sql.param(agentEmails)}::text[])`,
          ),
        )
    : [];
  const staffByEmail = new Map(staff.map((u) => [u.email.toLowerCase(), u.id]));
  const categoryKeys = new Set((await db.select({ key: categories.key }).from(categories)).map((c) => c.key));
  const teamIds = new Set(
    (await db.select({ id: teams.id }).from(teams).where(isNull(teams.deletedAt))).map((t) => t.id),
  );

  const resolved: { index: number; c: ImportedCase; customer: Who; assigneeId: string | null }[] = [];
  items.forEach((c, index) => {
    const before = errors.length;
    const customer = c.customerId
      ? byId.get(c.customerId)
      : c.customerEmail
        ? byEmail.get(c.customerEmail.toLowerCase())
        : undefined;
    if (!c.customerId && !c.customerEmail) fail(index, 'customerId', 'give customerId or customerEmail');
    else if (!customer) fail(index, c.customerId ? 'customerId' : 'customerEmail', 'no such customer');
    if (!categoryKeys.has(c.category)) fail(index, 'category', `no category "${c.category}"`);
    if (c.teamId && !teamIds.has(c.teamId)) fail(index, 'teamId', 'no such team');
    const assigneeId = c.assigneeEmail ? (staffByEmail.get(c.assigneeEmail.toLowerCase()) ?? null) : null;
    if (c.assigneeEmail && !assigneeId) fail(index, 'assigneeEmail', 'no agent with this e-mail');
    if (new Date(c.createdAt) > now) fail(index, 'createdAt', 'must not be in the future');
    c.messages.forEach((m, i) => {
      if (m.createdAt < c.createdAt) fail(index, `messages.${i}.createdAt`, 'before the case was created');
      if (new Date(m.createdAt) > now) fail(index, `messages.${i}.createdAt`, 'must not be in the future');
      if (m.authorEmail && !staffByEmail.has(m.authorEmail.toLowerCase()))
        fail(index, `messages.${i}.authorEmail`, 'no agent with this e-mail');
    });
    if (c.solvedAt && c.solvedAt < c.createdAt) fail(index, 'solvedAt', 'before the case was created');
    if (errors.length === before && customer) resolved.push({ index, c, customer, assigneeId });
  });

  const report: CaseImportReport = {
    total: items.length,
    imported: 0,
    invalid: items.length - resolved.length,
    committed: false,
    dryRun: !!options.dryRun,
    caseIds: [],
    errors,
  };
  if (options.dryRun || (errors.length > 0 && !options.skipInvalid) || resolved.length === 0) return report;

  // Candidate agreements for all these customers at once, with their calendars compiled once.
  const candidates = await agreementCandidatesFor(
    db,
    resolved.map((r) => r.customer),
  );
  const ctxOf = new Map<string, PlanCtx>(candidates.map((c) => [c.agreement.id, planContextOf(c)]));

  const caseRows: (typeof cases.$inferInsert)[] = [];
  const messageRows: (typeof messages.$inferInsert)[] = [];
  const clockRows: (typeof casePromises.$inferInsert)[] = [];
  const eventRows: (typeof domainEvents.$inferInsert)[] = [];
  for (const { c, customer, assigneeId } of resolved) {
    const id = newId();
    const agreement = agreementFor(candidates, customer)?.agreement;
    const solved = c.status === 'solved' || c.status === 'closed';
    const lastAt = c.messages.reduce((t, m) => (m.createdAt > t ? m.createdAt : t), c.createdAt);
    const solvedAt = solved ? new Date(c.solvedAt ?? lastAt) : null;
    const clocks = agreement ? replayClocks(ctxOf.get(agreement.id)!, c, solvedAt, now) : [];
    const agentReplies = c.messages
      .filter((m) => m.from === 'agent' && m.public)
      .map((m) => m.createdAt)
      .sort();
    const customerMessages = c.messages
      .filter((m) => m.from === 'customer')
      .map((m) => m.createdAt)
      .sort();
    caseRows.push({
      id,
      subject: c.subject,
      customerId: customer.id,
      organizationId: customer.organizationId,
      channel: c.channel,
      category: c.category,
      priority: c.priority,
      status: c.status,
      assigneeId,
      teamId: c.teamId ?? null,
      tags: c.tags ?? [],
      agreementId: agreement?.id ?? null,
      createdAt: new Date(c.createdAt),
      updatedAt: new Date(lastAt),
      firstRespondedAt: agentReplies[0] ? new Date(agentReplies[0]) : null,
      lastAgentReplyAt: agentReplies.length ? new Date(agentReplies[agentReplies.length - 1]!) : null,
      lastCustomerMessageAt: customerMessages.length
        ? new Date(customerMessages[customerMessages.length - 1]!)
        : null,
      solvedAt,
      closedAt: c.status === 'closed' ? solvedAt : null,
      ...nextTimesOf(clocks),
    });
    for (const m of c.messages) {
      messageRows.push({
        caseId: id,
        authorType: m.from,
        authorUserId:
          m.from === 'agent'
            ? ((m.authorEmail ? staffByEmail.get(m.authorEmail.toLowerCase()) : assigneeId) ?? null)
            : null,
        authorCustomerId: m.from === 'customer' ? customer.id : null,
        public: m.public,
        body: m.body,
        channel: c.channel,
        createdAt: new Date(m.createdAt),
      });
    }
    clockRows.push(...newClockRows(id, clocks));
    eventRows.push({
      type: 'case.imported',
      entityType: 'case',
      entityId: id,
      actorId: actor.userId,
      actorKind: actor.kind,
      data: { messages: c.messages.length, status: c.status },
      occurredAt: now,
    });
    report.caseIds.push(id);
  }
  await db.transaction(async (tx) => {
    for (const [table, rowsOf] of [
      [cases, caseRows],
      [messages, messageRows],
      [casePromises, clockRows],
      [domainEvents, eventRows],
    ] as const) {
      for (let i = 0; i < rowsOf.length; i += BATCH) {
        await tx.insert(table).values(rowsOf.slice(i, i + BATCH) as never[]);
      }
    }
  });
  report.imported = caseRows.length;
  report.committed = true;
  return report;
}

/** Live customers by id or (lower-case) e-mail, with what a case takes from them. */
function whoIs(db: Database, ids: string[], emails: string[]) {
  return db
    .select({
      id: customers.id,
      email: customers.email,
      organizationId: customers.organizationId,
      segment: sql<string | null>`coalesce(${customers.segment}, ${organizations.segment})`,
    })
    .from(customers)
    .leftJoin(organizations, sql`${organizations.id} = ${customers.organizationId}`)
    .where(
      and(
        isNull(customers.deletedAt),
        sql`(${customers.id} = any(${sql.param(ids)}::uuid[]) or lower(${customers.email}) = any(${sql.param(emails)}::text[]))`,
      ),
    );
}
