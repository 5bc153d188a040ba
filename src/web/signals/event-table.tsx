// Operational events as a table: a signal's evidence, a customer's recent events, the events about
// a case's order or shipment, a source's events with warnings. Test ids are `<prefix>-row`,
// `<prefix>-type`, `-occurred`, `-refs`, `-data`, `-warnings`.
import type { ReactNode } from 'react';
import type { Event } from '../../shared/schemas/events.js';
import { formatDateTime } from '../lib/format.js';
import { DataTable } from '../layout/data-table.js';
import { refKindLabel } from '../../shared/ref-labels.js';

export interface EventLine {
  /** Steward's id. */
  id: string;
  /** The source's id of the event. */
  sourceEventId: string;
  type: string;
  occurredAt: string;
  refs: Record<string, string>;
  data: Record<string, unknown>;
  /** What the event could not do when it was accepted (a commitment not opened, …). */
  warnings?: string[];
  /** The key of the source it came from. */
  source?: string;
}

export const compactJson = (value: unknown) => JSON.stringify(value);

export function EventTable({
  events,
  testId,
  prefix,
  busy,
  showSource,
  timeZone,
}: {
  events: EventLine[];
  testId: string;
  prefix: string;
  busy?: boolean;
  /** Names each event's source (a list of several sources' events). */
  showSource?: boolean;
  /** The zone to write when they occurred in (a page in the work zone); else the browser's. */
  timeZone?: string;
}): ReactNode {
  return (
    <DataTable
      testId={testId}
      busy={busy}
      className="table--events"
      columns={['Event', 'Occurred', 'Refs', 'Data']}
    >
      {events.map((e) => (
        <tr key={e.id} data-testid={`${prefix}-row`}>
          <td className="cell-nowrap">
            <code data-testid={`${prefix}-type`}>{e.type}</code>
            <span className="cell-sub muted" title="the source's id of the event">
              {e.sourceEventId}
            </span>
            {showSource && e.source && (
              <span className="cell-sub muted" data-testid={`${prefix}-source`}>
                from {e.source}
              </span>
            )}
          </td>
          <td className="cell-nowrap" data-testid={`${prefix}-occurred`}>
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt, timeZone)}</time>
          </td>
          <td data-testid={`${prefix}-refs`}>
            {Object.keys(e.refs).length === 0 ? (
              <span className="muted">—</span>
            ) : (
              <Pairs of={e.refs} keyLabel={refKindLabel} />
            )}
          </td>
          <td className="cell-data" data-testid={`${prefix}-data`}>
            {Object.keys(e.data).length === 0 ? <span className="muted">—</span> : <Pairs of={e.data} />}
            {e.warnings && e.warnings.length > 0 && (
              <ul className="event-warnings" data-testid={`${prefix}-warnings`}>
                {e.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Keys and values as chips: "carrier DB Schenker"; a nested value as compact JSON. Refs say their
 * key in words ("Shipment SH-7", the key itself on hover); data keys are shown as sent.
 */
function Pairs({ of, keyLabel }: { of: Record<string, unknown>; keyLabel?: (key: string) => string }) {
  return Object.entries(of).map(([k, v], i) => (
    <span key={k}>
      {i > 0 && ' '}
      <span className="ref ref--chip" title={keyLabel ? k : undefined}>
        <span className="ref__key">{keyLabel ? keyLabel(k) : k}</span>{' '}
        <code>{typeof v === 'string' ? v : compactJson(v)}</code>
      </span>
    </span>
  ));
}

/** A stored event as the events API answers it, as a line of the table. */
export const eventLine = (e: Event): EventLine => ({ ...e, sourceEventId: e.eventId });
