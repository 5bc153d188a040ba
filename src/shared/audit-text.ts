// The audit log in words, for its page and its CSV file alike: an event code as a phrase
// ("case.updated" → "Case updated"), a record kind ("signal_rule" → "Signal rule"), and a change's
// data as "Field: from → to" lines, with the ids it holds named ("Members: Ava Agent, Ben Lee").
// Pure: the reader's time format and the names of the records (read set-based by the server,
// `idsInChange`) are given.

import { businessSpan } from './spans.js';

/** The words of a topic or record kind where humanizing its key would not do. */
const TOPIC_WORDS: Record<string, string> = {
  api_token: 'API token',
  auth: 'Sign-in',
  events: 'Events',
  kb_article: 'Knowledge base article',
  kb_category: 'Knowledge base category',
  rule: 'Signal rule',
  view: 'Saved view',
};

/** "organizationAccess" → "Organization access", "on_hold" → "On hold". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A record kind (an audit entry's entityType) in words: "signal_rule" → "Signal rule". */
export const recordKindLabel = (entityType: string) => TOPIC_WORDS[entityType] ?? humanizeKey(entityType);

/** An event code in words: "case.promise_breached" → "Case promise breached". */
export function eventLabel(type: string): string {
  const dot = type.indexOf('.');
  if (dot < 0) return humanizeKey(type);
  const what = type.slice(dot + 1).replace(/_/g, ' ');
  return `${recordKindLabel(type.slice(0, dot))} ${what}`;
}

/** The words of a field where humanizing its key would not do. */
const FIELD_WORDS: Record<string, string> = {
  externalId: 'External ID',
};

/** A field of a change: a reference by what it names ("assigneeId" → "Assignee", "memberIds" → "Members"). */
export function fieldLabel(field: string): string {
  if (FIELD_WORDS[field]) return FIELD_WORDS[field];
  const ref = /^(.+[a-z])Ids?$/.exec(field);
  if (!ref) return humanizeKey(field);
  return humanizeKey(ref[1]!) + (field.endsWith('Ids') ? 's' : '');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An ISO time as the API writes it (2026-12-08T13:00:00.000Z). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;
/** A code such as on_hold or side_conversation (lower-case words joined by underscores). */
const CODE = /^[a-z]+(_[a-z]+)+$/;

export interface AuditTextOptions {
  /** A time as the reader's other times are written (the page's locale, the file's zone). */
  time: (iso: string) => string;
  /** Minutes (a field named …Minutes) as a span: "1 h 30 min". */
  minutes?: (n: number) => string;
  /** Names of the records the change's ids point at, by id (an id not here is written as it is). */
  names?: Readonly<Record<string, string>>;
  /** A record's own words for some of its fields ("domains" → "E-mail domains"); else `fieldLabel`. */
  labels?: Readonly<Record<string, string>>;
}

/** Minutes as a span, without the locale's digit grouping: "45 min", "1 h 30 min", "1500 h". */
const minutesSpan = (minutes: number): string => businessSpan(minutes, ' ');

const isChanges = (v: unknown): v is Record<string, { from: unknown; to: unknown }> =>
  !!v &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.values(v).every((c) => !!c && typeof c === 'object' && 'from' in c && 'to' in c);

/** The values a change shows: an update's from and to per field, and its other fields' values. */
function shownValues(data: Record<string, unknown>): unknown[] {
  const { changes, ...rest } = data;
  if (!isChanges(changes)) return Object.values(data);
  return [...Object.values(changes).flatMap((c) => [c.from, c.to]), ...Object.values(rest)];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** The ids a change shows (a value, a list's items, an object's fields): the records whose names it wants. */
export function idsInChange(data: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string' && UUID.test(v)) ids.add(v.toLowerCase());
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isPlainObject(v)) Object.values(v).forEach(visit);
  };
  shownValues(data).forEach(visit);
  return [...ids];
}

/** Fields whose values are segment keys (a customer's `segment`, an agreement's `scopeSegment`). */
const SEGMENT_FIELD = /^(segment|scopeSegment)$/;
/** Where `names` holds a segment's name: segments are referred to by key, not id. */
export const segmentNameKey = (key: string) => `segment:${key}`;

/** The segment keys a change shows (under a segment field, changed or given): their names are wanted too. */
export function segmentKeysInChange(data: Record<string, unknown>): string[] {
  const { changes, ...rest } = data;
  const values = [
    ...(isChanges(changes)
      ? Object.entries(changes).flatMap(([k, c]) => [[k, c.from] as const, [k, c.to] as const])
      : []),
    ...Object.entries(isChanges(changes) ? rest : data),
  ];
  const keys = values
    .filter(([field, v]) => SEGMENT_FIELD.test(field) && typeof v === 'string')
    .map(([, v]) => v as string);
  return [...new Set(keys)];
}

/**
 * A value in the reader's words: an id by the name of its record, a segment key by its segment's name, times as the reader's other
 * times, yes and no, codes in words ("on hold"), a list of texts as a list, minutes as a span,
 * an object's fields as "Field: value" (custom fields, a query), nothing (an empty list or object
 * too) as a dash, else compact JSON.
 */
export function auditValue(v: unknown, field: string, opts: AuditTextOptions): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') {
    if (SEGMENT_FIELD.test(field)) return opts.names?.[segmentNameKey(v)] ?? v;
    if (UUID.test(v)) return opts.names?.[v.toLowerCase()] ?? v;
    return ISO_TIME.test(v) ? opts.time(v) : CODE.test(v) ? v.replace(/_/g, ' ') : v;
  }
  if (typeof v === 'number' && /Minutes$/.test(field)) return (opts.minutes ?? minutesSpan)(v);
  if (Array.isArray(v) && v.length === 0) return '—';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string'))
    return v.map((x) => auditValue(x, field, opts)).join(', ');
  if (isPlainObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return '—';
    return entries.map(([k, x]) => `${humanizeKey(k)}: ${auditValue(x, k, opts)}`).join(', ');
  }
  return JSON.stringify(v);
}

export interface ChangeLine {
  /** The data's own key (stable: a test or a key for React). */
  key: string;
  label: string;
  /** "from → to" for a changed field, else the value. */
  text: string;
}

/**
 * What a change recorded, one line a field: an update's changed fields as "from → to", then
 * the rest of its data (a reason, a count, a created record's fields) as values.
 */
export function changeLines(data: Record<string, unknown>, opts: AuditTextOptions): ChangeLine[] {
  const { changes, ...rest } = data;
  const fields = isChanges(changes) ? changes : {};
  const others = isChanges(changes) ? rest : data;
  return [
    ...Object.entries(fields).map(([key, c]) => ({
      key: `changed-${key}`,
      label: opts.labels?.[key] ?? fieldLabel(key),
      text: `${auditValue(c.from, key, opts)} → ${auditValue(c.to, key, opts)}`,
    })),
    ...Object.entries(others).map(([key, v]) => ({
      key,
      label: opts.labels?.[key] ?? fieldLabel(key),
      text: auditValue(v, key, opts),
    })),
  ];
}

/** A change as one line of text: "Status: open → solved; Assignee: Ava Agent → Ben Lee". */
export const changeText = (data: Record<string, unknown>, opts: AuditTextOptions) =>
  changeLines(data, opts)
    .map((l) => `${l.label}: ${l.text}`)
    .join('; ');
