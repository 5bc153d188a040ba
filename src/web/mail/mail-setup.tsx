// How this Steward sends and receives mail, said where it matters: the operator sets it
// (STEWARD_MAIL_FROM, STEWARD_SMTP_URL, STEWARD_SMTP_PORT, STEWARD_PUBLIC_URL; docs/email.md), and
// until then a customer's reply to the placeholder From is lost, every outgoing mail waits in the
// outbox, and links in mail may point at an address no browser opens.
import type { MailSetup } from '../../shared/schemas/mail.js';
import { useApi } from '../lib/use-api.js';
import { Fact } from '../layout/page-parts.js';

export const useMailSetup = () => useApi<MailSetup>('/mail/setup');

/** The warnings an admin should act on, in words (none when mail is set up). */
export function mailSetupWarnings(setup: MailSetup): string[] {
  const warnings: string[] = [];
  if (!setup.outgoing.sending)
    warnings.push(
      'Outgoing mail is not set up: replies, acknowledgements, invitations and notifications are held on the Mail page instead of being sent. Your operator sets an SMTP server (STEWARD_SMTP_URL).',
    );
  if (setup.outgoing.placeholder)
    warnings.push(
      `Mail goes out from ${setup.outgoing.address}, a placeholder no customer's reply can reach. Your operator sets an address of yours (STEWARD_MAIL_FROM) whose mail comes to Steward: through a mailbox, or the built-in SMTP receiver.`,
    );
  if (setup.links.unreachable)
    warnings.push(
      `Links in mail (invitations, sign-in links, the customer portal) point at ${setup.links.publicUrl}, an address no browser can open. Your operator sets the address people use (STEWARD_PUBLIC_URL), e.g. https://support.example.com.`,
    );
  return warnings;
}

/** The Settings page's E-mail section: read-only, set by the operator. */
export function MailSetupSection() {
  const setup = useMailSetup();
  if (!setup.data) return null;
  const s = setup.data;
  const warnings = mailSetupWarnings(s);
  return (
    <section className="card form" aria-labelledby="mail-setup-title" data-testid="mail-setup">
      <h2 id="mail-setup-title">E-mail</h2>
      <p className="muted">
        Set by whoever runs this Steward (its configuration, docs/email.md); shown here to check.
      </p>
      <dl className="facts">
        <Fact label="Mail goes out from" testId="mail-setup-from">
          {s.outgoing.from}
        </Fact>
        <Fact label="Sending" testId="mail-setup-sending">
          {s.outgoing.sending ? 'On: through the SMTP server set' : 'Off: held in the outbox'}
        </Fact>
        <Fact label="Links in mail point to" testId="mail-setup-links">
          {s.links.publicUrl}
        </Fact>
        <Fact label="Built-in SMTP receiver" testId="mail-setup-receiver">
          {s.incoming.smtpReceiver ? 'On' : 'Off: mail arrives through mailboxes read over IMAP only'}
        </Fact>
      </dl>
      {warnings.map((w) => (
        <p key={w} className="notice notice--warning" data-testid="mail-setup-warning">
          {w}
        </p>
      ))}
    </section>
  );
}
