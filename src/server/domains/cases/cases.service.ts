// Use cases on cases: open, read, list, change, bulk change. Every change is one transaction
// that writes the case, its timeline entries (domain events) and its promise clocks together.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import {
  remainingMinutes,
  stateAt,
  usedMinutes,
  type Clock,
  type ClockKind,
} from '../../../core/promise-clocks.js';
import { CalendarError, type BusinessCalendar } from '../../../core/business-time.js';
import { followUpTimes, type FollowUpTime } from '../../../core/follow-up-times.js';
import type {
  Case,
  CaseCreate,
  CaseListQuery,
  CaseSummary,
  CaseUpdate,
  CasePromise,
  Channel,
  FollowUpTimes,
  MessageDelivery,
} from '../../../shared/schemas/cases.js';
import {
  CaseCreate as CaseCreateSchema,
  FOLLOW_UP_MAX_DAYS,
  MAX_CASE_TAGS,
  PROMISE_CLOCK_FILTERS,
  UNSOLVED_STATUSES,
} from '../../../shared/schemas/cases.js';
import { LIMITS } from '../../../shared/schemas/common.js';
import type { CaseViewFilters } from '../../../shared/schemas/views.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { editConflict } from '../../lib/edit-version.js';
import { allPages, sortFrom } from '../../lib/pagination.js';
import * as policy from '../../policies/cases.js';
import {
  findAgreementWithCalendar,
  selectAgreementFor,
  type AgreementCandidate,
  type AgreementCustomer,
} from '../agreements/agreements.repo.js';
import { users } from '../auth/auth.table.js';
import { businessCalendarOf } from '../calendars/calendars.service.js';
import { customers } from '../customers/customers.table.js';
import { diff, recordDomainEvent, type DomainEventInput } from '../domain-events/domain-events.repo.js';
import { organizations } from '../organizations/organizations.table.js';
import { pickAssignee } from '../teams/assignment.js';
import { assertTeamExists } from '../teams/teams.service.js';
import {
  insertNewClocks,
  nextTimesOf,
  onStatusChange,
  onTargetsChanged,
  planContextOf,
  type ClockCase,
} from './clocks.js';
import { planAgentReply, planCaseCreated, type PlanCase } from '../../../core/clock-plans.js';
import { assertCustomFields, loadDefinitions } from '../fields/fields.service.js';
import { missingRequired } from '../../../shared/field-values.js';
import * as repo from './cases.repo.js';
import { caseConditions } from './case-filters.js';
import { visibleViews } from './views.service.js';
import { caseViews, categories, cases, messages } from './cases.table.js';
import { mailCaseMessage } from '../mail/mail.service.js';
import { assertCustomerNotBlocked } from '../mail/blocked-senders.service.js';
import { checkOtherRecipients } from './recipients.js';
import { lockLiveSignalsOfCase, resolveSignalsOfCase } from '../signals/case-signals.js';

const UNSOLVED = new Set<string>(UNSOLVED_STATUSES);
/** Statuses in which a case waits for someone else: the ones that may carry a follow-up. */
export const WAITING = new Set(['pending', 'on_hold']);
const DAY_MS = 86_400_000;
type ClockRow = Awaited<ReturnType<typeof repo.listClocks>>[number];

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const ref = (id: string | null, name: string | null) => (id && name !== null ? { id, name } : null);

function toClock(r: ClockRow): Clock {
  return { ...r, kind: r.kind as ClockKind, state: r.state as Clock['state'] };
}

function toPromiseDto(r: ClockRow, cal: BusinessCalendar | undefined, now: Date): CasePromise {
  const clock = toClock(r);
  return {
    id: r.id,
    kind: clock.kind,
    cycle: r.cycle,
    state: stateAt(clock, now),
    targetMinutes: r.targetMinutes,
    startedAt: r.startedAt.toISOString(),
    dueAt: iso(r.dueAt),
    warnAt: iso(r.warnAt),
    metAt: iso(r.metAt),
    breachedAt: iso(r.breachedAt ?? (stateAt(clock, now) === 'breached' ? r.dueAt : null)),
    pausedAt: iso(r.pausedAt),
    usedMinutes: cal ? usedMinutes(cal, clock, now) : Math.floor(r.usedMs / 60_000),
    remainingMinutes: cal ? remainingMinutes(cal, clock, now) : null,
    agreementId: r.agreementId,
  };
}

