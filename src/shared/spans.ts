// Spans of wall-clock time in words, for the web pages and for texts the server writes (a case's
// first note): one way of saying "how long" everywhere.

/** A no-break space (U+00A0): a number and its unit are not parted at the end of a line. */
export const NBSP = '\u00a0';

/**
 * A wall-clock span in milliseconds (its sign ignored) as "2 d 3 h", "14 h", "1 h 15 min", "5 min",
 * each number joined to its unit by `space` (a no-break space on pages), the parts by a plain one.
 */
export function wallClockSpan(ms: number, space = NBSP): string {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(totalMinutes / 1440);
  const h = Math.floor((totalMinutes % 1440) / 60);
  const m = totalMinutes % 60;
  const days = `${d}${space}d`;
  const hours = `${h}${space}h`;
  const min = `${m}${space}min`;
  if (d > 0) return h > 0 ? `${days} ${hours}` : days;
  // Past a few hours, minutes are noise in a queue.
  if (h >= 10) return hours;
  if (h > 0) return m > 0 ? `${hours} ${min}` : hours;
  return min;
}

/**
 * A span of business minutes (its sign ignored) the way people say it: "45 min", "1 h 15 min",
 * "16 h". Never days: a business day is as long as its calendar says, so "1 d" would mislead.
 * `hours` writes the hours' number (the pages group its digits by the locale; texts do not).
 */
export function businessSpan(minutes: number, space = NBSP, hours: (h: number) => string = String): string {
  const m = Math.abs(Math.round(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  const min = `${rest}${space}min`;
  if (h === 0) return min;
  const hourText = `${hours(h)}${space}h`;
  return rest === 0 ? hourText : `${hourText} ${min}`;
}
