// A password inside a URL (imaps://user:secret@host, https://user:secret@host/hook) is never
// shown: answers and audit records carry it masked, and a URL sent back masked keeps the stored
// password. Mailboxes' IMAP URLs and webhooks' URLs use it.
import { PASSWORD_MASK } from '../../shared/schemas/mail.js';
import { unprocessable } from './errors.js';

/** scheme://user:secret@host -> scheme://user:********@host (null when not a URL). */
export function maskUrlPassword(value: string | null): string | null {
  if (!value) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = PASSWORD_MASK;
    return url.toString();
  } catch {
    return null;
  }
}

export const hasMaskedPassword = (value: string) =>
  decodeURIComponent(new URL(value).password) === PASSWORD_MASK;

/**
 * A URL sent back with the masked password keeps the stored one (when host and user are the
 * same); otherwise the password must be given. `field` names the body field in the error.
 */
export function unmaskUrlPassword(next: string, stored: string | null, field: string): string {
  if (!hasMaskedPassword(next)) return next;
  const url = new URL(next);
  const old = stored ? new URL(stored) : null;
  if (!old || old.username !== url.username || old.host !== url.host)
    throw unprocessable(
      'validation_error',
      `body.${field}: give the password (the account or server changed)`,
      [{ path: `body.${field}`, message: 'give the password' }],
    );
  url.password = old.password;
  return url.toString();
}