/** The worst state of a case's unmet clocks, for queue rows. */
function promiseState(clocks: ClockRow[], now: Date): CaseSummary['promiseState'] {
  const open = clocks.filter((c) => c.metAt === null && c.state !== 'met');
  if (open.length === 0) return 'none';
  if (open.some((c) => stateAt(toClock(c), now) === 'breached')) return 'breached';
  if (open.some((c) => c.state === 'active' && c.warnAt !== null && c.warnAt <= now)) return 'at_risk';
  return 'ok';
}

/** The case row as the API shows it; customers do not see tags, team or assignee (internal). */
function toSummary(row: repo.CaseRow, actor: Actor) {
  const internal = isStaff(actor);
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    customerId: row.customerId,
    customer: {
      id: row.customerId,
      name: row.customerName,
      email: row.customerEmail,
      deletedAt: internal ? iso(row.customerDeletedAt) : null,
    },
    organizationId: row.organizationId,
    organization: ref(row.organizationId, row.organizationName),
    channel: row.channel as Case['channel'],
    category: row.category,
    priority: row.priority as Case['priority'],
    status: row.status as Case['status'],
    assigneeId: internal ? row.assigneeId : null,
    assignee: internal ? ref(row.assigneeId, row.assigneeName) : null,
    teamId: internal ? row.teamId : null,
    team: internal ? ref(row.teamId, row.teamName) : null,
    tags: internal ? row.tags : [],
    refs: row.refs,
    agreementId: row.agreementId,
    agreement: ref(row.agreementId, row.agreementName),
    mergedIntoId: row.mergedIntoId,
    nextDueAt: iso(row.nextDueAt),
    firstRespondedAt: iso(row.firstRespondedAt),
    solvedAt: iso(row.solvedAt),
    closedAt: iso(row.closedAt),
    reopenCount: row.reopenCount,
    followUpAt: internal ? iso(row.followUpAt) : null,
    cc: row.cc,
    customerVisible: row.customerVisible,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function calendarsFor(db: Database, clocks: ClockRow[]) {
  const cals = new Map<string, BusinessCalendar>();
  for (const agreementId of new Set(clocks.map((c) => c.agreementId))) {
    const found = await findAgreementWithCalendar(db, agreementId);
    if (found) cals.set(agreementId, businessCalendarOf(found.calendar));
  }
  return cals;
}

/** A case by its id, or by its number (`GET /cases/29`); the same access either way. */
export async function getCase(
  db: Database,
  actor: Actor,
  ref: string | number,
  now = new Date(),
): Promise<Case> {
  const row = typeof ref === 'number' ? await repo.findCaseByNumber(db, ref) : await repo.findCase(db, ref);
  if (!row || !policy.canReadCase(actor, row)) throw notFound('case');
  const clocks = await repo.listClocks(db, [row.id]);
  const cals = await calendarsFor(db, clocks);
  return {
    ...toSummary(row, actor),
    customFields: isStaff(actor) ? row.customFields : {},
    requiredSkills: isStaff(actor) ? row.requiredSkills : [],
    promises: clocks.map((c) => toPromiseDto(c, cals.get(c.agreementId), now)),
  };
}

/**
 * The follow-up presets of a case (staff), on the calendar of its agreement: a case without one,
 * or whose calendar cannot say (never open), gets none and the agent picks calendar days.
 */
export async function caseFollowUpTimes(
  db: Database,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<FollowUpTimes> {
  const row = await repo.findCase(db, id);
  if (!row || !policy.canReadCase(actor, row)) throw notFound('case');
  const found = row.agreementId ? await findAgreementWithCalendar(db, row.agreementId) : undefined;
  if (!found) return { calendar: null, times: [] };
  let times: FollowUpTime[];
  try {
    times = followUpTimes(businessCalendarOf(found.calendar), now);
  } catch (err) {
    if (err instanceof CalendarError) return { calendar: null, times: [] };
    throw err;
  }
  const { id: calendarId, name, timezone } = found.calendar;
  return {
    calendar: { id: calendarId, name, timezone },
    times: times.map((t) => ({ key: t.key, label: t.label, at: t.at.toISOString() })),
  };
}

/** Filters of a saved view the actor may use, merged under the query's own filters. */
async function viewFilters(
  db: Database,
  actor: Actor,
  viewId: string | undefined,
): Promise<{ filters: CaseViewFilters; sort?: string }> {
  if (!viewId) return { filters: {} };
  const [view] = await db
    .select()
    .from(caseViews)
    .where(and(eq(caseViews.id, viewId), isNull(caseViews.deletedAt), visibleViews(actor)));
  if (!view) throw notFound('view');
  return { filters: view.filters, sort: view.sort };
}

export function queryFilters(q: Partial<CaseListQuery>): CaseViewFilters & { q?: string } {
  const f: CaseViewFilters & { q?: string } = {};
  if (q.status) f.status = q.status;
  if (q.priority) f.priority = q.priority;
  if (q.category) f.category = q.category;
  if (q.channel) f.channel = q.channel;
  if (q.assigneeId) f.assigneeId = q.assigneeId;
  if (q.teamId) f.teamId = q.teamId;
  if (q.tag) f.tags = q.tag;
  if (q.customerId) f.customerId = q.customerId;
  if (q.organizationId) f.organizationId = q.organizationId;
  if (q.promise) f.promise = q.promise;
  if (q.awaitingReply) f.awaitingReply = true;
  for (const key of PROMISE_CLOCK_FILTERS) if (q[key]) Object.assign(f, { [key]: q[key] });
  if (q.solvedFrom) f.solvedFrom = q.solvedFrom;
  if (q.solvedTo) f.solvedTo = q.solvedTo;
  if (q.field) f.fields = q.field;
  if (q.q) f.q = q.q;
  return f;
}

/** What the case list selects and in which order: the caller's access, the view, the filters. */
async function caseListQuery(db: Database, actor: Actor, q: Omit<CaseListQuery, 'limit' | 'cursor'>) {
  const view = await viewFilters(db, actor, q.view);
  // The order of follow-ups would tell a customer what they do not see.
  if (q.sort === 'followUpAt' && !isStaff(actor))
    throw forbidden('customers may not sort cases by follow-up');
  const where = and(
    policy.caseListScope(actor),
    await caseConditions(db, actor, view.filters, { saved: true }),
    await caseConditions(db, actor, queryFilters(q)),
  );
  return { where, sort: sortFrom(q.sort ?? view.sort ?? 'nextDueAt', repo.CASE_SORT_COLUMNS, cases.id) };
}

/** One page of the case list, with the clocks of its cases. */
async function readCasePage(
  db: Database,
  q: CaseListQuery,
  { where, sort }: Awaited<ReturnType<typeof caseListQuery>>,
) {
  const page = await repo.listCases(db, q, where, sort);
  const clocks = await repo.listClocks(
    db,
    page.items.map((r) => r.id),
  );
  const byCase = new Map<string, ClockRow[]>();
  for (const c of clocks) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  return { page, clocksOf: (id: string) => byCase.get(id) ?? [] };
}

export async function listCases(db: Database, actor: Actor, q: CaseListQuery, now = new Date()) {
  const { page, clocksOf } = await readCasePage(db, q, await caseListQuery(db, actor, q));
  return {
    items: page.items.map((row) => ({
      ...toSummary(row, actor),
      promiseState: promiseState(clocksOf(row.id), now),
    })),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}

/** A case as its export writes it: the queue's row, its custom fields and its clocks. */
export type ExportedCase = CaseSummary & { customFields: Record<string, unknown>; promises: CasePromise[] };

/** Every case the list's filters select, a page at a time (the list's order and access rules). */
export function exportCases(
  db: Database,
  actor: Actor,
  q: Omit<CaseListQuery, 'limit' | 'cursor' | 'includeTotal'>,
  { now = new Date(), pageSize = LIMITS.pageMax as number } = {},
) {
  // The view and the filters are read once; each page is then one query (and its clocks).
  let selection: Awaited<ReturnType<typeof caseListQuery>> | undefined;
  return allPages<ExportedCase>(async (cursor) => {
    selection ??= await caseListQuery(db, actor, q);
    const { page, clocksOf } = await readCasePage(db, { ...q, limit: pageSize, cursor }, selection);
    return {
      items: page.items.map((row) => ({
        ...toSummary(row, actor),
        promiseState: promiseState(clocksOf(row.id), now),
        customFields: row.customFields,
        promises: clocksOf(row.id).map((c) => toPromiseDto(c, undefined, now)),
      })),
      nextCursor: page.nextCursor,
    };
  });
}

// ---- writing -------------------------------------------------------------------------------

const invalid = (path: string, message: string) =>
  unprocessable('invalid_reference', `${path}: ${message}`, [{ path, message }]);

/** The keys among these that name an active category: what a new or changed case may use. */
export async function activeCategories(db: Database, keys: string[]): Promise<Set<string>> {
  const found = await db
    .select({ key: categories.key })
    .from(categories)
    .where(and(sql`${categories.key} = any(${sql.param(keys)}::text[])`, eq(categories.active, true)));
  return new Set(found.map((c) => c.key));
}

async function checkCategory(db: Database, key: string) {
  if (!(await activeCategories(db, [key])).has(key))
    throw invalid('body.category', `no active category "${key}"`);
}
async function checkAssignee(db: Database, id: string) {
  const [u] = await db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.id, id),
        isNull(users.deletedAt),
        eq(users.active, true),
        sql`${users.role} in ('agent', 'admin')`,
      ),
    );
  if (!u) throw invalid('body.assigneeId', 'the assignee must be an active agent or admin');
}

