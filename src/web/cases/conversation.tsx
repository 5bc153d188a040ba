// The conversation of a case: what the customer wrote, public replies, and internal notes
// (which the customer never sees, so they look unmistakably different).
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { NotMailedReason } from '../../shared/schemas/cases.js';
import type { MailMessage } from '../../shared/schemas/mail.js';
import { isStaff, useMe } from '../auth/auth-context.js';
import { fetchBlob } from '../lib/api.js';
import { useDownload } from '../lib/download.js';
import { formatBytes, formatDateTime } from '../lib/format.js';
import type { Attachment, Message, Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { channelLabel } from './case-labels.js';
import { callLine } from './log-call-dialog.js';
import { HtmlBody } from '../mail/html-body.js';
import { useBrandName } from '../layout/brand.js';

function AttachmentLink({ file }: { file: Attachment }) {
  // The file sits behind the bearer token: fetch it, then hand the browser an object URL.
  const { busy, error, download: save } = useDownload();
  const download = () => save(file.url, file.filename);
  return (
    <li className="attachment">
      <button
        type="button"
        className="attachment__button"
        onClick={() => void download()}
        disabled={busy}
        data-testid="attachment"
      >
        <svg viewBox="0 0 20 20" aria-hidden="true" className="attachment__icon">
          <path d="M13.2 3.8a2.75 2.75 0 0 0-3.9 0L4.6 8.5a4.25 4.25 0 0 0 6 6l4.2-4.2a.75.75 0 1 1 1.06 1.06l-4.2 4.2a5.75 5.75 0 0 1-8.13-8.13l4.7-4.7a4.25 4.25 0 0 1 6 6l-4.7 4.7a2.75 2.75 0 0 1-3.9-3.9l4.45-4.45a.75.75 0 0 1 1.06 1.06l-4.45 4.45a1.25 1.25 0 0 0 1.77 1.77l4.7-4.7a2.75 2.75 0 0 0 0-3.9Z" />
        </svg>
        <span className="attachment__name">{file.filename}</span>
        <span className="muted">{busy ? 'Downloading…' : formatBytes(file.size)}</span>
      </button>
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

/**
 * The case's outgoing mail by the message it carries (staff only): one request per case page,
 * asked again when a message is added.
 */
function useCaseMail(messages: Message[]) {
  const staff = isStaff(useMe());
  const caseId = messages[0]?.caseId;
  const mail = useApi<Page<MailMessage>>(staff && caseId ? '/mail' : null, {
    caseId,
    direction: 'out',
    limit: 500,
  });
  const { reload } = mail;
  const last = messages[messages.length - 1]?.id;
  const [seen, setSeen] = useState(last);
  useEffect(() => {
    if (last !== seen) {
      setSeen(last);
      reload();
    }
  }, [last, seen, reload]);
  const byMessage = new Map<string, MailMessage>();
  for (const m of mail.data?.items ?? []) if (m.caseMessageId) byMessage.set(m.caseMessageId, m);
  return byMessage;
}

/**
 * "Sent by e-mail to …", "Held in the outbox", …: what became of the mail that carries a reply
 * (a reply that went to no one says so from its own `notMailed`).
 */
function MailNote({ mail }: { mail: MailMessage }) {
  const to = mail.toAddresses.join(', ');
  const text =
    mail.status === 'sent'
      ? `Sent by e-mail to ${to}`
      : mail.status === 'held'
        ? `Held in the outbox (no SMTP server set): not sent to ${to}`
        : mail.status === 'queued'
          ? `Sending by e-mail to ${to}…`
          : `E-mail to ${to} failed`;
  return (
    <Link
      to={`/mail/${mail.id}`}
      className={`message__mail message__mail--${mail.status}`}
      data-testid="message-mail"
      data-status={mail.status}
    >
      {text}
    </Link>
  );
}

/** A public reply that went to no one by e-mail, and why, as it was when written. */
const NOT_MAILED_TEXT: Record<NotMailedReason, string> = {
  customer_deleted: 'Not e-mailed: the customer was deleted',
  no_address: 'Not e-mailed: the customer had no e-mail address',
};

/** Written by Steward itself (a signal rule's note or message to the customer): no person's. */
const automatic = (m: Message) =>
  (m.authorType === 'agent' || m.authorType === 'system') && !m.authorUserId && !m.authorName;

function authorRole(m: Message): string {
  if (m.authorType === 'customer') return 'Customer';
  if (automatic(m)) return 'Automatic';
  if (m.authorType === 'system') return 'System';
  if (m.authorType === 'third_party') return 'Third party';
  return 'Agent';
}

export function Conversation(props: {
  messages: Message[];
  /** A reply that arrived while the agent was writing (a collision): highlighted. */
  highlightId?: string;
  meId: string;
  /** Seen by a customer: what Steward wrote is signed with the company's name. */
  customerView?: boolean;
  /**
   * A message just sent from this page: it takes the focus once it is in the list (then
   * `onFocused`), so the sender lands on what they sent, not in the emptied text box.
   */
  focusId?: string;
  onFocused?(): void;
}) {
  const { messages, highlightId, focusId, onFocused } = props;
  const brandName = useBrandName(props.customerView ?? false);
  const mailByMessage = useCaseMail(messages);
  useEffect(() => {
    if (!focusId || !messages.some((m) => m.id === focusId)) return;
    const el = document.getElementById(`message-${focusId}`);
    el?.focus({ preventScroll: true });
    el?.scrollIntoView({ block: 'nearest' });
    onFocused?.();
  }, [focusId, messages, onFocused]);
  if (messages.length === 0) {
    return (
      <div className="empty-state empty-state--inline">
        <p>No messages yet.</p>
      </div>
    );
  }
  return (
    <>
      <h2 className="visually-hidden">Conversation</h2>
      <ol className="conversation" data-testid="conversation">
        {messages.map((m) => {
          const kind = !m.public ? 'note' : m.authorType === 'customer' ? 'customer' : 'agent';
          return (
            <li
              key={m.id}
              id={`message-${m.id}`}
              className={[
                'message',
                `message--${kind}`,
                m.id === highlightId ? 'message--highlight' : '',
              ].join(' ')}
              data-testid="message"
              // Focusable by the page (a message just sent), not a stop of the Tab key.
              tabIndex={-1}
              data-visibility={m.public ? 'public' : 'internal'}
              data-message-id={m.id}
            >
              <div className="message__meta">
                <h3 className="message__author">
                  {m.authorUserId === props.meId
                    ? 'You'
                    : (m.authorName ?? (automatic(m) ? brandName : authorRole(m)))}
                </h3>
                {kind === 'note' ? (
                  <span className="message__internal" data-testid="internal-label">
                    <svg viewBox="0 0 20 20" aria-hidden="true">
                      <path d="M10 2a4 4 0 0 0-4 4v2H5a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V9a1 1 0 0 0-1-1h-1V6a4 4 0 0 0-4-4Zm2.5 6h-5V6a2.5 2.5 0 0 1 5 0v2Z" />
                    </svg>
                    {m.sideConversationId
                      ? `Side conversation${m.authorType === 'third_party' ? ' · their answer' : ''} · not visible to the customer`
                      : 'Internal note · not visible to the customer'}
                  </span>
                ) : (
                  <span className="message__role">
                    {authorRole(m)}
                    {m.authorType === 'customer' && m.channel ? ` · ${channelLabel(m.channel)}` : ''}
                  </span>
                )}
                <time className="message__time" dateTime={m.createdAt}>
                  {formatDateTime(m.createdAt)}
                </time>
              </div>
              {m.id === highlightId && (
                <p className="message__new" role="status">
                  New while you were writing
                </p>
              )}
              {m.call && (
                <p className="message__call" data-testid="message-call">
                  {callLine(m.call)}
                </p>
              )}
              <MessageBody body={m.body} html={m.bodyHtml} />
              {mailByMessage.has(m.id) ? (
                <MailNote mail={mailByMessage.get(m.id)!} />
              ) : (
                m.notMailed && (
                  <p
                    className="message__mail message__mail--not-mailed"
                    data-testid="message-not-mailed"
                    data-reason={m.notMailed}
                  >
                    {NOT_MAILED_TEXT[m.notMailed]}
                  </p>
                )
              )}
              {m.attachments.length > 0 && (
                <ul className="attachments">
                  {m.attachments.map((a) => (
                    <AttachmentLink key={a.id} file={a} />
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </>
  );
}

/** The text, and for a mail that came as HTML, its formatted version on request. */
function MessageBody({ body, html }: { body: string; html: string | null }) {
  const [formatted, setFormatted] = useState(false);
  const shown = useInlineImages(formatted ? html : null);
  return (
    <>
      {formatted && shown ? (
        <HtmlBody html={shown} title="The message as formatted by the sender" />
      ) : (
        <div className="message__body prewrap" data-testid="message-body">
          {body}
        </div>
      )}
      {html && (
        <button
          type="button"
          className="button button--ghost message__format"
          onClick={() => setFormatted((f) => !f)}
        >
          {formatted ? 'Show the text' : 'Show as formatted'}
        </button>
      )}
    </>
  );
}

const INLINE_IMAGE = /src="(\/api\/v1\/attachments\/[0-9a-f-]{36})"/g;

/**
 * The HTML with its inline images (stored attachments, which need the sign-in) as data: URLs,
 * since the sandboxed frame may load nothing itself. Null until they are read.
 */
function useInlineImages(html: string | null): string | null {
  const [ready, setReady] = useState<{ from: string; html: string } | null>(null);
  useEffect(() => {
    if (!html) return;
    let cancelled = false;
    const urls = [...new Set([...html.matchAll(INLINE_IMAGE)].map((m) => m[1]!))];
    void Promise.all(
      urls.map(async (url) => {
        try {
          const blob = await fetchBlob(url);
          const data = await new Promise<string>((resolve, reject) => {
            const reader = new FileReader();
            reader.onload = () => resolve(String(reader.result));
            reader.onerror = () => reject(reader.error);
            reader.readAsDataURL(blob);
          });
          return [url, data] as const;
        } catch {
          return [url, ''] as const; // shown as a broken image, the text stays readable
        }
      }),
    ).then((pairs) => {
      if (cancelled) return;
      const dataOf = new Map(pairs);
      setReady({
        from: html,
        html: html.replace(INLINE_IMAGE, (_, url: string) => `src="${dataOf.get(url) ?? ''}"`),
      });
    });
    return () => {
      cancelled = true;
    };
  }, [html]);
  return html && ready?.from === html ? ready.html : null;
}
