// The action runner: works through the `signal_actions` outbox that new signals fill. An action
// is done in a transaction that holds its row (FOR UPDATE SKIP LOCKED) and its signal's row, and
// is marked done in that same transaction, so an action happens once however many nodes run the
// job, and a crash midway leaves it pending for the next try. The actions of one signal run in
// order (a case is opened before the customer is told on it): only a signal's first pending
// action is ever taken. A failing action is retried with back-off, then marked failed with its
// error; the signal is `acted` once none is pending.
//
// Two paths, one result. The batch (runBatch) takes up to a batch of due actions in one
// transaction and does the common ones set-based, a few statements per batch instead of twenty
// or thirty per action: `open_case` for a signal with a customer and no case yet (no team to
// assign, whose pick depends on order), and `notify_customer` on the signal's case. It opens
// and joins proactive cases and replies on them exactly as running the actions one after
// another would (a later signal joins the case an earlier one opened; a second reply meets the
// clocks the first one left), with the rows, clocks, timeline entries and mails createCase and
// addMessage write. It never waits for a signal (SKIP LOCKED: a busy one is left to the other
// path). The next actions of the signals it acted on (a case opened: tell the customer) go in
// the same transaction, as the next pass would take them. Everything else, anything it cannot
// vouch for (a deleted customer, an inactive category, a deleted, merged or closed case), every
// later action of a customer with one left behind (their order is kept), and the whole batch
// when a statement fails, runs action by action (runAction), which decides, retries and fails
// as it always has.
import type { FastifyBaseLogger } from 'fastify';
import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../../db/client.js';
import { bulkTurn, isEmbedded, rows } from '../../../db/client.js';
import { newId, nextVersion } from '../../../db/columns.js';
import { renderTemplate } from '../../../core/rules/templates.js';
import { COMPANY_TIME_ZONE } from '../settings/company-time-zone.js';
import type { RuleAction } from '../../../shared/schemas/rules.js';
import { CaseCreate, UNSOLVED_STATUSES, type Priority } from '../../../shared/schemas/cases.js';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import {
  agreementCandidatesFor,
  agreementFor,
  agreementZoneOf,
  customerZoneOf,
} from '../agreements/agreements.repo.js';
import {
  activeCategories,
  applyCaseUpdate,
  caseCreatedEvent,
  createCase,
  customersForCases,
  newCaseRow,
  type CaseCustomer,
} from '../cases/cases.service.js';
import { casePromises, cases, messages } from '../cases/cases.table.js';
import {
  chainStep,
  clockChain,
  lockClocksOf,
  loadPlanContexts,
  newClockEvents,
  newClockRows,
  saveClockChains,
  type ClockChain,
} from '../cases/clocks.js';
import { planAgentReply, planStatusChange } from '../../../core/clock-plans.js';
import { mailCaseMessages } from '../mail/mail.service.js';
import { addMessage } from '../cases/messages.service.js';
import { ERASED_REASON, shareCustomers } from '../customers/customer-erasure-guard.js';
import { mailSettings, queueMails } from '../mail/outbox.js';
import { heldEventTypes, holdCustomerMails, isHeld } from './held-mails.js';
import {
  recordDomainEvent,
  recordDomainEvents,
  type DomainEventInput,
} from '../domain-events/domain-events.repo.js';

// A batch holds its signals' rows until it commits, and an ingest batch that repeats one of
// them waits that long (PostgreSQL, bench/events: 50 per batch made the ingest's signals upsert
// wait 133 ms on average, 10 made it 19 ms). 25 keeps that wait short (~30 ms) and lets the job
// keep up with a load that saturates the machine: with 10, 360 of 715 proactive cases were open
// when a 50,000-event load ended and a signal waited 5.9 s for its case at the median; with 25,
// 669–697 of ~717 and 1.6–2.3 s, end to end unchanged within the runs' noise.
export const ACTION_BATCH = 25;
// On PGlite transactions run one at a time, so a batch holds no row that another transaction
// waits for: there the job takes up to 100 at once. With 10, its turns alternating with the
// ingest batches' (bulkTurn), proactive cases fell ever further behind a steady load
// (bench/events, 50,000 events: 120 of 721 cases opened when the load ended, 21 s from a
// signal to its case at the median).
export const EMBEDDED_ACTION_BATCH = 100;
/** How many actions the job takes at a time on this database. */
export const actionBatchFor = (db: Database) => (isEmbedded(db) ? EMBEDDED_ACTION_BATCH : ACTION_BATCH);
export const MAX_ATTEMPTS = 5;
// The actions the batch leaves (notify the customer, the team, escalate, a case opened for a team
// that assigns) are a transaction each, of a few dozen statements. On PostgreSQL the actions of
// this many customers run side by side (each signal has at most one action due at a time, and one
// customer's run in turn, so outcomes keep their order; cases and customers are locked as for
// several nodes). On PGlite one at a time: its one connection would only queue them.
export const ACTION_CONCURRENCY = 4;

/** Thrown for an action that cannot succeed as configured: no retries. */
class ActionRefused extends Error {}

export interface SignalRow {
  id: string;
  state: string;
  title: string;
  severity: string;
  rule_name: string;
  customer_id: string | null;
  organization_id: string | null;
  ref_key: string | null;
  ref_value: string | null;
  refs: Record<string, string>;
  due_at: Date | null;
  detected_at: Date;
  evidence_count: number;
  case_id: string | null;
}

/** What templates can name, besides the signal: read alongside a signal row aliased `s`. */
interface TemplateContext {
  tpl_customer: Record<string, unknown> | null;
  tpl_organization: Record<string, unknown> | null;
  tpl_event: {
    type: string;
    occurredAt: string;
    data: Record<string, unknown>;
    refs: Record<string, string>;
  } | null;
  /**
   * The zone of the customer's times (customerZoneOf, as their deadlines and their portal): their
   * own, else their agreement calendar's, else the company's, else UTC; the company's for a
   * signal without a customer.
   */
  tpl_zone: string;
}

