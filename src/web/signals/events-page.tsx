// Operational events, for staff: what the ERP, the warehouse and billing told Steward, newest first,
// filtered by a ref ("orderId:SO-1032": everything about that order), a type, a source (admins)
// or the events accepted with warnings. The filters live in the address, so a link can carry them.
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Event, EventSourceWithActivity } from '../../shared/schemas/events.js';
import { useMe } from '../auth/auth-context.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { GrowingList } from '../layout/growing-list.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { EventTable, eventLine } from './event-table.js';

/** The API's own pattern for a ref filter. */
const REF = /^[A-Za-z][A-Za-z0-9_]{0,62}:.+$/;
const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function EventsPage() {
  useDocumentTitle('Events');
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const applied = {
    ref: params.get('ref') ?? '',
    type: params.get('type') ?? '',
    source: params.get('source') ?? '',
    warned: params.get('warned') === 'true',
  };
  const sources = useApi<Items<EventSourceWithActivity>>(me.role === 'admin' ? '/event-sources' : null);
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

  function update(change: Partial<Record<'ref' | 'type' | 'source' | 'warned', string>>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
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
        subtitle="What the operational systems told Steward (orders, shipments, invoices), newest first."
      />
      <form className="toolbar" role="search" aria-label="Filter events" onSubmit={apply} noValidate>
        <div className="toolbar__filter">
          <label htmlFor="events-ref">Ref</label>
          <input
            id="events-ref"
            type="search"
            value={ref}
            placeholder="orderId:SO-1032"
            aria-invalid={!!errors.ref}
            aria-describedby={errors.ref ? 'events-ref-error' : undefined}
            onChange={(e) => setRef(e.target.value)}
          />
        </div>
        <div className="toolbar__filter">
          <label htmlFor="events-type">Type</label>
          <input
            id="events-type"
            type="search"
            value={type}
            placeholder="shipment.scanned"
            aria-invalid={!!errors.type}
            aria-describedby={errors.type ? 'events-type-error' : undefined}
            onChange={(e) => setType(e.target.value)}
          />
        </div>
        {me.role === 'admin' && (
          <div className="toolbar__filter">
            <label htmlFor="events-source">Source</label>
            <select
              id="events-source"
              value={applied.source}
              onChange={(e) => update({ source: e.target.value })}
            >
              <option value="">All sources</option>
              {(sources.data?.items ?? []).map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
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
      {errors.ref && (
        <p className="field__error" id="events-ref-error" role="alert">
          {errors.ref}
        </p>
      )}
      {errors.type && (
        <p className="field__error" id="events-type-error" role="alert">
          {errors.type}
        </p>
      )}
      <GrowingList<Event>
        key={JSON.stringify(query)}
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
          />
        )}
      </GrowingList>
    </>
  );
}
