// Erasing a customer's personal data (GDPR art. 17), for admins, irreversibly. What was said and
// who said it goes; what happened and when stays, so the KPIs of past periods do not change:
// their cases keep their number, channel, team, dates and promise clocks; their signals,
// commitments and operational events keep their type, state and times.
//
// In one transaction, one set-based statement per table:
// - the customer and every customer merged into them: name "Erased customer", no e-mail, phone,
//   external id, language, time zone or custom fields; deleted; `erased_at` set;
// - their portal login: name and address gone, no password, deleted; its sessions and API
//   tokens, sign-in and password links, the sign-in attempts and rate-limit records keyed by
//   their addresses;
// - their cases (also deleted ones): subject, custom fields, copies (cc) and reply token; every
//   message on them (body, HTML, an outside sender's address), side conversations (subject,
//   participants, reply token), attachments and their files, rating
//   comments and the help center searches made from them; the unsolved ones are closed
//   (closeUnsolved, below), and their live signals no case handles are dismissed;
// - messages they wrote on other customers' cases (an organization's shared cases);
// - mail to and from them, about their cases or messages, or naming them: subject, bodies, raw
//   source, their addresses;
// - operational events about them: `data` (refs stay: signals and commitments are matched by them);
// - domain events (the audit trail) about any of these (and their signals and commitments), and webhook deliveries of those events:
//   `data` keeps only keys that carry no free text (ids, states, times, counts; see SAFE_KEYS).
// - staff notifications: who wrote, when it was them on a colleague's case or someone else on
//   theirs (what was written is read from the message, so it reads "[erased]" now).
// A message or case for them arriving while this runs cannot slip past it: the customer's row is
// locked first, and those writes take a share of it first (customer-erasure-guard.ts).
// Records that hold no personal data of theirs are kept as they are: agreements made for them,
// rule versions, blocked-sender patterns (kept to keep blocking them; an admin removes one on the
// Blocked senders page).
import { and, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { nextVersion } from '../../../db/columns.js';
import type { CustomerErasure, CustomerErased } from '../../../shared/schemas/customers.js';
import { isAdmin, type Actor } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { cases as caseTable } from '../cases/cases.table.js';
import { clockCase } from '../cases/cases.service.js';
import { onStatusChanges } from '../cases/clocks.js';
import { recordDomainEvent, recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { ERASED_SIGNAL_RESOLUTION, endSignals } from '../signals/end-signals.js';
import { lockLiveSignalsOfCasesAndCustomers } from '../signals/case-signals.js';
import { customerScope, type CustomerScope } from './customer-scope.js';

export const ERASED_NAME = 'Erased customer';
const ERASED_TEXT = '[erased]';
const ERASED_ADDRESS = 'erased@erased.invalid';

/** Keys of a domain event's `data` that never hold free text or personal data. */
const SAFE_KEYS = [
  'kind',
  'cycle',
  'dueAt',
  'metAt',
  'breachedAt',
  'usedMinutes',
  'targetMinutes',
  'late',
  'state',
  'status',
  'priority',
  'channel',
  'category',
  'categoryId',
  'teamId',
  'assigneeId',
  'autoAssigned',
  'agreementId',
  'messageId',
  'sideConversationId',
  'public',
  'attachments',
  'caseId',
  'caseNumber',
  'customerId',
  'organizationId',
  'signalId',
  'ruleId',
  'ruleVersion',
  'severity',
  'evidence',
  'joined',
  'automatic',
  'signalResolved',
  'skippedActions',
  'mergedId',
  'intoId',
  'moved',
  'left',
  'version',
  'source',
  'cases',
  'messages',
  'mails',
  'events',
];
/** Fields of a `changes` object whose values are not personal. */
const SAFE_CHANGES = [
  'status',
  'priority',
  'teamId',
  'assigneeId',
  'category',
  'followUpAt',
  'agreementId',
  'segment',
  'organizationId',
];

interface Scope extends CustomerScope {
  /** The customer's name as it is now (what the admin types to confirm). */
  name: string;
}

async function scopeOf(tx: Database, id: string, lock: boolean): Promise<Scope> {
  const [target] = await rows<{ name: string; erased_at: Date | null; merged_into_id: string | null }>(
    tx,
    lock
      ? sql`select name, erased_at, merged_into_id from customers where id = ${id} for update`
      : sql`select name, erased_at, merged_into_id from customers where id = ${id}`,
  );
  if (!target) throw notFound('customer');
  if (target.erased_at)
    throw conflict('already_erased', 'this customer’s personal data has already been erased');
  if (target.merged_into_id) {
    throw conflict(
      'merged',
      'this customer was merged into another: erase that customer (it holds this one’s records now)',
    );
  }
  return { ...(await customerScope(tx, id)), name: target.name };
}

const uuids = (ids: string[]) => sql`${sql.param(ids)}::uuid[]`;
const texts = (values: string[]) => sql`${sql.param(values)}::text[]`;

/** What an erasure would touch (admins): shown before they confirm. */
export async function erasurePreview(db: Database, actor: Actor, id: string): Promise<CustomerErasure> {
  if (!isAdmin(actor)) throw forbidden('only admins erase personal data');
  const s = await scopeOf(db, id, false);
  const [counts] = await rows<Omit<CustomerErasure, 'name' | 'emails' | 'portalLogin'>>(
    db,
    sql`select
      (select count(*)::int from cases where id = any(${uuids(s.caseIds)})) as cases,
      (select count(*)::int from cases where id = any(${uuids(s.caseIds)})
         and status not in ('solved', 'closed') and deleted_at is null) as "openCases",
      (select count(*)::int from messages where case_id = any(${uuids(s.caseIds)})
         or author_customer_id = any(${uuids(s.customerIds)})) as messages,
      (select count(*)::int from attachments where case_id = any(${uuids(s.caseIds)})) as attachments,
      (select count(*)::int from mail_messages where ${mailScope(s)}) as mails,
      (select count(*)::int from events where customer_id = any(${uuids(s.customerIds)})) as events,
      (select count(*)::int from customers where merged_into_id = ${id}) as "mergedCustomers"`,
  );
  return { name: s.name, emails: s.emails, portalLogin: s.loginIds.length > 0, ...counts! };
}

/**
 * Mail to, from or about them: on their cases, from or to their addresses, carrying a message
 * they wrote, or naming them (a staff notification "[#4] Erin Jensen wrote: …" about a
 * colleague's case: matched by their full name, four letters or more).
 */
function mailScope(s: Scope) {
  const names = s.names.map((n) => n.trim().toLowerCase()).filter((n) => n.length >= 4);
  return sql`(case_id = any(${uuids(s.caseIds)}) or lower(from_address) = any(${texts(s.emails)})
    or exists (select 1 from unnest(to_addresses || cc_addresses) a where lower(a) = any(${texts(s.emails)}))
    or case_message_id in (select id from messages where author_customer_id = any(${uuids(s.customerIds)}))
    or exists (select 1 from unnest(${texts(names)}) n
      where position(n in lower(subject)) > 0 or position(n in lower(coalesce(text_body, ''))) > 0))`;
}

/**
 * Erases the customer's personal data (see the top of this file). `confirm` must be the
 * customer's name as it is now: an id mistyped in a script does not erase someone else.
 */
export async function eraseCustomer(
  db: Database,
  actor: Actor,
  id: string,
  confirm: string,
): Promise<CustomerErased> {
  if (!isAdmin(actor)) throw forbidden('only admins erase personal data');
  return db.transaction(async (tx) => {
    const s = await scopeOf(tx, id, true);
    if (confirm.trim() !== s.name.trim()) {
      throw unprocessable(
        'confirmation_mismatch',
        'body.confirm: type the customer’s name exactly as it is shown',
        [{ path: 'body.confirm', message: 'must be the customer’s name exactly as it is shown' }],
      );
    }
    const cases = uuids(s.caseIds);
    // Their unsolved cases are closed at the end (closeUnsolved). The live signals those cases
    // handle, and their live signals no case handles (dismissed at the end), are taken now,
    // before any case row: signals before cases, the one lock order.
    const unsolved = await rows<{ id: string }>(
      tx,
      sql`select id from cases where id = any(${cases}) and status not in ('solved', 'closed')
        and deleted_at is null and merged_into_id is null`,
    );
    const unsolvedIds = new Set(unsolved.map((c) => c.id));
    const locked = await lockLiveSignalsOfCasesAndCustomers(tx, [...unsolvedIds], s.customerIds);
    const liveSignals = locked.filter(
      (l): l is typeof l & { case_id: string } => !!l.case_id && unsolvedIds.has(l.case_id),
    );
    const caseless = locked.filter((l) => !l.case_id || !unsolvedIds.has(l.case_id));
    const customerIds = uuids(s.customerIds);
    const logins = uuids(s.loginIds);
    const emails = texts(s.emails);
    const count = async (statement: ReturnType<typeof sql>) =>
      (
        await rows<{ n: number }>(
          tx,
          sql`with x as (${statement} returning 1) select count(*)::int as n from x`,
        )
      )[0]!.n;

    // The mail first: its scope reads the addresses before they go.
    const mailIds = await rows<{ id: string }>(
      tx,
      sql`update mail_messages set
        subject = '', text_body = null, html_body = null, raw = null, from_name = null,
        from_address = case when lower(from_address) = any(${emails}) then ${ERASED_ADDRESS} else from_address end,
        to_addresses = array(select case when lower(a) = any(${emails}) then ${ERASED_ADDRESS} else a end from unnest(to_addresses) a),
        cc_addresses = array(select case when lower(a) = any(${emails}) then ${ERASED_ADDRESS} else a end from unnest(cc_addresses) a)
      where ${mailScope(s)} returning id`,
    );
    const messages = await count(sql`update messages set
        body = ${ERASED_TEXT}, body_html = null, external_from = null
      where case_id = any(${cases}) or author_customer_id = any(${customerIds})`);
    // Their reply addresses lead nowhere now: a token is lower-case base32, so no address holds
    // this one (the column is required and unique). The cases' reply tokens go below.
    await tx.execute(sql`update side_conversations set subject = ${ERASED_TEXT}, participants = '{}',
        reply_token = 'erased:' || id, updated_at = now()
      where case_id = any(${cases})`);
    await tx.execute(sql`delete from attachment_blobs where attachment_id in
      (select id from attachments where case_id = any(${cases}))`);
    const attachments = await count(sql`update attachments set filename = 'erased', content_id = null
      where case_id = any(${cases})`);
    await tx.execute(
      sql`update case_ratings set comment = null where case_id = any(${cases}) or customer_id = any(${customerIds})`,
    );
    await tx.execute(sql`update kb_deflections set query = null where case_id = any(${cases})`);
    // Staff notifications name who wrote when it was not the case's customer (a colleague of
    // theirs, someone on CC, a side conversation's third party): on their cases, and theirs elsewhere.
    await tx.execute(sql`update notifications set data = data - 'writer'
      where data ? 'writer' and (case_id = any(${cases}) or data->>'writer' = any(${texts(s.names)}))`);
    await tx.execute(sql`update cases set subject = ${ERASED_TEXT}, custom_fields = '{}', cc = '{}',
        reply_token = null, updated_at = ${nextVersion()}
      where id = any(${cases})`);
    const events = await count(sql`update events set data = '{}', warnings = null
      where customer_id = any(${customerIds})`);

    // The portal login and everything that signs it in.
    await tx.execute(sql`delete from auth_tokens where user_id = any(${logins})`);
    await tx.execute(sql`delete from magic_links where user_id = any(${logins})`);
    await tx.execute(sql`delete from password_links where user_id = any(${logins})`);
    await tx.execute(sql`delete from case_presence where user_id = any(${logins})`);
    await tx.execute(sql`delete from login_attempts where lower(email) = any(${emails})`);
    // Rate-limit records keyed by their address (acknowledgements, magic links).
    await tx.execute(sql`delete from public_requests
      where exists (select 1 from unnest(${emails}) e where position(e in lower(client_key)) > 0)`);
    await tx.execute(sql`update users set name = ${ERASED_NAME},
        email = 'erased-' || id || '@erased.invalid', password_hash = null, signature = null,
        active = false, deleted_at = coalesce(deleted_at, now()), updated_at = now()
      where id = any(${logins})`);
    await tx.execute(sql`update customers set name = ${ERASED_NAME}, email = null, phone = null,
        external_id = null, language = null, time_zone = null, custom_fields = '{}',
        erased_at = now(), deleted_at = coalesce(deleted_at, now()), updated_at = now()
      where id = any(${customerIds})`);

    // The audit trail, and what webhooks have yet to deliver (or may deliver again) of it.
    const theirs = await rows<{ id: string }>(
      tx,
      sql`select id from signals where customer_id = any(${customerIds})
        union all select id from commitments where customer_id = any(${customerIds})`,
    );
    const ids = uuids([
      ...s.customerIds,
      ...s.loginIds,
      ...s.caseIds,
      ...mailIds.map((m) => m.id),
      ...theirs.map((r) => r.id),
    ]);
    const scrubbed = await rows<{ id: string }>(
      tx,
      sql`update domain_events set data = (
          select coalesce(jsonb_object_agg(k, case when k = 'changes' then (
              select coalesce(jsonb_object_agg(ck, cv), '{}'::jsonb) from jsonb_each(v) c(ck, cv)
              where ck = any(${texts(SAFE_CHANGES)})) else v end), '{}'::jsonb)
          from jsonb_each(data) e(k, v)
          where k = any(${texts(SAFE_KEYS)}) or (k = 'changes' and jsonb_typeof(v) = 'object')
        ) || '{"erased": true}'::jsonb
        where entity_id = any(${ids}) or data->>'caseId' = any(${texts(s.caseIds)})
          or data->>'customerId' = any(${texts(s.customerIds)})
        returning id`,
    );
    await tx.execute(sql`update webhook_deliveries w set payload = jsonb_set(w.payload, '{data}', d.data)
      from domain_events d where d.id = w.event_id and d.id = any(${uuids(scrubbed.map((r) => r.id))})`);

    const closedCases = await closeUnsolved(
      tx,
      actor,
      unsolved.map((c) => c.id),
      liveSignals,
    );
    // Their live signals no case handles: no one is left to contact (their actions would be
    // skipped), so they are no risk to act on any more. Dismissed, their pending actions skipped.
    if (caseless.length > 0)
      await endSignals(tx, actor, caseless, 'dismissed', ERASED_SIGNAL_RESOLUTION, {
        reason: 'customer_erased',
      });
    const result: CustomerErased = {
      cases: s.caseIds.length,
      closedCases,
      messages,
      attachments,
      mails: mailIds.length,
      events,
      mergedCustomers: s.customerIds.length - 1,
      portalLogin: s.loginIds.length > 0,
    };
    await recordDomainEvent(tx, actor, {
      type: 'customer.erased',
      entityType: 'customer',
      entityId: id,
      data: { ...result },
    });
    return result;
  });
}

/**
 * Closes an erased customer's unsolved cases: no one is left to answer, and an open case would go
 * on running its clocks and breaching. Clocks not decided yet are cancelled (an erasure keeps no
 * promise); a breach never made good is ended as any close ends it (kept late, now); the live
 * signals the cases handle are resolved with them. Recorded as a status change with the reason
 * `customer_erased`. Returns how many cases were closed.
 */
async function closeUnsolved(
  tx: Database,
  actor: Actor,
  ids: string[],
  liveSignals: { id: string; state: string; case_id: string }[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const open = and(
    inArray(caseTable.id, ids),
    notInArray(caseTable.status, ['solved', 'closed']),
    isNull(caseTable.deletedAt),
    isNull(caseTable.mergedIntoId),
  );
  const before = new Map(
    (await tx.select({ id: caseTable.id, status: caseTable.status }).from(caseTable).where(open)).map((c) => [
      c.id,
      c.status,
    ]),
  );
  if (before.size === 0) return 0;
  const now = new Date();
  const closed = await tx
    .update(caseTable)
    .set({
      status: 'closed',
      closedAt: now,
      solvedAt: sql`coalesce(${caseTable.solvedAt}, ${now.toISOString()}::timestamptz)`,
      followUpAt: null,
      updatedAt: nextVersion(now),
    })
    .where(open)
    .returning();
  const closedIds = uuids(closed.map((c) => c.id));
  const cancelled = await rows<{ case_id: string; kind: string }>(
    tx,
    sql`delete from case_promises where case_id = any(${closedIds}) and met_at is null
      and state in ('active', 'paused') returning case_id, kind`,
  );
  await recordDomainEvents(
    tx,
    actor,
    closed.map((c) => ({
      type: 'case.updated',
      entityType: 'case',
      entityId: c.id,
      data: {
        changes: { status: { from: before.get(c.id), to: 'closed' } },
        reason: 'customer_erased',
        cancelledPromises: cancelled.filter((p) => p.case_id === c.id).map((p) => p.kind),
      },
    })),
  );
  // What is left running is a breach never made good: the close ends it, as any close does. All
  // the cases in one pass, each with its own timeline entries.
  await onStatusChanges(
    tx,
    actor,
    closed.map((c) => ({ c: clockCase(c), from: before.get(c.id)! })),
    now,
  );
  const number = new Map(closed.map((c) => [c.id, c.number]));
  const live = liveSignals.filter((l) => number.has(l.case_id));
  if (live.length > 0) {
    await endSignals(
      tx,
      actor,
      live,
      'resolved',
      (l) => `resolved with case #${number.get(l.case_id)} (closed)`,
      (l) => ({ caseId: l.case_id }),
    );
  }
  return closed.length;
}
