// The server side of a rule's dry run: reads the period's events the rule looks at (in time
// order, in keyset pages, at most RULE_LIMITS.dryRunEvents), builds the contexts rules see, and
// replays them through the pure simulator. Nothing is written.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { EventContext } from '../../../core/rules/evaluate.js';
import { typesOf } from '../../../core/rules/evaluate.js';
import { simulateRule } from '../../../core/rules/simulate.js';
import { RULE_LIMITS, type DryRunAnswer, type RuleDefinition } from '../../../shared/schemas/rules.js';
import { customers } from '../customers/customers.table.js';
import { eventSources, events } from '../events/events.table.js';
import { contextSettings, contextsFor } from './event-context.js';

const PAGE = 5_000;
const MAX_CUSTOMERS = 100;

/** The event types a rule reads: its selector's, or for absence rules the start's and the end's. */
export function eventTypesOf(rule: RuleDefinition): string[] {
  const types =
    rule.kind === 'absence' ? [...typesOf(rule.after), ...typesOf(rule.expect)] : typesOf(rule.when);
  return [...new Set(types)];
}

/** One keyset page of events of these types in [from, to), after (occurredAt, id). */
async function eventPage(
  db: Database,
  q: { types: string[]; from: Date; to: Date; after: { at: string; id: string } | null; limit: number },
) {
  return db
    .select({
      id: events.id,
      type: events.type,
      occurredAt: events.occurredAt,
      // The exact value (microseconds), for the next page's keyset condition.
      at: sql<string>`${events.occurredAt}::text`,
      source: eventSources.key,
      customerId: events.customerId,
      organizationId: events.organizationId,
      refs: events.refs,
      data: events.data,
    })
    .from(events)
    .innerJoin(eventSources, eq(eventSources.id, events.sourceId))
    .where(
      and(
        sql`${events.type} = any(${sql.param(q.types)}::text[])`,
        gte(events.occurredAt, q.from),
        lt(events.occurredAt, q.to),
        q.after
          ? sql`(${events.occurredAt}, ${events.id}) > (${q.after.at}::timestamptz, ${q.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(events.occurredAt), asc(events.id))
    .limit(q.limit);
}

export async function dryRun(
  db: Database,
  opts: {
    definition: RuleDefinition;
    from: Date;
    to: Date;
    /** Tests make these small, to see the paging and the cut-off at work. */
    maxEvents?: number;
    pageSize?: number;
  },
): Promise<DryRunAnswer> {
  const maxEvents = opts.maxEvents ?? RULE_LIMITS.dryRunEvents;
  const pageSize = opts.pageSize ?? PAGE;
  const rule = opts.definition;
  const types = eventTypesOf(rule);
  // Each customer's agreement (looked up once per customer): scopes, and where date-only deadlines end.
  const settings = await contextSettings(db);
  const contexts: EventContext[] = [];
  let after: { at: string; id: string } | null = null;
  let truncated = false;
  for (;;) {
    const room = maxEvents - contexts.length;
    // One more than there is room for tells whether the period holds more than the limit.
    const page = await eventPage(db, {
      types,
      from: opts.from,
      to: opts.to,
      after,
      limit: Math.min(pageSize, room + 1),
    });
    if (page.length > room) {
      truncated = true;
      page.length = room;
    }
    contexts.push(...(await contextsFor(db, page, settings)));
    const last = page[page.length - 1];
    if (truncated || !last || page.length < pageSize) break;
    after = { at: last.at, id: last.id };
  }

  const now = new Date(Math.min(opts.to.getTime(), Date.now()));
  const result = simulateRule(rule, contexts, { now });

  const perCustomer = new Map<string | null, number>();
  for (const s of result.signals) perCustomer.set(s.customerId, (perCustomer.get(s.customerId) ?? 0) + 1);
  const ids = [...perCustomer.keys()].filter((id): id is string => id !== null);
  const names = new Map(
    ids.length
      ? (
          await db
            .select({ id: customers.id, name: customers.name })
            .from(customers)
            .where(sql`${customers.id} = any(${sql.param(ids)}::uuid[])`)
        ).map((c) => [c.id, c.name])
      : [],
  );
  const byCustomer = [...perCustomer.entries()]
    .map(([customerId, signals]) => ({
      customerId,
      name: customerId ? (names.get(customerId) ?? null) : null,
      signals,
    }))
    .sort((a, b) => b.signals - a.signals || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'))
    .slice(0, MAX_CUSTOMERS);

  return {
    from: opts.from.toISOString(),
    to: opts.to.toISOString(),
    eventsScanned: result.eventsScanned,
    truncated,
    signals: result.signals.length,
    customers: byCustomer,
    samples: result.signals.slice(0, RULE_LIMITS.dryRunSamples).map((s) => ({
      customerId: s.customerId,
      ref: s.ref,
      firedAt: s.firedAt.toISOString(),
      evidence: s.evidence,
    })),
  };
}
