// Weekdays and hours as people read them.
import type { Calendar } from '../lib/types.js';
import { formatMinutes } from '../lib/format.js';

/** ISO weekdays: 1 = Monday .. 7 = Sunday. */
export const WEEKDAYS = [
  [1, 'Monday', 'Mon'],
  [2, 'Tuesday', 'Tue'],
  [3, 'Wednesday', 'Wed'],
  [4, 'Thursday', 'Thu'],
  [5, 'Friday', 'Fri'],
  [6, 'Saturday', 'Sat'],
  [7, 'Sunday', 'Sun'],
] as const;

export const dayName = (day: number) => WEEKDAYS.find((d) => d[0] === day)?.[1] ?? `Day ${day}`;
const dayShort = (day: number) => WEEKDAYS.find((d) => d[0] === day)?.[2] ?? String(day);

/** "Mon–Fri 09:00–17:00", "Every day, all day", "Mon 09:00–12:00, 13:00–17:00 · Tue …" */
export function hoursSummary(cal: Pick<Calendar, 'hours'>): string {
  if (cal.hours.length === 0) return 'Never open';
  const perDay = new Map<number, string>();
  for (const [day] of WEEKDAYS) {
    const intervals = cal.hours
      .filter((h) => h.day === day)
      .sort((a, b) => a.open.localeCompare(b.open))
      .map((h) => (h.open === '00:00' && h.close === '24:00' ? 'all day' : `${h.open}–${h.close}`));
    if (intervals.length) perDay.set(day, intervals.join(', '));
  }
  // Runs of consecutive days with the same hours: "Mon–Fri".
  const parts: string[] = [];
  let start: number | null = null;
  for (let day = 1; day <= 8; day++) {
    const prev = day - 1;
    const same = start !== null && day <= 7 && perDay.get(day) === perDay.get(start);
    if (start !== null && !same) {
      const label = start === prev ? dayShort(start) : `${dayShort(start)}–${dayShort(prev)}`;
      parts.push(
        start === 1 && prev === 7 ? `Every day ${perDay.get(start)}` : `${label} ${perDay.get(start)}`,
      );
      start = null;
    }
    if (start === null && day <= 7 && perDay.has(day)) start = day;
  }
  return parts.join(' · ');
}

export const weeklyHours = (cal: Pick<Calendar, 'weeklyOpenMinutes'>) =>
  `${formatMinutes(cal.weeklyOpenMinutes)} a week`;