/**
 * Customers a case may be opened for (not deleted), with what agreement selection needs:
 * organization, effective segment, whether they have an address. Locked FOR KEY SHARE: an erasure running meanwhile is waited
 * for, and the customer it leaves deleted is no longer found, so no case slips past it (see
 * customer-erasure-guard.ts).
 */
export async function customersForCases(db: Database, customerIds: string[]): Promise<CaseCustomer[]> {
  return db
    .select({
      id: customers.id,
      organizationId: customers.organizationId,
      segment: sql<string | null>`coalesce(${customers.segment}, ${organizations.segment})`,
      hasAddress: sql<boolean>`${customers.email} is not null`,
    })
    .from(customers)
    .leftJoin(organizations, eq(organizations.id, customers.organizationId))
    .where(and(sql`${customers.id} = any(${sql.param(customerIds)}::uuid[])`, isNull(customers.deletedAt)))
    .for('key share', { of: customers });
}

async function customerForCase(db: Database, customerId: string): Promise<CaseCustomer | undefined> {
  const [c] = await customersForCases(db, [customerId]);
  return c;
}

/** `hasAddress`: the customer has an e-mail address (for the channel of a case staff open). */
export type CaseCustomer = AgreementCustomer & { hasAddress: boolean };
type CaseInput = z.output<typeof CaseCreateSchema>;

