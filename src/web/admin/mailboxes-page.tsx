// Mailboxes: the addresses customers write to, the team their new cases go to, and the IMAP
// account polled for them (the password is never shown; the masked URL keeps it when saved).
import { useMailSetup } from '../mail/mail-setup.js';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  MailboxCreate,
  MailboxUpdate,
  type Mailbox,
  type MailboxPollResult,
} from '../../shared/schemas/mail.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { RecordGate } from '../layout/record-gate.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { TextField } from './form-parts.js';
import { TeamSelectField } from './team-select-field.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { useEditedRecord } from './use-edited-record.js';

export function MailboxesPage() {
  const mailboxes = useApi<Items<Mailbox>>('/mailboxes');
  const items = mailboxes.data?.items ?? [];
  // A mailbox without IMAP gets its mail through the built-in SMTP receiver: say when that is off.
  const setup = useMailSetup();
  const receiverOff = setup.data ? !setup.data.incoming.smtpReceiver : false;
  const stranded = items.some((m) => m.active && !m.imapUrl) && receiverOff;
  return (
    <>
      {stranded && (
        <p className="notice notice--warning" data-testid="mailbox-receiver-warning">
          The built-in SMTP receiver is off, so mail to the mailboxes without IMAP does not arrive. Your
          operator turns it on (STEWARD_SMTP_PORT, with your domain's mail routed to it), or give those
          mailboxes an IMAP address to read.
        </p>
      )}
      <AdminList
        title="Mailboxes"
        subtitle="The addresses customers write to. Mail arrives by the SMTP receiver, or by polling an IMAP mailbox."
        newRecord={{ to: '/admin/mailboxes/new', label: 'New mailbox' }}
        list={mailboxes}
        count={items.length}
        loadingLabel="Loading mailboxes…"
        empty={
          <>
            No mailboxes yet. Mail to the From address of outgoing mail still reaches the SMTP receiver when
            it is on.
          </>
        }
      >
        <DataTable testId="mailbox-table" columns={['Address', 'Team', 'Arrives by', 'Last poll']}>
          {items.map((m) => (
            <tr key={m.id} data-testid="mailbox-row">
              <td className="cell-primary">
                <Link to={`/admin/mailboxes/${m.id}`}>{m.address}</Link>
                <div className="muted cell-sub">
                  {m.name}
                  {!m.active && ' · inactive'}
                </div>
              </td>
              <td>{m.team?.name ?? <span className="muted">No team</span>}</td>
              <td className="cell-nowrap">
                {m.imapUrl ? (
                  `IMAP (${m.imapFolder})`
                ) : receiverOff ? (
                  <span className="badge badge--mail-failed" data-testid="mailbox-no-receiver">
                    SMTP receiver off
                  </span>
                ) : (
                  'SMTP'
                )}
              </td>
              <td>
                {!m.imapUrl ? (
                  <span className="muted">—</span>
                ) : m.lastError ? (
                  <span className="badge badge--mail-failed" title={m.lastError} data-testid="mailbox-error">
                    Failed
                  </span>
                ) : m.lastPolledAt ? (
                  formatDateTime(m.lastPolledAt)
                ) : (
                  <span className="muted">Not yet</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </AdminList>
    </>
  );
}

export function MailboxFormPage() {
  const { id, record: mailbox } = useEditedRecord<Mailbox>('/mailboxes', 'mailbox', (m) => m.address);
  return (
    <RecordGate
      record={mailbox}
      what="Mailbox"
      back={{ to: '/admin/mailboxes', label: 'Back to mailboxes' }}
      loadingLabel="Loading mailbox…"
    >
      {() => (
        <MailboxForm
          key={`${id ?? 'new'}-${mailbox.data?.updatedAt ?? ''}`}
          mailbox={mailbox.data}
          onPolled={mailbox.reload}
        />
      )}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  address: 'Address',
  name: 'Name',
  teamId: 'Team',
  imapUrl: 'IMAP URL',
  imapFolder: 'IMAP folder',
  active: 'Active',
};

function pollSummary(r: MailboxPollResult): string {
  if (r.error) return `The poll failed: ${r.error}`;
  if (r.received === 0) return 'No new mail.';
  const parts = [
    r.processed && `${r.processed} filed`,
    r.ignored && `${r.ignored} set aside (automatic mail)`,
    r.duplicate && `${r.duplicate} seen before`,
    r.failed && `${r.failed} failed`,
  ].filter(Boolean);
  return `${countOf(r.received, 'new mail', 'new mails')}: ${parts.join(', ')}.`;
}

function MailboxForm(props: { mailbox: Mailbox | undefined; onPolled: () => void }) {
  const { mailbox } = props;
  const [address, setAddress] = useState(mailbox?.address ?? '');
  const [name, setName] = useState(mailbox?.name ?? '');
  const [teamId, setTeamId] = useState(mailbox?.teamId ?? '');
  const [imapUrl, setImapUrl] = useState(mailbox?.imapUrl ?? '');
  const [imapFolder, setImapFolder] = useState(mailbox?.imapFolder ?? 'INBOX');
  const [active, setActive] = useState(mailbox?.active ?? true);
  const form = useRecordForm({
    record: mailbox,
    path: '/mailboxes',
    back: '/admin/mailboxes',
    notices: { created: 'Mailbox created.', saved: 'Mailbox saved.', deleted: 'Mailbox deleted.' },
  });
  const { errors } = form;
  const [polling, setPolling] = useState(false);
  const [polled, setPolled] = useState<string | null>(null);

  async function pollNow() {
    if (!mailbox) return;
    setPolling(true);
    setPolled(null);
    try {
      const result = await api.post<MailboxPollResult>(`/mailboxes/${mailbox.id}/poll`, {});
      setPolled(pollSummary(result));
    } catch (err) {
      setPolled(toApiError(err).message);
    } finally {
      setPolling(false);
    }
  }

  return (
    <RecordForm
      form={form}
      noun="mailbox"
      title={mailbox ? mailbox.address : 'New mailbox'}
      back={{ to: '/admin/mailboxes', label: 'Mailboxes' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Mailbox'}
      onSubmit={() =>
        void form.save(mailbox ? MailboxUpdate : MailboxCreate, {
          address,
          name,
          teamId: teamId || null,
          imapUrl: imapUrl.trim() || null,
          imapFolder: imapFolder.trim() || 'INBOX',
          active,
        })
      }
      confirmDelete={mailbox && `Delete the mailbox ${mailbox.address}?`}
    >
      <div className="form__grid">
        <TextField
          id="mailbox-address"
          label="Address"
          type="email"
          maxLength={254}
          value={address}
          onChange={setAddress}
          error={errors.address}
          hint="Customers write to it; replies to a case go to its +token form."
        />
        <TextField
          id="mailbox-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <TeamSelectField
          id="mailbox-team"
          label="Team for new cases"
          value={teamId}
          onChange={setTeamId}
          error={errors.teamId}
        />
      </div>
      <fieldset className="form__group">
        <legend>IMAP polling (optional)</legend>
        <div className="form__grid">
          <TextField
            id="mailbox-imap-url"
            label="IMAP URL"
            maxLength={1000}
            autoComplete="off"
            value={imapUrl}
            onChange={setImapUrl}
            error={errors.imapUrl}
            hint="imaps://user:password@imap.example.com:993 (TLS) or imap://… (STARTTLS when offered). Leave empty for mail by SMTP."
          />
          <TextField
            id="mailbox-imap-folder"
            label="Folder"
            maxLength={200}
            value={imapFolder}
            onChange={setImapFolder}
            error={errors.imapFolder}
          />
        </div>
        {mailbox?.imapUrl && (
          <div className="mailbox-poll" data-testid="mailbox-poll">
            <p className="muted">
              {mailbox.lastPolledAt
                ? `Last polled ${formatDateTime(mailbox.lastPolledAt)}`
                : 'Not polled yet'}
              {` · position: UID ${mailbox.imapLastUid}`}
            </p>
            {mailbox.lastError && (
              <p className="notice notice--error" data-testid="mailbox-last-error">
                Last poll failed: {mailbox.lastError}
              </p>
            )}
            <button
              type="button"
              className="button"
              disabled={polling}
              onClick={() => void pollNow().then(props.onPolled)}
            >
              {polling ? 'Polling…' : 'Poll now'}
            </button>
            {polled && (
              <p role="status" data-testid="poll-result">
                {polled}
              </p>
            )}
          </div>
        )}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        <span>Active (takes mail)</span>
      </label>
    </RecordForm>
  );
}
