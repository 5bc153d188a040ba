// Writing to the customer (a public reply) or to colleagues (an internal note), with files and
// the case status after sending. Ctrl+Enter sends. The newest message the agent had seen when
// the draft began goes along: if someone else replied since, the server answers 409 `collision`,
// the page highlights that reply, and the agent sends again or "Send anyway".
import { insertBlock, insertionPoint } from './insert-block.js';
import { withoutDoubleSignOff } from './sign-off.js';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { CASE_STATUSES, MessageCreate, type MessageWritten } from '../../shared/schemas/cases.js';
import { api, toApiError } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import type { Message } from '../lib/types.js';
import { statusLabel } from './case-labels.js';
import { useCaseUploads } from './case-uploads.js';
import { MentionList, mentionComboboxProps, useMentions } from './mention-list.js';
import { isWaiting } from './follow-up.js';
import { FollowUpSelect } from './follow-up-select.js';
import { PLACEHOLDER_HINTS } from '../reply-templates/placeholders.js';
import { TemplatePicker, type RenderedTemplate } from '../reply-templates/template-picker.js';
import type { ReplyFacts } from '../../core/replies/reply-templates.js';
import { announce } from '../a11y/announcer.js';
import { rovingTarget } from '../a11y/roving.js';

export type ComposerMode = 'reply' | 'note';

/** What a reply sent is said as, by what became of it as mail (MessageDelivery). */
function replySent(delivery: MessageWritten['delivery']): string {
  if (delivery === 'not_sent_customer_deleted')
    return 'Reply sent, but not e-mailed: the customer was deleted';
  if (delivery === 'not_sent_no_address')
    return 'Reply sent, not e-mailed: the customer has no e-mail address';
  return 'Reply sent';
}

interface Draft {
  body: string;
  mode: ComposerMode;
}