/**
 * The channel of a case staff open without naming one. A first message an agent writes to a
 * customer with an address goes out by e-mail and is answered there: an e-mail case. An internal
 * note, or a message to someone with no address (they read it in the portal), was our idea first:
 * proactive, which the customer sees once a message is public to them and their next contact
 * joins. Anything else came in through the API.
 */
function defaultChannel(
  message: { from?: 'customer' | 'agent'; public?: boolean } | undefined,
  customerHasAddress: boolean,
): Channel {
  if (message?.from !== 'agent') return 'api';
  return message.public !== false && customerHasAddress ? 'email' : 'proactive';
}

/**
 * A new case's row, with its clocks planned in memory so the row carries its next due time: what
 * createCase inserts once its input is checked. Signal actions open many cases at once with it.
 */
export function newCaseRow(
  input: CaseInput,
  o: {
    id?: string;
    customer: CaseCustomer;
    agreement: AgreementCandidate | undefined;
    assigneeId: string | null;
    staff: boolean;
    at: Date;
  },
) {
  const { customer, assigneeId, staff, at } = o;
  const status = input.status ?? (assigneeId ? 'open' : 'new');
  const fromAgent = staff && input.message?.from === 'agent';
  // An agent's internal note opening the case tells the customer nothing: no response yet.
  const agentReply = fromAgent && input.message?.public !== false;
  const ctx = o.agreement ? planContextOf(o.agreement) : null;
  const plan: PlanCase = { status, priority: input.priority, createdAt: at, lastAgentReplyAt: null };
  let clocks = ctx ? planCaseCreated(ctx, plan).clocks : [];
  // We wrote first (a proactive case, an outbound call): that is the first response.
  if (ctx && agentReply) clocks = planAgentReply(ctx, clocks, plan, at).clocks;
  const row = {
    ...(o.id ? { id: o.id } : {}),
    subject: input.subject,
    customerId: customer.id,
    organizationId: customer.organizationId,
    channel: staff ? (input.channel ?? defaultChannel(input.message, customer.hasAddress)) : 'portal',
    category: input.category,
    priority: input.priority,
    status,
    assigneeId,
    teamId: input.teamId ?? null,
    tags: input.tags ?? [],
    customFields: input.customFields ?? {},
    requiredSkills: input.requiredSkills ?? [],
    refs: input.refs ?? {},
    agreementId: o.agreement?.agreement.id ?? null,
    createdAt: at,
    updatedAt: at,
    solvedAt: status === 'solved' || status === 'closed' ? at : null,
    closedAt: status === 'closed' ? at : null,
    lastCustomerMessageAt: input.message && input.message.from !== 'agent' ? at : null,
    lastAgentReplyAt: agentReply ? at : null,
    firstRespondedAt: agentReply ? at : null,
    ...nextTimesOf(clocks),
  } satisfies typeof cases.$inferInsert;
  return { row, clocks, fromAgent, agentReply };
}

