// Event sources: the systems that send operational events (ERP, warehouse, billing), each with its
// own API token and webhook secret, shown once when made or rotated. The list says what each sent
// lately; a source's page charts its events per hour over two days (a broken feed is a gap) and
// lists its latest events accepted with warnings (a promise without a
// readable date, a shipment without the ref a rule follows), so an integration's mistakes are
// found here rather than by a customer whose late order nobody watched. Times (the last event,
// since when a source is silent, when a warned event occurred) are in the zone the admin works in,
// as signal and commitment times are, named on each page; both pages open once that zone is read
// (WorkZoneGate, in app.tsx).
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  EventSourceCreate,
  EventSourceUpdate,
  RESUME_GRACE_MINUTES,
  SILENCE_ALERT_MINUTES,
  type Event,
  type EventSourceCredentials,
  type EventSourceWithActivity,
  type SourceActivity,
} from '../../shared/schemas/events.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, formatDateTime, formatMinutes, formatNumber } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useWorkZone, zoneNote } from '../lib/work-zone.js';
import { useApi } from '../lib/use-api.js';
import { anySource, useLive } from '../lib/live.js';
import { ErrorNotice, FormError, Loading, PageHeader } from '../layout/page-parts.js';
import { ChartCard, type ChartSeries } from '../layout/time-chart.js';
import { AfterReadingAgain, RecordGate } from '../layout/record-gate.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { EventTable, eventLine } from '../signals/event-table.js';
import { TextField, wholeNumberOrNone } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { useEditedRecord } from './use-edited-record.js';
import { ShownOnce } from './shown-once.js';
import { TimesInZone } from '../layout/times-in-zone.js';

const BACK = '/admin/event-sources';

