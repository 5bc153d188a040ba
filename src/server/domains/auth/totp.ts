// Time-based one-time codes (RFC 6238) and recovery codes for two-step sign-in, without I/O.
// The codes are the authenticator apps' defaults (SHA-1, 6 digits, 30 seconds), which every app
// (Google Authenticator, Microsoft Authenticator, 1Password, Authy, …) reads from the
// otpauth:// URI. A code is accepted in the step before and after the current one too (a
// phone's clock a little off); `stepOfCode` says which step matched so the caller can refuse a
// code of a step already used. Recovery codes are 10 characters of an alphabet without look-alike
// letters, shown as xxxxx-xxxxx; typed with or without the dash, in any case.
import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of the current one a code may come from. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const RECOVERY_LENGTH = 10;

const totpOf = (secret: string, label = 'Steward', issuer = 'Steward') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });

/** A new shared secret, base32 (160 random bits, RFC 4226's recommendation). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app reads from the QR code: `issuer` and the user's address. */
export const totpUri = (secret: string, opts: { issuer: string; account: string }): string =>
  totpOf(secret, opts.account, opts.issuer).toString();

/** The time step of an instant (milliseconds since the epoch). */
export const stepAt = (ms: number): number => Math.floor(ms / 1000 / TOTP_PERIOD_SECONDS);

/** The current code of a secret (tests, and nothing else of Steward's, make codes). */
export const totpCode = (secret: string, ms = Date.now()): string =>
  totpOf(secret).generate({ timestamp: ms });

/** Whether `code` is shaped as an authenticator code: 6 digits (spaces allowed, as apps show them). */
export const looksLikeTotpCode = (code: string): boolean => /^\d{6}$/.test(code.replace(/\s+/g, ''));

/**
 * The time step whose code `code` is, within the window around `now`, or null when it is none of
 * them (or not 6 digits).
 */
export function stepOfCode(secret: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? null : stepAt(now) + delta;
}

/** A fresh set of recovery codes as shown to the user once (xxxxx-xxxxx). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from(
      { length: RECOVERY_LENGTH },
      () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
    ).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a recovery code: SHA-256 of it lower-cased, without dashes or spaces. */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(code.replace(/[\s-]+/g, '').toLowerCase())
    .digest('hex');