/** The `case.created` timeline entry of a case just inserted. */
export const caseCreatedEvent = (
  c: Pick<
    typeof cases.$inferSelect,
    | 'id'
    | 'subject'
    | 'channel'
    | 'category'
    | 'priority'
    | 'status'
    | 'assigneeId'
    | 'teamId'
    | 'agreementId'
    | 'customerId'
  >,
  autoAssigned: boolean,
): DomainEventInput => ({
  type: 'case.created',
  entityType: 'case',
  entityId: c.id,
  data: {
    subject: c.subject,
    channel: c.channel,
    category: c.category,
    priority: c.priority,
    status: c.status,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    agreementId: c.agreementId,
    customerId: c.customerId,
    autoAssigned,
  },
});

export const clockCase = (c: typeof cases.$inferSelect): ClockCase => ({
  id: c.id,
  status: c.status,
  priority: c.priority,
  agreementId: c.agreementId,
  createdAt: c.createdAt,
  lastAgentReplyAt: c.lastAgentReplyAt,
});

export async function createCase(db: Database, actor: Actor, raw: CaseCreate): Promise<Case> {
  return (await openCase(db, actor, raw)).case;
}

/** A case opened, with its first message (if any) and what became of that message as mail. */
export interface NewCase {
  case: Case;
  firstMessageId: string | null;
  /** See MessageWritten: null unless the first message is an agent's public one (mailed). */
  delivery: MessageDelivery | null;
}

