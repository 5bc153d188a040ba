// Shapes shared by the API, the OpenAPI document and the web UI.
import { z } from 'zod';
import '../zod-messages.js';

export const LIMITS = {
  name: 200,
  email: 254,
  phone: 40,
  notes: 20_000,
  externalId: 200,
  customFieldKeys: 50,
  customFieldValue: 2_000,
  domains: 50,
  search: 200,
  pageDefault: 50,
  pageMax: 500,
  password: { min: 8, max: 256 },
  subject: 300,
  messageBody: 100_000,
} as const;

const BAD_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * Text PostgreSQL cannot store: NUL (refused by text and jsonb) and unpaired surrogates (refused by
 * jsonb; a text column would silently turn them into U+FFFD).
 */
export const badText = (s: string) => s.includes('\u0000') || BAD_SURROGATE.test(s);
export const BAD_TEXT = 'must not contain NUL characters or unpaired surrogates';

/**
 * Where in a JSON value (path of keys and indexes) the first text PostgreSQL cannot store is, or
 * null. Iterative: hostile nesting cannot overflow the stack. `skip` names a top-level key not to
 * look in. Binary data (a Buffer: an uploaded file's bytes) is not walked, so its bytes are not
 * visited one by one.
 */
export function badTextPath(value: unknown, skip?: string): (string | number)[] | null {
  interface Node {
    value: unknown;
    key: string | number | null;
    parent: Node | null;
  }
  const pathOf = (n: Node | null, last?: string) => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = n; at && at.key !== null; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Node[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (badText(v)) return pathOf(node);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], key: i, parent: node });
    } else if (v !== null && typeof v === 'object') {
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
      for (const key in v) {
        if (!Object.hasOwn(v, key) || (node.parent === null && key === skip)) continue;
        if (badText(key)) return pathOf(node, key);
        stack.push({ value: (v as Record<string, unknown>)[key], key, parent: node });
      }
    }
  }
  return null;
}

/**
 * A record's id. Read lower-case: PostgreSQL compares UUIDs whatever their case, so an id written
 * in capitals finds the same row, and every check that compares ids in code must see it as the
 * row's own (an admin's own id in capitals is still their own).
 */
export const Id = z
  .uuid({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a UUID') })
  .toLowerCase();

export const IsoDateTime = z.iso
  .datetime({ offset: false })
  // The calendar has no year 0 (PostgreSQL refuses it); four digits end at 9999.
  .refine((v) => !v.startsWith('0000'), 'there is no year 0000')
  .describe('ISO 8601 UTC time, e.g. 2026-11-23T09:00:00.000Z');

export const CustomFieldKey = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,62}$/,
    'custom field keys start with a letter: letters, digits, _ (max 63)',
  );

export const CustomFieldValue = z.union([
  z.string().max(LIMITS.customFieldValue),
  z.number(),
  z.boolean(),
  z.null(),
]);

export const CustomFields = z
  .record(CustomFieldKey, CustomFieldValue)
  .refine((r) => Object.keys(r).length <= LIMITS.customFieldKeys, {
    message: `at most ${LIMITS.customFieldKeys} custom fields`,
  });
export type CustomFields = z.infer<typeof CustomFields>;

export const SegmentKey = z
  .string()
  // Empty: one message, not also the pattern's.
  .min(1, { error: 'is required', abort: true })
  .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'segment keys are lower-case letters, digits, - and _ (max 50)');

/**
 * Line breaks, tabs and other vertical white space in a one-line field become a space: names and
 * subjects are shown on one line and go into mail headers (a CSV cell or a pasted text may carry them).
 */
export const oneLine = (s: string) => s.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ');
/** A one-line text field: line breaks become spaces, then trimmed. */
export const OneLineText = () => z.string().overwrite(oneLine).trim();

export const Name = OneLineText().min(1, 'is required').max(LIMITS.name);

export const Email = z
  .string()
  .trim()
  .max(LIMITS.email)
  .pipe(z.email({ message: 'must be an e-mail address' }))
  .transform((e) => e.toLowerCase());

const zoneCache = new Map<string, boolean>();
export function isTimeZone(tz: string): boolean {
  let ok = zoneCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      ok = tz.length <= 64;
    } catch {
      ok = false;
    }
    zoneCache.set(tz, ok);
  }
  return ok;
}
export const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export const Language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or de-CH');

