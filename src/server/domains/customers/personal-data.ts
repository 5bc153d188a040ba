// A subject-access export (GDPR art. 15): everything Steward holds about one customer, as one JSON
// document for an admin to hand to that person. One set-based query per kind of record, never one
// per row; the export itself is recorded on the customer (`customer.personal_data_exported`).
//
// Tables read: customers (the record, and the duplicates merged into it), organizations (the
// name), users and auth_tokens (the portal login and its last sign-in), agreements (made for them
// alone), cases, messages and attachments (names only), case_ratings, kb_votes, events, signals
// with signal_rules (the rule's name), commitments, mail_messages (the envelope only).
// Left out, on purpose (see NOTES): internal notes and side conversations (staff working notes),
// message HTML and attachment bytes, mail sources and bodies, password and token hashes, sign-in
// links and attempts, session addresses, the audit trail (domain_events), webhook deliveries,
// notifications, and the signal engine's bookkeeping (rule_expectations, rule_hits).
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../../../db/client.js';
import { isoText } from '../../../db/columns.js';
import type { PersonalData } from '../../../shared/schemas/personal-data.js';
import type { Actor } from '../../lib/actor.js';
import { notFound } from '../../lib/errors.js';
import { mergedAway } from '../../lib/merging.js';
import * as policy from '../../policies/customers.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { customerScope } from './customer-scope.js';

/** What the document says of itself: what it holds, and what it leaves out and why. */
export const PERSONAL_DATA_NOTES = [
  'This document holds the personal data this service keeps about the customer named in "customer", as of "generatedAt" (UTC).',
  'Included: the customer record with its custom fields and mail preferences; records of the same person merged into it; the portal login (never its password or sign-in tokens); agreements made for this customer alone; every case where they are the customer, with its public messages (text, author, date, attachment file names); messages they wrote on other cases; their satisfaction ratings; their help center votes; operational events (orders, shipments, invoices) about them; signals and commitments about them; mail sent to or received from their addresses (sender, recipients, subject, date).',
  "Not included: internal notes and side conversations on their cases (the staff's working notes, never shown to the customer); the files attached to messages (their names are listed; the files can be provided on request); the full source and text of mails (the case messages hold what was written); the audit trail of changes made by staff; security records (sign-in attempts, sign-in links, session addresses).",
  'A deleted customer record is still exported (deletedAt is set): deleting a customer keeps their cases. After an erasure (erasedAt is set) only what the erasure kept is left.',
];

interface CustomerRow {
  id: string;
  merged_into_id: string | null;
  into_name: string | null;
}

/**
 * The personal data of customer `id` (admins only). A deleted customer is exported as well; one
 * merged into another answers 404 `customer_merged` naming the survivor, which holds their data now.
 */
export async function exportPersonalData(db: Database, actor: Actor, id: string): Promise<PersonalData> {
  policy.assertCanExportPersonalData(actor);
  const [found] = await rows<CustomerRow>(
    db,
    sql`select c.id, c.merged_into_id, s.name as into_name
      from customers c left join customers s on s.id = c.merged_into_id where c.id = ${id}`,
  );
  if (!found) throw notFound('customer');
  if (found.merged_into_id) {
    throw mergedAway('customers', { id: found.merged_into_id, name: found.into_name ?? '' });
  }
  const document = await gather(db, id);
  await recordDomainEvent(db, actor, {
    type: 'customer.personal_data_exported',
    entityType: 'customer',
    entityId: id,
    data: {
      cases: document.cases.length,
      messages:
        document.cases.reduce((n, c) => n + c.messages.length, 0) + document.messagesOnOtherCases.length,
      events: document.events.length,
      mail: document.mail.length,
    },
  });
  return document;
}