/** createCase, saying what became of the first message as mail (POST /cases answers it). */
export async function openCase(db: Database, actor: Actor, raw: CaseCreate): Promise<NewCase> {
  // Internal callers (demo seed, signal actions) get the same defaults and checks as the API.
  const parsed = CaseCreateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(400, 'validation_error', `body.${issue.path.join('.')}: ${issue.message}`);
  }
  const input = parsed.data;
  policy.assertCanCreateCase(actor, input.customerId);
  const staff = actor.role !== 'customer';
  if (
    !staff &&
    (input.assigneeId ||
      input.teamId ||
      input.status ||
      input.tags ||
      input.customFields ||
      input.requiredSkills ||
      // The priority sets the promise's targets. (Refs they may give: an order number that
      // joins their proactive case, docs/signals.md.)
      (input.priority !== 'normal' && raw.priority !== undefined) ||
      input.message?.call ||
      input.message?.public === false)
  ) {
    throw forbidden('customers give a subject, a category and a message; the team does the rest');
  }
  if (input.createdAt && !isAdmin(actor))
    throw forbidden('only admins import cases with their historic createdAt');
  if (!staff) await assertCustomerNotBlocked(db, actor);
  if (input.createdAt && new Date(input.createdAt) > new Date())
    throw unprocessable('validation_error', 'body.createdAt: must not be in the future');
  const made = await db.transaction(async (tx) => {
    const customer = await customerForCase(tx, input.customerId);
    if (!customer) throw invalid('body.customerId', 'no such customer');
    await checkCategory(tx, input.category);
    if (input.teamId) await assertTeamExists(tx, input.teamId);
    if (input.assigneeId) await checkAssignee(tx, input.assigneeId);
    await assertCustomFields(tx, 'case', input.customFields);
    const selected = await selectAgreementFor(tx, {
      customerId: customer.id,
      organizationId: customer.organizationId,
      segment: customer.segment,
    });
    let assigneeId = input.assigneeId ?? null;
    if (!assigneeId && input.teamId) {
      assigneeId = await pickAssignee(tx, {
        teamId: input.teamId,
        requiredSkills: input.requiredSkills ?? [],
      });
    }
    const at = input.createdAt ? new Date(input.createdAt) : new Date();
    const planned = newCaseRow(input, { customer, agreement: selected, assigneeId, staff, at });
    const { clocks, fromAgent, agentReply } = planned;
    const [row] = await tx.insert(cases).values(planned.row).returning();
    const c = row!;
    await recordDomainEvent(tx, actor, caseCreatedEvent(c, !input.assigneeId && !!assigneeId));
    let firstMessageId: string | null = null;
    let delivery: MessageDelivery | null = null;
    if (input.message) {
      const [first] = await tx
        .insert(messages)
        .values({
          caseId: c.id,
          authorType: fromAgent ? 'agent' : 'customer',
          authorUserId: fromAgent || !staff ? actor.userId : null,
          authorCustomerId: fromAgent ? null : customer.id,
          public: !fromAgent || agentReply,
          body: input.message.body,
          channel: c.channel,
          call: input.message.call ?? null,
          createdAt: at,
        })
        .returning({ id: messages.id });
      firstMessageId = first!.id;
      // We wrote first (a proactive case, an agent writing to a customer): it goes out by e-mail.
      if (agentReply && !input.createdAt)
        delivery = (await mailCaseMessage(tx, { caseId: c.id, messageId: first!.id })).delivery;
    }
    await insertNewClocks(tx, actor, c.id, clocks);
    return { id: c.id, firstMessageId, delivery };
  });
  return {
    case: await getCase(db, actor, made.id),
    firstMessageId: made.firstMessageId,
    delivery: made.delivery,
  };
}

/**
 * Applies a change to one case inside the caller's transaction: validation, assignment,
 * status bookkeeping, timeline, clocks. Shared by PATCH and bulk updates. `addTags` and
 * `removeTags` change the tags of the locked row, so they undo no one's change: they need no
 * `expected` version (one given is checked all the same: the caller asked for it).
 */
