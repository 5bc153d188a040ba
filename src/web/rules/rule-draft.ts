// The rule editor's model: the rule definition as plain JSON (the "draft"), exactly what the JSON
// view shows and what is sent, so the form and the JSON view can never disagree. Form inputs read
// and write paths in it; text inputs convert with the parse/format pairs here. Validation is the
// shared RuleDefinition schema, run on the draft as it is.
import type { z } from 'zod';
import { RULE_KINDS } from '../../shared/schemas/rules.js';

export type Draft = Record<string, unknown>;
export type Path = readonly (string | number)[];
export type RuleKind = (typeof RULE_KINDS)[number];

export const pathKey = (path: Path) => path.map(String).join('.');

export function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * A copy of `root` with `value` at `path`, creating objects and arrays on the way; `undefined`
 * removes an object key (the JSON view then does not show `"x": undefined`).
 */
export function setAt<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const base: unknown = root ?? (typeof head === 'number' ? [] : {});
  const child = setAt((base as Record<string | number, unknown>)[head], rest, value);
  if (Array.isArray(base)) {
    const copy = [...(base as unknown[])];
    copy[head as number] = child;
    return copy as T;
  }
  const copy = { ...(base as Record<string, unknown>) };
  if (child === undefined) delete copy[head as string];
  else copy[head as string] = child;
  return copy as T;
}

/** Same JSON, the test the JSON view and buffered inputs use to see whether anything changed. */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const KIND_KEYS: Record<RuleKind, string[]> = {
  match: ['when'],
  absence: ['after', 'expect', 'sameRef', 'within', 'by', 'lead'],
  threshold: ['when', 'count', 'window', 'per'],
};

const KIND_DEFAULTS: Record<RuleKind, Draft> = {
  match: { when: { type: '' } },
  absence: { after: { type: '' }, expect: { type: '' }, sameRef: '', within: 'PT48H' },
  threshold: { when: { type: '' }, count: 3, window: 'P30D', per: 'customer' },
};

export const isRuleKind = (k: unknown): k is RuleKind => (RULE_KINDS as readonly unknown[]).includes(k);

export function newDraft(kind: RuleKind = 'absence'): Draft {
  return {
    name: '',
    kind,
    severity: 'medium',
    enabled: true,
    ...structuredClone(KIND_DEFAULTS[kind]),
    actions: [],
  };
}

/** The fields only `kind` has, to keep aside when switching away and bring back on return. */
export function kindPart(draft: Draft, kind: RuleKind): Draft {
  return Object.fromEntries(Object.entries(draft).filter(([k]) => KIND_KEYS[kind].includes(k)));
}

/**
 * The draft as another kind: the common fields stay, the watched events carry over (a match's
 * `when` becomes an absence's `after` and back), and what the new kind had before (`stash`) or
 * its defaults fill the rest. Keys neither kind knows stay, so the schema still reports them.
 */
export function switchKind(draft: Draft, to: RuleKind, stash?: Draft): Draft {
  const from = isRuleKind(draft.kind) ? draft.kind : undefined;
  const rest: Draft = {};
  for (const [k, v] of Object.entries(draft)) {
    if (k === 'kind' || (from && KIND_KEYS[from].includes(k))) continue;
    rest[k] = v;
  }
  const own: Draft = { ...structuredClone(KIND_DEFAULTS[to]), ...structuredClone(stash ?? {}) };
  const selector = draft.when ?? draft.after;
  if (selector !== undefined) own[to === 'absence' ? 'after' : 'when'] = selector;
  const { name, description, severity, enabled, actions, ...others } = rest;
  const next: Draft = { name, description, kind: to, severity, enabled, ...own, ...others, actions };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  return next;
}

// ---- text conversions ---------------------------------------------------------------------------

/** "shipment.scanned, shipment.delivered" -> one type, or a list of several. */
export function parseTypes(text: string): string | string[] {
  const list = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return list.length === 1 ? list[0]! : list.length === 0 ? '' : list;
}
export function formatTypes(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? value : '';
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** A typed value: numbers, true, false and null are themselves; "quoted" text stays text. */
export function parseScalar(text: string): string | number | boolean | null {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      return JSON.parse(t) as string;
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}
export function formatScalar(value: unknown): string {
  if (typeof value === 'string') {
    // Text that would read back as something else is shown quoted.
    return NUMBER.test(value.trim()) ||
      ['true', 'false', 'null'].includes(value.trim()) ||
      value.includes(',')
      ? JSON.stringify(value)
      : value;
  }
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** Splits on commas outside "quotes". */
function splitList(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

export const LIST_OPS = ['in', 'nin'];

export function parseConditionValue(text: string, op: string): unknown {
  if (op === 'exists') return text === '' ? undefined : text === 'true';
  if (LIST_OPS.includes(op)) return text.trim() === '' ? [] : splitList(text).map(parseScalar);
  return text.trim() === '' ? undefined : parseScalar(text);
}
export function formatConditionValue(value: unknown, op: string): string {
  if (op === 'exists') return value === undefined ? '' : String(value);
  if (Array.isArray(value)) return value.map(formatScalar).join(', ');
  return formatScalar(value);
}

/** The value a condition keeps when its operator changes (one value <-> a list <-> nothing). */
export function convertValue(value: unknown, from: string, to: string): unknown {
  if (to === 'exists') return undefined;
  const wasList = LIST_OPS.includes(from);
  const isList = LIST_OPS.includes(to);
  if (isList && !wasList) return value === undefined || from === 'exists' ? [] : [value];
  if (!isList && wasList) return Array.isArray(value) ? value[0] : undefined;
  return from === 'exists' ? undefined : value;
}

// ---- messages -----------------------------------------------------------------------------------

/** The schema's message, in words for people where zod's defaults are terse. */
export function messageOf(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & {
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    expected?: string;
  };
  if (issue.code === 'too_small' && i.origin === 'string' && Number(i.minimum) === 1) return 'is required';
  if (issue.code === 'too_small' && i.origin === 'number') return `must be at least ${String(i.minimum)}`;
  if (issue.code === 'too_big' && i.origin === 'number') return `must be at most ${String(i.maximum)}`;
  if (issue.code === 'too_big' && i.origin === 'string')
    return `must be at most ${String(i.maximum)} characters`;
  if (issue.code === 'too_big' && i.origin === 'array') return `at most ${String(i.maximum)}`;
  if (issue.code === 'too_small' && i.origin === 'array') return `give at least ${String(i.minimum)}`;
  if (issue.code === 'invalid_type' && i.expected === 'number') return 'must be a number';
  if (issue.code === 'invalid_type' && i.input === undefined) return 'is required';
  return issue.message;
}

export type PathErrors = Partial<Record<string, string>>;

export function errorsOf(issues: readonly z.core.$ZodIssue[]): PathErrors {
  const errors: PathErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_form';
    errors[key] ??= messageOf(issue);
  }
  return errors;
}
