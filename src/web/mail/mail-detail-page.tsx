// One mail: who, to whom, the threading headers (Message-ID, In-Reply-To, References, Reply-To),
// how sending went, the text and the sanitized HTML (in a sandboxed frame: no scripts, no
// requests), every header, the raw source, and "send again" for failed or held outgoing mail.
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { MailMessageDetail } from '../../shared/schemas/mail.js';
import { api, API_BASE, toApiError } from '../lib/api.js';
import { downloadFile } from '../lib/download.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { Fact, FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { TabPanel, Tabs } from '../layout/tabs.js';
import { MAIL_STATUS_HINTS, MailStatusBadge, directionLabel } from './mail-badges.js';
import { HtmlBody } from './html-body.js';
import type { MailStatus } from '../../shared/schemas/mail.js';

const id = (value: string | null) => (value ? <code>{`<${value}>`}</code> : '—');

export function MailDetailPage() {
  const { id: mailId = '' } = useParams();
  const mail = useApi<MailMessageDetail>(`/mail/${mailId}`, undefined, { keepPrevious: true });
  useDocumentTitle(mail.data?.subject || 'Mail');
  return (
    <RecordGate
      record={mail}
      what="Mail"
      back={{ to: '/mail', label: 'Back to mail' }}
      loadingLabel="Loading mail…"
    >
      {(m) => m && <MailView key={m.id} m={m} onChanged={mail.reload} />}
    </RecordGate>
  );
}

function MailView({ m, onChanged }: { m: MailMessageDetail; onChanged(): void }) {
  const [tab, setTab] = useState<'text' | 'html'>(m.textBody === null && m.htmlBody ? 'html' : 'text');
  const body =
    tab === 'html' && m.htmlBody ? (
      <HtmlBody html={m.htmlBody} />
    ) : (
      <pre className="mail-text prewrap" data-testid="mail-text">
        {m.textBody ?? '(no text)'}
      </pre>
    );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const retryable = m.canRetry;

  async function retry() {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await api.post(`/mail/${m.id}/retry`);
      setNotice('Back in the queue: it goes out within a few seconds.');
      onChanged();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  async function downloadSource() {
    setError(null);
    try {
      await downloadFile(`${API_BASE}/mail/${m.id}/raw`, `mail-${m.id}.eml`);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }

  return (
    <>
      <PageHeader
        back={{ to: m.direction === 'in' ? '/mail?view=in' : '/mail', label: 'Mail' }}
        title={<span data-testid="mail-heading">{m.subject || '(no subject)'}</span>}
        subtitle={
          <span className="signal-header__badges">
            <MailStatusBadge status={m.status} />
            <span className="muted" data-testid="mail-status-hint">
              {directionLabel(m.direction)} · {MAIL_STATUS_HINTS[m.status as MailStatus]}
            </span>
          </span>
        }
        actions={
          <>
            {retryable && (
              <button
                type="button"
                className="button button--primary"
                disabled={busy}
                onClick={() => void retry()}
                data-testid="mail-retry"
              >
                {busy ? 'Sending…' : 'Send again'}
              </button>
            )}
            {m.rawSize > 0 && (
              <button type="button" className="button" onClick={() => void downloadSource()}>
                Download source ({formatBytes(m.rawSize)})
              </button>
            )}
          </>
        }
      />
      <SuccessNotice message={notice} />
      <FormError message={error} />
      <div className="detail-grid">
        <section className="card" aria-labelledby="mail-who-title">
          <h2 id="mail-who-title">Who and how</h2>
          <dl className="facts">
            <Fact testId="mail-from" label="From">
              {m.fromName ? `${m.fromName} <${m.fromAddress}>` : m.fromAddress}
            </Fact>
            <Fact testId="mail-to" label="To">
              {m.toAddresses.join(', ') || '—'}
            </Fact>
            {m.ccAddresses.length > 0 && (
              <Fact testId="mail-cc" label="Cc">
                {m.ccAddresses.join(', ')}
              </Fact>
            )}
            <Fact testId="mail-reply-to" label="Reply-To">
              {m.replyTo ?? '—'}
            </Fact>
            <Fact testId="mail-case" label="Case">
              {m.caseId ? <Link to={`/cases/${m.caseId}`}>Case #{m.caseNumber}</Link> : '—'}
            </Fact>
            <Fact testId="mail-created" label={m.direction === 'out' ? 'Written' : 'Received'}>
              <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
            </Fact>
            {m.direction === 'out' && (
              <>
                <Fact testId="mail-sent" label="Sent">
                  {m.sentAt ? <time dateTime={m.sentAt}>{formatDateTime(m.sentAt)}</time> : 'Not yet'}
                </Fact>
                <Fact testId="mail-attempts" label="Attempts">
                  {m.attempts}
                  {m.runAfter && <span className="muted"> · next try {formatDateTime(m.runAfter)}</span>}
                </Fact>
              </>
            )}
            {m.reason && (
              <Fact testId="mail-reason" label={m.status === 'ignored' ? 'Why ignored' : 'Note'}>
                {m.reason}
              </Fact>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="mail-thread-title">
          <h2 id="mail-thread-title">Threading</h2>
          <dl className="facts">
            <Fact testId="mail-message-id" label="Message-ID">
              {id(m.messageId)}
            </Fact>
            <Fact testId="mail-in-reply-to" label="In-Reply-To">
              {id(m.inReplyTo)}
            </Fact>
            <Fact testId="mail-references" label="References">
              {m.references.length === 0 ? (
                '—'
              ) : (
                <ol className="mail-references">
                  {m.references.map((r) => (
                    <li key={r}>
                      <code>{`<${r}>`}</code>
                    </li>
                  ))}
                </ol>
              )}
            </Fact>
          </dl>
        </section>
      </div>
      <section className="card mail-body" aria-labelledby="mail-body-title">
        <h2 id="mail-body-title">Message</h2>
        {m.htmlBody && m.textBody !== null ? (
          <>
            <Tabs
              label="Message versions"
              idBase="mail-body"
              tabs={[
                { key: 'text', label: 'Text' },
                { key: 'html', label: 'HTML' },
              ]}
              active={tab}
              onSelect={setTab}
            />
            <TabPanel idBase="mail-body" tab={tab}>
              {body}
            </TabPanel>
          </>
        ) : (
          body
        )}
      </section>
      <details className="card mail-headers">
        <summary>All headers ({m.headers.length})</summary>
        <table className="table" data-testid="mail-headers">
          <tbody>
            {m.headers.map((h, i) => (
              <tr key={i}>
                <th scope="row" className="cell-nowrap">
                  {h.name}
                </th>
                <td>
                  <code className="mail-header-value">{h.value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