export async function applyCaseUpdate(
  tx: Database,
  actor: Actor,
  id: string,
  input: CaseUpdate,
  /** Why, when not the actor's own choice (`follow_up`: the case's follow-up time came). */
  reason?: string,
  /** The `updatedAt` of the copy edited (If-Match): refused if the case changed since. */
  expected?: string,
) {
  // Solving or closing ends the case's live signals: they are locked before the case is.
  if (input.status && !UNSOLVED.has(input.status)) await lockLiveSignalsOfCase(tx, id);
  const before = await repo.lockCase(tx, id);
  if (!before) throw notFound('case');
  // Checked on the locked row (not with assertUnchangedSince, which would lock the case before
  // its signals), so of two saves of one copy exactly one passes.
  if (expected !== undefined && before.updatedAt.toISOString() !== expected)
    throw editConflict('case', before.updatedAt.toISOString(), expected);
  if (before.status === 'closed')
    throw conflict('case_closed', `case #${before.number} is closed; open a follow-up case instead`);
  if (before.mergedIntoId)
    throw conflict('case_merged', `case #${before.number} was merged into another case`);
  if (input.category) await checkCategory(tx, input.category);
  if (input.teamId) await assertTeamExists(tx, input.teamId);
  if (input.assigneeId) await checkAssignee(tx, input.assigneeId);
  await assertCustomFields(tx, 'case', input.customFields);

  const next: Partial<typeof cases.$inferInsert> = {};
  for (const key of [
    'subject',
    'category',
    'priority',
    'status',
    'assigneeId',
    'teamId',
    'requiredSkills',
  ] as const) {
    if (input[key] !== undefined) (next as Record<string, unknown>)[key] = input[key];
  }
  if (input.customFields) next.customFields = { ...before.customFields, ...input.customFields };
  if (input.tags || input.addTags || input.removeTags) {
    const tags = new Set(input.tags ?? before.tags);
    input.addTags?.forEach((t) => tags.add(t));
    input.removeTags?.forEach((t) => tags.delete(t));
    // Only what is added can pass the limit (a list sent whole is checked by its schema).
    if (tags.size > MAX_CASE_TAGS && tags.size > before.tags.length)
      throw unprocessable('too_many_tags', `body.addTags: a case has at most ${MAX_CASE_TAGS} tags`, [
        { path: 'body.addTags', message: `at most ${MAX_CASE_TAGS} tags` },
      ]);
    next.tags = [...tags];
  }
  let customerChanged = false;
  if (input.customerId && input.customerId !== before.customerId) {
    const customer = await customerForCase(tx, input.customerId);
    if (!customer) throw invalid('body.customerId', 'no such customer');
    next.customerId = customer.id;
    next.organizationId = customer.organizationId;
    const selected = await selectAgreementFor(tx, {
      customerId: customer.id,
      organizationId: customer.organizationId,
      segment: customer.segment,
    });
    next.agreementId = selected?.agreement.id ?? null;
    customerChanged = true;
  }
  // A new team without a named assignee: the team's assignment mode decides.
  if (input.teamId !== undefined && input.teamId !== before.teamId && input.assigneeId === undefined) {
    next.assigneeId = input.teamId
      ? await pickAssignee(tx, {
          teamId: input.teamId,
          requiredSkills: input.requiredSkills ?? before.requiredSkills,
        })
      : before.assigneeId;
  }
  const status = next.status ?? before.status;
  if (next.status === 'new' && before.status !== 'new')
    throw unprocessable('invalid_status', 'body.status: a case cannot go back to new');
  if (status === 'new' && next.assigneeId) next.status = 'open';
  if ((status === 'solved' || status === 'closed') && before.status !== status) {
    const missing = missingRequired(
      await loadDefinitions(tx, 'case'),
      next.customFields ?? before.customFields,
    );
    if (missing.length > 0) {
      throw unprocessable(
        'required_fields',
        `fill in ${missing.join(', ')} before solving`,
        missing.map((k) => ({ path: `body.customFields.${k}`, message: 'required to solve' })),
      );
    }
  }
  const now = new Date();
  const finalStatus = next.status ?? before.status;
  if (finalStatus !== before.status) {
    if (finalStatus === 'solved') next.solvedAt = now;
    if (finalStatus === 'closed') {
      next.closedAt = now;
      next.solvedAt = before.solvedAt ?? now;
    }
    if (before.status === 'solved' && UNSOLVED.has(finalStatus)) {
      next.solvedAt = null;
      next.reopenCount = before.reopenCount + 1;
    }
  }
  next.followUpAt = followUpOf(before, input.followUpAt, finalStatus, now);
  if (input.cc)
    next.cc = await checkOtherRecipients(tx, input.cc, {
      customerId: next.customerId ?? before.customerId,
      field: 'cc',
      code: 'invalid_cc',
    });
  const changes = diff(before as unknown as Record<string, unknown>, next as Record<string, unknown>);
  delete changes.solvedAt;
  delete changes.closedAt;
  delete changes.reopenCount;
  if (Object.keys(changes).length === 0) return before;
  const [after] = await tx
    .update(cases)
    // At least a millisecond past the last version, so each save is a new one (If-Match).
    .set({ ...next, updatedAt: nextVersion(now) })
    .where(eq(cases.id, id))
    .returning();
  await recordDomainEvent(tx, actor, {
    type: 'case.updated',
    entityType: 'case',
    entityId: id,
    data: reason ? { changes, reason } : { changes },
  });
  const c = clockCase(after!);
  if (changes.priority || customerChanged)
    await onTargetsChanged(tx, actor, c, now, before.firstRespondedAt !== null);
  if (changes.status) await onStatusChange(tx, actor, c, before.status, now);
  // Solving a proactive case deals with the risks it was opened for.
  if (changes.status && UNSOLVED.has(before.status) && !UNSOLVED.has(finalStatus))
    await resolveSignalsOfCase(tx, actor, after!);
  return after!;
}

