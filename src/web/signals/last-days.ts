// "The last N days" of the commitments' on-time rates, one definition for every page that shows
// them (the Commitments page, the agreements' list, a customer's or an organization's page): from
// the start of the KPI page's period (kpi-period.ts: 90 days start on a Monday) in the zone the
// person works in. The API counts its default 90 days the same way in the same zone; asking with
// `from` keeps the pages agreeing also where only this browser knows the zone.
import { useMemo } from 'react';
import { useWorkZone } from '../lib/work-zone.js';
import { kpiPeriod } from './kpi-period.js';

/** The days the rates are shown over wherever a page says "last 90 days". */
export const RATE_DAYS = 90;

/** The `from` to ask GET /commitments/rates for; null while the zone is being read. */
export function useLastDaysFrom(days: number = RATE_DAYS): string | null {
  const work = useWorkZone();
  return useMemo(
    () => (work.ready ? kpiPeriod(new Date(), days, undefined, work.zone).from.toISOString() : null),
    [work.ready, work.zone, days],
  );
}
