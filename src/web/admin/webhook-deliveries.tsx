// A webhook's delivery log, newest first: what was sent when, the receiver's answer, the attempts
// and why the last one failed; a row opens to the JSON sent and the answer's body, and any
// delivery can be sent again. While some shown are on their way, the log reads itself again
// every few seconds, so a test delivery's outcome shows without a reload.
import { Fragment, useState } from 'react';
import type { DeliveryState, Webhook, WebhookDelivery } from '../../shared/schemas/webhooks.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { FormError } from '../layout/page-parts.js';

/** While deliveries are on their way, the page reads them again this often. */
export const WATCH_MS = 2_000;

const STATE_LABELS: Record<DeliveryState, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed',
};

export function DeliveryStateBadge({ state }: { state: DeliveryState }) {
  return (
    <span className={`badge badge--delivery-${state}`} data-testid="delivery-state">
      {STATE_LABELS[state]}
    </span>
  );
}

export function DeliveryLog(props: {
  webhook: Webhook;
  /** A change reads the log again (the page queued a test, or sent the failed ones again). */
  reloadKey: number;
  /** A delivery was sent again: the webhook's counts change. */
  onChanged: () => void;
}) {
  const { webhook: w } = props;
  const [state, setState] = useState('');
  const [eventType, setEventType] = useState('');
  // The webhook's own event types and patterns, and its test pings.
  const eventTypes = [...new Set([...w.events.filter((e) => e !== '*'), 'webhook.ping'])];
  const query = { ...(state ? { state } : {}), ...(eventType ? { eventType } : {}) };
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retryError, setRetryError] = useState<string | null>(null);
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  async function retry(d: WebhookDelivery, reload: () => void) {
    setRetrying(d.id);
    setRetryError(null);
    try {
      await api.post(`/outgoing-webhooks/${w.id}/deliveries/${d.id}/retry`, {});
      reload();
      props.onChanged();
    } catch (err) {
      setRetryError(toApiError(err).message);
    } finally {
      setRetrying(null);
    }
  }

  return (
    <section className="section" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries</h2>
      <p className="muted">
        Newest first, kept 30 days. A delivery that fails is tried again after 10 seconds, then after longer
        and longer pauses (up to 12 hours) before it is given up as failed; a receiver answering 410 Gone
        turns the webhook off.
      </p>
      <div className="toolbar">
        <FilterSelect
          id="delivery-state-filter"
          label="State"
          value={state}
          all="All"
          options={Object.entries(STATE_LABELS)}
          onChange={setState}
        />
        <FilterSelect
          id="delivery-event-filter"
          label="Event type"
          value={eventType}
          all="All"
          options={eventTypes.map((e) => [e, e] as const)}
          onChange={setEventType}
        />
      </div>
      <FormError message={retryError} />
      <GrowingList<WebhookDelivery>
        path={`/outgoing-webhooks/${w.id}/deliveries`}
        query={query}
        what="deliveries"
        emptyTestId="deliveries-empty"
        empty={
          state || eventType ? 'No deliveries match.' : 'Nothing sent yet. Send a test to try the receiver.'
        }
        poll={(items) => (w.enabled && items.some((d) => d.state === 'pending') ? WATCH_MS : null)}
        reloadKey={props.reloadKey}
      >
        {(items, loading, reload) => (
          <DataTable
            testId="delivery-table"
            busy={loading}
            columns={[
              'Time',
              'Event type',
              'State',
              numberColumn('Attempts'),
              'Status',
              'Error',
              numberColumn('Duration'),
              '',
            ]}
          >
            {items.map((d) => (
              <Fragment key={d.id}>
                <tr data-testid="delivery-row" data-state={d.state}>
                  <td className="cell-nowrap">
                    <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                    <div className="muted cell-sub" data-testid="delivery-when">
                      {whenLine(d)}
                    </div>
                  </td>
                  <td data-testid="delivery-type">
                    <code>{d.eventType}</code>
                  </td>
                  <td>
                    <DeliveryStateBadge state={d.state} />
                  </td>
                  <td className="cell-number" data-testid="delivery-attempts">
                    {d.attempts}
                  </td>
                  <td data-testid="delivery-status">
                    {d.responseStatus ?? <span className="muted">—</span>}
                  </td>
                  <td data-testid="delivery-error">{d.error ?? <span className="muted">—</span>}</td>
                  <td className="cell-number cell-nowrap" data-testid="delivery-duration">
                    {d.durationMs === null ? <span className="muted">—</span> : `${d.durationMs} ms`}
                  </td>
                  <td className="cell-nowrap">
                    <button
                      type="button"
                      className="button button--small button--ghost"
                      aria-expanded={open.has(d.id)}
                      aria-controls={`delivery-${d.id}`}
                      onClick={() => toggle(d.id)}
                    >
                      {open.has(d.id) ? 'Hide' : 'Details'}
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--small"
                      disabled={retrying === d.id}
                      onClick={() => void retry(d, reload)}
                    >
                      Send again
                    </button>
                  </td>
                </tr>
                {open.has(d.id) && (
                  <tr id={`delivery-${d.id}`} data-testid="delivery-details">
                    <td colSpan={8}>
                      <DeliveryDetails delivery={d} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </DataTable>
        )}
      </GrowingList>
    </section>
  );
}

/** When it went, or when it goes (again). */
function whenLine(d: WebhookDelivery): string {
  if (d.state === 'delivered' && d.deliveredAt) return `delivered ${formatDateTime(d.deliveredAt)}`;
  if (d.state === 'pending') {
    if (d.sending) return d.sendAgain ? 'being sent, and again after' : 'being sent';
    return d.attempts > 0 && d.nextAttemptAt ? `next try ${formatDateTime(d.nextAttemptAt)}` : 'on its way';
  }
  return d.lastAttemptAt ? `last tried ${formatDateTime(d.lastAttemptAt)}` : '';
}

function DeliveryDetails({ delivery: d }: { delivery: WebhookDelivery }) {
  return (
    <div className="delivery-details">
      <p className="muted">
        Delivery <code>{d.id}</code>
        {d.eventId && (
          <>
            {' '}
            · event <code>{d.eventId}</code>
          </>
        )}
      </p>
      <h3>Sent</h3>
      <pre className="json-block" data-testid="delivery-payload">
        {JSON.stringify(d.payload, null, 2)}
      </pre>
      <h3>Answer{d.responseStatus !== null && ` (${d.responseStatus})`}</h3>
      {d.responseBody ? (
        <pre className="json-block" data-testid="delivery-response">
          {d.responseBody}
        </pre>
      ) : (
        <p className="muted" data-testid="delivery-response">
          {d.responseStatus === null ? 'No answer.' : 'An empty body.'}
        </p>
      )}
    </div>
  );
}
