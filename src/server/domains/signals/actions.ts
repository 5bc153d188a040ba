// The action runner: works through the `signal_actions` outbox that new signals fill. Each action
// runs in its own transaction holding its row (FOR UPDATE SKIP LOCKED) and its signal's row, and
// is marked done in that same transaction, so an action happens once however many nodes run the
// job, and a crash midway leaves it pending for the next try. The actions of one signal run in
// order (a case is opened before the customer is told on it). A failing action is retried with
// back-off, then marked failed with its error; the signal is `acted` once none is pending.
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import { rows } from '../../../db/client.js';
import { renderTemplate } from '../../../core/rules/templates.js';
import type { RuleAction } from '../../../shared/schemas/rules.js';
import { UNSOLVED_STATUSES } from '../../../shared/schemas/cases.js';
import { SYSTEM_ACTOR } from '../../lib/actor.js';
import { AppError } from '../../lib/errors.js';
import { applyCaseUpdate, createCase } from '../cases/cases.service.js';
import { addMessage } from '../cases/messages.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';

export const ACTION_BATCH = 50;
export const MAX_ATTEMPTS = 5;

/** Thrown for an action that cannot succeed as configured: no retries. */
class ActionRefused extends Error {}

interface SignalRow {
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

/** Runs the pending actions that are due. Returns how many ran (done, failed or skipped). */
export async function runSignalActions(db: Database, limit = ACTION_BATCH): Promise<number> {
  let ran = 0;
  // Passes until nothing is due: an action done makes its signal's next one due at once.
  for (;;) {
    // The first pending action of each signal: later ones wait for it.
    const next = await rows<{ id: string }>(
      db,
      sql`
      select a.id from signal_actions a
      where a.state = 'pending' and a.run_after <= now()
        and not exists (select 1 from signal_actions b
          where b.signal_id = a.signal_id and b.state = 'pending' and b.position < a.position)
      order by a.run_after, a.signal_id, a.position
      limit ${limit - ran}`,
    );
    let pass = 0;
    for (const { id } of next) if (await runAction(db, id)) pass++;
    ran += pass;
    if (pass === 0 || ran >= limit) return ran;
  }
}

async function runAction(db: Database, actionId: string): Promise<boolean> {
  type Outcome =
    { claimed: false } | { claimed: true; retry?: { id: string; attempts: number; message: string } };
  const outcome = await db.transaction(async (tx): Promise<Outcome> => {
    const [action] = await rows<{
      id: string;
      signal_id: string;
      kind: string;
      params: RuleAction;
      attempts: number;
    }>(
      tx,
      sql`select id, signal_id, kind, params, attempts from signal_actions
        where id = ${actionId} and state = 'pending' for update skip locked`,
    );
    if (!action) return { claimed: false }; // another process has it
    const [signal] = await rows<SignalRow>(
      tx,
      sql`select s.*, r.name as rule_name from signals s join signal_rules r on r.id = s.rule_id
        where s.id = ${action.signal_id} for update of s`,
    );
    if (!signal || (signal.state !== 'open' && signal.state !== 'acted')) {
      await finish(tx, action.id, 'skipped', null, `the signal is ${signal?.state ?? 'gone'}`);
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
  const [ctx] = await rows<{
    customer: Record<string, unknown> | null;
    organization: Record<string, unknown> | null;
    event: {
      type: string;
      occurredAt: string;
      data: Record<string, unknown>;
      refs: Record<string, string>;
    } | null;
  }>(
    tx,
    sql`
    select
      (select jsonb_build_object('name', c.name, 'email', c.email, 'externalId', c.external_id)
        from customers c where c.id = ${s.customer_id}) as customer,
      (select jsonb_build_object('name', o.name) from organizations o where o.id = ${s.organization_id}) as organization,
      (select jsonb_build_object('type', e.type,
          'occurredAt', to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'data', e.data, 'refs', e.refs)
        from signal_evidence se join events e on e.id = se.event_id
        where se.signal_id = ${s.id} order by e.occurred_at limit 1) as event`,
  );
  return {
    customer: ctx?.customer ?? {},
    organization: ctx?.organization ?? {},
    refs: { ...(ctx?.event?.refs ?? {}), ...s.refs },
    data: ctx?.event?.data ?? {},
    event: ctx?.event ? { type: ctx.event.type, occurredAt: ctx.event.occurredAt } : {},
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

async function perform(tx: Database, action: RuleAction, s: SignalRow): Promise<Record<string, unknown>> {
  const vars = await templateVars(tx, s);
  const render = (t: string) => renderTemplate(t, vars).trim();
  switch (action.kind) {
    case 'open_case': {
      if (s.case_id) return { caseId: s.case_id, existing: true };
      if (!s.customer_id) throw new ActionRefused('the signal names no customer to open a case for');
      // Another signal about the same thing (any ref in common: the order, its shipment) may have
      // opened a proactive case already: join it, and it learns this signal's refs too.
      const [covering] =
        Object.keys(s.refs).length > 0
          ? await rows<{ id: string; number: number }>(
              tx,
              sql`select c.id, c.number from cases c
                where c.customer_id = ${s.customer_id} and c.channel = 'proactive' and c.merged_into_id is null
                  and c.status = any(${sql.param(UNSOLVED_STATUSES)}::text[])
                  and exists (select 1 from jsonb_each_text(${JSON.stringify(s.refs)}::jsonb) r
                    where c.refs ->> r.key = r.value)
                order by c.created_at desc limit 1`,
            )
          : [];
      let caseId: string;
      let caseNumber: number;
      if (covering) {
        caseId = covering.id;
        caseNumber = covering.number;
        await addMessage(tx, SYSTEM_ACTOR, caseId, {
          body: `Another signal about this: ${s.title}${action.note ? `\n\n${render(action.note)}` : ''}`,
          public: false,
        });
        await tx.execute(
          sql`update cases set refs = ${JSON.stringify(s.refs)}::jsonb || refs where id = ${caseId}`,
        );
      } else {
        const created = await createCase(tx, SYSTEM_ACTOR, {
          subject: render(action.subject) || s.title,
          customerId: s.customer_id,
          channel: 'proactive',
          category: action.category,
          priority: action.priority,
          teamId: action.teamId ?? null,
        });
        caseId = created.id;
        caseNumber = created.number;
        if (action.note)
          await addMessage(tx, SYSTEM_ACTOR, caseId, { body: render(action.note) || s.title, public: false });
        await tx.execute(
          sql`update cases set refs = refs || ${JSON.stringify(s.refs)}::jsonb where id = ${caseId}`,
        );
      }
      await tx.execute(sql`update signals set case_id = ${caseId}, updated_at = now() where id = ${s.id}`);
      s.case_id = caseId;
      return { caseId, caseNumber, joined: !!covering };
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
      await recordDomainEvent(tx, SYSTEM_ACTOR, {
        type: 'team.notified',
        entityType: 'team',
        entityId: team.id,
        data: { signalId: s.id, caseId: s.case_id, message },
      });
      if (s.case_id)
        await addMessage(tx, SYSTEM_ACTOR, s.case_id, { body: `To ${team.name}: ${message}`, public: false });
      return { teamId: team.id, caseId: s.case_id };
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