const TEMPLATE_CONTEXT = sql`
  coalesce((select ${customerZoneOf({
    own: sql`c.time_zone`,
    calendar: agreementZoneOf({
      customerId: sql`c.id`,
      organizationId: sql`c.organization_id`,
      segment: sql`coalesce(c.segment, o.segment)`,
    }),
  })} from customers c left join organizations o on o.id = c.organization_id
    where c.id = s.customer_id), ${COMPANY_TIME_ZONE}) as tpl_zone,
  (select jsonb_build_object('name', c.name, 'email', c.email, 'externalId', c.external_id,
      'timeZone', c.time_zone, 'fields', c.custom_fields)
    from customers c where c.id = s.customer_id) as tpl_customer,
  (select jsonb_build_object('name', o.name, 'fields', o.custom_fields)
    from organizations o where o.id = s.organization_id) as tpl_organization,
  (select jsonb_build_object('type', e.type,
      'occurredAt', to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', e.data, 'refs', e.refs)
    from signal_evidence se join events e on e.id = se.event_id
    where se.signal_id = s.id order by e.occurred_at limit 1) as tpl_event`;

/**
 * The first pending action of each signal that is due: later ones wait for it. Not the customer
 * mails held while the source of their awaited event is silent (`heldTypes`, see held-mails.ts).
 */
const firstPending = (limit: number, heldTypes: string[], lock = sql``, signalIds?: string[]) => sql`
  select a.id, a.signal_id, a.kind, a.params, a.attempts,
    (select s.customer_id from signals s where s.id = a.signal_id) as customer_id
  from signal_actions a
  where a.state = 'pending' and a.run_after <= now()
    ${signalIds ? sql`and a.signal_id = any(${sql.param(signalIds)}::uuid[])` : sql``}
    ${heldTypes.length > 0 ? sql`and not ${isHeld(heldTypes)}` : sql``}
    and not exists (select 1 from signal_actions b
      where b.signal_id = a.signal_id and b.state = 'pending' and b.position < a.position)
  order by a.run_after, a.signal_id, a.position
  limit ${limit} ${lock}`;

interface ActionRow {
  id: string;
  signal_id: string;
  kind: string;
  params: RuleAction;
  attempts: number;
}

/** A due action as the batch takes it, with its signal's customer (read unlocked, for order). */
interface TakenAction extends ActionRow {
  customer_id: string | null;
}

/**
 * Runs the pending actions that are due. Returns how many ran (done, failed or skipped).
 * `batch: false` runs each through the one-by-one path (tests compare the two).
 */
export async function runSignalActions(
  db: Database,
  limit = ACTION_BATCH,
  options: { batch?: boolean; log?: Pick<FastifyBaseLogger, 'warn'> } = {},
): Promise<number> {
  let ran = 0;
  const heldTypes = await heldEventTypes(db);
  await holdCustomerMails(db, heldTypes);
  // Passes until nothing is due: an action done makes its signal's next one due at once.
  for (;;) {
    let pass = 0;
    const batch = options.batch === false ? null : await runBatch(db, limit - ran, heldTypes, options.log);
    pass += batch?.done ?? 0;
    const rest = batch?.rest ?? (await rows<TakenAction>(db, firstPending(limit - ran, heldTypes)));
    pass += await runEach(db, rest);
    ran += pass;
    if (pass === 0 || ran >= limit) return ran;
  }
}

/**
 * Runs these actions one by one, in their order per customer: one customer's actions in turn
 * (which signal opens a case and which joins it must not depend on timing), ACTION_CONCURRENCY
 * customers at a time on PostgreSQL. Returns how many it claimed.
 */
async function runEach(db: Database, actions: TakenAction[]): Promise<number> {
  const byCustomer = new Map<string | null, string[]>();
  for (const a of actions) {
    const list = byCustomer.get(a.customer_id);
    if (list) list.push(a.id);
    else byCustomer.set(a.customer_id, [a.id]);
  }
  const queues = [...byCustomer.values()];
  let next = 0;
  let claimed = 0;
  const width = isEmbedded(db) ? 1 : Math.min(ACTION_CONCURRENCY, queues.length);
  const lanes = await Promise.allSettled(
    Array.from({ length: width }, async () => {
      while (next < queues.length) for (const id of queues[next++]!) if (await runAction(db, id)) claimed++;
    }),
  );
  // A lane whose action threw stops; the others go on with the rest. Then the first error is thrown.
  const failed = lanes.find((l) => l.status === 'rejected');
  if (failed) throw failed.reason;
  return claimed;
}

