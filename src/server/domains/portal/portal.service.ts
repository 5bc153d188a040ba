// The customer's portal: their requests (and their organization's, when allowed) as they see
// them — no internal notes, tags, fields, team or agreement internals — each with its state in
// plain words; opening a request with files in one step. Reading the conversation, replying and
// uploading use the case API, whose policies already keep customers to what is theirs.
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { nextClock, plainState, plainStateZone } from '../../../core/portal/plain-state.js';
import type { CaseStatus, Channel } from '../../../shared/schemas/cases.js';
import { UNSOLVED_STATUSES } from '../../../shared/schemas/cases.js';
import { CUSTOMER_REFERENCE_KEY } from '../../../shared/schemas/portal.js';
import { isTimeZone } from '../../../shared/schemas/common.js';
import type {
  PortalCase,
  PortalCaseCreate,
  PortalCaseListQuery,
  PortalCaseSummary,
} from '../../../shared/schemas/portal.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { afterCursor, orderBy, sortKey, toPage, type Sort } from '../../lib/pagination.js';
import * as policy from '../../policies/cases.js';
import { storeAttachments } from '../cases/attachments.service.js';
import * as casesRepo from '../cases/cases.repo.js';
import { cases } from '../cases/cases.table.js';
import { openOrJoinCase } from '../cases/proactive-contact.js';
import { customers } from '../customers/customers.table.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { decodeFiles } from './files.js';
import { ratingsOf } from './ratings.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';

function assertCustomer(actor: Actor) {
  if (actor.role !== 'customer' || !actor.customerId) throw forbidden('the portal is for customers');
}

interface PortalRow {
  id: string;
  number: number;
  subject: string;
  status: string;
  channel: string;
  customerId: string;
  customerName: string;
  organizationId: string | null;
  mergedIntoId: string | null;
  createdAt: Date;
  updatedAt: Date;
  solvedAt: Date | null;
  closedAt: Date | null;
}

const portalColumns = {
  id: cases.id,
  number: cases.number,
  subject: cases.subject,
  status: cases.status,
  channel: cases.channel,
  customerId: cases.customerId,
  customerName: customers.name,
  organizationId: cases.organizationId,
  mergedIntoId: cases.mergedIntoId,
  createdAt: cases.createdAt,
  updatedAt: cases.updatedAt,
  solvedAt: cases.solvedAt,
  closedAt: cases.closedAt,
  customerVisible: policy.customerVisible,
};

/** Plain state, rating and who asked, for cases the actor may read. */
async function toPortalDtos(
  db: Database,
  actor: Actor,
  found: PortalRow[],
  now = new Date(),
): Promise<PortalCaseSummary[]> {
  if (found.length === 0) return [];
  const ids = found.map((r) => r.id);
  const clocks = await casesRepo.listClocks(db, ids);
  // Whose turn: the author of the last public message of each case.
  const last = await rows<{ case_id: string; author_type: string }>(
    db,
    sql`select distinct on (case_id) case_id, author_type from messages
      where case_id = any(${sql.param(ids)}::uuid[]) and public
      order by case_id, created_at desc, id desc`,
  );
  const turnOf = new Map(
    last.map((l) => [l.case_id, l.author_type === 'customer' ? 'us' : 'customer'] as const),
  );
  const [viewer] = await rows<{ time_zone: string | null; company_zone: string }>(
    db,
    sql`select time_zone, ${COMPANY_TIME_ZONE} as company_zone from customers where id = ${actor.customerId}`,
  );
  // For a customer without a zone (that this runtime knows): each case's agreement calendar's (as
  // its acknowledgement said).
  const calendarZones =
    viewer?.time_zone && isTimeZone(viewer.time_zone)
      ? []
      : await rows<{ id: string; timezone: string }>(
          db,
          sql`select c.id, cal.timezone from cases c
          join agreements a on a.id = c.agreement_id join calendars cal on cal.id = a.calendar_id
          where c.id = any(${sql.param(ids)}::uuid[])`,
        );
  const calendarZoneOf = new Map(calendarZones.map((z) => [z.id, z.timezone]));
  const ratings = await ratingsOf(db, ids);
  return found.map((r) => {
    const state = plainState({
      status: r.status as CaseStatus,
      clock: nextClock(
        clocks
          .filter((c) => c.caseId === r.id)
          .map((c) => ({
            kind: c.kind as 'first_response',
            state: c.state as 'active',
            dueAt: c.dueAt,
            metAt: c.metAt,
          })),
      ),
      turn: turnOf.get(r.id) ?? 'us',
      now,
      timeZone: viewer?.time_zone,
      calendarTimeZone: calendarZoneOf.get(r.id),
      companyTimeZone: viewer?.company_zone,
    });
    return {
      id: r.id,
      number: r.number,
      subject: r.subject,
      status: r.status as CaseStatus,
      channel: r.channel as Channel,
      customer: { id: r.customerId, name: r.customerName },
      mine: r.customerId === actor.customerId,
      plainState: { ...state, nextUpdateBy: state.nextUpdateBy?.toISOString() ?? null },
      timeZone: plainStateZone({
        timeZone: viewer?.time_zone,
        calendarTimeZone: calendarZoneOf.get(r.id),
        companyTimeZone: viewer?.company_zone,
      }),
      rating: ratings.get(r.id) ?? null,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      solvedAt: r.solvedAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
    };
  });
}

