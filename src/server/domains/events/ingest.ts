// Ingest of operational events: one event or a batch of up to 1,000, each judged on its own
// (accepted, duplicate, rejected with a reason). Set-based: whatever the batch size, a handful of
// queries in one transaction: the customers and organizations named, the ids seen before (only
// when customers are to be created or events were refused), the customers to create, the events,
// and what the signal rules and commitments make of them. The transaction commits before the
// answer leaves, so an accepted event survives a crash right after. Idempotent per source by the
// event's id: the unique (source_id, event_id) index decides, so concurrent senders of one id get
// one `accepted`.
import { isDeepStrictEqual } from 'node:util';
import { bulkTurn, type Database } from '../../../db/client.js';
import { findMergedCustomerRefs } from '../customers/customers.repo.js';
import { BAD_TEXT, LIMITS, badTextPath } from '../../../shared/schemas/common.js';
import {
  EVENT_LIMITS,
  EventInput,
  type IngestAnswer,
  type IngestResult,
} from '../../../shared/schemas/events.js';
import type { Actor } from '../../lib/actor.js';
import { badRequest } from '../../lib/errors.js';
import { recordDomainEvents } from '../domain-events/domain-events.repo.js';
import { processEvents } from '../signals/engine.js';
import type { EventSourceRow } from './event-sources.repo.js';
import { noteSourceActive } from './event-sources.service.js';
import * as repo from './events.repo.js';
import { organizationsForAddresses } from '../portal/contacts.js';

const bodyError = (path: string, message: string) =>
  badRequest('validation_error', `${path}: ${message}`, [{ path, message }]);

/** The events of a body: one event, or {"events": [...]}. Malformed envelopes are a 400. */
export function eventsOfBody(body: unknown): unknown[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw bodyError('body', 'send one event, or {"events": [...]}');
  }
  if (!('events' in body)) return [body];
  const list = (body as { events: unknown }).events;
  if (Object.keys(body).length > 1) throw bodyError('body', 'a batch has only the field "events"');
  if (!Array.isArray(list)) throw bodyError('body.events', 'must be an array of events');
  if (list.length === 0) throw bodyError('body.events', 'must hold at least one event');
  if (list.length > EVENT_LIMITS.batch) {
    throw bodyError('body.events', `at most ${EVENT_LIMITS.batch} events per call (got ${list.length})`);
  }
  return list;
}

function rawIdOf(raw: unknown): string | null {
  const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, EVENT_LIMITS.id) : null;
}