async function runAction(db: Database, actionId: string): Promise<boolean> {
  type Outcome =
    { claimed: false } | { claimed: true; retry?: { id: string; attempts: number; message: string } };
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    // The signal first, then the action: the order in which closing a signal (by hand, or with
    // its case) takes them, so the two never wait for each other.
    const [pending] = await rows<{ signal_id: string; customer_id: string | null }>(
      tx,
      sql`select a.signal_id, s.customer_id from signal_actions a join signals s on s.id = a.signal_id
        where a.id = ${actionId} and a.state = 'pending'`,
    );
    if (!pending) return { claimed: false }; // done meanwhile
    // Before those, a share of the signal's customer: an erasure takes the customer, then their
    // signals and cases, so the action waits for one running and then sees them erased.
    let { erased } = await shareCustomers(tx, [pending.customer_id]);
    const signal = await lockSignalRow(tx, pending.signal_id);
    const [action] = await rows<ActionRow>(
      tx,
      sql`select id, signal_id, kind, params, attempts from signal_actions
        where id = ${actionId} and state = 'pending' for update skip locked`,
    );
    if (!action) return { claimed: false }; // another process has it, or it ended meanwhile
    if (!signal || (signal.state !== 'open' && signal.state !== 'acted')) {
      await finish(tx, action.id, 'skipped', null, `the signal is ${signal?.state ?? 'gone'}`);
      return { claimed: true };
    }
    // Merged into another customer meanwhile (rare): theirs, taken now.
    if (signal.customer_id && signal.customer_id !== pending.customer_id)
      ({ erased } = await shareCustomers(tx, [signal.customer_id]));
    // Nothing is done for an erased customer (no case, message or mail, a note about them
    // neither): skipped once, with the reason, not failed and retried.
    if (signal.customer_id && erased.has(signal.customer_id)) {
      await finish(tx, action.id, 'skipped', { skipped: 'customer_erased' }, ERASED_REASON);
      return { claimed: true };
    }
    // A customer who turned proactive notices off (their mail preferences) is not written to: no
    // reply on the case, no mail. Skipped with the reason, as the signal's page shows it.
    if (action.kind === 'notify_customer' && (await optedOutOfNotices(tx, signal.customer_id))) {
      await finish(tx, action.id, 'skipped', { skipped: 'customer_opted_out' }, OPTED_OUT_REASON);
      await markActedWhenDone(tx, signal.id);
      return { claimed: true };
    }
    try {
      const result = await tx.transaction((sp) => perform(sp, action.params, signal));
      await finish(tx, action.id, 'done', result, null);
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: 'signal.action_done',
        entityType: 'signal',
        entityId: signal.id,
        data: { kind: action.kind, ...result },
      });
      await markActedWhenDone(tx, signal.id);
      return { claimed: true };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final =
        err instanceof ActionRefused || err instanceof AppError || action.attempts + 1 >= MAX_ATTEMPTS;
      if (final) {
        await finish(tx, action.id, 'failed', null, message, true);
        await recordDomainEvent(tx, SYSTEM_ACTOR, {
          type: 'signal.action_failed',
          entityType: 'signal',
          entityId: signal.id,
          data: { kind: action.kind, error: message },
        });
        await markActedWhenDone(tx, signal.id);
        return { claimed: true };
      }
      return { claimed: true, retry: { id: action.id, attempts: action.attempts + 1, message } };
    }
  });
  if (!outcome.claimed) return false;
  const failure = outcome.retry;
  if (failure) {
    // Retry later: 5 s, 10 s, 20 s, 40 s.
    await db.execute(sql`
      update signal_actions set attempts = ${failure.attempts}, error = ${failure.message},
        run_after = now() + make_interval(secs => ${5 * 2 ** (failure.attempts - 1)})
      where id = ${failure.id} and state = 'pending'`);
  }
  return true;
}

/** Why a notify_customer was skipped for a customer who turned proactive notices off. */
export const OPTED_OUT_REASON =
  'the customer turned proactive notices off in their mail preferences: nothing was written or mailed to them';

/** Whether this customer turned proactive notices off (`mail_proactive_notices`). */
async function optedOutOfNotices(tx: Database, customerId: string | null): Promise<boolean> {
  if (!customerId) return false;
  const [c] = await rows<{ off: boolean }>(
    tx,
    sql`select not mail_proactive_notices as off from customers where id = ${customerId}`,
  );
  return !!c?.off;
}

async function finish(
  tx: Database,
  id: string,
  state: 'done' | 'failed' | 'skipped',
  result: Record<string, unknown> | null,
  error: string | null,
  countAttempt = state === 'done',
) {
  await tx.execute(sql`
    update signal_actions set state = ${state}, result = ${result ? JSON.stringify(result) : null}::jsonb,
      error = ${error}, done_at = now(), attempts = attempts + ${countAttempt ? 1 : 0}
    where id = ${id}`);
}

/** Acted on: nothing left pending and at least one action did its work (all failed: still open). */
async function markActedWhenDone(tx: Database, signalId: string) {
  await tx.execute(sql`
    update signals set state = 'acted', acted_at = now(), updated_at = now()
    where id = ${signalId} and state = 'open'
      and not exists (select 1 from signal_actions where signal_id = ${signalId} and state = 'pending')
      and exists (select 1 from signal_actions where signal_id = ${signalId} and state = 'done')`);
}

/** What templates can name: the customer, the organization, the refs and data of the first evidence. */
async function templateVars(tx: Database, s: SignalRow) {
  const [ctx] = await rows<TemplateContext>(
    tx,
    sql`select ${TEMPLATE_CONTEXT} from signals s where s.id = ${s.id}`,
  );
  return { vars: varsOf(s, ctx), zone: ctx?.tpl_zone ?? 'UTC' };
}

function varsOf(s: SignalRow, ctx: TemplateContext | undefined) {
  const event = ctx?.tpl_event;
  return {
    customer: ctx?.tpl_customer ?? {},
    organization: ctx?.tpl_organization ?? {},
    refs: { ...(event?.refs ?? {}), ...s.refs },
    data: event?.data ?? {},
    event: event ? { type: event.type, occurredAt: event.occurredAt } : {},
    rule: { name: s.rule_name, severity: s.severity },
    signal: {
      id: s.id,
      title: s.title,
      severity: s.severity,
      dueAt: s.due_at ? new Date(s.due_at) : null,
      detectedAt: new Date(s.detected_at),
      evidenceCount: s.evidence_count,
    },
  };
}

const needCase = (s: SignalRow, kind: string): string => {
  if (!s.case_id)
    throw new ActionRefused(`${kind} needs a proactive case: put an open_case action before it`);
  return s.case_id;
};

/**
 * Whether a customer's signal joins a proactive case or opens one depends on the cases that do not
 * exist yet, which no row lock covers: two runners (processes, or a runner and the batch) could
 * each find none and open one each. A transaction lock per customer, taken before looking, in id
 * order (so runners locking several never wait on each other in a circle), makes the second wait
 * and then see the first one's case.
 */
export async function lockCustomersForProactiveCases(tx: Database, customerIds: string[]) {
  const ids = [...new Set(customerIds)].sort();
  if (ids.length === 0) return;
  await tx.execute(sql`
    select pg_advisory_xact_lock(hashtext('steward.proactive-case'), hashtext(id))
    from unnest(${sql.param(ids)}::text[]) with ordinality as v(id, n) order by n`);
}

/**
 * Gives a signal (locked, without a case) its proactive case: another live proactive case of the
 * customer about the same thing (any ref in common: the order, its shipment) is joined, and learns
 * the signal's refs; otherwise a new one is opened by `actor` (the system for a rule's action, a
 * person from the signal's page). The note is the first internal message.
 */
