// Sealing a short secret (an authenticator app's TOTP key) for storage with AES-256-GCM, without
// I/O. A sealed value is `aes256gcm:v1:<iv>:<ciphertext>:<tag>` (base64url), so a stored value
// says which form it is in: a base32 key ([A-Z2-7]) never contains a colon. The user's id is the
// additional authenticated data: a sealed value copied onto another user's row does not open.
// Without a key (STEWARD_SECRET_KEY unset) values are stored as they are; `openSecret` reads both
// forms, and refuses (SecretKeyError) a sealed value it has no key for or a key that did not seal it.
// Changing the key: the old one goes to STEWARD_SECRET_KEY_PREVIOUS, which opens but never seals;
// a value it opens is `stale`, sealed again with the new key when next used (or by `steward
// secrets reseal`).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'aes256gcm:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/** A sealed value that cannot be opened: no key is set, or not the key that sealed it. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

/**
 * The key from its setting: 32 bytes written as 64 hexadecimal digits or in base64 (44
 * characters; `openssl rand -base64 32`). Throws naming `name` for anything else.
 */
export function parseSecretKey(name: string, value: string): Buffer {
  const text = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
      ? Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64')
      : null;
  if (!key || key.length !== SECRET_KEY_BYTES) {
    throw new Error(
      `${name} must be 32 random bytes, as 64 hexadecimal digits (openssl rand -hex 32) or base64 (openssl rand -base64 32)`,
    );
  }
  return key;
}

/** Whether a stored value is sealed (rather than the secret itself). */
export const isSealed = (stored: string): boolean => stored.startsWith(SEALED_PREFIX);

/** The stored form of `secret` of user `userId`: sealed with `key`, or the secret itself without one. */
export function sealSecret(secret: string, userId: string, key: Buffer | undefined): string {
  if (!key) return secret;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return SEALED_PREFIX + parts.join(':');
}

/**
 * The keys a stored value may be sealed with: `key` (STEWARD_SECRET_KEY), which seals, and the
 * `previous` ones (STEWARD_SECRET_KEY_PREVIOUS), which only open, while secrets move to the new key.
 */
export interface SecretKeys {
  key: Buffer | undefined;
  previous: readonly Buffer[];
}

export const keysOf = (key: Buffer | undefined, previous: readonly Buffer[] = []): SecretKeys => ({
  key,
  previous,
});

/**
 * The secret of a stored value, sealed or not, and whether it should be sealed again with `key`
 * (`stale`): stored as it is while a key is set, or sealed with a previous key.
 */
export function openStored(
  stored: string,
  userId: string,
  keys: SecretKeys,
): { secret: string; stale: boolean } {
  if (!isSealed(stored)) return { secret: stored, stale: !!keys.key };
  if (!keys.key) {
    throw new SecretKeyError(
      'a two-step secret is stored encrypted but STEWARD_SECRET_KEY is not set: start the server with the key it was stored with',
    );
  }
  const notTheKey = () =>
    new SecretKeyError(
      `a two-step secret does not open with this STEWARD_SECRET_KEY${keys.previous.length ? ' nor with a key of STEWARD_SECRET_KEY_PREVIOUS' : ''}: it was stored with another key (or altered)`,
    );
  const [iv, ciphertext, tag] = stored
    .slice(SEALED_PREFIX.length)
    .split(':')
    .map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !ciphertext || !tag || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw notTheKey();
  const candidates = [keys.key, ...keys.previous];
  for (let i = 0; i < candidates.length; i++) {
    const secret = openWith(candidates[i]!, iv, ciphertext, tag, userId);
    if (secret !== null) return { secret, stale: i > 0 };
  }
  throw notTheKey();
}

/** The secret of a stored value, sealed (with `key`, or one of `previous`) or not. */
export const openSecret = (
  stored: string,
  userId: string,
  key: Buffer | undefined,
  previous: readonly Buffer[] = [],
): string => openStored(stored, userId, keysOf(key, previous)).secret;

function openWith(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, userId: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(userId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
