// Business calendars. Admins write them; a change recomputes every running promise clock on it.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Database } from '../../../db/client.js';
import { compileCalendar, CalendarError, type BusinessCalendar } from '../../../core/business-time.js';
import type { CalendarInput, HolidayInput } from '../../../shared/schemas/calendars.js';
import { Calendar, CalendarUpdate, holidayDate } from '../../../shared/schemas/calendars.js';
import type { Actor } from '../../lib/actor.js';
import { isAdmin, isStaff } from '../../lib/actor.js';
import { conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { diff, recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { assertTargetsReachable } from '../agreements/agreements.service.js';
import { calendars } from './calendars.table.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { nextVersion } from '../../../db/columns.js';
import { assertNameFree, CALENDAR_NAMES, nameTakenMeanwhile } from '../../lib/unique-names.js';
import { NOTHING_RECOMPUTED, recomputedAnswer, type Recomputed } from '../../lib/recomputed-clocks.js';

export { Calendar, CalendarUpdate };

type Row = typeof calendars.$inferSelect;

const compiled = new Map<string, BusinessCalendar>();
/** The compiled calendar for a row, cached per version (id + updatedAt). */
export function businessCalendarOf(
  row: Pick<Row, 'id' | 'timezone' | 'hours' | 'holidays' | 'updatedAt'>,
): BusinessCalendar {
  const key = `${row.id}:${row.updatedAt.getTime()}`;
  let cal = compiled.get(key);
  if (!cal) {
    cal = compileCalendar({ timezone: row.timezone, hours: row.hours, holidays: row.holidays });
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, cal);
  }
  return cal;
}

export function toCalendarDto(row: Row) {
  const weeklyOpenMinutes = row.hours.reduce((n, h) => n + toMinutes(h.close) - toMinutes(h.open), 0);
  return {
    id: row.id,
    name: row.name,
    timezone: row.timezone,
    hours: row.hours,
    holidays: row.holidays,
    namedHolidays: row.holidays.map((date) => ({ date, name: row.holidayNames[date] ?? null })),
    is247: weeklyOpenMinutes === 7 * 24 * 60 && row.holidays.length === 0,
    weeklyOpenMinutes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Holidays as sent (plain dates, or {date, name}) as stored: the dates, and the names by date. A
 * plain date keeps the name it has in `names` (the calendar's before the change), so a client
 * that sends dates only takes no name away; an empty name is none.
 */
export function storedHolidays(
  holidays: readonly HolidayInput[],
  names: Readonly<Record<string, string>> = {},
): { holidays: string[]; holidayNames: Record<string, string> } {
  const holidayNames: Record<string, string> = {};
  const dates = holidays.map((h) => {
    const date = holidayDate(h);
    const name = typeof h === 'string' || h.name === undefined ? names[date] : h.name;
    if (name) holidayNames[date] = name;
    return date;
  });
  return { holidays: dates, holidayNames };
}

function assertCompiles(spec: { timezone: string; hours: Row['hours']; holidays: string[] }) {
  try {
    compileCalendar(spec);
  } catch (err) {
    if (err instanceof CalendarError) throw unprocessable('invalid_calendar', err.message);
    throw err;
  }
}

export async function findCalendar(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(calendars)
    .where(and(eq(calendars.id, id), isNull(calendars.deletedAt)))
    .limit(1);
  return row;
}

export async function getCalendar(db: Database, actor: Actor, id: string) {
  if (!isStaff(actor)) throw forbidden('only staff see calendars');
  const row = await findCalendar(db, id);
  if (!row) throw notFound('calendar');
  return toCalendarDto(row);
}

export async function listCalendars(db: Database, actor: Actor) {
  if (!isStaff(actor)) throw forbidden('only staff see calendars');
  const found = await db
    .select()
    .from(calendars)
    .where(isNull(calendars.deletedAt))
    .orderBy(asc(calendars.name));
  return found.map(toCalendarDto);
}

export async function createCalendar(db: Database, actor: Actor, input: CalendarInput) {
  if (!isAdmin(actor)) throw forbidden('only admins manage calendars');
  const values = { ...input, ...storedHolidays(input.holidays) };
  assertCompiles(values);
  const row = await db
    .transaction(async (tx) => {
      await assertNameFree(tx, CALENDAR_NAMES, input.name);
      const [created] = await tx.insert(calendars).values(values).returning();
      await recordDomainEvent(tx, actor, {
        type: 'calendar.created',
        entityType: 'calendar',
        entityId: created!.id,
        data: { ...values },
      });
      return created!;
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, CALENDAR_NAMES, input.name);
    });
  return toCalendarDto(row);
}

/**
 * Changes a calendar and recomputes the due and warning times of every running clock on it,
 * in the same transaction. `recompute` comes from the cases domain (it owns the clocks).
 */
export async function updateCalendar(
  db: Database,
  actor: Actor,
  id: string,
  input: z.infer<typeof CalendarUpdate>,
  /** Recomputes the running clocks (the cases domain owns them): how many, and how many now past due. */
  recompute: (tx: Database, calendarId: string) => Promise<Recomputed>,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
) {
  if (!isAdmin(actor)) throw forbidden('only admins manage calendars');
  const result = await db
    .transaction(async (tx) => {
      await assertUnchangedSince(tx, calendars, eq(calendars.id, id), expected, 'calendar');
      const before = await findCalendar(tx, id);
      if (!before) throw notFound('calendar');
      if (input.name !== undefined) await assertNameFree(tx, CALENDAR_NAMES, input.name, id);
      const { holidays: sent, ...rest } = input;
      const patch = { ...rest, ...(sent && storedHolidays(sent, before.holidayNames)) };
      const next = {
        timezone: patch.timezone ?? before.timezone,
        hours: patch.hours ?? before.hours,
        holidays: patch.holidays ?? before.holidays,
      };
      assertCompiles(next);
      const users = (await tx.execute(
        sql`select targets from agreements where calendar_id = ${id} and deleted_at is null`,
      )) as unknown as {
        rows: { targets: { kind: string; minutes: number }[] }[];
      };
      if (users.rows.length > 0) {
        // The agreements on this calendar must still be able to keep their promises.
        const cal = compileCalendar(next);
        for (const row of users.rows) assertTargetsReachable(cal, row.targets);
      }
      const changes = diff(before as unknown as Record<string, unknown>, patch);
      if (Object.keys(changes).length === 0) return { row: before, recomputed: NOTHING_RECOMPUTED };
      const [row] = await tx
        .update(calendars)
        .set({ ...patch, updatedAt: nextVersion() })
        .where(eq(calendars.id, id))
        .returning();
      await recordDomainEvent(tx, actor, {
        type: 'calendar.updated',
        entityType: 'calendar',
        entityId: id,
        data: { changes },
      });
      // A new name, of the calendar or of its holidays, moves no clock.
      const moves = Object.keys(changes).some((k) => k !== 'name' && k !== 'holidayNames');
      const recomputed = moves ? await recompute(tx, id) : NOTHING_RECOMPUTED;
      return { row: row!, recomputed };
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, CALENDAR_NAMES, input.name ?? '');
    });
  return { ...toCalendarDto(result.row), ...recomputedAnswer(result.recomputed) };
}

export async function deleteCalendar(db: Database, actor: Actor, id: string) {
  if (!isAdmin(actor)) throw forbidden('only admins manage calendars');
  await db.transaction(async (tx) => {
    if (!(await findCalendar(tx, id))) throw notFound('calendar');
    const inUse = await rows<{ name: string }>(
      tx,
      sql`select name from agreements where calendar_id = ${id} and deleted_at is null order by lower(name)`,
    );
    if (inUse.length > 0) {
      const names = inUse.map((a) => `"${a.name}"`).join(', ');
      throw conflict(
        'calendar_in_use',
        `${inUse.length === 1 ? 'the agreement' : 'the agreements'} ${names} use this calendar: give ${inUse.length === 1 ? 'it' : 'them'} another one first`,
      );
    }
    await tx
      .update(calendars)
      .set({ deletedAt: sql`now()` })
      .where(eq(calendars.id, id));
    await recordDomainEvent(tx, actor, { type: 'calendar.deleted', entityType: 'calendar', entityId: id });
  });
}