export async function openProactiveCase(
  tx: Database,
  actor: Actor,
  s: SignalRow,
  open: {
    subject: string;
    category?: string;
    priority?: Priority;
    teamId?: string | null;
    assigneeId?: string | null;
    note?: string;
  },
): Promise<{ caseId: string; caseNumber: number; joined: boolean }> {
  if (!s.customer_id) throw new ActionRefused('the signal names no customer to open a case for');
  await lockCustomersForProactiveCases(tx, [s.customer_id]);
  const [covering] =
    Object.keys(s.refs).length > 0
      ? await rows<{ id: string; number: number }>(
          tx,
          sql`select c.id, c.number from cases c
            where c.customer_id = ${s.customer_id} and c.channel = 'proactive' and c.merged_into_id is null
              and c.deleted_at is null and c.status = any(${sql.param(UNSOLVED_STATUSES)}::text[])
              and exists (select 1 from jsonb_each_text(${JSON.stringify(s.refs)}::jsonb) r
                where c.refs ->> r.key = r.value)
            order by c.created_at desc, c.id desc limit 1`,
        )
      : [];
  let caseId: string;
  let caseNumber: number;
  if (covering) {
    caseId = covering.id;
    caseNumber = Number(covering.number); // bigint: a string from node-postgres
    await addMessage(tx, actor, caseId, {
      body: `Another signal about this: ${s.title}${open.note ? `\n\n${open.note}` : ''}`,
      public: false,
    });
    await tx.execute(
      sql`update cases set refs = ${JSON.stringify(s.refs)}::jsonb || refs, updated_at = ${nextVersion(new Date())} where id = ${caseId}`,
    );
  } else {
    const created = await createProactiveCase(tx, actor, {
      ...open,
      customerId: s.customer_id,
      refs: s.refs,
    });
    caseId = created.id;
    caseNumber = created.number;
  }
  await tx.execute(sql`update signals set case_id = ${caseId}, updated_at = now() where id = ${s.id}`);
  s.case_id = caseId;
  return { caseId, caseNumber, joined: !!covering };
}

/**
 * A new proactive case for a customer about `refs` (so whatever looks cases up by ref finds it),
 * its note the first internal message: what a signal's action and a commitment's Open a case
 * open. The caller holds the customer's lock (lockCustomersForProactiveCases) and has looked for
 * a case to join or refuse.
 */
export async function createProactiveCase(
  tx: Database,
  actor: Actor,
  open: {
    customerId: string;
    subject: string;
    refs: Record<string, string>;
    category?: string;
    priority?: Priority;
    teamId?: string | null;
    assigneeId?: string | null;
    note?: string;
  },
) {
  const created = await createCase(tx, actor, {
    subject: open.subject,
    customerId: open.customerId,
    channel: 'proactive',
    ...(open.category ? { category: open.category } : {}),
    ...(open.priority ? { priority: open.priority } : {}),
    teamId: open.teamId ?? null,
    ...(open.assigneeId ? { assigneeId: open.assigneeId } : {}),
    refs: open.refs,
  });
  if (open.note) await addMessage(tx, actor, created.id, { body: open.note, public: false });
  return created;
}

/** A signal with its rule's name, locked for the rest of the transaction (as an action runs on it). */
export async function lockSignalRow(tx: Database, id: string): Promise<SignalRow | undefined> {
  const [signal] = await rows<SignalRow>(
    tx,
    sql`select s.*, r.name as rule_name from signals s join signal_rules r on r.id = s.rule_id
      where s.id = ${id} for update of s`,
  );
  return signal;
}

async function perform(tx: Database, action: RuleAction, s: SignalRow): Promise<Record<string, unknown>> {
  const { vars, zone } = await templateVars(tx, s);
  const render = (t: string) => renderTemplate(t, vars, '', zone).trim();
  switch (action.kind) {
    case 'open_case': {
      if (s.case_id) return { caseId: s.case_id, existing: true };
      return openProactiveCase(tx, SYSTEM_ACTOR, s, {
        subject: render(action.subject) || s.title,
        category: action.category,
        priority: action.priority,
        teamId: action.teamId ?? null,
        ...(action.note ? { note: render(action.note) || s.title } : {}),
      });
    }
    case 'notify_customer': {
      const caseId = needCase(s, 'notify_customer');
      const message = await addMessage(tx, SYSTEM_ACTOR, caseId, {
        body: render(action.message),
        public: true,
      });
      return { caseId, messageId: message.id };
    }
    case 'notify_team': {
      const message = render(action.message);
      const [team] = await rows<{ id: string; name: string }>(
        tx,
        sql`select id, name from teams where id = ${action.teamId} and deleted_at is null`,
      );
      if (!team) throw new ActionRefused('the team to notify no longer exists');
      // Each member who can sign in gets a mail (queued with this transaction: sent by the outbox).
      const members = await rows<{ id: string; name: string; email: string }>(
        tx,
        sql`select u.id, u.name, u.email from team_members m join users u on u.id = m.user_id
          where m.team_id = ${team.id} and u.deleted_at is null and u.active and u.role in ('agent', 'admin')
          order by u.email`,
      );
      const { publicUrl } = mailSettings();
      const links = [
        `Signal: ${publicUrl}/signals/${s.id}`,
        ...(s.case_id ? [`Case: ${publicUrl}/cases/${s.case_id}`] : []),
      ];
      await queueMails(
        tx,
        members.map((m) => ({
          to: m.email,
          toName: m.name,
          subject: `[${team.name}] ${s.title}`,
          text: `${message}\n\n${links.join('\n')}\n\nSent to the members of ${team.name} by the rule "${s.rule_name}".`,
          autoSubmitted: true,
        })),
      );
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: 'team.notified',
        entityType: 'team',
        entityId: team.id,
        data: { signalId: s.id, caseId: s.case_id, message, notified: members.map((m) => m.id) },
      });
      if (s.case_id)
        await addMessage(tx, SYSTEM_ACTOR, s.case_id, { body: `To ${team.name}: ${message}`, public: false });
      return { teamId: team.id, caseId: s.case_id, notified: members.length };
    }
    case 'escalate': {
      const caseId = needCase(s, 'escalate');
      await applyCaseUpdate(tx, SYSTEM_ACTOR, caseId, {
        priority: action.priority,
        ...(action.teamId ? { teamId: action.teamId } : {}),
      });
      await addMessage(tx, SYSTEM_ACTOR, caseId, {
        body: action.note ? render(action.note) || s.title : `Escalated: ${s.title}`,
        public: false,
      });
      return { caseId, priority: action.priority, teamId: action.teamId ?? null };
    }
    case 'start_playbook':
    case 'attach_to_incident':
      throw new ActionRefused(`${action.kind} is not available yet`);
  }
}

