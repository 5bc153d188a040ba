// Message templates of rule actions: `{{customer.name}}`, `{{refs.orderId}}`, `{{data.promisedAt}}`,
// `{{rule.name}}`, `{{signal.dueAt}}`. A placeholder reads a dotted path in the variables; a
// missing value renders as the fallback ("" by default) so a template never fails at send time.
// Objects render as JSON, times (Date) as ISO 8601. No HTML escaping: the output is plain text.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;

export function lookup(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function show(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTemplate(template: string, vars: Record<string, unknown>, fallback = ''): string {
  return template.replace(PLACEHOLDER, (_, path: string) => show(lookup(vars, path)) ?? fallback);
}

/** The placeholders a template names, for the rule editor's hints and validation. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}
