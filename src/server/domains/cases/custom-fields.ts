// Typed, admin-defined custom fields on cases: values are checked against their definitions.
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';
import type { ErrorDetail } from '../../lib/errors.js';
import { unprocessable } from '../../lib/errors.js';
import { customFieldDefinitions } from './cases.table.js';

export type Definition = typeof customFieldDefinitions.$inferSelect;

export const loadDefinitions = (db: Database) =>
  db.select().from(customFieldDefinitions).where(eq(customFieldDefinitions.active, true));

/** Pure: the problems of `values` against the definitions (unknown keys, wrong types). */
export function customFieldIssues(defs: Definition[], values: Record<string, unknown>): ErrorDetail[] {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const issues: ErrorDetail[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = `body.customFields.${key}`;
    const def = byKey.get(key);
    if (!def) {
      issues.push({ path, message: 'no such custom field' });
      continue;
    }
    if (value === null) continue;
    const ok =
      def.type === 'text'
        ? typeof value === 'string' && value.length <= 2000
        : def.type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : def.type === 'boolean'
            ? typeof value === 'boolean'
            : def.type === 'date'
              ? typeof value === 'string' &&
                /^\d{4}-\d{2}-\d{2}$/.test(value) &&
                !Number.isNaN(Date.parse(value))
              : typeof value === 'string' && (def.options ?? []).includes(value);
    if (!ok) {
      const expected =
        def.type === 'select'
          ? `one of ${(def.options ?? []).join(', ')}`
          : def.type === 'date'
            ? 'a date YYYY-MM-DD'
            : `a ${def.type}`;
      issues.push({ path, message: `must be ${expected}` });
    }
  }
  return issues;
}

/** Required fields must have a value before a case is solved. */
export function missingRequired(defs: Definition[], values: Record<string, unknown>): string[] {
  return defs
    .filter(
      (d) => d.required && (values[d.key] === undefined || values[d.key] === null || values[d.key] === ''),
    )
    .map((d) => d.key);
}

export async function assertCustomFields(db: Database, values: Record<string, unknown> | undefined) {
  if (!values || Object.keys(values).length === 0) return;
  const issues = customFieldIssues(await loadDefinitions(db), values);
  if (issues.length > 0)
    throw unprocessable('invalid_custom_field', `${issues[0]!.path}: ${issues[0]!.message}`, issues);
}
