// The IANA time zones this browser knows (for pickers), asked once; none where it cannot say.
let zones: string[] | undefined;

export function timeZones(): string[] {
  try {
    zones ??= Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones;
}

/** The viewer's own IANA time zone (what dates on screen are shown in). */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

const formats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone and kind, made once: Intl formatters are costly to make. */
function zoneFormat(kind: string, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}:${zone}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, ...options });
    formats.set(key, f);
  }
  return f;
}

/** The wall clock date in `zone` at `ms`: year, month (0-11), day, weekday (0 Sunday). */
export function zonedDate(
  ms: number,
  zone: string,
): { year: number; month: number; day: number; weekday: number } {
  const f = zoneFormat('date', zone, { year: 'numeric', month: 'numeric', day: 'numeric' });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
  const year = p.year!;
  const month = p.month! - 1;
  const day = p.day!;
  return { year, month, day, weekday: new Date(Date.UTC(year, month, day)).getUTCDay() };
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`, in ms. */
function offsetAt(ms: number, zone: string): number {
  const f = zoneFormat('clock', zone, {
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) p[part.type] = Number(part.value);
  return (
    Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000
  );
}

/**
 * Midnight starting a day in `zone` (month 0-11; an overflowing day or month rolls over, as
 * Date.UTC does). The offset is asked at the guess and again at the answer, so a day that starts
 * just after a change of offset comes out right.
 */
export function zonedMidnight(year: number, month: number, day: number, zone: string): Date {
  const wall = Date.UTC(year, month, day);
  let ms = wall - offsetAt(wall, zone);
  ms = wall - offsetAt(ms, zone);
  return new Date(ms);
}