// ---- the batch -----------------------------------------------------------------------------

type BatchSignal = SignalRow & TemplateContext;
type OpenCaseParams = Extract<RuleAction, { kind: 'open_case' }>;
type CaseInput = z.output<typeof CaseCreate>;
type CaseRow = typeof cases.$inferSelect;

/** Of two cases a signal could join, whether `a` is the one runAction's query picks first. */
const newer = (a: Target, b: Target) =>
  !!a.open !== !!b.open ? !!a.open : a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;

/** A proactive case the batch opens or joins, as the actions before it in the batch left it. */
interface Target {
  id: string;
  number: number | null;
  customerId: string;
  refs: Record<string, string>;
  createdAt: number;
  deleted: boolean;
  /** Opened by this batch: its input and customer. */
  open?: { input: CaseInput; customer: CaseCustomer };
  /** An existing case's refs to add, the earlier joiner's value first (`new || refs`, in order). */
  added: Record<string, string>;
}

/** An open_case the batch does: open `target`, or join it. */
interface OpenStep {
  kind: 'open_case';
  action: ActionRow;
  signal: BatchSignal;
  target: Target;
  joined: boolean;
  /** The internal note it writes, and that note's id. */
  note: { id: string; body: string } | null;
}

/** A notify_customer the batch does: a public reply on the signal's case, as addMessage writes it. */
interface NotifyStep {
  kind: 'notify_customer';
  action: ActionRow;
  signal: BatchSignal;
  caseId: string;
  messageId: string;
  body: string;
  /** The case's timeline entries: the reply, its clocks, the status it moved to and theirs. */
  events: DomainEventInput[];
}

type Step = OpenStep | NotifyStep;

/** What planBatch decided, in the order of the actions, and what writeBatch stores with it. */
interface BatchPlan {
  steps: Step[];
  /** The time of everything the batch writes: cases opened, notes, replies. */
  at: Date;
  /** The cases notified, as their replies left them, and their clocks. */
  notified: Map<string, CaseRow>;
  chains: ClockChain[];
}

/** An action of the batch's kinds: the rest run one by one. */
const ofBatchKind = (a: ActionRow) =>
  (a.kind === 'open_case' && a.params.kind === 'open_case' && !a.params.teamId) ||
  (a.kind === 'notify_customer' && a.params.kind === 'notify_customer');

/**
 * ... for a signal the batch can handle (runAction skips the others, or refuses, or finds its
 * case): a customer's, open or acted, with no case yet to open one and with one to notify on.
 */
const batchable = (a: ActionRow, s: BatchSignal | undefined): s is BatchSignal =>
  ofBatchKind(a) &&
  !!s &&
  (s.state === 'open' || s.state === 'acted') &&
  !!s.customer_id &&
  (a.kind === 'open_case' ? !s.case_id : !!s.case_id);

/**
 * Takes up to `limit` due actions and does the batchable ones (`open_case`, `notify_customer`)
 * in one transaction. Returns how many it did and the ones left to runAction, in order (null
 * when it could not even take them: the caller looks again).
 */
async function runBatch(
  db: Database,
  limit: number,
  heldTypes: string[],
  log?: Pick<FastifyBaseLogger, 'warn'>,
): Promise<{ done: number; rest: TakenAction[] | null }> {
  let taken: TakenAction[] = [];
  try {
    // A bulk writer like an ingest batch: on PGlite it takes its turn among them, so a due timer
    // waits behind one of them, not behind an ingest batch and this one.
    return await bulkTurn(db, () =>
      db.transaction(async (tx) => {
        const lock = sql`for update of a skip locked`;
        taken = await rows<TakenAction>(tx, firstPending(limit, heldTypes, lock));
        // Customers with an action left to runAction: their later ones, in any round, wait for it.
        const held = new Set<string>();
        let round = taken;
        let done = 0;
        const rest: TakenAction[] = [];
        for (;;) {
          const plan = await planBatch(tx, round, held);
          if (plan.steps.length > 0) await writeBatch(tx, plan);
          done += plan.steps.length;
          const ids = new Set(plan.steps.map((st) => st.action.id));
          rest.push(...round.filter((a) => !ids.has(a.id)));
          // The next actions of the signals just acted on (a case opened: now tell the customer)
          // are due at once: they go in this transaction too, as the next pass would take them.
          const acted = plan.steps.map((st) => st.signal.id);
          if (acted.length === 0 || done >= limit) break;
          round = await rows<TakenAction>(tx, firstPending(limit - done, heldTypes, lock, acted));
          if (round.length === 0) break;
        }
        return { done, rest };
      }),
    );
  } catch (err) {
    // Rolled back: each action again, one by one, where its own error is recorded and retried.
    // Logged: a batch that keeps failing would otherwise only show as a slower job.
    log?.warn({ err, actions: taken.length }, 'signal actions: the batch failed; running them one by one');
    return { done: 0, rest: taken.length ? taken : null };
  }
}

/** What opening a case would take, for each open_case the batch may do: checked in three queries. */
interface OpenCandidate {
  action: ActionRow;
  signal: BatchSignal;
  render: (t: string) => string;
  input: CaseInput | null;
}

/**
 * Decides, in order, what each batchable action does, as runAction would one after another.
 * open_case: join the newest unsolved proactive case of the customer sharing any ref (key and
 * value) with the signal, counting the cases opened earlier in the batch, or open one.
 * notify_customer: a public reply on the signal's case, which meets its response clocks and
 * opens a new case, planned on the case and clocks as the earlier replies of the batch left them.
 */
