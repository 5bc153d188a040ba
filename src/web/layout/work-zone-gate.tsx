// A page that counts days or shows dated periods in the zone the person works in (the board's
// KPI tiles, the Commitments page's periods, the Signals page's detected-since chip) opens once
// that zone is known: until the settings are read it shows its title and "Reading the zone you
// work in…", as the KPI page does, and asks nothing, so no request goes out and no day shows in
// the browser's zone meanwhile. Read once per page load (useWorkZone); customers never wait.
import type { ReactNode } from 'react';
import { READING_ZONE, useWorkZone } from '../lib/work-zone.js';
import { Loading, PageHeader } from './page-parts.js';
import { useDocumentTitle } from './use-document-title.js';

export function WorkZoneGate(props: { title: string; children: ReactNode }) {
  const work = useWorkZone();
  if (work.ready) return <>{props.children}</>;
  return <Waiting title={props.title} />;
}

function Waiting({ title }: { title: string }) {
  useDocumentTitle(title);
  return (
    <div data-testid="work-zone-waiting" aria-busy="true">
      <PageHeader title={title} />
      <Loading label={READING_ZONE} />
    </div>
  );
}
