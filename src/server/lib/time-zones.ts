// Time zones as the database knows them: zod checks a zone against the runtime's list (Intl),
// but times are turned local in SQL too (`at time zone`), and the two lists may differ.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { badRequest } from './errors.js';

/** Refuses (400 validation_error at `path`, e.g. `body.timeZone`) a zone PostgreSQL does not know. */
export async function assertKnownTimeZone(db: Database, zone: string, path: string): Promise<void> {
  const [known] = await rows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from pg_timezone_names where name = ${zone}) as ok`,
  );
  const message = 'not a time zone this server knows';
  if (!known?.ok) throw badRequest('validation_error', `${path}: ${message}`, [{ path, message }]);
}