export function EventSourcesPage() {
  const sources = useApi<Items<EventSourceWithActivity>>('/event-sources', undefined, { keepPrevious: true });
  // A source edited elsewhere, gone silent or sending again (not each event: the counts may lag).
  useLive(anySource, sources.reload);
  const zone = useWorkZone().zone;
  const items = sources.data?.items ?? [];
  return (
    <AdminList
      title="Event sources"
      subtitle={
        <>
          The systems that send operational events (orders, shipments, invoices), each with its own token.{' '}
          <TimesInZone testId="sources-zone" className="muted" />
        </>
      }
      newRecord={{ to: `${BACK}/new`, label: 'New source' }}
      list={sources}
      count={items.length}
      loadingLabel="Loading event sources…"
      empty={<>No event sources yet. Add one for each system that sends events.</>}
    >
      <DataTable
        testId="source-table"
        columns={[
          'Source',
          'Last event',
          'Events, last 24 h',
          'With warnings, last 7 days',
          'Unknown customers',
        ]}
      >
        {items.map((s) => (
          <tr key={s.id} data-testid="source-row">
            <td className="cell-primary">
              <Link to={`${BACK}/${s.key}`}>{s.name}</Link>
              <div className="muted cell-sub">
                <code>{s.key}</code>
                {!s.active && ' · inactive'}
              </div>
            </td>
            <td className="cell-nowrap" data-testid="source-last-event">
              {s.lastEventAt ? (
                <time dateTime={s.lastEventAt}>{formatDateTime(s.lastEventAt, zone)}</time>
              ) : (
                <span className="muted">Never</span>
              )}
              {s.silentSince && (
                <div>
                  <span
                    className="badge badge--warning"
                    data-testid="source-silent"
                    title={`Nothing for more than ${formatMinutes(s.silenceAlertMinutes ?? 0)}`}
                  >
                    Silent
                  </span>
                </div>
              )}
            </td>
            <td className="cell-number" data-testid="source-events-24h">
              {formatNumber(s.activity.eventsLast24h)}
            </td>
            <td className="cell-number" data-testid="source-warned">
              {s.activity.warnedLast7d > 0 ? (
                <Link className="badge badge--warning" to={`${BACK}/${s.key}#warnings`}>
                  {formatNumber(s.activity.warnedLast7d)}
                </Link>
              ) : (
                <span className="muted">0</span>
              )}
            </td>
            <td>{s.createUnknownCustomers ? 'Created' : 'Rejected'}</td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}

export function EventSourceFormPage() {
  const {
    id: key,
    record: source,
    readAgain,
    readingAgain,
  } = useEditedRecord<EventSourceWithActivity>('/event-sources', 'event source', (s) => s.name, 'key');
  const navigate = useNavigate();
  // Credentials just made (a new source, or rotated ones): shown once, instead of the form.
  const [shown, setShown] = useState<{ credentials: EventSourceCredentials; rotated: boolean } | null>(null);
  if (shown)
    return (
      <CredentialsOnce
        {...shown}
        onDone={() => {
          // The same page goes on showing the source (after a new one, at its own address).
          setShown(null);
          readAgain();
          navigate(`${BACK}/${shown.credentials.key}`);
        }}
      />
    );
  return (
    <RecordGate
      record={source}
      what="Event source"
      back={{ to: BACK, label: 'Back to event sources' }}
      loadingLabel="Loading event source…"
    >
      {() => (
        <>
          <AfterReadingAgain readingAgain={readingAgain} label="Loading event source…">
            <EventSourceForm
              key={`${key ?? 'new'}-${source.data?.updatedAt ?? ''}`}
              source={source.data}
              onCredentials={(credentials) => setShown({ credentials, rotated: !!source.data })}
            />
          </AfterReadingAgain>
          {source.data && <HourlyActivity source={source.data} />}
          {source.data && <SentTypes source={source.data} />}
          {source.data && <RecentWarnings source={source.data} />}
        </>
      )}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  key: 'Key',
  name: 'Name',
  createUnknownCustomers: 'Unknown customers',
  active: 'Active',
  silenceAlertMinutes: 'Warn when silent for',
};

function EventSourceForm(props: {
  source: EventSourceWithActivity | undefined;
  onCredentials: (c: EventSourceCredentials) => void;
}) {
  const { source } = props;
  const [key, setKey] = useState(source?.key ?? '');
  const [name, setName] = useState(source?.name ?? '');
  const [createUnknownCustomers, setCreateUnknown] = useState(source?.createUnknownCustomers ?? true);
  const [active, setActive] = useState(source?.active ?? true);
  const [silence, setSilence] = useState(source?.silenceAlertMinutes?.toString() ?? '');
  const form = useRecordForm({
    // The API addresses a source by its key.
    record: source && { ...source, id: source.key },
    path: '/event-sources',
    back: BACK,
    notices: {
      created: 'Event source created.',
      saved: 'Event source saved.',
      deleted: 'Event source deleted.',
    },
    conflictFields: { source_exists: 'key' },
    onCreated: (answer) => props.onCredentials(answer as EventSourceCredentials),
  });
  const { errors } = form;
  const [rotating, setRotating] = useState(false);
  const [rotateError, setRotateError] = useState<string | null>(null);

  async function rotate() {
    if (!source) return;
    setRotating(true);
    setRotateError(null);
    try {
      props.onCredentials(await api.post<EventSourceCredentials>(`/event-sources/${source.key}/rotate`, {}));
    } catch (err) {
      setRotateError(toApiError(err).message);
      setRotating(false);
    }
  }

  const silenceAlertMinutes = wholeNumberOrNone(silence);
  return (
    <RecordForm
      form={form}
      noun="source"
      title={source ? source.name : 'New event source'}
      subtitle={source && <SourceSummary source={source} />}
      back={{ to: BACK, label: 'Event sources' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Event source'}
      onSubmit={() =>
        void (source
          ? form.save(EventSourceUpdate, { name, createUnknownCustomers, active, silenceAlertMinutes })
          : form.save(EventSourceCreate, { key, name, createUnknownCustomers, active, silenceAlertMinutes }))
      }
      confirmDelete={
        source &&
        `Delete the source ${source.name}? Its token and webhook stop working at once; its events stay. Its key is never used again.`
      }
    >
      <div className="form__grid">
        <TextField
          id="source-key"
          label="Key"
          maxLength={50}
          value={key}
          onChange={setKey}
          error={errors.key}
          disabled={!!source}
          hint={
            source
              ? 'In the webhook URL and ?source=; it cannot change.'
              : 'Lower-case letters, digits, - and _, e.g. wms. In the webhook URL; never reused.'
          }
        />
        <TextField
          id="source-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
        />
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={createUnknownCustomers}
          onChange={(e) => setCreateUnknown(e.target.checked)}
        />
        <span>Create a customer for an event naming an unknown one (else the event is rejected)</span>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <span>Active (an inactive source’s events are refused)</span>
      </label>
      <TextField
        id="source-silence"
        type="number"
        label="Warn when silent for (minutes)"
        min={SILENCE_ALERT_MINUTES.min}
        max={SILENCE_ALERT_MINUTES.max}
        placeholder="no alert"
        value={silence}
        onChange={setSilence}
        error={errors.silenceAlertMinutes}
        hint="When this source sends nothing for this long, the board warns everyone and each admin gets a mail: signals about things that did not arrive may then be false alarms (a broken feed, not late parcels). Leave empty for no alert."
      />
      {source && (
        <fieldset className="form__group">
          <legend>Credentials</legend>
          <p className="muted">
            The token and the webhook secret are shown once, when made. New ones replace both, and the old
            ones stop working at once.
          </p>
          <button
            type="button"
            className="button"
            disabled={rotating}
            onClick={() => {
              if (
                window.confirm(
                  `Make a new token and webhook secret for ${source.name}? The old ones stop working.`,
                )
              )
                void rotate();
            }}
          >
            {rotating ? 'Making new credentials…' : 'New token and webhook secret'}
          </button>
          <FormError message={rotateError} />
        </fieldset>
      )}
    </RecordForm>
  );
}

/** "Last event …, 12 events in the last 24 hours, silent since …", in the zone the admin works in. */
function SourceSummary({ source }: { source: EventSourceWithActivity }) {
  const zone = useWorkZone().zone;
  const at = (testId: string, iso: string) => (
    <span data-testid={testId}>
      <time dateTime={iso}>{formatDateTime(iso, zone)}</time>
    </span>
  );
  return (
    <>
      {source.lastEventAt ? <>Last event {at('source-last-sent', source.lastEventAt)}</> : 'No event yet'}
      {` · ${countOf(source.activity.eventsLast24h, 'event')} in the last 24 hours`}
      {source.silentSince && <> · silent since {at('source-silent-since', source.silentSince)}</>}
      {source.lastEventAt && (
        <>
          {' · '}
          <TimesInZone testId="source-zone" className="muted" />
        </>
      )}
    </>
  );
}

/** The token and webhook secret, with how to use them: the only time they are shown. */
function CredentialsOnce(props: {
  credentials: EventSourceCredentials;
  rotated: boolean;
  onDone: () => void;
}) {
  const { credentials: c, rotated } = props;
  const origin = window.location.origin;
  return (
    <>
      <PageHeader back={{ to: BACK, label: 'Event sources' }} title={c.name} />
      <ShownOnce
        testId="source-credentials"
        notice={
          <>
            {rotated ? 'New credentials made: the old ones no longer work. ' : 'Event source created. '}
            Copy the token and the webhook secret now: they are not shown again.
          </>
        }
        items={[
          ['API token', <code data-testid="source-token">{c.token}</code>],
          ['Webhook secret', <code data-testid="source-webhook-secret">{c.webhookSecret}</code>],
          [
            'Send events',
            <>
              <code>POST {origin}/api/v1/events</code> with <code>Authorization: Bearer &lt;token&gt;</code>
            </>,
          ],
          [
            'Or by webhook',
            <>
              <code>
                POST {origin}/api/v1/webhooks/{c.key}
              </code>{' '}
              signed with the secret (<code>X-Steward-Timestamp</code>, <code>X-Steward-Signature</code>)
            </>,
          ],
        ]}
        doneLabel="I have copied them"
        onDone={props.onDone}
      />
    </>
  );
}

const ACTIVITY_HOURS = 48;
const wholeCount = (v: number) => (Number.isInteger(v) ? formatNumber(v) : '');

/**
 * What the source sent per hour, the last two days: a broken feed shows as a gap. The last hour
 * is the current one, shaded as "so far". Hours in the zone the admin works in (theirs, else the
 * company's, else the browser's), as the KPI pages count; read once the zones are known.
 */
function HourlyActivity({ source }: { source: EventSourceWithActivity }) {
  const work = useWorkZone();
  const timezone = work.zone;
  const activity = useApi<SourceActivity>(
    work.ready ? `/event-sources/${encodeURIComponent(source.key)}/activity` : null,
    { hours: ACTIVITY_HOURS, timezone },
  );
  const hours = activity.data?.hours;
  const x = useMemo(() => (hours ?? []).map((h) => Date.parse(h.start)), [hours]);
  const series = useMemo<ChartSeries[]>(
    () => [
      { label: 'Events', values: (hours ?? []).map((h) => h.events), color: '#2451b3', kind: 'bars' },
      { label: 'With warnings', values: (hours ?? []).map((h) => h.warned), color: '#b42318', kind: 'bars' },
    ],
    [hours],
  );
  const total = (hours ?? []).reduce((n, h) => n + h.events, 0);
  return (
    <section className="section" aria-labelledby="source-activity-title">
      <h2 id="source-activity-title">Events per hour</h2>
      {activity.error && <ErrorNotice error={activity.error} onRetry={activity.reload} />}
      {!activity.data && !activity.error && <Loading label="Loading the source’s activity…" />}
      {hours && (
        <>
          <ChartCard
            title={`The last ${ACTIVITY_HOURS} hours: ${countOf(total, 'event')}`}
            x={x}
            series={series}
            format={wholeCount}
            testId="source-activity-chart"
            lastPartial
            timeZone={timezone}
          />
          <p className="muted section__note" data-testid="source-activity-summary">
            {`${countOf(hours.length - hours.filter((h) => h.events === 0).length, 'hour')} of ${hours.length} with events, ${countOf(hours.filter((h) => h.events === 0).length, 'hour')} without; hours in ${zoneNote(work)}.`}
          </p>
        </>
      )}
    </section>
  );
}

/** The event types the source has sent: where absence rules learn which feed they wait on. */
function SentTypes({ source }: { source: EventSourceWithActivity }) {
  return (
    <section className="section" aria-labelledby="source-types-title">
      <h2 id="source-types-title">Event types it sends</h2>
      <p className="muted">
        Learnt from the events it sent. While this source is silent (and for {RESUME_GRACE_MINUTES} minutes
        after it speaks again), mails to customers from rules that wait for one of these types are held back:
        a missing event may be a broken feed, not a late parcel.
      </p>
      {source.eventTypes.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="tag-list tag-list--spaced" data-testid="source-event-types">
          {source.eventTypes.map((t) => (
            <li key={t}>
              <Link
                className="tag tag--quiet"
                to={`/events?source=${encodeURIComponent(source.key)}&type=${encodeURIComponent(t)}`}
              >
                {t}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The source's latest events accepted with warnings, newest first. */
function RecentWarnings({ source }: { source: EventSourceWithActivity }) {
  const zone = useWorkZone().zone;
  const events = useApi<Items<Event>>(
    `/events?source=${encodeURIComponent(source.key)}&warned=true&sort=-receivedAt&limit=20`,
  );
  const items = events.data?.items ?? [];
  return (
    <section className="section" id="warnings" aria-labelledby="source-warnings-title">
      <h2 id="source-warnings-title">Events accepted with warnings</h2>
      <p className="muted">
        Stored, but something they were sent for could not be done: a commitment not opened, a rule’s wait not
        started. {countOf(source.activity.warnedLast7d, 'such event')} in the last 7 days; the latest 20 are
        below (<Link to={`/events?source=${encodeURIComponent(source.key)}&warned=true`}>all of them</Link>).
        A corrected event is sent again with a new id.
      </p>
      <ListState
        list={events}
        count={items.length}
        loadingLabel="Loading events…"
        empty={<>None: every event did what it was sent for.</>}
      >
        <EventTable
          events={items.map(eventLine)}
          testId="source-warned-events"
          prefix="warned"
          timeZone={zone}
        />
      </ListState>
    </section>
  );
}
