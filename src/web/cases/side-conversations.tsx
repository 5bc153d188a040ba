// Side conversations on the case page: asking a third party (a carrier, a supplier) about the
// case by e-mail, apart from the customer. The panel lists them and starts, continues, closes and
// reopens them; their messages show in the conversation as internal notes.
import { useEffect, useRef, useState } from 'react';
import {
  HOLDABLE_STATUSES,
  SideConversationCreate,
  SideMessageCreate,
  type SideConversation,
} from '../../shared/schemas/side-conversations.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import type { Case, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { focusFirstInvalid } from '../lib/focus-invalid.js';
import { useFocusLater } from '../lib/use-focus-later.js';
import { useCaseUploads } from './case-uploads.js';

/** "a@x.example, b@y.example" or one per line, as the API's list. */
const addressesOf = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

export function SideConversations(props: {
  c: Case;
  /** Changes when the case's messages do (a third party's answer): the list is read again. */
  refreshKey: unknown;
  /** After a message of ours: the conversation shows it. */
  onChanged(): void;
}) {
  const { c } = props;
  const sides = useApi<Items<SideConversation>>(`/cases/${c.id}/side-conversations`, undefined, {
    keepPrevious: true,
  });
  const reload = sides.reload;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else reload();
  }, [props.refreshKey, reload]);
  const [writing, setWriting] = useState<'new' | string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const items = sides.data?.items ?? [];
  const merged = c.mergedIntoId !== null;
  // A form closed (sent or cancelled): the focus goes back to the button that opened it.
  const section = useRef<HTMLElement>(null);
  const focusLater = useFocusLater();
  const backToOpener = (which: 'new' | string) =>
    focusLater(() => section.current?.querySelector<HTMLElement>(`[data-opens="${which}"]`));
  const cancel = (which: 'new' | string) => {
    setWriting(null);
    backToOpener(which);
  };
  const send = async (which: 'new' | string, action: () => Promise<unknown>) => {
    const sent = await run(action);
    if (sent) backToOpener(which);
    return sent;
  };

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setWriting(null);
      reload();
      props.onChanged();
      return true;
    } catch (err) {
      setError(toApiError(err).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      ref={section}
      className="card panel"
      aria-labelledby="side-title"
      data-testid="side-conversations"
    >
      <h2 id="side-title">Side conversations</h2>
      <p className="muted panel__hint">
        Ask a carrier, a supplier or a colleague elsewhere by e-mail; the customer sees none of it.
      </p>
      {sides.error && <p className="muted">{sides.error.message}</p>}
      {sides.data && items.length === 0 && <p className="muted">None.</p>}
      {items.length > 0 && (
        <ul className="side-list">
          {items.map((s) => (
            <li key={s.id} className="side-item" data-testid="side-conversation" data-state={s.state}>
              <div className="side-item__head">
                <strong className="side-item__subject">{s.subject}</strong>
                {s.state === 'closed' && <span className="badge">Closed</span>}
              </div>
              <p className="muted side-item__meta">
                With {s.participants.join(', ')} · {s.messages} {s.messages === 1 ? 'message' : 'messages'} ·
                last <time dateTime={s.lastMessageAt}>{formatDateTime(s.lastMessageAt)}</time>
              </p>
              {writing === s.id ? (
                <SideMessageForm
                  c={c}
                  label={`Write to ${s.participants.join(', ')}`}
                  busy={busy}
                  onCancel={() => cancel(s.id)}
                  onSend={(body) => send(s.id, () => api.post(`/side-conversations/${s.id}/messages`, body))}
                />
              ) : (
                !merged && (
                  <div className="panel__actions">
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => setWriting(s.id)}
                      aria-label={`Write in “${s.subject}”`}
                      data-opens={s.id}
                    >
                      Write
                    </button>
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      disabled={busy}
                      onClick={() =>
                        void run(() =>
                          api.patch(`/side-conversations/${s.id}`, {
                            state: s.state === 'open' ? 'closed' : 'open',
                          }),
                        )
                      }
                    >
                      {s.state === 'open' ? 'Close' : 'Open again'}
                    </button>
                  </div>
                )
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field__error" role="alert" data-testid="side-error">
          {error}
        </p>
      )}
      {writing === 'new' && (
        <NewSideConversation
          c={c}
          busy={busy}
          onCancel={() => cancel('new')}
          onSend={(body) => send('new', () => api.post(`/cases/${c.id}/side-conversations`, body))}
        />
      )}
      {writing === null && !merged && (
        <div className="panel__actions">
          <button
            type="button"
            className="button button--small"
            onClick={() => setWriting('new')}
            data-opens="new"
          >
            New side conversation
          </button>
        </div>
      )}
    </section>
  );
}

function NewSideConversation(props: {
  c: Case;
  busy: boolean;
  onCancel(): void;
  onSend(body: SideConversationCreate): Promise<boolean>;
}) {
  const [to, setTo] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  // The field a problem is about (its input points to it, and gets the focus), and what it is.
  const [problem, setProblem] = useState<{ field: 'to' | 'subject' | 'body'; text: string } | null>(null);
  const files = useSideFiles(props.c.id);
  // Asking someone else: the case usually waits for their answer.
  const [hold, setHold] = useState(holdable(props.c));
  const about = (field: 'to' | 'subject' | 'body') =>
    problem?.field === field
      ? { 'aria-invalid': true, 'aria-describedby': 'side-form-problem' }
      : { 'aria-invalid': undefined };

  function send() {
    const parsed = SideConversationCreate.safeParse({
      to: addressesOf(to),
      ...(subject.trim() ? { subject } : {}),
      body,
      ...(files.ids.length ? { attachmentIds: files.ids } : {}),
      ...(hold && holdable(props.c) ? { hold: true } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path[0] === 'to' ? 'to' : issue.path[0] === 'body' ? 'body' : 'subject';
      setProblem({
        field,
        text: `${field === 'to' ? 'To' : field === 'body' ? 'Message' : 'Subject'}: ${issue.message}`,
      });
      focusFirstInvalid();
      return;
    }
    setProblem(null);
    void props.onSend(parsed.data);
  }

  return (
    <form
      className="side-form"
      aria-label="New side conversation"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="side-to">To</label>
      <input
        id="side-to"
        type="text"
        value={to}
        placeholder="claims@carrier.example"
        // The button that opened the form is gone: the focus starts in its first field.
        autoFocus
        onChange={(e) => setTo(e.target.value)}
        autoComplete="off"
        {...about('to')}
      />
      <label htmlFor="side-subject">Subject</label>
      <input
        id="side-subject"
        type="text"
        value={subject}
        placeholder={props.c.subject}
        onChange={(e) => setSubject(e.target.value)}
        {...about('subject')}
      />
      <label htmlFor="side-body">Message</label>
      <textarea
        id="side-body"
        rows={4}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        {...about('body')}
      />
      <SideFilesInput id="side-files" files={files} />
      <HoldCheckbox c={props.c} hold={hold} onChange={setHold} />
      {problem && (
        <p className="field__error" role="alert" id="side-form-problem">
          {problem.text}
        </p>
      )}
      <SendOrCancel busy={props.busy} disabled={files.uploading > 0} onCancel={props.onCancel} />
    </form>
  );
}

/** Files sent with a side message, and why one could not be uploaded. */
function useSideFiles(caseId: string) {
  const [error, setError] = useState<string | null>(null);
  const uploads = useCaseUploads(caseId, setError);
  return {
    ...uploads,
    error,
    add: (list: FileList | null) => {
      setError(null);
      return uploads.add(list);
    },
  };
}

function SideFilesInput(props: { id: string; files: ReturnType<typeof useSideFiles> }) {
  const { files } = props;
  return (
    <>
      <label htmlFor={props.id}>Files</label>
      <input id={props.id} type="file" multiple onChange={(e) => void files.add(e.target.files)} />
      {files.files.length > 0 && (
        <ul className="side-form__files" data-testid="side-files">
          {files.files.map((f) => (
            <li key={f.id}>{f.filename}</li>
          ))}
        </ul>
      )}
      {files.uploading > 0 && <p className="muted">Uploading…</p>}
      {files.error && (
        <p className="field__error" role="alert">
          {files.error}
        </p>
      )}
    </>
  );
}

/** A case that can go on hold while a third party is asked: not solved or closed, not on hold yet. */
const holdable = (c: Case) => HOLDABLE_STATUSES.includes(c.status);

/** "Put the case on hold until they answer": the case's clocks pause; their answer opens it again. */
function HoldCheckbox(props: { c: Case; hold: boolean; onChange(hold: boolean): void }) {
  if (!holdable(props.c)) return null;
  return (
    <label className="checkbox">
      <input type="checkbox" checked={props.hold} onChange={(e) => props.onChange(e.target.checked)} />
      Put the case on hold until they answer
    </label>
  );
}

/** The two buttons under a side conversation's form. */
function SendOrCancel(props: { busy: boolean; disabled?: boolean; onCancel(): void }) {
  return (
    <div className="panel__actions">
      <button
        type="submit"
        className="button button--primary button--small"
        disabled={props.busy || props.disabled}
      >
        {props.busy ? 'Sending…' : 'Send'}
      </button>
      <button type="button" className="button button--small" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}

function SideMessageForm(props: {
  c: Case;
  label: string;
  busy: boolean;
  onCancel(): void;
  onSend(body: SideMessageCreate): Promise<boolean>;
}) {
  const [body, setBody] = useState('');
  const files = useSideFiles(props.c.id);
  const [hold, setHold] = useState(false);
  const parsed = SideMessageCreate.safeParse({
    body,
    ...(files.ids.length ? { attachmentIds: files.ids } : {}),
    ...(hold && holdable(props.c) ? { hold: true } : {}),
  });
  return (
    <form
      className="side-form"
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (parsed.success) void props.onSend(parsed.data);
      }}
    >
      <label htmlFor="side-reply" className="visually-hidden">
        {props.label}
      </label>
      <textarea id="side-reply" rows={3} autoFocus value={body} onChange={(e) => setBody(e.target.value)} />
      <SideFilesInput id="side-reply-files" files={files} />
      <HoldCheckbox c={props.c} hold={hold} onChange={setHold} />
      <SendOrCancel
        busy={props.busy}
        disabled={!parsed.success || files.uploading > 0}
        onCancel={props.onCancel}
      />
    </form>
  );
}