async function planBatch(tx: Database, taken: TakenAction[], held = new Set<string>()): Promise<BatchPlan> {
  const at = new Date();
  const plan: BatchPlan = { steps: [], at, notified: new Map(), chains: [] };
  const ids = [...new Set(taken.filter(ofBatchKind).map((a) => a.signal_id))];
  if (ids.length === 0) return plan;
  // A signal another transaction holds is left to runAction, which waits for it.
  const locked = await rows<BatchSignal>(
    tx,
    sql`select s.*, r.name as rule_name, ${TEMPLATE_CONTEXT}
      from signals s join signal_rules r on r.id = s.rule_id
      where s.id = any(${sql.param(ids)}::uuid[])
      order by s.id
      for no key update of s skip locked`,
  );
  const signalOf = new Map(locked.map((s) => [s.id, s]));

  const candidates: OpenCandidate[] = [];
  // The replies the batch may send, by action: their rendered bodies.
  const bodies = new Map<string, string>();
  for (const action of taken) {
    const signal = signalOf.get(action.signal_id);
    if (!batchable(action, signal)) continue;
    const vars = varsOf(signal, signal);
    const render = (t: string) => renderTemplate(t, vars, '', signal.tpl_zone).trim();
    try {
      if (action.params.kind === 'notify_customer') {
        bodies.set(action.id, render(action.params.message));
        continue;
      }
      const params = action.params as OpenCaseParams;
      // createCase's input, checked as createCase checks it (used only if it opens a case).
      const input = CaseCreate.safeParse({
        subject: render(params.subject) || signal.title,
        customerId: signal.customer_id,
        channel: 'proactive',
        category: params.category,
        priority: params.priority,
        teamId: null,
      });
      if (params.note !== undefined) render(params.note);
      candidates.push({ action, signal, render, input: input.success ? input.data : null });
    } catch {
      // A malformed action: runAction records why.
    }
  }
  if (candidates.length === 0 && bodies.size === 0) return plan;
  const toNotify = taken.flatMap((a) => (bodies.has(a.id) ? [signalOf.get(a.signal_id)!] : []));
  // The customers whose proactive cases the batch may open, join or reply on, locked before any
  // case and in one order (as runAction locks one): two runners never hold each other's cases.
  const customerIds = [
    ...candidates.map((c) => c.signal.customer_id!),
    ...toNotify.map((n) => n.customer_id!),
  ];
  await lockCustomersForProactiveCases(tx, customerIds);
  // And their share against an erasure (customer-erasure-guard.ts), without waiting for one that
  // runs (it may be waiting for the signals this batch holds): an erased customer's actions, or
  // those of one being erased, are left to runAction, which waits, then skips them.
  const { erased, busy } = await shareCustomers(tx, customerIds, { skipLocked: true });
  for (const id of [...erased, ...busy]) held.add(id);
  // Customers who turned proactive notices off: their notify_customer is skipped by runAction,
  // with its reason (and their later actions wait behind it, as for any customer held).
  // (Asked only when the batch has a notice to send.)
  if (toNotify.length > 0) {
    const optedOut = await rows<{ id: string }>(
      tx,
      sql`select id from customers where id = any(${sql.param(toNotify.map((n) => n.customer_id!))}::uuid[])
        and not mail_proactive_notices`,
    );
    for (const { id } of optedOut) held.add(id);
  }
  const notified = toNotify.filter((n) => !held.has(n.customer_id!));
  const opening = await openingContext(
    tx,
    candidates.filter((c) => !held.has(c.signal.customer_id!)),
  );
  const notifying = await notifyingContext(
    tx,
    notified.map((n) => n.case_id!),
  );
  plan.chains = [...notifying.chains.values()];

  const byAction = new Map(candidates.map((c) => [c.action.id, c]));
  // A customer's actions keep their order: once one is left to runAction (`held`: this round or
  // an earlier one), their later ones wait behind it (whether a signal opens a case or joins one,
  // and which clocks a reply meets, may depend on it).
  for (const action of taken) {
    const customerId = action.customer_id;
    const signal = signalOf.get(action.signal_id);
    const body = bodies.get(action.id);
    const c = byAction.get(action.id);
    const step =
      !customerId || held.has(customerId) || !signal || signal.customer_id !== customerId
        ? null
        : body !== undefined
          ? notifyStep(plan, notifying, action, signal, body)
          : c
            ? openStep(opening, c, at)
            : null;
    if (step) plan.steps.push(step);
    else if (customerId) held.add(customerId);
  }
  return plan;
}

/** What the batch's open_case actions need to know: their customers, categories and cases to join. */
async function openingContext(tx: Database, candidates: OpenCandidate[]) {
  const targets = new Map<string, Target[]>();
  if (candidates.length === 0)
    return { customers: new Map<string, CaseCustomer>(), categories: new Set<string>(), targets };
  const customerIds = [...new Set(candidates.map((c) => c.signal.customer_id!))];
  const customers = new Map((await customersForCases(tx, customerIds)).map((c) => [c.id, c]));
  const keys = [...new Set(candidates.flatMap((c) => (c.input ? [c.input.category] : [])))];
  const categories = await activeCategories(tx, keys);
  // Every unsolved proactive case of these customers sharing a ref with any of their signals: the
  // only ones a signal of the batch can join (a case opened in the batch carries its signals' refs).
  const pairs = candidates.flatMap((c) =>
    Object.entries(c.signal.refs).map(([k, v]) => [c.signal.customer_id!, k, v]),
  );
  if (pairs.length > 0) {
    const found = await rows<{
      id: string;
      number: string | number;
      customer_id: string;
      refs: Record<string, string>;
      created_at: Date | string;
      deleted: boolean;
    }>(
      tx,
      sql`select c.id, c.number, c.customer_id, c.refs, c.created_at, c.deleted_at is not null as deleted
        from cases c
        where c.customer_id = any(${sql.param(customerIds)}::uuid[]) and c.channel = 'proactive'
          and c.merged_into_id is null and c.status = any(${sql.param(UNSOLVED_STATUSES)}::text[])
          and exists (select 1 from unnest(${sql.param(pairs.map((p) => p[0]))}::uuid[],
              ${sql.param(pairs.map((p) => p[1]))}::text[], ${sql.param(pairs.map((p) => p[2]))}::text[])
              as r(customer_id, key, value)
            where r.customer_id = c.customer_id and c.refs ->> r.key = r.value)
        order by c.id
        for no key update of c`,
    );
    for (const c of found)
      targets.set(c.customer_id, [
        ...(targets.get(c.customer_id) ?? []),
        {
          id: c.id,
          number: Number(c.number),
          customerId: c.customer_id,
          refs: c.refs,
          createdAt: new Date(c.created_at).getTime(),
          deleted: c.deleted,
          added: {},
        },
      ]);
  }
  return { customers, categories, targets };
}