const recentFirst: Sort = { column: cases.updatedAt, idColumn: cases.id, desc: true };

export async function listPortalCases(db: Database, actor: Actor, q: PortalCaseListQuery) {
  assertCustomer(actor);
  let scope;
  if (q.scope === 'organization') {
    if (!actor.organizationAccess || !actor.organizationId)
      throw forbidden("your organization's requests are not shared with you");
    // Colleagues' requests; one's own are under "mine".
    scope = and(eq(cases.organizationId, actor.organizationId), ne(cases.customerId, actor.customerId!));
  } else {
    scope = eq(cases.customerId, actor.customerId!);
  }
  const where = and(
    isNull(cases.deletedAt),
    policy.caseListScope(actor),
    scope,
    q.state === 'open'
      ? inArray(cases.status, UNSOLVED_STATUSES)
      : q.state === 'solved'
        ? inArray(cases.status, ['solved', 'closed'])
        : undefined,
  );
  const found = await db
    .select({ ...portalColumns, sortKey: sortKey(recentFirst) })
    .from(cases)
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .where(and(where, afterCursor(recentFirst, q.cursor)))
    .orderBy(...orderBy(recentFirst))
    .limit(q.limit + 1);
  const page = toPage(found, q.limit);
  return { items: await toPortalDtos(db, actor, page.items), nextCursor: page.nextCursor };
}

/** A request by its id or its number (`/portal/cases/29`); the same access either way. */
export async function getPortalCase(db: Database, actor: Actor, ref: string | number): Promise<PortalCase> {
  assertCustomer(actor);
  const [row] = await db
    .select(portalColumns)
    .from(cases)
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .where(and(typeof ref === 'number' ? eq(cases.number, ref) : eq(cases.id, ref), isNull(cases.deletedAt)));
  if (!row || !policy.canReadCase(actor, row)) throw notFound('case');
  const [dto] = await toPortalDtos(db, actor, [row]);
  const solved = row.status === 'solved' || row.status === 'closed';
  return {
    ...dto!,
    canReply: row.status !== 'closed' && row.mergedIntoId === null,
    canRate: solved && row.customerId === actor.customerId && row.mergedIntoId === null,
    mergedIntoId: row.mergedIntoId,
  };
}

/**
 * A new request with its files, in one transaction (a file refused refuses the request: 422).
 * The category must be one offered to customers; an order or shipment number joins the open
 * proactive case holding it, else stays on the new case as its `customerReference` ref.
 */
export async function createPortalCase(db: Database, actor: Actor, input: PortalCaseCreate) {
  assertCustomer(actor);
  const files = decodeFiles(input.files ?? []);
  const reference = input.reference?.trim() || undefined;
  const result = await db.transaction(async (tx) => {
    const opened = await openOrJoinCase(
      tx,
      actor,
      {
        subject: input.subject,
        customerId: actor.customerId!,
        channel: 'portal',
        ...(input.category ? { category: input.category } : {}),
        ...(reference ? { refs: { [CUSTOMER_REFERENCE_KEY]: reference } } : {}),
        message: { body: input.message, from: 'customer' },
      },
      { reference },
    );
    if (files.length > 0) {
      if (!opened.messageId) throw new Error('the first message of the new request is missing');
      const { stored } = await storeAttachments(
        tx,
        { caseId: opened.case.id, messageId: opened.messageId, uploadedBy: actor.userId },
        files,
      );
      await recordDomainEvent(tx, actor, {
        type: 'case.attachments_added',
        entityType: 'case',
        entityId: opened.case.id,
        data: { messageId: opened.messageId, attachments: stored.map((s) => s.id) },
      });
    }
    return { caseId: opened.case.id, joined: opened.joined };
  });
  return { case: await getPortalCase(db, actor, result.caseId), joined: result.joined };
}