function reasonOf(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'event'}: ${i.message}`)
    .join('; ');
}

interface Pending {
  index: number;
  input: EventInput;
  customerId: string | null;
  organizationId: string | null;
  /** The customer to create for this event, when it names an unknown one. */
  newCustomer?: NewCustomer;
}

interface NewCustomer {
  name: string;
  email: string | null;
  externalId: string | null;
  organizationId: string | null;
  id?: string;
  events: Pending[];
}

/**
 * Why an event is a duplicate, and whether it says something else than the one kept (its type,
 * time, refs or data): a sender reusing an id for a correction learns that it was not taken.
 */
export function duplicateReason(
  base: string,
  kept: { type: string; occurredAt: Date | string; refs?: unknown; data?: unknown } | undefined,
  resent: EventInput,
): string {
  if (!kept) return base;
  const same =
    kept.type === resent.type &&
    new Date(kept.occurredAt).getTime() === new Date(resent.occurredAt).getTime() &&
    isDeepStrictEqual(kept.refs ?? {}, resent.refs ?? {}) &&
    isDeepStrictEqual(kept.data ?? {}, resent.data ?? {});
  return same ? base : `${base}, with other content: the first is kept (send a correction with a new id)`;
}

function customerNameOf(input: EventInput): string {
  const fromData = input.data?.customerName;
  const name = typeof fromData === 'string' ? fromData.trim() : '';
  return (name || input.customer?.email || input.customer?.externalId || 'Unknown customer').slice(
    0,
    LIMITS.name,
  );
}

export interface IngestOptions {
  /** Who sends: the staff user, or the system for a source's own token and webhooks. */
  actor: Actor;
  source: EventSourceRow;
  /** The events as sent (not yet validated). */
  events: unknown[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const RETRYABLE = new Set(['40P01', '40001']);
function isRetryable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (RETRYABLE.has((e as { code?: string }).code ?? '')) return true;
  }
  return false;
}

/** Events validated between two turns of the event loop (see validate). */
const VALIDATE_SLICE = 100;

/**
 * Each event on its own (no database): a bad one is reported and the rest go on. A batch of
 * 1,000 takes several milliseconds of CPU; it is checked in slices with a turn of the event loop
 * between them, so that other requests' transactions get their statements' answers in between
 * (on PGlite, the one connection otherwise waits idle for this thread).
 */
async function validate(raw: unknown[]) {
  const rejected: IngestResult[] = [];
  const valid: { index: number; input: EventInput }[] = [];
  for (let index = 0; index < raw.length; index++) {
    if (index > 0 && index % VALIDATE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const item = raw[index];
    const parsed = EventInput.safeParse(item);
    // Text PostgreSQL cannot store, outside `data` (which its schema checks): the route leaves
    // this to each event (see plugins/text-guard.ts).
    const badText = parsed.success ? badTextPath(item, 'data') : null;
    if (badText)
      rejected.push({
        index,
        id: rawIdOf(item),
        status: 'rejected',
        reason: `${badText.join('.')}: ${BAD_TEXT}`,
      });
    else if (parsed.success) valid.push({ index, input: parsed.data });
    else
      rejected.push({ index, id: rawIdOf(item), status: 'rejected', reason: reasonOf(parsed.error.issues) });
  }
  return { count: raw.length, valid, rejected };
}

export async function ingestEvents(db: Database, opts: IngestOptions): Promise<IngestAnswer> {
  // Validated before the transaction: it holds a connection (on PGlite, the only one) for SQL alone.
  const checked = await validate(opts.events);
  // Two batches creating the same new customers in a different order can deadlock; PostgreSQL
  // aborts one of them, and running it again then finds the other's rows.
  let answer: IngestAnswer | undefined;
  for (let attempt = 1; !answer; attempt++) {
    try {
      answer = await bulkTurn(db, () => db.transaction((tx) => ingestOnce(tx, opts, checked)));
    } catch (err) {
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
  if (answer.accepted > 0) {
    const { results } = answer;
    const types = checked.valid.flatMap((v) =>
      results[v.index]?.status === 'accepted' ? [v.input.type] : [],
    );
    await noteSourceActive(db, opts.source, types);
  }
  return answer;
}

async function ingestOnce(
  tx: Database,
  { actor, source }: IngestOptions,
  checked: Awaited<ReturnType<typeof validate>>,
): Promise<IngestAnswer> {
  const results: IngestResult[] = new Array(checked.count);
  const reject = (index: number, id: string | null, reason: string) => {
    results[index] = { index, id, status: 'rejected', reason };
  };
  for (const r of checked.rejected) results[r.index] = r;
  let pending: Pending[] = checked.valid.map(({ index, input }) => ({
    index,
    input,
    customerId: null,
    organizationId: null,
  }));

  // 2. Customers and organizations named by the batch: one query each.
  const customerRefs = pending.flatMap((p) => (p.input.customer ? [p.input.customer] : []));
  const orgRefs = pending.flatMap((p) => (p.input.organization ? [p.input.organization] : []));
  const distinct = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => !!v))];
  const foundCustomers = await repo.findCustomersByRefs(tx, {
    ids: distinct(customerRefs.map((c) => c.id)),
    externalIds: distinct(customerRefs.map((c) => c.externalId)),
    emails: distinct(customerRefs.map((c) => c.email)),
  });
  const foundOrgs = await repo.findOrganizationsByRefs(tx, {
    ids: distinct(orgRefs.map((o) => o.id)),
    domains: distinct(orgRefs.map((o) => o.domain)),
  });
  const customerBy = {
    id: new Map(foundCustomers.map((c) => [c.id, c])),
    externalId: new Map(foundCustomers.filter((c) => c.externalId).map((c) => [c.externalId!, c])),
    email: new Map(foundCustomers.filter((c) => c.email).map((c) => [c.email!, c])),
  };
  await addMergedCustomers(tx, customerBy, customerRefs);
  const orgById = new Map(foundOrgs.map((o) => [o.id, o.intoId]));
  const orgByDomain = new Map(foundOrgs.flatMap((o) => o.domains.map((d) => [d, o.id] as const)));

  let needCustomer: Pending[] = [];
  const refused: Pending[] = [];
  pending = pending.filter((p) => {
    const { customer, organization } = p.input;
    if (organization) {
      const orgId =
        (organization.id && orgById.get(organization.id)) ||
        (organization.domain && orgByDomain.get(organization.domain));
      if (!orgId) {
        reject(p.index, p.input.id, 'organization: no such organization (matched by id, then domain)');
        refused.push(p);
        return false;
      }
      p.organizationId = orgId;
    }
    if (customer) {
      const match =
        (customer.id && customerBy.id.get(customer.id)) ||
        (customer.externalId && customerBy.externalId.get(customer.externalId)) ||
        (customer.email && customerBy.email.get(customer.email));
      if (match) {
        p.customerId = match.id;
        p.organizationId ??= match.organizationId;
      } else if (!source.createUnknownCustomers) {
        reject(
          p.index,
          p.input.id,
          `customer: no such customer, and source "${source.key}" does not create unknown customers`,
        );
        refused.push(p);
        return false;
      } else if (!customer.externalId && !customer.email) {
        reject(
          p.index,
          p.input.id,
          'customer: no customer with this id (give externalId or email to create one)',
        );
        refused.push(p);
        return false;
      } else {
        needCustomer.push(p);
      }
    }
    return true;
  });

  // 3. Ids this source sent before are duplicates, whatever else has changed since. Asked only
  //    when it matters (before creating customers, and for events refused above); otherwise
  //    the insert's unique index tells, without a query of its own.
  if (needCustomer.length > 0 || refused.length > 0) {
    const seen = await repo.findStoredEvents(tx, source.id, [
      ...new Set([...pending, ...refused].map((p) => p.input.id)),
    ]);
    const resent = (p: Pending) => {
      const kept = seen.get(p.input.id);
      if (!kept) return false;
      const reason = duplicateReason('already received', kept, p.input);
      results[p.index] = { index: p.index, id: p.input.id, status: 'duplicate', reason };
      return true;
    };
    refused.forEach(resent);
    pending = pending.filter((p) => !resent(p));
    needCustomer = needCustomer.filter((p) => !seen.has(p.input.id));
  }

  // 4. A repeated id within the batch: the first that survived the checks above is the event.
  const firstOf = new Map<string, Pending>();
  pending = pending.filter((p) => {
    const first = firstOf.get(p.input.id);
    if (first === undefined) {
      firstOf.set(p.input.id, p);
      return true;
    }
    results[p.index] = {
      index: p.index,
      id: p.input.id,
      status: 'duplicate',
      reason: duplicateReason(`repeats events[${first.index}]`, first.input, p.input),
    };
    return false;
  });

  // 5. Unknown customers: one new customer per identity however many events name it.
  const kept = new Set(pending);
  const newCustomers: NewCustomer[] = [];
  const newBy = { externalId: new Map<string, NewCustomer>(), email: new Map<string, NewCustomer>() };
  for (const p of needCustomer) {
    if (!kept.has(p)) continue;
    const { externalId, email } = p.input.customer!;
    let c =
      (externalId && newBy.externalId.get(externalId)) || (email && newBy.email.get(email)) || undefined;
    if (!c) {
      c = {
        name: customerNameOf(p.input),
        email: null,
        externalId: null,
        organizationId: p.organizationId,
        events: [],
      };
      newCustomers.push(c);
    }
    // Fill in what this event adds, unless another new customer already has that value.
    if (externalId && !c.externalId && !newBy.externalId.has(externalId)) {
      c.externalId = externalId;
      newBy.externalId.set(externalId, c);
    }
    if (email && !c.email && !newBy.email.has(email)) {
      c.email = email;
      newBy.email.set(email, c);
    }
    c.events.push(p);
  }
  let customersCreated = 0;
  if (newCustomers.length > 0) {
    // One with an address in an organization's domain joins it, as one who writes in by mail does.
    const joining = newCustomers.filter((c) => c.email && !c.organizationId);
    if (joining.length > 0) {
      const orgOf = await organizationsForAddresses(
        tx,
        joining.map((c) => c.email!),
      );
      for (const c of joining) c.organizationId = orgOf.get(c.email!) ?? null;
    }
    // A stable order, so concurrent batches take the unique-index locks in the same order.
    newCustomers.sort(
      (a, b) => compare(a.externalId ?? '', b.externalId ?? '') || compare(a.email ?? '', b.email ?? ''),
    );
    const inserted = await repo.insertCustomersIfAbsent(
      tx,
      newCustomers.map((c) => ({
        name: c.name,
        email: c.email,
        externalId: c.externalId,
        organizationId: c.organizationId,
      })),
    );
    customersCreated = inserted.length;
    const assign = (rows: repo.CustomerMatch[]) => {
      const byExternal = new Map(rows.filter((r) => r.externalId).map((r) => [r.externalId!, r]));
      const byEmail = new Map(rows.filter((r) => r.email).map((r) => [r.email!, r]));
      for (const c of newCustomers) {
        if (c.id) continue;
        const row = (c.externalId && byExternal.get(c.externalId)) || (c.email && byEmail.get(c.email));
        if (row) {
          c.id = row.id;
          for (const p of c.events) p.organizationId ??= row.organizationId;
        }
      }
    };
    assign(inserted);
    await recordDomainEvents(
      tx,
      actor,
      inserted.map((r) => ({
        type: 'customer.created',
        entityType: 'customer',
        entityId: r.id,
        data: { source: 'events', eventSource: source.key },
      })),
    );
    // Skipped rows: a concurrent batch created the same customer first. Use theirs.
    const missing = newCustomers.filter((c) => !c.id);
    if (missing.length > 0) {
      assign(
        await repo.findCustomersByRefs(tx, {
          ids: [],
          externalIds: distinct(missing.map((c) => c.externalId ?? undefined)),
          emails: distinct(missing.map((c) => c.email ?? undefined)),
        }),
      );
    }
    for (const c of newCustomers) {
      for (const p of c.events) {
        if (c.id) p.customerId = c.id;
        else {
          reject(p.index, p.input.id, 'customer: could not be created (a conflicting change); send it again');
          kept.delete(p);
        }
      }
    }
    pending = pending.filter((p) => kept.has(p));
  }

  // 6. The events: the unique index decides between concurrent senders of one id.
  pending.sort((a, b) => compare(a.input.id, b.input.id));
  const inserted = await repo.insertEventsIfNew(
    tx,
    pending.map((p) => ({
      sourceId: source.id,
      eventId: p.input.id,
      type: p.input.type,
      occurredAt: new Date(p.input.occurredAt),
      customerId: p.customerId,
      organizationId: p.organizationId,
      refs: p.input.refs ?? {},
      data: p.input.data ?? {},
    })),
  );
  // 7. The rules and commitments see the new events in this same transaction.
  const stored = pending.flatMap((p) => {
    const id = inserted.get(p.input.id);
    return id
      ? [
          {
            id,
            type: p.input.type,
            occurredAt: new Date(p.input.occurredAt),
            source: source.key,
            customerId: p.customerId,
            organizationId: p.organizationId,
            refs: p.input.refs ?? {},
            data: p.input.data ?? {},
          },
        ]
      : [];
  });
  // The rules read the customers this batch found (newly created ones are read there).
  const engine = await processEvents(tx, stored, new Map(foundCustomers.map((c) => [c.id, c.person])));
  // 8. What accepted events could not do is kept with them and told in the answer.
  const warned = new Map<string, string[]>();
  for (const w of engine.warnings) {
    const list = warned.get(w.eventId);
    if (list) list.push(w.message);
    else warned.set(w.eventId, [w.message]);
  }
  await repo.recordEventWarnings(tx, warned);
  // Sent before (the insert skipped them): compared with what was kept, in one query.
  const sentBefore = await repo.findStoredEvents(
    tx,
    source.id,
    pending.filter((p) => !inserted.has(p.input.id)).map((p) => p.input.id),
  );
  for (const p of pending) {
    const id = inserted.get(p.input.id);
    const warnings = id ? warned.get(id) : undefined;
    results[p.index] = !id
      ? {
          index: p.index,
          id: p.input.id,
          status: 'duplicate',
          reason: duplicateReason('already received', sentBefore.get(p.input.id), p.input),
        }
      : warnings
        ? { index: p.index, id: p.input.id, status: 'accepted', warnings }
        : { index: p.index, id: p.input.id, status: 'accepted' };
  }

  const count = (status: IngestResult['status']) => results.filter((r) => r.status === status).length;
  return {
    accepted: count('accepted'),
    duplicate: count('duplicate'),
    rejected: count('rejected'),
    customersCreated,
    warned: warned.size,
    signalsOpened: engine.signalsOpened,
    results,
  };
}

type CustomerLookup = Record<'id' | 'externalId' | 'email', Map<string, repo.FoundCustomer>>;

/**
 * Refs that found no live customer but a merged one lead to the customer it went into (an order
 * system still sends the duplicate's external id). Two small queries, only when refs are left.
 */
async function addMergedCustomers(
  tx: Database,
  customerBy: CustomerLookup,
  refs: { id?: string; externalId?: string; email?: string }[],
) {
  const left = (key: keyof CustomerLookup) => [
    ...new Set(refs.flatMap((r) => (r[key] && !customerBy[key].has(r[key]) ? [r[key]] : []))),
  ];
  const merged = await findMergedCustomerRefs(tx, {
    ids: left('id'),
    externalIds: left('externalId'),
    emails: left('email'),
  });
  if (merged.length === 0) return;
  const live = await repo.findCustomersByRefs(tx, {
    ids: [...new Set(merged.map((m) => m.intoId))],
    externalIds: [],
    emails: [],
  });
  const byId = new Map(live.map((c) => [c.id, c]));
  for (const m of merged) {
    const into = byId.get(m.intoId);
    if (!into) continue; // the survivor was deleted since
    if (!customerBy.id.has(m.id)) customerBy.id.set(m.id, into);
    if (m.externalId && !customerBy.externalId.has(m.externalId))
      customerBy.externalId.set(m.externalId, into);
    if (m.email && !customerBy.email.has(m.email)) customerBy.email.set(m.email, into);
  }
}
