// The time zone a customer's times and date-only deadlines are in: their own (their record's
// `timeZone`), else that of the business calendar of their agreement (a PSA made on Berlin hours
// means Berlin days), else the company's (Settings), else UTC. A step that is missing, or names a
// zone this runtime does not know, is passed over for the next. The one chain for the deadlines
// signal rules read (`deadlineZoneOf`), the customer's portal (`plainStateZone`); the server's
// `customerZoneOf` writes it in SQL for rule templates and the acknowledgement mail. Pure.
import { isTimeZone } from '../shared/schemas/common.js';

export interface CustomerZones {
  /** The customer's own zone (their record's). */
  own?: string | null;
  /** The zone of the business calendar of their agreement (or of the case's). */
  calendar?: string | null;
  /** The company's zone (Settings). */
  company?: string | null;
}

/** The first of the customer's zones that is a known IANA zone, else UTC. */
export function customerZone(zones: CustomerZones): string {
  for (const zone of [zones.own, zones.calendar, zones.company]) if (zone && isTimeZone(zone)) return zone;
  return 'UTC';
}