/** Drafts survive a reload or a look at another case (per tab, like the browser's own forms). */
const draftKey = (caseId: string) => `steward.draft.${caseId}`;
export function loadDraft(caseId: string): Draft | null {
  try {
    const raw = sessionStorage.getItem(draftKey(caseId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}
function saveDraft(caseId: string, draft: Draft | null) {
  try {
    if (draft && draft.body) sessionStorage.setItem(draftKey(caseId), JSON.stringify(draft));
    else sessionStorage.removeItem(draftKey(caseId));
  } catch {
    // storage unavailable: the draft lives only on screen
  }
}

export interface Collision {
  message: string;
  messageId: string | undefined;
}

/** Text to add to the reply from elsewhere on the page (a help-center link); each object once. */
export interface ComposerInsert {
  text: string;
}
const appliedInserts = new WeakSet<ComposerInsert>();

/** Where the cursor is in the reply `body` (null: the textarea shows something else). */
const caretIn = (el: HTMLTextAreaElement | null, body: string) =>
  el && el.value === body ? el.selectionStart : null;

export function ReplyComposer(props: {
  caseId: string;
  caseStatus: string;
  /** What the case's templates are filled from, for their previews. */
  replyFacts: ReplyFacts;
  /** Who a public reply goes to by e-mail, in words (shown above a reply). */
  recipients?: string;
  /**
   * The signature the server puts under a public reply it mails (the agent's own), or null when
   * the reply is not signed (no signature kept, or a customer without an e-mail address).
   */
  signature?: string | null;
  /** The newest message on screen (null: none; undefined: the messages are not on screen yet). */
  lastSeenMessageId: string | null | undefined;
  mode: ComposerMode;
  /** `focusBody`: chosen with the mouse, so writing comes next; keys keep the focus on the choice. */
  onModeChange(mode: ComposerMode, focusBody: boolean): void;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  /** Called on every keystroke, for the "is typing" presence. */
  onTyping(): void;
  onSent(message: Message): void;
  onCollision(collision: Collision): void;
  disabled?: string;
  insert?: ComposerInsert | null;
}) {
  const { caseId, mode } = props;
  const uid = useId();
  const [body, setBody] = useState(() => loadDraft(caseId)?.body ?? '');
  const [statusAfter, setStatusAfter] = useState('');
  const [followUpAt, setFollowUpAt] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const uploads = useCaseUploads(caseId, setError);
  const { files, uploading } = uploads;
  const [collision, setCollision] = useState<Collision | null>(null);

  useEffect(() => saveDraft(caseId, { body, mode }), [caseId, body, mode]);
  // The newest message on screen when the draft began. A colleague's reply that arrives while
  // the agent writes is a collision even once the live stream has shown it: they were typing,
  // not reading. Empty again (sent, cleared), the next draft starts from what is on screen then.
  const seenAtDraftStart = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (body.trim() === '') seenAtDraftStart.current = undefined;
    // A draft begun (or restored) before the messages showed starts from the first ones shown.
    else if (seenAtDraftStart.current === undefined) seenAtDraftStart.current = props.lastSeenMessageId;
  }, [body, props.lastSeenMessageId]);
  useEffect(() => {
    const insert = props.insert;
    // Once per insert, even when the composer mounts again (tab switch) or effects run twice.
    if (!insert || appliedInserts.has(insert)) return;
    appliedInserts.add(insert);
    const el = props.textareaRef.current;
    setBody((b) => insertBlock(b, insertionPoint(b, caretIn(el, b)), insert.text));
  }, [props.insert, props.textareaRef]);

  /** What a template just put in could not fill from the case ("their organization"). */
  const [unfilled, setUnfilled] = useState<string[]>([]);
  /** The template's sign-off left out because the signature signs the reply (sign-off.ts). */
  const [signOffLeftOut, setSignOffLeftOut] = useState('');
  const signature = mode === 'reply' ? props.signature?.trim() || null : null;
  function insertTemplate(rendered: RenderedTemplate) {
    const el = props.textareaRef.current;
    const { text, removed } = withoutDoubleSignOff(rendered.body, signature);
    setBody((b) => insertBlock(b, insertionPoint(b, caretIn(el, b)), text));
    setSignOffLeftOut(removed);
    setUnfilled(rendered.missing.map((m) => PLACEHOLDER_HINTS[m as keyof typeof PLACEHOLDER_HINTS] ?? m));
    props.onTyping();
    requestAnimationFrame(() => el?.focus());
  }

  const isReply = mode === 'reply';
  const mentions = useMentions({ enabled: !isReply, textareaRef: props.textareaRef, setBody });
  const canSend = body.trim() !== '' && uploading === 0 && !sending && !props.disabled;

  async function send(force = false) {
    if (!canSend) return;
    setError(null);
    const parsed = MessageCreate.safeParse({
      body,
      public: isReply,
      attachmentIds: files.length ? uploads.ids : undefined,
      lastSeenMessageId: isReply
        ? seenAtDraftStart.current !== undefined
          ? seenAtDraftStart.current
          : props.lastSeenMessageId
        : undefined,
      force: force || undefined,
    });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'The message is not valid.');
      return;
    }
    setSending(true);
    try {
      const message = await api.post<MessageWritten>(`/cases/${caseId}/messages`, {
        ...parsed.data,
        status: statusAfter || undefined,
        followUpAt: isWaiting(statusAfter) && followUpAt ? followUpAt : undefined,
      });
      setBody('');
      setUnfilled([]);
      setSignOffLeftOut('');
      uploads.clear();
      setStatusAfter('');
      setFollowUpAt(null);
      setCollision(null);
      saveDraft(caseId, null);
      // Said with the status it set, if any: the status control is out of sight from here.
      // And when it went to no one by e-mail, which the agent may not expect.
      announce(
        !isReply
          ? 'Note added'
          : `${replySent(message.delivery)}${statusAfter ? `. Status: ${statusLabel(statusAfter)}` : ''}`,
      );
      // The Send button is disabled with nothing to send: the focus waits in the text until the
      // page moves it to the message sent (onSent), once it is in the conversation.
      props.textareaRef.current?.focus();
      props.onSent(message);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 && e.code === 'collision') {
        const c = { message: e.message, messageId: e.details[0]?.message };
        // Warned of it now (it is highlighted): sending again without "anyway" is about newer ones.
        seenAtDraftStart.current = c.messageId ?? props.lastSeenMessageId;
        setCollision(c);
        props.onCollision(c);
      } else setError(e.message);
    } finally {
      setSending(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions.onKeyDown(e)) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      e.currentTarget.blur();
    }
  }

  const sendLabel = sending
    ? 'Sending…'
    : isReply
      ? statusAfter
        ? `Send and set ${statusLabel(statusAfter).toLowerCase()}`
        : 'Send reply'
      : 'Add note';

  return (
    <section
      className={isReply ? 'composer' : 'composer composer--note'}
      aria-label={isReply ? 'Reply to the customer' : 'Internal note'}
      data-testid="composer"
    >
      <ModeSwitch mode={mode} onChange={props.onModeChange} />
      {collision && (
        <div className="notice notice--warning composer__collision" role="alert" data-testid="collision">
          <span>{collision.message}</span>
          <button
            type="button"
            className="button button--small"
            onClick={() => void send(true)}
            disabled={!canSend}
          >
            Send anyway
          </button>
        </div>
      )}
      {isReply && props.recipients && (
        <p className="composer__recipients muted" data-testid="composer-recipients">
          {props.recipients}
        </p>
      )}
      <label htmlFor={`${uid}-body`} className="visually-hidden">
        {isReply ? 'Reply' : 'Internal note'}
      </label>
      <textarea
        id={`${uid}-body`}
        ref={props.textareaRef}
        className="composer__body"
        rows={5}
        placeholder={
          props.disabled ??
          (isReply
            ? 'Write a reply the customer will see…'
            : 'Write a note for your team (the customer does not see it); @name tells a colleague…')
        }
        disabled={!!props.disabled}
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          mentions.track(e.target);
          props.onTyping();
        }}
        onKeyDown={onKeyDown}
        onKeyUp={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End')
            mentions.track(e.currentTarget);
        }}
        onClick={(e) => mentions.track(e.currentTarget)}
        onBlur={mentions.close}
        {...mentionComboboxProps(!isReply, mentions, `${uid}-mentions`)}
        data-testid="composer-body"
      />
      {mentions.open && (
        <MentionList
          id={`${uid}-mentions`}
          offered={mentions.offered}
          active={mentions.active}
          onPick={mentions.pick}
        />
      )}
      {signature && (
        <div className="composer__signature" data-testid="composer-signature">
          <span className="composer__signature-label muted">Your signature, added on sending:</span>
          <pre className="composer__signature-text">{`-- \n${signature}`}</pre>
        </div>
      )}
      {signature && signOffLeftOut && body.trim() !== '' && (
        <p className="notice notice--info" role="status" data-testid="template-sign-off">
          {`Left out the template’s sign-off (${signOffLeftOut.split('\n').join(' ')}): your signature signs the reply.`}
        </p>
      )}
      {files.length > 0 && (
        <ul className="composer__files" aria-label="Attached files">
          {files.map((f) => (
            <li key={f.id} className="composer__file">
              <span>{f.filename}</span>
              <span className="muted">{formatBytes(f.size)}</span>
              <button
                type="button"
                className="button button--ghost button--small"
                aria-label={`Remove ${f.filename}`}
                onClick={() => uploads.remove(f.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {/* Said while the reply holds the template's text; cleared, there is nothing to fill in. */}
      {unfilled.length > 0 && body.trim() !== '' && (
        <p className="notice notice--warning" role="status" data-testid="template-unfilled">
          {`The template needs ${unfilled.join(', ')}, which this case does not have: write it in.`}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
      <div className="composer__actions">
        <label className="button button--small composer__attach">
          <input
            type="file"
            multiple
            className="visually-hidden"
            disabled={!!props.disabled}
            onChange={(e) => {
              setError(null);
              void uploads.add(e.target.files);
              e.target.value = '';
            }}
            data-testid="composer-file"
          />
          Attach files
        </label>
        <TemplatePicker
          caseId={caseId}
          facts={props.replyFacts}
          disabled={!!props.disabled}
          onInsert={insertTemplate}
        />
        {uploading > 0 && (
          <span className="muted" role="status">
            Uploading {uploading} {uploading === 1 ? 'file' : 'files'}…
          </span>
        )}
        <span className="composer__spacer" />
        <label htmlFor={`${uid}-status`} className="composer__status-label">
          Status after sending
        </label>
        <select
          id={`${uid}-status`}
          className="composer__status"
          value={statusAfter}
          onChange={(e) => setStatusAfter(e.target.value)}
          disabled={!!props.disabled}
        >
          <option value="">
            {/* A first reply opens a new case on its own. */}
            {isReply && props.caseStatus === 'new' ? 'Open' : `Keep (${statusLabel(props.caseStatus)})`}
          </option>
          {CASE_STATUSES.filter(
            // A first reply's default is Open already: not offered twice.
            (s) =>
              s !== 'new' &&
              s !== 'closed' &&
              s !== props.caseStatus &&
              !(s === 'open' && isReply && props.caseStatus === 'new'),
          ).map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
        {isWaiting(statusAfter) && (
          <span className="composer__follow-up">
            <label htmlFor={`${uid}-follow-up`} className="composer__status-label">
              Follow up
            </label>
            <FollowUpSelect
              id={`${uid}-follow-up`}
              testId="composer-follow-up"
              className="composer__status"
              value={followUpAt}
              disabled={!!props.disabled}
              onChange={setFollowUpAt}
            />
          </span>
        )}
        <button
          type="button"
          className={isReply ? 'button button--primary' : 'button button--note'}
          onClick={() => void send()}
          disabled={!canSend}
          title="Ctrl+Enter"
          data-testid="composer-send"
        >
          {sendLabel}
        </button>
      </div>
    </section>
  );
}

const MODES: { mode: ComposerMode; label: string; key: string }[] = [
  { mode: 'reply', label: 'Public reply', key: 'r' },
  { mode: 'note', label: 'Internal note', key: 'n' },
];

/**
 * Public reply or internal note, as a radio group: one Tab stop (the checked one), arrow keys
 * move the choice. The shortcut letter shows but is not part of the name (aria-keyshortcuts).
 */
function ModeSwitch(props: { mode: ComposerMode; onChange(mode: ComposerMode, focusBody: boolean): void }) {
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const at = MODES.findIndex((m) => m.mode === props.mode);
    const to = rovingTarget(e, at, MODES.length, { vertical: true });
    if (to === undefined) return;
    e.preventDefault();
    buttons.current[to]?.focus();
    props.onChange(MODES[to]!.mode, false);
  }
  return (
    <div className="composer__tabs" role="radiogroup" aria-label="Message type" onKeyDown={onKeyDown}>
      {MODES.map((m, i) => {
        const checked = props.mode === m.mode;
        return (
          <button
            key={m.mode}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={checked}
            aria-keyshortcuts={m.key}
            tabIndex={checked ? 0 : -1}
            className={
              checked
                ? `composer__tab composer__tab--active${m.mode === 'note' ? ' composer__tab--note' : ''}`
                : 'composer__tab'
            }
            // A click with the mouse goes on to writing; Space or Enter (detail 0) only chooses.
            onClick={(e) => props.onChange(m.mode, e.detail > 0)}
          >
            {m.label} <kbd aria-hidden="true">{m.key}</kbd>
          </button>
        );
      })}
    </div>
  );
}
