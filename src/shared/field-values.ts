// Pure: custom field values checked against their definitions, and text (a CSV cell, a form's
// input) read as typed values. Shared: the server checks with it, the web forms too.
import type { CustomFieldType } from './schemas/fields.js';

/** What a definition says about its values (a row of custom_field_definitions, or its DTO). */
export interface FieldShape {
  key: string;
  type: CustomFieldType;
  options: string[] | null;
}
type Shape = FieldShape;

export const MAX_TEXT_VALUE = 2000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(v));

/** What a field of this definition holds, said the way an error message needs it. */
export function expectedValue(def: Shape): string {
  if (def.type === 'select') return `one of ${(def.options ?? []).join(', ')}`;
  if (def.type === 'date') return 'a date YYYY-MM-DD';
  if (def.type === 'boolean') return 'true or false';
  return def.type === 'text' ? `a text (at most ${MAX_TEXT_VALUE} characters)` : 'a number';
}

/** Whether `value` (not null: null clears any field) fits the definition. */
export function fitsDefinition(def: Shape, value: unknown): boolean {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_VALUE;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && isDate(value);
    case 'select':
      return typeof value === 'string' && (def.options ?? []).includes(value);
  }
}

export interface IssueOptions {
  /** Keys with no definition: refused (cases), or kept as free-form values (customers, organizations). */
  unknown: 'reject' | 'allow';
  /** The values the record had: only keys whose value changes are checked (an old value may stay). */
  before?: Record<string, unknown>;
  path?: string;
}

/** The problems of `values` against the definitions (unknown keys, wrong types). */
export function customFieldIssues(
  defs: Shape[],
  values: Record<string, unknown>,
  { unknown, before, path = 'body.customFields' }: IssueOptions,
): { path: string; message: string }[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const issues: { path: string; message: string }[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === null || (before && Object.is(before[key], value))) continue;
    const def = byKey.get(key);
    if (!def) {
      if (unknown === 'reject') issues.push({ path: `${path}.${key}`, message: 'no such custom field' });
      continue;
    }
    if (!fitsDefinition(def, value))
      issues.push({ path: `${path}.${key}`, message: `must be ${expectedValue(def)}` });
  }
  return issues;
}

/** Required fields must have a value before a case is solved. */
export function missingRequired(
  defs: (FieldShape & { required: boolean })[],
  values: Record<string, unknown>,
): string[] {
  return defs
    .filter(
      (d) => d.required && (values[d.key] === undefined || values[d.key] === null || values[d.key] === ''),
    )
    .map((d) => d.key);
}

const YES_NO: Record<string, boolean> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};

/** A yes/no cell: true, yes, 1 / false, no, 0 (any case); undefined for anything else. */
export const parseYesNo = (text: string): boolean | undefined => YES_NO[text.trim().toLowerCase()];

/**
 * A CSV cell (not empty) as the value a field of this definition holds: a number, true/false, a
 * date, the option as it is spelled in the definition (any case matches), or why it cannot be.
 */
export function parseFieldText(
  def: Shape,
  text: string,
): { value: string | number | boolean } | { error: string } {
  const t = text.trim();
  const fail = { error: `must be ${expectedValue(def)}` };
  switch (def.type) {
    case 'text':
      return t.length <= MAX_TEXT_VALUE ? { value: t } : fail;
    case 'number': {
      const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
      return Number.isFinite(n) ? { value: n } : fail;
    }
    case 'boolean': {
      const b = parseYesNo(t);
      return b === undefined ? { error: 'must be true or false (yes/no, 1/0)' } : { value: b };
    }
    case 'date':
      return isDate(t) ? { value: t } : fail;
    case 'select': {
      const option = (def.options ?? []).find((o) => o.toLowerCase() === t.toLowerCase());
      return option === undefined ? fail : { value: option };
    }
  }
}

/** A list filter `key:value` (see `FieldFilter`) as [key, value]; the value "" means "not set". */
export function splitFieldFilter(filter: string): [key: string, value: string] {
  const at = filter.indexOf(':');
  return [filter.slice(0, at), filter.slice(at + 1).trim()];
}
