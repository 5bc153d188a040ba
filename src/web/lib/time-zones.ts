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
