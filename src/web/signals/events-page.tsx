// Operational events, for staff: what the ERP, the warehouse and billing told Steward, newest first,
// filtered by a ref ("orderId:SO-1032": everything about that order), a type, a source (admins)
// or the events accepted with warnings. The filters live in the address, so a link can carry them.
// When each occurred is written in the zone the person works in, as signal and commitment times are
// (named in the header); the route opens once that zone is read (WorkZoneGate).
import { useEffect, useState, type FormEvent } from 'react';
import type { Event, EventSourceWithActivity } from '../../shared/schemas/events.js';
import { useMe } from '../auth/auth-context.js';
import { useAddressFilters } from '../lib/address-filters.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useWorkZone } from '../lib/work-zone.js';
import type { Settings } from '../../shared/schemas/settings.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { PageHeader } from '../layout/page-parts.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { EventTable, eventLine } from './event-table.js';

/** The API's own pattern for a ref filter. */
const REF = /^[A-Za-z][A-Za-z0-9_]{0,62}:.+$/;
const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function EventsPage() {
  useDocumentTitle('Events');
  const me = useMe();
  const [params, update] = useAddressFilters();
  const applied = {
    ref: params.get('ref') ?? '',
    type: params.get('type') ?? '',
    source: params.get('source') ?? '',
    warned: params.get('warned') === 'true',
  };
  const sources = useApi<Items<EventSourceWithActivity>>(me.role === 'admin' ? '/event-sources' : null);
  const settings = useApi<Settings>('/settings');
  const zone = useWorkZone().zone;
  const [ref, setRef] = useState(applied.ref);
  const [type, setType] = useState(applied.type);
  const [errors, setErrors] = useState<{ ref?: string; type?: string }>({});
  // The box answers the click at once; the address (and the list) follow when navigation settles.
  const [warned, setWarned] = useState(applied.warned);
  useEffect(() => setWarned(applied.warned), [applied.warned]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const found = {
      ...(ref.trim() && !REF.test(ref.trim()) ? { ref: 'a ref as key:value, e.g. orderId:SO-1032' } : {}),
      ...(type.trim() && !TYPE.test(type.trim())
        ? { type: 'dotted lower-case words, e.g. shipment.scanned' }
        : {}),
    };
    setErrors(found);
    if (Object.keys(found).length) return;
    update({ ref: ref.trim(), type: type.trim() });
  }

  const query: Record<string, string> = {
    ...(applied.ref ? { ref: applied.ref } : {}),
    ...(applied.type ? { type: applied.type } : {}),
    ...(applied.source ? { source: applied.source } : {}),
    ...(applied.warned ? { warned: 'true' } : {}),
  };
  return (
    <>
      <PageHeader
        title="Events"
        subtitle={
          <>
            What the operational systems told Steward (orders, shipments, invoices), newest first.{' '}
            <RetentionNote days={settings.data?.eventRetentionDays} />{' '}
            <TimesInZone testId="events-zone" className="muted" />
          </>
        }
      />
      <form className="toolbar" role="search" aria-label="Filter events" onSubmit={apply} noValidate>
        <SearchField
          id="events-ref"
          label="Ref"
          value={ref}
          onChange={setRef}
          example="orderId:SO-1032"
          error={errors.ref}
        />
        <SearchField
          id="events-type"
          label="Type"
          value={type}
          onChange={setType}
          example="shipment.scanned"
          error={errors.type}
        />
        {me.role === 'admin' && (
          <FilterSelect
            id="events-source"
            label="Source"
            value={applied.source}
            all="All sources"
            options={(sources.data?.items ?? []).map((s) => [s.key, s.name] as const)}
            onChange={(source) => update({ source })}
          />
        )}
        <label className="checkbox toolbar__check">
          <input
            type="checkbox"
            checked={warned}
            onChange={(e) => {
              setWarned(e.target.checked);
              update({ warned: e.target.checked ? 'true' : '' });
            }}
          />
          <span>With warnings only</span>
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {(['ref', 'type'] as const).map(
        (k) =>
          errors[k] && (
            <p key={k} className="field__error" id={`events-${k}-error`} role="alert">
              {errors[k]}
            </p>
          ),
      )}
      <GrowingList<Event>
        path="/events"
        query={query}
        what="events"
        emptyTestId="events-empty"
        empty={Object.keys(query).length ? 'No events match.' : 'No operational events yet.'}
      >
        {(items, loading) => (
          <EventTable
            testId="events"
            prefix="event"
            busy={loading}
            events={items.map(eventLine)}
            showSource
            timeZone={zone}
          />
        )}
      </GrowingList>
    </>
  );
}

/** A search input of the filter bar, pointing to its error (shown under the bar) when it has one. */
function SearchField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  example: string;
  error: string | undefined;
}) {
  return (
    <div className="toolbar__filter">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        value={props.value}
        placeholder={props.example}
        aria-invalid={!!props.error}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** How long events are kept (the eventRetentionDays setting), once it is known. */
function RetentionNote(props: { days: number | null | undefined }) {
  if (props.days === undefined) return null;
  return (
    <span data-testid="event-retention">
      {props.days === null
        ? 'Events are kept for ever.'
        : `Events received more than ${props.days} days ago are removed, except those behind a signal.`}
    </span>
  );
}
