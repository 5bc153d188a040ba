// One request as its customer sees it: where it stands in plain words, the conversation (no
// internal notes: the API never sends them), a reply with files, and a rating once solved.
import { useCallback, useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import type { Message } from '../../shared/schemas/cases.js';
import { RATING_MAX, type PortalCase, type Rating } from '../../shared/schemas/portal.js';
import { useMe } from '../auth/auth-context.js';
import { api, request as apiRequest, toApiError } from '../lib/api.js';
import { downloadFile } from '../lib/download.js';
import { formatBytes, formatDate, formatDateTime } from '../lib/format.js';
import { browserTimeZone } from '../lib/time-zones.js';
import type { Attachment, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { thisCase, useLiveReload } from '../lib/live.js';
import { ErrorNotice, Loading, NotFound } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { FilePicker } from './file-picker.js';
import { usePickedFiles } from './use-picked-files.js';
import type { CreatedState } from './new-request-page.js';
import { PlainStateLine } from './plain-state.js';
import { CaseByNumber, isCaseNumber } from '../cases/case-by-number.js';
import './portal.css';
import { announce } from '../a11y/announcer.js';
import { authorLine } from './author-line.js';

export function PortalCasePageRoute() {
  const { id = '' } = useParams();
  if (isCaseNumber(id))
    return (
      <CaseByNumber
        key={id}
        apiPath="/portal/cases"
        pagePath="/portal/cases"
        number={id}
        notFound={<NotFound what="Request" back={{ to: '/portal', label: 'Back to my requests' }} />}
      />
    );
  return <PortalCasePage key={id} id={id} />;
}

function PortalCasePage({ id }: { id: string }) {
  const location = useLocation();
  const navigate = useNavigate();
  const created = (location.state as CreatedState | null)?.created;
  const c = useApi<PortalCase>(`/portal/cases/${id}`, undefined, { keepPrevious: true });
  const messages = useApi<Items<Message>>(`/cases/${id}/messages`, undefined, { keepPrevious: true });
  // Our answer shows as it is sent (the live stream); without the stream, within 30 seconds.
  const [reloadCase, reloadMessages] = [c.reload, messages.reload];
  const reloadAll = useCallback(() => {
    reloadCase();
    reloadMessages();
  }, [reloadCase, reloadMessages]);
  useLiveReload(thisCase(id), reloadAll, { pollMs: 30_000 });
  useDocumentTitle(c.data ? `#${c.data.number} ${c.data.subject}` : 'Request');

  if (c.error && !c.data) {
    if (c.error.status === 404 || c.error.status === 400)
      return <NotFound what="Request" back={{ to: '/portal', label: 'Back to my requests' }} />;
    return <ErrorNotice error={c.error} onRetry={c.reload} />;
  }
  if (!c.data) return <Loading label="Loading your request…" />;
  const r = c.data;
  const refresh = () => {
    c.reload();
    messages.reload();
  };

  return (
    <div className="portal portal--narrow" data-testid="portal-case">
      <Link className="back-link" to="/portal">
        ← My requests
      </Link>
      {created && (
        <p className="notice notice--success" role="status" data-testid="request-created">
          Thank you — we have your request #{created}. We will answer here and by e-mail.
        </p>
      )}
      <h1 className="portal-case__title" data-testid="request-subject">
        {r.subject}
      </h1>
      <p className="muted portal-case__sub">
        #{r.number} · opened {formatDate(r.createdAt, r.timeZone)}
        {!r.mine && ` · asked by ${r.customer.name}`}
        {/* One zone for the whole page, the one the state line speaks in; named when not the browser's. */}
        {r.timeZone !== browserTimeZone() && (
          <span data-testid="request-zone"> · times in {r.timeZone.replace(/_/g, ' ')}</span>
        )}
      </p>
      <PlainStateLine state={r.plainState} large />
      {r.mergedIntoId && (
        <p className="notice notice--info">
          This request continues in another one. <Link to={`/portal/cases/${r.mergedIntoId}`}>Go there</Link>
        </p>
      )}
      {(r.canRate || r.rating) && <RatingCard request={r} onSaved={c.reload} />}
      <section aria-label="Conversation" className="portal-case__conversation">
        <h2 className="visually-hidden">Conversation</h2>
        {messages.error && <ErrorNotice error={messages.error} onRetry={messages.reload} />}
        {!messages.data && !messages.error && <Loading label="Loading the conversation…" />}
        {messages.data && <PortalConversation messages={messages.data.items} timeZone={r.timeZone} />}
      </section>
      {r.canReply ? (
        <ReplyForm
          caseId={r.id}
          solved={r.status === 'solved'}
          onSent={() => {
            refresh();
            // The thanks for the new request has been read: it goes with their first reply.
            if (created) navigate(location.pathname, { replace: true, state: null });
          }}
        />
      ) : (
        !r.mergedIntoId && (
          <p className="notice notice--info" data-testid="closed-note">
            This request is closed. <Link to="/portal/new">Start a new request</Link> if you need more help.
          </p>
        )
      )}
    </div>
  );
}

function FileLink({ file }: { file: Attachment }) {
  const [error, setError] = useState<string | null>(null);
  async function open() {
    try {
      await downloadFile(file.url, file.filename);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }
  return (
    <li className="attachment">
      <button
        type="button"
        className="attachment__button"
        onClick={() => void open()}
        data-testid="attachment"
      >
        <span className="attachment__name">{file.filename}</span>
        <span className="muted">{formatBytes(file.size)}</span>
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

const OUTCOMES: Record<string, string> = {
  resolved: 'resolved',
  callback_needed: 'we call back',
  voicemail: 'voicemail',
  no_answer: 'no answer',
  transferred: 'transferred',
  other: 'other',
};

export function callSummary(call: NonNullable<Message['call']>): string {
  const m = Math.floor(call.durationSeconds / 60);
  const s = call.durationSeconds % 60;
  const length = m > 0 ? `${m} min${s ? ` ${s} s` : ''}` : `${s} s`;
  return `${call.direction === 'inbound' ? 'Call from you' : 'Call from us'} · ${length} · ${OUTCOMES[call.outcome] ?? call.outcome}`;
}

function PortalConversation({ messages, timeZone }: { messages: Message[]; timeZone: string }) {
  const me = useMe();
  if (messages.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <ol className="conversation" data-testid="conversation">
      {messages.map((m) => {
        const ours = m.authorType !== 'customer';
        const who = authorLine(m, me);
        return (
          <li
            key={m.id}
            className={`message ${ours ? 'message--agent' : 'message--customer'}`}
            data-testid="message"
            data-author={ours ? 'team' : 'customer'}
          >
            <div className="message__meta">
              <h3 className="message__author">{who}</h3>
              <time className="message__time" dateTime={m.createdAt}>
                {formatDateTime(m.createdAt, timeZone)}
              </time>
            </div>
            {m.call && (
              <p className="message__call" data-testid="message-call">
                {callSummary(m.call)}
              </p>
            )}
            <div className="message__body prewrap" data-testid="message-body">
              {m.body}
            </div>
            {m.attachments.length > 0 && (
              <ul className="attachments">
                {m.attachments.map((a) => (
                  <FileLink key={a.id} file={a} />
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** Sends one file to the case (raw body); JSON and text files go as octet-stream (see reply-composer). */
async function upload(caseId: string, file: File): Promise<Attachment> {
  const path = `/cases/${caseId}/attachments`;
  const type = file.type || 'application/octet-stream';
  const raw = type === 'application/json' || type.startsWith('text/') ? 'application/octet-stream' : type;
  return api.upload<Attachment>(path, { filename: file.name }, file, raw);
}

function ReplyForm(props: { caseId: string; solved: boolean; onSent(): void }) {
  const uid = useId();
  const [body, setBody] = useState('');
  const picked = usePickedFiles();
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) {
      setError('Write your reply first.');
      return;
    }
    setSending(true);
    setError(null);
    try {
      const uploaded: Attachment[] = [];
      for (const f of picked.files) uploaded.push(await upload(props.caseId, f.file));
      await api.post(`/cases/${props.caseId}/messages`, {
        body,
        public: true,
        attachmentIds: uploaded.length ? uploaded.map((a) => a.id) : undefined,
      });
      setBody('');
      picked.clear();
      props.onSent();
      announce('Reply sent');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="card portal-reply" onSubmit={send} noValidate aria-label="Reply">
      <div className="field">
        <label htmlFor={`${uid}-reply`}>Your reply</label>
        <textarea
          id={`${uid}-reply`}
          rows={5}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          data-testid="reply-body"
        />
        {props.solved && <span className="field__hint">Writing again reopens your request.</span>}
      </div>
      <FilePicker
        files={picked.files}
        problem={picked.problem}
        hint="Up to 5 files, 10 MB each."
        onAdd={picked.add}
        onRemove={picked.remove}
      />
      {error && (
        <p className="notice notice--error" role="alert" data-testid="reply-error">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={sending}>
          {sending ? 'Sending…' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}

function RatingCard({ request, onSaved }: { request: PortalCase; onSaved(): void }) {
  const uid = useId();
  const current = request.rating;
  const [rating, setRating] = useState(current?.rating ?? 0);
  const [comment, setComment] = useState(current?.comment ?? '');
  const [editing, setEditing] = useState(!current);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [thanks, setThanks] = useState(false);

  if (!request.canRate) {
    return (
      <p className="muted" data-testid="rating-readonly">
        Rated {current!.rating} of {RATING_MAX} by {request.customer.name}.
      </p>
    );
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    if (rating < 1) {
      setError('Choose how many stars.');
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await apiRequest<Rating>('PUT', `/portal/cases/${request.id}/rating`, {
        body: { rating, comment: comment.trim() || null },
      });
      setEditing(false);
      setThanks(true);
      onSaved();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(false);
    }
  }

  if (!editing && current) {
    return (
      <section className="card rating" aria-label="Your rating" data-testid="rating">
        <p>
          {thanks && <strong>Thank you for your rating. </strong>}
          You rated this <span data-testid="rating-value">{current.rating}</span> of {RATING_MAX}
          {current.comment ? `: “${current.comment}”` : '.'}
        </p>
        <button type="button" className="button button--small" onClick={() => setEditing(true)}>
          Change rating
        </button>
      </section>
    );
  }

  return (
    <form className="card rating" onSubmit={save} aria-label="Rate this request" data-testid="rating-form">
      <fieldset className="rating__stars">
        <legend>How did we do?</legend>
        {Array.from({ length: RATING_MAX }, (_, i) => i + 1).map((n) => (
          <label key={n} className={n <= rating ? 'star star--on' : 'star'}>
            <input
              type="radio"
              name={`${uid}-rating`}
              value={n}
              checked={rating === n}
              onChange={() => setRating(n)}
              className="visually-hidden"
            />
            <span aria-hidden="true">★</span>
            <span className="visually-hidden">
              {n} {n === 1 ? 'star' : 'stars'}
            </span>
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${uid}-comment`}>Anything to add? (optional)</label>
        <textarea
          id={`${uid}-comment`}
          rows={2}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Send rating'}
        </button>
        {current && (
          <button type="button" className="button button--ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
