// Records staff keep for themselves or share (queue views, reply templates): an owner means
// personal; no owner means shared, with every agent or, with a team, with that team's members.
// Admins see every team's shared records, to look after them, and alone change shared ones.
import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Actor } from '../lib/actor.js';
import { isAdmin } from '../lib/actor.js';
import { forbidden, unprocessable } from '../lib/errors.js';

const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Rows someone may use: their own, the shared ones for every agent, and those of a team they are in. */
export function visibleShared(actor: Actor, cols: { ownerId: AnyPgColumn; teamId: AnyPgColumn }): SQL {
  const me = actor.userId ?? NOBODY;
  return or(
    eq(cols.ownerId, me),
    and(
      isNull(cols.ownerId),
      isAdmin(actor)
        ? undefined
        : sql`(${cols.teamId} is null or ${cols.teamId} in (select team_id from team_members where user_id = ${me}))`,
    ),
  )!;
}

/** Only admins change shared records; `what` names them ("shared views"). */
export function assertCanWriteShared(actor: Actor, row: { ownerId: string | null }, what: string) {
  if (row.ownerId === null && !isAdmin(actor)) throw forbidden(`only admins change ${what}`);
}

/** A team is for shared records only: `422 <code>` for a personal one that names a team. */
export function assertTeamOnShared(
  teamId: string | null | undefined,
  shared: boolean,
  code: string,
  what: string,
) {
  if (teamId && !shared)
    throw unprocessable(code, `body.teamId: a personal ${what} is yours alone, not a team’s`, [
      { path: 'body.teamId', message: `only shared ${what}s are for a team` },
    ]);
}
