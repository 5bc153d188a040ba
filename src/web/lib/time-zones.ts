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
