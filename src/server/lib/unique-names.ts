// Names that tell records apart in every picker: a live team, calendar, agreement, organization
// or signal rule is refused a name another live one of its kind has, in any case. The service
// checks first, for a clear answer; a unique index on lower(name) over the live rows
// (`<table>_name_live_uq`) settles two admins naming two records alike at one moment, with the
// same answer.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client.js';
import { translateDbError } from './db-errors.js';
import { conflict } from './errors.js';

export interface UniqueNames {
  table: 'teams' | 'calendars' | 'agreements' | 'organizations' | 'signal_rules';
  /** How the answer names the kind: `a team named "Billing" exists already`. */
  noun: string;
  /** The machine-readable code of the 409. */
  code: string;
}

export const TEAM_NAMES: UniqueNames = { table: 'teams', noun: 'team', code: 'team_exists' };
export const CALENDAR_NAMES: UniqueNames = { table: 'calendars', noun: 'calendar', code: 'calendar_exists' };
export const AGREEMENT_NAMES: UniqueNames = {
  table: 'agreements',
  noun: 'agreement',
  code: 'agreement_exists',
};
export const ORGANIZATION_NAMES: UniqueNames = {
  table: 'organizations',
  noun: 'organization',
  code: 'organization_exists',
};
export const RULE_NAMES: UniqueNames = { table: 'signal_rules', noun: 'signal rule', code: 'rule_exists' };

const nameExists = (kind: UniqueNames, name: string) =>
  conflict(kind.code, `a ${kind.noun} named "${name}" exists already`);

/** Refuses `name` while another live record of the kind (not `exceptId`) has it, in any case. */
export async function assertNameFree(db: Database, kind: UniqueNames, name: string, exceptId?: string) {
  const [taken] = await rows<{ name: string }>(
    db,
    sql`select name from ${sql.identifier(kind.table)}
      where deleted_at is null and lower(name) = lower(${name.trim()})
      ${exceptId ? sql`and id <> ${exceptId}` : sql``} limit 1`,
  );
  if (taken) throw nameExists(kind, taken.name);
}

/** The kind's unique index and the answer when it refuses a write (a name taken meanwhile). */
export const nameIndexAnswer = (kind: UniqueNames, name: string) => ({
  [`${kind.table}_name_live_uq`]: nameExists(kind, name.trim()),
});

/** The answer for a write the kind's unique index refused; other errors as translateDbError has them. */
export const nameTakenMeanwhile = (err: unknown, kind: UniqueNames, name: string) =>
  translateDbError(err, nameIndexAnswer(kind, name));