async function gather(db: Database, id: string): Promise<PersonalData> {
  const one = <T>(query: SQL) => rows<T>(db, query);
  const [customer] = await one<PersonalData['customer']>(
    sql`select c.id, c.name, c.email, c.phone, o.name as "organizationName",
        coalesce(c.segment, o.segment) as segment, c.language, c.time_zone as "timeZone",
        c.external_id as "externalId", c.organization_access as "organizationAccess",
        c.mail_acknowledgements as "mailAcknowledgements", c.mail_proactive_notices as "mailProactiveNotices",
        c.custom_fields as "customFields", ${isoText('c.created_at')} as "createdAt",
        ${isoText('c.updated_at')} as "updatedAt", ${isoText('c.deleted_at')} as "deletedAt",
        ${isoText('c.erased_at')} as "erasedAt"
      from customers c left join organizations o on o.id = c.organization_id
      where c.id = ${id}`,
  );
  const mergedCustomers = await one<PersonalData['mergedCustomers'][number]>(
    sql`select m.id, m.name, m.email, m.phone, m.external_id as "externalId",
        ${isoText('m.created_at')} as "createdAt", ${isoText('m.deleted_at')} as "mergedAt"
      from customers m where m.merged_into_id = ${id} order by m.deleted_at, m.id`,
  );
  // Never the password hash nor a two-step secret: the columns are named, and the response schema strips the rest.
  const portalLogins = await one<PersonalData['portalLogins'][number]>(
    sql`select u.email, u.name, u.active, ${isoText('u.created_at')} as "createdAt",
        ${isoText("greatest((select max(t.created_at) from auth_tokens t where t.user_id = u.id and t.kind = 'session'), u.last_signed_in_at)")} as "lastSignInAt",
        exists (select 1 from two_step_secrets s where s.user_id = u.id and s.enabled_at is not null) as "twoStepEnabled",
        ${isoText('u.deleted_at')} as "deletedAt"
      from users u where u.customer_id = ${id} order by u.created_at, u.id`,
  );
  const agreements = await one<PersonalData['agreements'][number]>(
    sql`select a.name, a.active, ${isoText('a.created_at')} as "createdAt"
      from agreements a where a.scope_customer_id = ${id} and a.deleted_at is null
      order by a.created_at, a.id`,
  );
  const cases = await one<Omit<PersonalData['cases'][number], 'messages'> & { id: string }>(
    sql`select k.id, k.number::float8 as number, k.subject, k.status, k.channel, k.category, k.priority, k.cc,
        k.custom_fields as "customFields", k.refs, ${isoText('k.created_at')} as "createdAt",
        ${isoText('k.solved_at')} as "solvedAt", ${isoText('k.closed_at')} as "closedAt",
        ${isoText('k.deleted_at')} as "deletedAt"
      from cases k where k.customer_id = ${id} order by k.created_at, k.id`,
  );
  // Public messages of their cases, and those they wrote on others'; never a side conversation's.
  const messages = await one<PersonalData['messagesOnOtherCases'][number] & { caseId: string; own: boolean }>(
    sql`select m.case_id as "caseId", k.customer_id = ${id} as own, k.number::float8 as "caseNumber",
        k.subject as "caseSubject", m.author_type as "authorKind",
        coalesce(u.name, ac.name, m.external_from) as "authorName", m.channel, m.body,
        coalesce((select array_agg(a.filename order by a.created_at, a.id) from attachments a
          where a.message_id = m.id), '{}') as attachments,
        ${isoText('m.created_at')} as "createdAt"
      from messages m join cases k on k.id = m.case_id
        left join users u on u.id = m.author_user_id
        left join customers ac on ac.id = m.author_customer_id
      where m.public and m.side_conversation_id is null
        and (k.customer_id = ${id} or m.author_customer_id = ${id})
      order by m.created_at, m.id`,
  );
  const ratings = await one<PersonalData['ratings'][number]>(
    sql`select k.number::float8 as "caseNumber", r.rating, r.comment, ${isoText('r.created_at')} as "createdAt"
      from case_ratings r join cases k on k.id = r.case_id
      where r.customer_id = ${id} order by r.created_at, r.id`,
  );
  const helpCenterVotes = await one<PersonalData['helpCenterVotes'][number]>(
    sql`select v.article_id as "articleId", v.language, v.helpful, ${isoText('v.created_at')} as "createdAt"
      from kb_votes v where v.customer_id = ${id} order by v.created_at, v.id`,
  );
  const events = await one<PersonalData['events'][number]>(
    sql`select e.type, ${isoText('e.occurred_at')} as "occurredAt", e.refs, e.data
      from events e where e.customer_id = ${id} order by e.occurred_at, e.id`,
  );
  const signals = await one<PersonalData['signals'][number]>(
    sql`select r.name as rule, s.title, s.state, s.refs, ${isoText('s.detected_at')} as "detectedAt",
        ${isoText('s.resolved_at')} as "resolvedAt"
      from signals s join signal_rules r on r.id = s.rule_id
      where s.customer_id = ${id} order by s.detected_at, s.id`,
  );
  const commitments = await one<PersonalData['commitments'][number]>(
    sql`select c.name, c.ref_key as "refKey", c.ref_value as "refValue", c.state,
        ${isoText('c.opened_at')} as "openedAt", ${isoText('c.due_at')} as "dueAt", ${isoText('c.closed_at')} as "closedAt"
      from commitments c where c.customer_id = ${id} order by c.opened_at, c.id`,
  );
  // Their addresses: the record's, those of the records merged into it, and the portal logins'.
  const { emails: addresses } = await customerScope(db, id);
  // No index covers addresses in the arrays: one pass over the mail log, once per export.
  const mail = addresses.length
    ? await one<PersonalData['mail'][number]>(
        sql`select m.direction, m.subject, m.from_address as "from", m.to_addresses as "to",
            m.cc_addresses as cc, m.status, ${isoText('m.created_at')} as "createdAt"
          from mail_messages m
          where lower(m.from_address) = any(${sql.param(addresses)}::text[])
            or exists (select 1 from unnest(m.to_addresses || m.cc_addresses) a
              where lower(a) = any(${sql.param(addresses)}::text[]))
          order by m.created_at, m.id`,
      )
    : [];

  const byCase = new Map<string, PersonalData['cases'][number]['messages']>();
  const messagesOnOtherCases: PersonalData['messagesOnOtherCases'] = [];
  for (const { caseId, own, caseNumber, caseSubject, ...message } of messages) {
    if (!own) {
      messagesOnOtherCases.push({ caseNumber, caseSubject, ...message });
      continue;
    }
    const list = byCase.get(caseId) ?? [];
    list.push(message);
    byCase.set(caseId, list);
  }
  return {
    generatedAt: new Date().toISOString(),
    notes: PERSONAL_DATA_NOTES,
    customer: customer!,
    mergedCustomers,
    portalLogins,
    agreements,
    cases: cases.map(({ id: caseId, ...c }) => ({ ...c, messages: byCase.get(caseId) ?? [] })),
    messagesOnOtherCases,
    ratings,
    helpCenterVotes,
    events,
    signals,
    commitments,
    mail,
  };
}
