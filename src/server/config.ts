// Server settings from the environment (see docs/configuration.md).
import { resolve } from 'node:path';
import { parseSecretKey } from './domains/auth/secret-box.js';

/** The From when STEWARD_MAIL_FROM is unset: an address no reply can reach, so mail is held. */
export const PLACEHOLDER_MAIL_FROM = 'Steward Support <support@steward.localhost>';
/** Whether an address is the placeholder's (STEWARD_MAIL_FROM not set up yet). */
export const isPlaceholderFrom = (address: string) => /@steward\.localhost$/i.test(address);
/**
 * Whether links to this public URL cannot be opened: its host is the unspecified address
 * (`0.0.0.0`, `::`), which is what `HOST=0.0.0.0` without STEWARD_PUBLIC_URL gives mail links.
 */
export function isUnreachablePublicUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return true;
  }
  // The URL parser writes every spelling of them so (`[0:0::0]` is `[::]`, `0` is `0.0.0.0`).
  return host === '0.0.0.0' || host === '[::]';
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Embedded PGlite on a worker thread of its own (default), not the server's thread. */
  pgliteThread: boolean;
  /** Diagnostics: time every statement in PGlite's thread (bench/events --profile reads them). */
  pgliteStatementStats: boolean;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  sessionTtlSeconds: number;
  logLevel: string;
  /** Folder of the built web UI; undefined = do not serve it. */
  webDir: string | undefined;
  /** Port of the built-in SMTP receiver (listens on `host`); undefined = off. */
  smtpPort: number | undefined;
  /** Outbound mail server, e.g. smtp://user:pass@mail.example.com:587; undefined = mail stays in the outbox. */
  smtpUrl: string | undefined;
  /** The From of outgoing mail, e.g. "Support <support@example.com>"; agents' names are put in front. */
  mailFrom: string;
  /** Where people reach this Steward in a browser, for links in mail (portal, sign-in links); '' until known. */
  publicUrl: string;
  /** Seconds between two polls of an IMAP mailbox. */
  imapPollSeconds: number;
  /**
   * Outgoing webhooks may go to this machine and local networks (private, link-local, loopback
   * addresses). Off by default, so an admin's webhook URL cannot reach internal services.
   */
  webhookLocalNetwork: boolean;
  /**
   * STEWARD_SECRET_KEY (32 bytes): two-step sign-in secrets are stored encrypted with it
   * (AES-256-GCM); undefined = stored as they are.
   */
  secretKey: Buffer | undefined;
  /**
   * STEWARD_SECRET_KEY_PREVIOUS (keys as STEWARD_SECRET_KEY's, separated by commas): keys that
   * still open secrets sealed before the key was changed, never used to seal.
   */
  previousSecretKeys: Buffer[];
}

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|on|yes)$/i.test(value)) return true;
  if (/^(0|false|off|no)$/i.test(value)) return false;
  throw new Error(`${name} must be on or off (1/0, true/false), got "${value}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    port: int('PORT', env.PORT, 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.STEWARD_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteThread: flag('STEWARD_PGLITE_THREAD', env.STEWARD_PGLITE_THREAD, true),
    pgliteStatementStats: false,
    adminEmail: env.STEWARD_ADMIN_EMAIL || undefined,
    adminPassword: env.STEWARD_ADMIN_PASSWORD || undefined,
    sessionTtlSeconds: int('STEWARD_SESSION_TTL', env.STEWARD_SESSION_TTL, 12 * 3600, 60, 90 * 24 * 3600),
    logLevel: env.LOG_LEVEL || 'info',
    webDir: undefined,
    smtpPort:
      env.STEWARD_SMTP_PORT === undefined || env.STEWARD_SMTP_PORT === ''
        ? undefined
        : int('STEWARD_SMTP_PORT', env.STEWARD_SMTP_PORT, 2525, 0, 65535),
    smtpUrl: smtpUrl(env.STEWARD_SMTP_URL),
    mailFrom: env.STEWARD_MAIL_FROM || PLACEHOLDER_MAIL_FROM,
    // Unset with PORT=0 (a port chosen at start): the server fills in the address it listens on.
    publicUrl: (
      env.STEWARD_PUBLIC_URL ||
      (env.PORT === '0' ? '' : `http://${env.HOST || '127.0.0.1'}:${env.PORT || 3000}`)
    ).replace(/\/+$/, ''),
    imapPollSeconds: int('STEWARD_IMAP_POLL_SECONDS', env.STEWARD_IMAP_POLL_SECONDS, 30, 1, 3600),
    webhookLocalNetwork: flag('STEWARD_WEBHOOK_LOCAL_NETWORK', env.STEWARD_WEBHOOK_LOCAL_NETWORK, false),
    secretKey: env.STEWARD_SECRET_KEY
      ? parseSecretKey('STEWARD_SECRET_KEY', env.STEWARD_SECRET_KEY)
      : undefined,
    previousSecretKeys: previousSecretKeys(env),
    ...overrides,
  };
}

function previousSecretKeys(env: NodeJS.ProcessEnv): Buffer[] {
  const list = (env.STEWARD_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (list.length && !env.STEWARD_SECRET_KEY)
    throw new Error(
      'STEWARD_SECRET_KEY_PREVIOUS is set without STEWARD_SECRET_KEY: previous keys only open secrets, the key seals them',
    );
  return list.map((k) => parseSecretKey('STEWARD_SECRET_KEY_PREVIOUS', k));
}

function smtpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `STEWARD_SMTP_URL must be a URL such as smtp://user:pass@mail.example.com:587, got "${value}"`,
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`STEWARD_SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}"`);
  return value;
}
