// "Times in Europe/Berlin (the company’s)": the one way a staff page names the zone its commitment
// times are written in (the Commitments page's list, a customer's or an organization's
// commitments, the Proactive board's due times, a signal's promise due). Those times are written in
// the zone the person works in (useWorkZone), never the browser's unlabelled, so one deadline reads
// the same on every page.
import { useWorkZone, zoneNote } from '../lib/work-zone.js';

export function TimesInZone(props: { testId: string; className?: string }) {
  const work = useWorkZone();
  // Not the browser's zone while the person's is read (a page not behind WorkZoneGate).
  if (!work.ready) return null;
  return (
    <span
      className={props.className ?? 'muted toolbar__note'}
      data-testid={props.testId}
      data-zone={work.zone}
    >
      Times in {zoneNote(work)}
    </span>
  );
}