/**
 * The case's follow-up after a change: the one asked for (only on a case left waiting, in the
 * future, within a year), none once the case stops waiting, else unchanged (undefined).
 */
function followUpOf(
  before: { followUpAt: Date | null },
  asked: string | null | undefined,
  status: string,
  now: Date,
): Date | null | undefined {
  if (!WAITING.has(status)) {
    if (asked)
      throw unprocessable(
        'follow_up_not_waiting',
        'body.followUpAt: only a pending or on-hold case has a follow-up; set the status in the same step',
        [{ path: 'body.followUpAt', message: 'the case is not waiting' }],
      );
    return before.followUpAt ? null : undefined;
  }
  if (asked === undefined || asked === null) return asked;
  const at = new Date(asked);
  const problem =
    at.getTime() <= now.getTime()
      ? 'must be in the future'
      : at.getTime() > now.getTime() + FOLLOW_UP_MAX_DAYS * DAY_MS
        ? `must be within ${FOLLOW_UP_MAX_DAYS} days`
        : undefined;
  if (problem)
    throw unprocessable('invalid_follow_up', `body.followUpAt: ${problem}`, [
      { path: 'body.followUpAt', message: problem },
    ]);
  return at;
}

export async function updateCase(
  db: Database,
  actor: Actor,
  id: string,
  input: CaseUpdate,
  /** The `updatedAt` of the copy edited (If-Match): refused if the case changed since. */
  expected?: string,
) {
  policy.assertStaffOnCases(actor);
  await db.transaction((tx) => applyCaseUpdate(tx, actor, id, input, undefined, expected));
  return getCase(db, actor, id);
}

export async function bulkUpdateCases(
  db: Database,
  actor: Actor,
  input: {
    ids: string[];
    set: Omit<CaseUpdate, 'subject' | 'customerId' | 'customFields' | 'tags' | 'requiredSkills' | 'cc'>;
  },
) {
  policy.assertStaffOnCases(actor);
  const ids = [...new Set(input.ids)].sort();
  await db.transaction(async (tx) => {
    for (const id of ids) {
      try {
        await applyCaseUpdate(tx, actor, id, input.set);
      } catch (err) {
        throw err instanceof AppError ? inBulk(err, id) : err;
      }
    }
  });
  return { updated: ids.length };
}

/**
 * One case's refusal in a bulk change, as the bulk body has it: the fields applyCaseUpdate names
 * (`body.addTags`) are under `body.set` there, and the message says which case refused. A message
 * that starts with its field keeps it first, as the single-case PATCH's does.
 */
function inBulk(err: AppError, id: string): AppError {
  const at = (path: string) => path.replace(/^body\./, 'body.set.');
  const field = /^(body\.[\w.]+): ([\s\S]*)$/.exec(err.message);
  const message = field ? `${at(field[1]!)}: case ${id}: ${field[2]}` : `case ${id}: ${err.message}`;
  const details = err.details?.map((d) => ({ path: at(d.path), message: d.message }));
  return new AppError(err.statusCode, err.code, message, details, err.headers);
}