/** One open_case: the case it joins or opens, or null for what runAction must decide or refuse. */
function openStep(
  ctx: Awaited<ReturnType<typeof openingContext>>,
  c: OpenCandidate,
  at: Date,
): OpenStep | null {
  const customerId = c.signal.customer_id!;
  const params = c.action.params as OpenCaseParams;
  const refs = Object.entries(c.signal.refs);
  // The newest case sharing a ref (key and value), as runAction's query orders them; those
  // opened in this batch are newer than any before it.
  let covering: Target | undefined;
  for (const t of refs.length ? (ctx.targets.get(customerId) ?? []) : []) {
    if (!refs.some(([k, v]) => t.refs[k] === v)) continue;
    if (!covering || newer(t, covering)) covering = t;
  }
  const base = { kind: 'open_case' as const, action: c.action, signal: c.signal };
  if (covering) {
    // runAction would fail on it (addMessage: no such case): let it.
    if (covering.deleted) return null;
    const body = `Another signal about this: ${c.signal.title}${params.note ? `\n\n${c.render(params.note)}` : ''}`;
    covering.refs = { ...c.signal.refs, ...covering.refs };
    if (!covering.open) covering.added = { ...c.signal.refs, ...covering.added };
    return { ...base, target: covering, joined: true, note: { id: newId(), body } };
  }
  // What createCase would refuse (a deleted customer, an inactive category), runAction refuses.
  const input = c.input;
  const customer = ctx.customers.get(customerId);
  if (!input || !customer || !ctx.categories.has(input.category)) return null;
  const target: Target = {
    id: newId(),
    number: null,
    customerId,
    refs: { ...c.signal.refs },
    createdAt: at.getTime(),
    deleted: false,
    open: { input, customer },
    added: {},
  };
  ctx.targets.set(customerId, [...(ctx.targets.get(customerId) ?? []), target]);
  const note = params.note ? { id: newId(), body: c.render(params.note) || c.signal.title } : null;
  return { ...base, target, joined: false, note };
}

/** The cases the batch's notifications reply on, locked as addMessage locks them, with their clocks. */
async function notifyingContext(tx: Database, caseIds: string[]) {
  const ids = [...new Set(caseIds)].sort();
  const found =
    ids.length === 0
      ? []
      : await tx
          .select()
          .from(cases)
          .where(and(inArray(cases.id, ids), isNull(cases.deletedAt)))
          .orderBy(cases.id)
          .for('update');
  const contexts = await loadPlanContexts(
    tx,
    found.flatMap((c) => (c.agreementId ? [c.agreementId] : [])),
  );
  const withClocks = found.filter((c) => c.agreementId && contexts.has(c.agreementId)).map((c) => c.id);
  const clocks = await lockClocksOf(tx, withClocks);
  return {
    cases: new Map(found.map((c) => [c.id, c])),
    contexts,
    chains: new Map([...clocks].map(([id, stored]) => [id, clockChain(id, stored)])),
  };
}

const planCaseOf = (c: CaseRow) => ({
  status: c.status,
  priority: c.priority,
  createdAt: c.createdAt,
  lastAgentReplyAt: c.lastAgentReplyAt,
});

/**
 * One notification, as addMessage writes a system reply: the message, the case's response
 * times, its clocks met, a new case opened and its clocks told. Null for a case addMessage
 * refuses (gone, merged, closed): runAction fails it as before.
 */
function notifyStep(
  plan: BatchPlan,
  ctx: Awaited<ReturnType<typeof notifyingContext>>,
  action: ActionRow,
  signal: BatchSignal,
  body: string,
): NotifyStep | null {
  const caseId = signal.case_id!;
  const c = plan.notified.get(caseId) ?? ctx.cases.get(caseId);
  if (!c || c.mergedIntoId || c.status === 'closed') return null;
  const at = plan.at;
  const messageId = newId();
  const after: CaseRow = { ...c, lastAgentReplyAt: at, firstRespondedAt: c.firstRespondedAt ?? at };
  const events: DomainEventInput[] = [
    {
      type: 'case.replied',
      entityType: 'case',
      entityId: caseId,
      data: { messageId, public: true, from: 'agent', attachments: 0 },
    },
  ];
  const planCtx = after.agreementId ? ctx.contexts.get(after.agreementId) : undefined;
  const chain = ctx.chains.get(caseId);
  if (planCtx && chain)
    events.push(
      ...chainStep(chain, planCtx, at, (x, clocks) => planAgentReply(x, clocks, planCaseOf(after), at)),
    );
  if (after.status === 'new') {
    events.push({
      type: 'case.updated',
      entityType: 'case',
      entityId: caseId,
      data: { changes: { status: { from: 'new', to: 'open' } } },
    });
    after.status = 'open';
    if (planCtx && chain)
      events.push(
        ...chainStep(chain, planCtx, at, (x, clocks) =>
          planStatusChange(x, clocks, planCaseOf(after), 'new', at),
        ),
      );
  }
  plan.notified.set(caseId, after);
  return { kind: 'notify_customer', action, signal, caseId, messageId, body, events };
}

const resultOf = (st: Step): Record<string, unknown> =>
  st.kind === 'open_case'
    ? { caseId: st.target.id, caseNumber: st.target.number!, joined: st.joined }
    : { caseId: st.caseId, messageId: st.messageId };

