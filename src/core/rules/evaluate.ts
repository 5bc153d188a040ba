// Rule evaluation over one event, without I/O. Contract:
// - `readField` reads a rule's field path from an event as rules see it (`EventContext`);
//   a missing field is `undefined`, never an error.
// - `conditionHolds`: eq/neq compare scalars (numbers with numbers, else as text, case-sensitive);
//   in/nin test membership; gt/gte/lt/lte compare numbers (decimal numeric text counts as a
//   number), or times when both sides are ISO times (no zone means UTC); arrays and objects equal
//   no scalar; contains is substring for text, membership for arrays; exists is "present and not
//   null" (or its negation with value false). A condition on a missing field is false, except
//   neq, nin and exists:false, which hold.
// - `selectorMatches`: the event's type is one of the selector's and every condition holds.
// - `inScope`: the customer's segment and agreement are among the rule's (when it names them).
// - `expectationDue`: when an absence rule's wait for this starting event ends.
// - `noWaitReason`: why a starting event begins no wait (no ref, or a deadline that cannot be
//   read), worded for the warnings of the accepted event; null when it begins one.
// - `dedupeKeyOf`: the key that makes one live signal per rule + customer + ref.
import { DateTime, IANAZone } from 'luxon';
import type {
  AbsenceRule,
  Condition,
  EventSelector,
  RuleDefinition,
  RuleScope,
} from '../../shared/schemas/rules.js';
import { isoDurationMs } from '../../shared/schemas/rules.js';
import { customerZone } from '../customer-zone.js';

export interface EventContext {
  /** Steward's id of the event. */
  id: string;
  type: string;
  occurredAt: Date;
  source: string | null;
  refs: Record<string, string>;
  data: Record<string, unknown>;
  customer: {
    id: string;
    name: string | null;
    email: string | null;
    externalId: string | null;
    /** Own segment, else the organization's. */
    segment: string | null;
    /** The customer's own time zone (IANA name), when their record has one: for date-only deadlines. */
    timeZone?: string | null;
    /** Their record's custom fields (`customer.fields.<key>`). */
    fields?: Record<string, unknown>;
  } | null;
  organization: {
    id: string;
    name: string | null;
    domains: string[];
    /** Its record's custom fields (`organization.fields.<key>`). */
    fields?: Record<string, unknown>;
  } | null;
  /** The agreement that applies to the customer (most specific), for rule scopes. */
  agreementId: string | null;
  /** The time zone of that agreement's business calendar: date-only deadlines of customers without one of their own. */
  agreementZone?: string | null;
  /** The company's time zone (Settings): date-only deadlines of anyone with neither. */
  companyZone?: string | null;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
/** Keys a path never reads, even as own properties (JSON.parse makes `__proto__` an own key). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An own property's value (never one inherited, nor `__proto__` and the like). */
const ownValue = (o: object | undefined, key: string): unknown =>
  o && !FORBIDDEN_KEYS.has(key) && hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;

export function readField(ctx: EventContext, path: string): unknown {
  const [head, ...rest] = path.split('.');
  switch (head) {
    case 'type':
      return ctx.type;
    case 'occurredAt':
      return ctx.occurredAt.toISOString();
    case 'source':
      return ctx.source ?? undefined;
    case 'segment':
      return ctx.customer?.segment ?? undefined;
    case 'refs':
      return rest.length === 1 && hasOwn(ctx.refs, rest[0]!) ? ctx.refs[rest[0]!] : undefined;
    case 'customer':
    case 'organization': {
      const record = head === 'customer' ? ctx.customer : ctx.organization;
      if (!record) return undefined;
      if (rest.length === 2 && rest[0] === 'fields') return ownValue(record.fields, rest[1]!);
      return rest.length === 1 && rest[0] !== 'fields' ? ownValue(record, rest[0]!) : undefined;
    }
    case 'data': {
      let value: unknown = ctx.data;
      for (const key of rest) {
        if (value === null || typeof value !== 'object') return undefined;
        if (Array.isArray(value)) {
          if (!/^\d+$/.test(key)) return undefined;
          value = value[Number(key)];
        } else {
          if (FORBIDDEN_KEYS.has(key) || !hasOwn(value, key)) return undefined;
          value = (value as Record<string, unknown>)[key];
        }
      }
      return value;
    }
    default:
      return undefined;
  }
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A time from a field value: an ISO 8601 string, or null. A date alone is midnight UTC, and a
 * time without a zone is UTC too (never the server's zone: the result must not depend on where
 * it runs). Impossible dates (2026-02-30) are null rather than rolled over.
 */
export function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = ISO_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, time, , , zone] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (
    day.getUTCFullYear() !== Number(y) ||
    day.getUTCMonth() !== Number(mo) - 1 ||
    day.getUTCDate() !== Number(d)
  )
    return null;
  const t = Date.parse(!time ? `${value}T00:00:00Z` : zone ? value : `${value}Z`);
  // 9999-12-31T23:00-05:00 is in year 10000 in UTC, past any time the database stores.
  return Number.isNaN(t) || t > LAST_TIME ? null : new Date(t);
}

