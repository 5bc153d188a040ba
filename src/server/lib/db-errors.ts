// Turns constraint violations the database reports into the 409/422 a client can act on.
// Services check first for clear messages; this catches the race where two requests pass the check.
import { AppError } from './errors.js';

interface PgError {
  code?: string;
  constraint?: string;
}

function pgErrorOf(err: unknown): PgError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const candidate = e as PgError;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
  }
  return undefined;
}

export function translateDbError(err: unknown, constraints: Record<string, AppError> = {}): unknown {
  const pgErr = pgErrorOf(err);
  if (!pgErr) return err;
  if (pgErr.constraint && constraints[pgErr.constraint]) return constraints[pgErr.constraint];
  switch (pgErr.code) {
    case '23505':
      return new AppError(
        409,
        'conflict',
        `a record with the same unique value exists (${pgErr.constraint ?? 'unique'})`,
      );
    case '23503':
      return new AppError(
        422,
        'invalid_reference',
        `a referenced record does not exist (${pgErr.constraint ?? 'foreign key'})`,
      );
    case '22P02':
    case '22007':
    case '22008':
      return new AppError(400, 'validation_error', 'a value has the wrong format');
    // A value the database cannot compare or store (a tampered cursor's time: an offset of +16 h,
    // an unknown zone, a number past bigint), never one Steward writes itself.
    case '22003': // numeric value out of range
    case '22009': // time zone displacement out of range
    case '22023': // invalid parameter value (an unknown time zone)
      return new AppError(400, 'validation_error', 'a value is out of range');
    case '22021': // invalid byte sequence (NUL in text)
    case '22P05': // untranslatable character (NUL or an unpaired surrogate in jsonb)
      return new AppError(400, 'invalid_text', 'text must not contain NUL characters or unpaired surrogates');
    case '40001':
    case '40P01':
      return new AppError(409, 'retry', 'the change collided with another one; try again');
    default:
      return err;
  }
}

export const isUniqueViolation = (err: unknown) => pgErrorOf(err)?.code === '23505';
/** The SQLSTATE of a database error (also one wrapped by the driver or Drizzle), if it is one. */
const pgErrorCode = (err: unknown) => pgErrorOf(err)?.code;

/**
 * Runs a query that reads times in `timezone`. A zone the request's schema let through but the
 * database does not know (22023) is a 400 on `query.timezone`, not a 500.
 */
export async function inTimeZone<T>(timezone: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (pgErrorCode(err) !== '22023') throw err;
    const message = `the database does not know the time zone "${timezone}"`;
    throw new AppError(400, 'validation_error', `query.timezone: ${message}`, [
      { path: 'query.timezone', message },
    ]);
  }
}