/**
 * Writes what planBatch decided, set-based: the cases opened (with their clocks), the notes and
 * replies, the refs joined cases learn, the notified cases' times, status and clocks, the
 * timeline entries in the order runAction writes them, the mails, and the signals and actions done.
 */
async function writeBatch(tx: Database, plan: BatchPlan) {
  const { steps, at } = plan;
  const opens = steps.filter((st): st is OpenStep => st.kind === 'open_case');
  const opened = [...new Set(opens.filter((st) => !st.joined).map((st) => st.target))];
  const planned = new Map<string, ReturnType<typeof newCaseRow>>();
  if (opened.length > 0) {
    const agreements = await agreementCandidatesFor(
      tx,
      opened.map((t) => t.open!.customer),
    );
    for (const t of opened) {
      const { input, customer } = t.open!;
      const row = newCaseRow(input, {
        id: t.id,
        customer,
        agreement: agreementFor(agreements, customer),
        assigneeId: null,
        staff: true,
        at: new Date(t.createdAt),
      });
      // Opened with no refs, then `refs || new` for its signal and `new || refs` for each joiner.
      planned.set(t.id, { ...row, row: { ...row.row, refs: t.refs } });
    }
    const numbers = await tx
      .insert(cases)
      .values([...planned.values()].map((p) => p.row))
      .returning({ id: cases.id, number: cases.number });
    const numberOf = new Map(numbers.map((n) => [n.id, n.number]));
    for (const t of opened) t.number = numberOf.get(t.id)!;
    const clocks = opened.flatMap((t) => newClockRows(t.id, planned.get(t.id)!.clocks));
    if (clocks.length > 0) await tx.insert(casePromises).values(clocks);
  }

  // Internal notes and public replies as addMessage writes them for the system, in the actions'
  // order (one time, ids in order).
  const written = steps.flatMap((st) => {
    const common = {
      authorType: 'agent' as const,
      authorUserId: SYSTEM_ACTOR.userId,
      authorCustomerId: null,
      channel: 'web',
      call: null,
      createdAt: at,
    };
    if (st.kind === 'notify_customer')
      return [{ ...common, id: st.messageId, caseId: st.caseId, public: true, body: st.body }];
    return st.note
      ? [{ ...common, id: st.note.id, caseId: st.target.id, public: false, body: st.note.body }]
      : [];
  });
  if (written.length > 0) await tx.insert(messages).values(written);

  const joined = [...new Set(opens.filter((st) => st.joined && !st.target.open).map((st) => st.target))];
  if (joined.length > 0) {
    await tx.execute(sql`
      update cases c set refs = v.added::jsonb || c.refs, updated_at = ${nextVersion(at)}
      from unnest(${sql.param(joined.map((t) => t.id))}::uuid[],
        ${sql.param(joined.map((t) => JSON.stringify(t.added)))}::text[]) as v(id, added)
      where c.id = v.id`);
  }

  const notified = [...plan.notified.values()];
  if (notified.length > 0) {
    await tx.execute(sql`
      update cases c set last_agent_reply_at = ${at.toISOString()}::timestamptz, first_responded_at = v.first,
        status = v.status, updated_at = ${nextVersion(at)}
      from unnest(${sql.param(notified.map((c) => c.id))}::uuid[],
        ${sql.param(notified.map((c) => c.firstRespondedAt!.toISOString()))}::timestamptz[],
        ${sql.param(notified.map((c) => c.status))}::text[]) as v(id, first, status)
      where c.id = v.id`);
    await saveClockChains(tx, plan.chains);
  }

  const events: DomainEventInput[] = [];
  for (const st of steps) {
    if (st.kind === 'notify_customer') events.push(...st.events);
    else {
      const caseId = st.target.id;
      if (!st.joined) {
        const p = planned.get(caseId)!;
        events.push(caseCreatedEvent({ ...p.row, id: caseId }, false), ...newClockEvents(caseId, p.clocks));
      }
      if (st.note) {
        events.push({
          type: 'case.note_added',
          entityType: 'case',
          entityId: caseId,
          data: { messageId: st.note.id, public: false, from: 'agent', attachments: 0 },
        });
      }
    }
    events.push({
      type: 'signal.action_done',
      entityType: 'signal',
      entityId: st.signal.id,
      data: { kind: st.action.kind, ...resultOf(st) },
    });
  }
  await recordDomainEvents(tx, SYSTEM_ACTOR, events);
  // Each reply goes to the customer by e-mail, as addMessage sends an agent's public reply.
  await mailCaseMessages(
    tx,
    steps.flatMap((st) =>
      st.kind === 'notify_customer' ? [{ caseId: st.caseId, messageId: st.messageId }] : [],
    ),
  );

  await tx.execute(sql`
    update signal_actions a set state = 'done', result = v.result::jsonb, error = null, done_at = now(),
      attempts = a.attempts + 1
    from unnest(${sql.param(steps.map((st) => st.action.id))}::uuid[],
      ${sql.param(steps.map((st) => JSON.stringify(resultOf(st))))}::text[]) as v(id, result)
    where a.id = v.id`);
  // The signals learn their case and, as markActedWhenDone has it, are acted when none of their
  // actions is pending and one is done: one row version each.
  await tx.execute(sql`
    update signals s set case_id = v.case_id, updated_at = now(),
      state = case when s.state = 'open' and v.finished then 'acted' else s.state end,
      acted_at = case when s.state = 'open' and v.finished then now() else s.acted_at end
    from (
      select u.id, u.case_id,
        not exists (select 1 from signal_actions a where a.signal_id = u.id and a.state = 'pending')
          and exists (select 1 from signal_actions a where a.signal_id = u.id and a.state = 'done') as finished
      from unnest(${sql.param(steps.map((st) => st.signal.id))}::uuid[],
        ${sql.param(steps.map((st) => (st.kind === 'open_case' ? st.target.id : st.caseId)))}::uuid[]) as u(id, case_id)
    ) v
    where s.id = v.id`);
}