/** The last millisecond of year 9999 (UTC): later times are no time the database keeps. */
const LAST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A deadline from a field value (a commitment's `dueFrom`, an absence rule's `by`): a time as
 * timeOf reads it, except that a date alone is the end of that day: "delivery by 2026-12-01" is
 * kept by a delivery at any time on 1 December where the customer is, so it falls due as
 * 2 December begins in `zone` (an IANA name; see deadlineZoneOf), or in UTC without one (or with
 * an unknown one). timeOf's midnight UTC stays right for comparisons: `gte "2026-11-01"` is
 * "from 1 November on".
 */
export function deadlineOf(value: unknown, zone?: string | null): Date | null {
  const t = timeOf(value);
  if (!t || typeof value !== 'string' || value.length !== 10) return t;
  const where = zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
  const end = DateTime.fromISO(value, { zone: where }).plus({ days: 1 }).toJSDate();
  // The end of 9999-12-31 west of UTC is in year 10000, past any time the database stores.
  return end.getTime() > LAST_TIME ? null : end;
}

/**
 * Where a customer's date-only deadlines end: customerZone's chain (their own time zone, else that
 * of their agreement's business calendar, else the company's, else UTC; an unknown zone is passed
 * over), the one rule templates write times in, too.
 */
export function deadlineZoneOf(ctx: EventContext): string {
  return customerZone({ own: ctx.customer?.timeZone, calendar: ctx.agreementZone, company: ctx.companyZone });
}

/** Plain decimal notation only: "0x10", "Infinity" and "" are text, not numbers. */
const NUMERIC_TEXT = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const numberOf = (v: unknown): number | null =>
  typeof v === 'number'
    ? Number.isNaN(v)
      ? null
      : v
    : typeof v === 'string' && NUMERIC_TEXT.test(v)
      ? Number(v)
      : null;

function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return a === null || typeof a !== 'object';
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return false;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = numberOf(a);
    return x !== null && x === numberOf(b);
  }
  return String(a) === String(b);
}

function compare(actual: unknown, expected: unknown): number | null {
  if (typeof expected === 'string') {
    const a = timeOf(actual);
    const b = timeOf(expected);
    if (a && b) return a.getTime() - b.getTime();
  }
  const x = numberOf(actual);
  const y = numberOf(expected);
  return x === null || y === null ? null : x - y;
}

export function conditionHolds(cond: Condition, ctx: EventContext): boolean {
  const actual = readField(ctx, cond.field);
  const present = actual !== undefined && actual !== null;
  switch (cond.op) {
    case 'exists':
      return cond.value === false ? !present : present;
    case 'eq':
      return present && sameScalar(actual, cond.value);
    case 'neq':
      return !present || !sameScalar(actual, cond.value);
    case 'in':
      return present && Array.isArray(cond.value) && cond.value.some((v) => sameScalar(actual, v));
    case 'nin':
      return !present || !Array.isArray(cond.value) || !cond.value.some((v) => sameScalar(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => sameScalar(v, cond.value));
      return (
        typeof actual === 'string' &&
        cond.value !== null &&
        cond.value !== undefined &&
        actual.includes(String(cond.value))
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!present) return false;
      const d = compare(actual, cond.value);
      if (d === null) return false;
      return cond.op === 'gt' ? d > 0 : cond.op === 'gte' ? d >= 0 : cond.op === 'lt' ? d < 0 : d <= 0;
    }
  }
}

