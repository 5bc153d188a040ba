// The words of validation errors, for the API's answers and the web forms alike: "is required"
// (missing or empty alike), "must be at most 200 characters", instead of zod's own technical English
// ("Invalid input: expected string, received undefined"). A message a schema gives itself wins;
// what is not listed here keeps zod's wording. Installed once, by importing this module
// (shared/schemas/common.ts does).
import { z, type core } from 'zod';

type Issue = core.$ZodRawIssue;

const WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  // z.record: to whoever sends JSON, a record is an object too ("must be record" puzzled them).
  record: 'an object',
};

const plural = (n: number | bigint, one: string, many: string) => `${n} ${Number(n) === 1 ? one : many}`;

export function validationMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const n = issue.minimum;
      if (issue.origin === 'string')
        return Number(n) <= 1 ? 'is required' : `must be at least ${plural(n, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must have at least ${plural(n, 'item', 'items')}`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
      return undefined;
    }
    case 'too_big': {
      const n = issue.maximum;
      if (issue.origin === 'string') return `must be at most ${plural(n, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must have at most ${plural(n, 'item', 'items')}`;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
      return undefined;
    }
    case 'invalid_format':
      // zod says "Invalid ISO datetime" for a time in another zone as for no time at all.
      if (issue.format === 'datetime')
        return String(issue.pattern ?? '').includes('[+-]')
          ? 'must be an ISO 8601 time, e.g. 2026-11-23T09:00:00.000Z'
          : 'must be an ISO 8601 time in UTC, ending in Z, e.g. 2026-11-23T09:00:00.000Z';
      if (issue.format === 'date') return 'must be a date YYYY-MM-DD, e.g. 2026-11-23';
      return undefined;
    case 'invalid_value':
      return issue.values.length <= 12
        ? `must be one of ${issue.values.map((v: unknown) => JSON.stringify(v)).join(', ')}`
        : 'is not one of the values allowed';
    default:
      return undefined;
  }
}

z.config({ customError: validationMessage });
