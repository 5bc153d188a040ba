// Webhooks: Steward sends outside systems (a CRM, a data warehouse, a chat tool) the domain events
// they chose, as signed POSTs. The list says what each gets and how its deliveries fare; a
// webhook's page has its settings, a test delivery, a new secret (shown once, as when it was made),
// turning it off and on, and its delivery log (webhook-deliveries.tsx).
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import {
  EventPattern,
  WEBHOOK_LIMITS,
  WebhookCreate,
  WebhookUpdate,
  type Webhook,
  type WebhookWithSecret,
} from '../../shared/schemas/webhooks.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime, formatNumber } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useInterval } from '../lib/use-interval.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { Fact, OutcomeNotice, PageHeader, type Outcome } from '../layout/page-parts.js';
import { AfterReadingAgain, RecordGate } from '../layout/record-gate.js';
import { AdminList } from './admin-list.js';
import { describedBy, errorAt, FormField, TextField, type PathErrors } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { ShownOnce } from './shown-once.js';
import { useEditedRecord } from './use-edited-record.js';
import { useRecordForm } from './use-record-form.js';
import { DeliveryLog, DeliveryStateBadge, WATCH_MS } from './webhook-deliveries.js';

const BACK = '/admin/webhooks';

export function WebhooksPage() {
  const hooks = useApi<Items<Webhook>>('/outgoing-webhooks');
  const items = hooks.data?.items ?? [];
  return (
    <AdminList
      title="Webhooks"
      subtitle="Steward sends outside systems the changes they choose (cases, signals, customers…) as signed HTTP POSTs."
      newRecord={{ to: `${BACK}/new`, label: 'New webhook' }}
      list={hooks}
      count={items.length}
      loadingLabel="Loading webhooks…"
      empty={<>No webhooks yet. Add one for each system that should hear of changes in Steward.</>}
    >
      <DataTable
        testId="webhook-table"
        columns={[
          'Webhook',
          'Event types',
          'State',
          numberColumn('Waiting'),
          numberColumn('Failed'),
          'Latest delivery',
        ]}
      >
        {items.map((w) => (
          <tr key={w.id} data-testid="webhook-row">
            <td className="cell-primary">
              <Link to={`${BACK}/${w.id}`}>{w.name}</Link>
              <div className="muted cell-sub" data-testid="webhook-url">
                {w.url}
              </div>
            </td>
            <td>
              <EventTypes events={w.events} />
            </td>
            <td data-testid="webhook-state">
              <OnOff webhook={w} />
            </td>
            <td className="cell-number" data-testid="webhook-pending">
              {formatNumber(w.pending)}
            </td>
            <td className="cell-number" data-testid="webhook-failed">
              {w.failed > 0 ? (
                <span className="badge badge--delivery-failed">{formatNumber(w.failed)}</span>
              ) : (
                <span className="muted">0</span>
              )}
            </td>
            <td className="cell-nowrap" data-testid="webhook-last">
              <LatestDelivery webhook={w} />
            </td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}

function EventTypes({ events }: { events: string[] }) {
  return (
    <ul className="tag-list" data-testid="webhook-events">
      {events.map((e) => (
        <li key={e} className="tag tag--quiet">
          {e}
        </li>
      ))}
    </ul>
  );
}

/** On or off, and why when Steward turned it off (the receiver answered 410 Gone). */
function OnOff({ webhook: w }: { webhook: Webhook }) {
  return (
    <>
      <span className={`badge badge--webhook-${w.enabled ? 'on' : 'off'}`}>{w.enabled ? 'On' : 'Off'}</span>
      {w.disabledReason && (
        <div className="muted cell-sub" data-testid="webhook-disabled-reason">
          Turned off by Steward: {w.disabledReason}
        </div>
      )}
      {w.enabled && w.restingUntil && (
        <div className="muted cell-sub" data-testid="webhook-resting">
          Paused until <time dateTime={w.restingUntil}>{formatDateTime(w.restingUntil)}</time>: its receiver
          let a delivery time out (a test or Send again ends the pause)
        </div>
      )}
    </>
  );
}

function LatestDelivery({ webhook: w }: { webhook: Webhook }) {
  const last = w.lastDelivery;
  if (!last) return <span className="muted">None yet</span>;
  return (
    <>
      <time dateTime={last.at}>{formatDateTime(last.at)}</time> <DeliveryStateBadge state={last.state} />
      {last.responseStatus !== null && <span className="muted"> · {last.responseStatus}</span>}
    </>
  );
}

export function WebhookFormPage() {
  const {
    id,
    record: hook,
    readAgain,
    readingAgain,
  } = useEditedRecord<Webhook>('/outgoing-webhooks', 'webhook', (w) => w.name, 'id', {
    keepPrevious: true,
  });
  const navigate = useNavigate();
  // A secret just made (a new webhook, or a new secret): shown once, instead of the page.
  const [shown, setShown] = useState<{ webhook: WebhookWithSecret; rotated: boolean } | null>(null);
  // Deliveries on their way: the counts and the latest delivery follow them.
  useInterval(hook.reload, !shown && hook.data?.enabled && hook.data.pending > 0 ? WATCH_MS : null);
  const [logKey, setLogKey] = useState(0);
  if (shown)
    return (
      <SecretOnce
        {...shown}
        onDone={() => {
          setShown(null);
          readAgain();
          navigate(`${BACK}/${shown.webhook.id}`);
        }}
      />
    );
  // Changed here (turned on or off): the form starts again from the webhook as it is now. A
  // colleague's save, read by the watch below, leaves the form as it is: saving it then asks.
  const changed = () => {
    readAgain();
    setLogKey((n) => n + 1);
  };
  return (
    <RecordGate
      record={hook}
      what="Webhook"
      back={{ to: BACK, label: 'Back to webhooks' }}
      loadingLabel="Loading webhook…"
    >
      {() => (
        <>
          <AfterReadingAgain readingAgain={readingAgain} label="Loading webhook…">
            <WebhookForm
              key={id ?? 'new'}
              webhook={hook.data}
              onCreated={(webhook) => setShown({ webhook, rotated: false })}
            />
          </AfterReadingAgain>
          {hook.data && (
            <>
              <WebhookActions
                webhook={hook.data}
                onChanged={changed}
                onSecret={(webhook) => setShown({ webhook, rotated: true })}
              />
              <DeliveryLog webhook={hook.data} reloadKey={logKey} onChanged={hook.reload} />
            </>
          )}
        </>
      )}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  name: 'Name',
  url: 'URL',
  events: 'Event types',
  enabled: 'On',
};

/** Every type of one kind of record; exact types (case.created) are typed in. */
const GROUPS = [
  ['*', 'Every event'],
  ['case.*', 'Cases'],
  ['signal.*', 'Signals'],
  ['commitment.*', 'Commitments'],
  ['customer.*', 'Customers'],
  ['organization.*', 'Organizations'],
  ['kb_article.*', 'Knowledge base articles'],
  ['user.*', 'Users'],
] as const;
const isGroup = (p: string) => GROUPS.some(([g]) => g === p);

function WebhookForm(props: {
  webhook: Webhook | undefined;
  onCreated: (answer: WebhookWithSecret) => void;
}) {
  const { webhook } = props;
  const [name, setName] = useState(webhook?.name ?? '');
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState<string[]>(webhook?.events ?? ['case.*']);
  const [enabled, setEnabled] = useState(webhook?.enabled ?? true);
  const form = useRecordForm({
    record: webhook,
    path: '/outgoing-webhooks',
    back: BACK,
    notices: { created: 'Webhook created.', saved: 'Webhook saved.', deleted: 'Webhook deleted.' },
    onCreated: (answer) => props.onCreated(answer as WebhookWithSecret),
  });
  const { errors } = form;
  // An exact type being typed: sent with the others when the form is saved before "Add".
  const [typed, setTyped] = useState('');

  return (
    <RecordForm
      form={form}
      noun="webhook"
      title={webhook ? webhook.name : 'New webhook'}
      subtitle={webhook?.url}
      back={{ to: BACK, label: 'Webhooks' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Webhook'}
      onSubmit={() => {
        const body = { name, url, events: typed.trim() ? [...events, typed.trim()] : events, enabled };
        void form.save(webhook ? WebhookUpdate : WebhookCreate, body);
      }}
      confirmDelete={
        webhook &&
        `Delete the webhook ${webhook.name}? Nothing more is sent to it, and its delivery log goes with it.`
      }
    >
      <div className="form__grid">
        <TextField
          id="webhook-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
          hint="What gets the events, e.g. CRM or Data warehouse."
        />
        <TextField
          id="webhook-url"
          label="URL"
          maxLength={WEBHOOK_LIMITS.url}
          placeholder="https://…"
          value={url}
          onChange={setUrl}
          error={errors.url}
          hint="Steward POSTs each event here as JSON: an http:// or https:// address (on a local network only if the server allows it)."
        />
      </div>
      <EventPatterns
        value={events}
        onChange={(next) => {
          setEvents(next);
          form.clearErrors(['events']);
        }}
        typed={typed}
        onType={setTyped}
        errors={errors}
      />
      <label className="checkbox">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>On (events are queued and sent; while it is off, nothing new is queued)</span>
      </label>
    </RecordForm>
  );
}

/**
 * The event types a webhook gets: whole kinds of record by a tick, exact types (case.created) as
 * removable tags added by typing them. A problem at `events.3` is about the fourth pattern sent:
 * a tag, or the one still in the input (sent last).
 */
function EventPatterns(props: {
  value: string[];
  onChange: (value: string[]) => void;
  typed: string;
  onType: (text: string) => void;
  errors: PathErrors;
}) {
  const { value, typed } = props;
  const [typeError, setTypeError] = useState<string | null>(null);
  const exact = value.filter((p) => !isGroup(p));
  const badIndex = Object.keys(props.errors)
    .map((k) => /^events\.(\d+)/.exec(k)?.[1])
    .find((i) => i !== undefined);
  const bad = badIndex === undefined ? undefined : (value[Number(badIndex)] ?? typed.trim());
  const listError = errorAt(props.errors, 'events');
  const error = typeError ?? (listError && (bad ? `“${bad}”: ${listError}` : listError));
  const toggle = (p: string, on: boolean) =>
    props.onChange(on ? [...value, p] : value.filter((x) => x !== p));

  function add() {
    const parsed = EventPattern.safeParse(typed);
    if (!parsed.success) {
      setTypeError(parsed.error.issues[0]?.message ?? 'not an event type');
      return;
    }
    setTypeError(null);
    if (!value.includes(parsed.data)) props.onChange([...value, parsed.data]);
    props.onType('');
  }

  return (
    <fieldset className="form__group" data-testid="webhook-event-types">
      <legend>Event types</legend>
      <p className="muted">
        Every change Steward records is an event: <code>case.created</code>, <code>case.replied</code>,{' '}
        <code>signal.opened</code>… Tick whole kinds of records, or add exact types.
      </p>
      <div className="checkbox-list">
        {GROUPS.map(([pattern, label]) => (
          <label key={pattern} className="checkbox checkbox--inline">
            <input
              type="checkbox"
              checked={value.includes(pattern)}
              onChange={(e) => toggle(pattern, e.target.checked)}
            />
            <span>
              {label} (<code>{pattern}</code>)
            </span>
          </label>
        ))}
      </div>
      {exact.length > 0 && (
        <ul className="tag-list" data-testid="webhook-exact-types">
          {exact.map((p) => (
            <li key={p} className={p === bad ? 'tag tag--removable tag--invalid' : 'tag tag--removable'}>
              {p}
              <button type="button" aria-label={`Remove ${p}`} onClick={() => toggle(p, false)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <FormField
        id="webhook-event-type"
        label="Exact event type"
        error={error || undefined}
        hint="Type one, e.g. case.created, then Add (or press Enter). A kind of record followed by .* (case.*) takes all its types."
      >
        <div className="inline-form">
          <input
            id="webhook-event-type"
            type="text"
            maxLength={100}
            value={typed}
            onChange={(e) => {
              props.onType(e.target.value);
              setTypeError(null);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              add();
            }}
            {...describedBy('webhook-event-type', error || undefined, true)}
          />
          <button type="button" className="button button--small" disabled={!typed.trim()} onClick={add}>
            Add
          </button>
        </div>
      </FormField>
    </fieldset>
  );
}

/** Its state and counts, and what an admin does with it besides editing: test, new secret, off/on, send failed again. */
function WebhookActions(props: {
  webhook: Webhook;
  onChanged: () => void;
  onSecret: (answer: WebhookWithSecret) => void;
}) {
  const { webhook: w } = props;
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setOutcome(null);
    try {
      const text = await action();
      if (text) setOutcome({ ok: true, text });
      props.onChanged();
    } catch (err) {
      setOutcome({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }

  const ping = () =>
    run(async () => {
      await api.post(`/outgoing-webhooks/${w.id}/ping`, {});
      return 'Test delivery (webhook.ping) queued: it goes out within a few seconds; its outcome shows in the log below.';
    });
  const newSecret = () => {
    if (
      !window.confirm(
        `Make a new signing secret for ${w.name}? Deliveries are signed with it at once: the receiver must check them with the new one.`,
      )
    )
      return;
    void run(async () => {
      props.onSecret(await api.post<WebhookWithSecret>(`/outgoing-webhooks/${w.id}/secret`, {}));
      return null;
    });
  };
  const turn = (enabled: boolean) =>
    run(async () => {
      await api.patch(`/outgoing-webhooks/${w.id}`, { enabled });
      return enabled
        ? 'Turned on: new events are queued again, and waiting deliveries go out.'
        : 'Turned off: nothing new is queued or sent until it is turned on again.';
    });
  const retryFailed = () =>
    run(async () => {
      const { retried } = await api.post<{ retried: number }>(
        `/outgoing-webhooks/${w.id}/deliveries/retry-failed`,
        {},
      );
      return `${formatNumber(retried)} failed ${retried === 1 ? 'delivery' : 'deliveries'} queued again.`;
    });

  return (
    <section className="section" aria-labelledby="webhook-state-title">
      <h2 id="webhook-state-title">Status</h2>
      <div className="card">
        <dl className="facts">
          <Fact label="State" testId="webhook-state">
            <OnOff webhook={w} />
          </Fact>
          <Fact label="Waiting" testId="webhook-pending">
            {formatNumber(w.pending)}
          </Fact>
          <Fact label="Failed" testId="webhook-failed">
            {formatNumber(w.failed)}
          </Fact>
          <Fact label="Latest delivery" testId="webhook-last">
            <LatestDelivery webhook={w} />
          </Fact>
        </dl>
        <div className="form__actions">
          <button
            type="button"
            className="button"
            disabled={busy || !w.enabled}
            title={w.enabled ? undefined : 'Turn it on first'}
            onClick={() => void ping()}
          >
            Send a test (ping)
          </button>
          <button type="button" className="button" disabled={busy} onClick={newSecret}>
            New secret
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void turn(!w.enabled)}>
            {w.enabled ? 'Turn off' : 'Turn on'}
          </button>
          {w.failed > 0 && (
            <button type="button" className="button" disabled={busy} onClick={() => void retryFailed()}>
              Send all failed again ({formatNumber(w.failed)})
            </button>
          )}
        </div>
        <OutcomeNotice outcome={outcome} testId="webhook-outcome" />
      </div>
    </section>
  );
}

/** The signing secret, with how a receiver checks a delivery: the only time it is shown. */
function SecretOnce(props: { webhook: WebhookWithSecret; rotated: boolean; onDone: () => void }) {
  const { webhook: w, rotated } = props;
  return (
    <>
      <PageHeader back={{ to: BACK, label: 'Webhooks' }} title={w.name} />
      <ShownOnce
        testId="webhook-secret-shown"
        notice={
          <>
            {rotated
              ? 'New secret made: deliveries are signed with it from now on, and the old one no longer verifies. '
              : 'Webhook created. '}
            Copy the signing secret now: it is not shown again.
          </>
        }
        items={[
          ['Signing secret', <code data-testid="webhook-secret">{w.secret}</code>],
          [
            'Deliveries',
            <>
              <code>POST {w.url}</code> with the event as JSON, and the headers <code>X-Steward-Event</code>,{' '}
              <code>X-Steward-Event-Id</code>, <code>X-Steward-Delivery</code>,{' '}
              <code>X-Steward-Timestamp</code> (Unix seconds) and <code>X-Steward-Signature</code>
            </>,
          ],
          [
            'Check each one',
            <>
              <code>X-Steward-Signature</code> is <code>sha256=&lt;hex&gt;</code>: the HMAC-SHA256, with the
              secret, of <code>&lt;X-Steward-Timestamp&gt;.&lt;raw body&gt;</code>. Compare in constant time,
              refuse old timestamps (more than a few minutes), and skip an <code>X-Steward-Event-Id</code>{' '}
              seen before: a delivery can come more than once. Answer with a 2xx status.
            </>,
          ],
        ]}
        doneLabel="I have copied it"
        onDone={props.onDone}
      />
    </>
  );
}