export const typesOf = (selector: EventSelector): string[] =>
  Array.isArray(selector.type) ? selector.type : [selector.type];

export function selectorMatches(selector: EventSelector, ctx: EventContext): boolean {
  if (!typesOf(selector).includes(ctx.type)) return false;
  return (selector.where ?? []).every((c) => conditionHolds(c, ctx));
}

export function inScope(scope: RuleScope | undefined, ctx: EventContext): boolean {
  if (!scope) return true;
  if (scope.segments?.length && !scope.segments.includes(ctx.customer?.segment ?? '')) return false;
  if (scope.agreements?.length && !scope.agreements.includes(ctx.agreementId ?? '')) return false;
  return true;
}

/** The ref a rule dedupes on: the configured one, or an absence rule's sameRef. */
export function dedupeRefOf(rule: RuleDefinition): string | null {
  if (rule.dedupe?.ref) return rule.dedupe.ref;
  return rule.kind === 'absence' ? rule.sameRef : null;
}

/**
 * One live signal per rule and this key. Threshold rules per organization dedupe on the
 * organization; the others on the customer. A rule with dedupe disabled gets a unique key
 * (the event's id), so every firing is its own signal.
 */
export function dedupeKeyOf(rule: RuleDefinition, ctx: EventContext): string {
  if (rule.dedupe && rule.dedupe.enabled === false) return `event:${ctx.id}`;
  const who =
    rule.kind === 'threshold' && rule.per === 'organization'
      ? `org:${ctx.organization?.id ?? '-'}`
      : `customer:${ctx.customer?.id ?? '-'}`;
  const ref = dedupeRefOf(rule);
  return ref ? `${who}|${ref}:${refValueOf(ctx, ref) ?? '-'}` : who;
}

export interface ExpectationTimes {
  /** When the wait ends and the rule fires. */
  dueAt: Date;
  /** When the promise itself falls due (the deadline of `by`); null for `within` waits. */
  promiseDueAt: Date | null;
}

/** When an absence rule's wait, started by this event, ends; null when the event has no deadline. */
export function expectationDue(rule: AbsenceRule, start: EventContext): ExpectationTimes | null {
  if (rule.within) {
    const ms = isoDurationMs(rule.within);
    if (ms === null) return null;
    // A wait of its own: no promise's due time is known beyond it.
    return { dueAt: new Date(start.occurredAt.getTime() + ms), promiseDueAt: null };
  }
  if (!rule.by) return null;
  const deadline = deadlineOf(readField(start, rule.by), deadlineZoneOf(start));
  if (!deadline) return null;
  const lead = rule.lead ? (isoDurationMs(rule.lead) ?? 0) : 0;
  return { dueAt: new Date(deadline.getTime() - lead), promiseDueAt: deadline };
}

/**
 * Why a starting event of an absence rule begins no wait: it lacks the shared ref (or it is
 * empty), or the deadline of `by` cannot be read. Null when it begins one.
 */
export function noWaitReason(rule: AbsenceRule, start: EventContext): string | null {
  if (!refValueOf(start, rule.sameRef)) return missingRef(rule.sameRef);
  if (rule.by) {
    const value = readField(start, rule.by);
    if (!deadlineOf(value, deadlineZoneOf(start))) return unreadableTime(rule.by, value);
  }
  return null;
}

/** A warning's words for an event without the ref a rule or commitment follows. */
export const missingRef = (key: string) => `the event has no refs.${key}`;

/** A warning's words for a field that should hold a time (ISO 8601) and does not. */
export function unreadableTime(path: string, value: unknown): string {
  if (value === undefined || value === null) return `${path} is missing`;
  const shown = JSON.stringify(value);
  return `${path} is not a time: ${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}`;
}

/** The ref value tying an absence rule's events, or null when the event lacks it. */
export const refValueOf = (ctx: EventContext, key: string): string | null =>
  hasOwn(ctx.refs, key) ? (ctx.refs[key] ?? null) : null;