/**
 * A phone number in international format (E.164 as people write it): a leading +, the country
 * code and the number, 7 to 15 digits in all (the shortest numbers in use, e.g. Niue's
 * +683 4002, have 7), with spaces, dashes, dots, slashes and parentheses between them.
 */
export function isInternationalPhone(text: string): boolean {
  if (!/^\+[0-9 ()./-]+$/.test(text)) return false;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 && digits[0] !== '0';
}
export const PHONE_MESSAGE = 'must be in international format: + and the country code, e.g. +49 30 5550100';

export const Phone = z.string().trim().max(LIMITS.phone).refine(isInternationalPhone, PHONE_MESSAGE);

export const Limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(LIMITS.pageMax)
  .default(LIMITS.pageDefault)
  .describe(`page size, default ${LIMITS.pageDefault}, max ${LIMITS.pageMax}`);

/** A whole number from `min` to `max`, every refusal worded as `message` (what a form shows at its field). */
export const WholeNumber = (min: number, max: number, message: string) =>
  z.number({ error: message }).int(message).min(min, message).max(max, message);

export const Cursor = z.string().max(500).describe('opaque cursor from the previous page');

export const BooleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** At most this many items in one comma list of a query parameter. */
export const MAX_COMMA_ITEMS = 20;

/**
 * A query parameter that takes several values, comma-separated (`?status=open,pending`), as every
 * list reads it: each item trimmed, empty items dropped (`open,`, `open,,pending`), each value
 * once (as `item` parses it: `VIP,vip` is one tag). A list with no item left (`?status=,`) is the
 * parameter not given, as an empty one is (app.ts). An item `item` refuses fails the parameter,
 * naming it; for a fixed set of values (z.enum) the message lists those allowed. The parameter
 * repeated (`?status=open&status=pending`) is the same list as its values comma-joined.
 */
export function commaList<T extends z.ZodType<string, string>>(item: T, max = MAX_COMMA_ITEMS) {
  const allowed = item instanceof z.ZodEnum ? (item.options as string[]) : undefined;
  // A repeated parameter (`?status=open&status=pending`) arrives as an array: the same list.
  const joined = (value: unknown) => (Array.isArray(value) ? value.join(',') : value);
  const list = z
    .string()
    .max(1000)
    .transform((list, ctx): z.output<T>[] | undefined => {
      const values: z.output<T>[] = [];
      for (const raw of list.split(',')) {
        const text = raw.trim();
        if (!text) continue;
        const parsed = item.safeParse(text);
        if (!parsed.success) {
          const message = allowed
            ? `unknown value ${JSON.stringify(text)}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
            : `${JSON.stringify(text)}: ${parsed.error.issues[0]?.message ?? 'is not allowed'}`;
          ctx.addIssue({ code: 'custom', message, input: text });
          return z.NEVER;
        }
        if (!values.includes(parsed.data)) values.push(parsed.data);
      }
      if (values.length > max) {
        ctx.addIssue({ code: 'custom', message: `must have at most ${max} values`, input: list });
        return z.NEVER;
      }
      return values.length ? values : undefined;
    });
  return z
    .preprocess(joined, list)
    .describe(
      allowed
        ? `one or more of ${allowed.join(', ')}; comma-separated (or the parameter repeated)`
        : 'one or more, comma-separated (or the parameter repeated)',
    );
}

export const Search = z.string().trim().min(1).max(LIMITS.search);

/** What a zone parameter defaults to: the caller's zone (see timeZoneOf). */
export const YOUR_ZONE =
  'your own time zone (chosen in your notification settings), else the company’s (Settings), else UTC';

/** Exports take a list's filters, not its paging, and write times local to a zone. */
export const ExportTimeZone = TimeZone.optional().describe(
  `times are written as YYYY-MM-DD HH:MM:SS in this IANA time zone (default: ${YOUR_ZONE}); the answer names it in the header x-steward-time-zone`,
);

/** What an export leaves out of its list's query: `List.omit(PAGING).extend({ timezone: ExportTimeZone })`. */
export const PAGING = { limit: true, cursor: true, includeTotal: true } as const;

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    total: z.number().int().optional(),
  });
}

export const IdParams = z.strictObject({ id: Id });
