// How a mail stands, in words: the status badge of the mail log and the case conversation.
import type { MailStatus } from '../../shared/schemas/mail.js';

const STATUS_LABELS: Record<MailStatus, string> = {
  processed: 'Processed',
  ignored: 'Ignored',
  failed: 'Failed',
  queued: 'Queued',
  held: 'Held',
  sent: 'Sent',
};

/** What each status means, for titles and hints. */
export const MAIL_STATUS_HINTS: Record<MailStatus, string> = {
  processed: 'became a case or a message on one',
  ignored: 'an auto-reply, bounce, loop or our own mail: kept, acted on nothing',
  failed: 'could not be processed or sent',
  queued: 'waiting to be sent',
  held: 'not sent: outgoing mail is not set up (no SMTP server)',
  sent: 'accepted by the mail server',
};

export const mailStatusLabel = (s: string) => STATUS_LABELS[s as MailStatus] ?? s;

export function MailStatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`badge badge--mail-${status}`}
      data-testid="mail-status"
      data-status={status}
      title={MAIL_STATUS_HINTS[status as MailStatus]}
    >
      {mailStatusLabel(status)}
    </span>
  );
}

export const directionLabel = (d: string) => (d === 'out' ? 'Outgoing' : 'Incoming');
