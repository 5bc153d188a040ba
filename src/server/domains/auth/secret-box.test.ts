// Sealing two-step secrets: round trips, both stored forms, the user binding, a wrong or missing
// key, tampering, and the key's setting.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isSealed,
  keysOf,
  openSecret,
  openStored,
  parseSecretKey,
  sealSecret,
  SecretKeyError,
} from './secret-box.js';

const key = randomBytes(32);
const other = randomBytes(32);
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const userId = '0190a000-0000-7000-8000-000000000001';

describe('sealSecret / openSecret', () => {
  it('seals with a key, marked, not containing the secret, and opens again', () => {
    const sealed = sealSecret(secret, userId, key);
    expect(sealed).toMatch(/^aes256gcm:v1:[\w-]{16}:[\w-]+:[\w-]{22}$/);
    expect(sealed).not.toContain(secret);
    expect(isSealed(sealed)).toBe(true);
    expect(openSecret(sealed, userId, key)).toBe(secret);
  });

  it('seals the same secret differently each time (a fresh IV)', () => {
    const a = sealSecret(secret, userId, key);
    const b = sealSecret(secret, userId, key);
    expect(a).not.toBe(b);
    expect([openSecret(a, userId, key), openSecret(b, userId, key)]).toEqual([secret, secret]);
  });

  it('without a key stores the secret as it is; a plain value reads with or without a key', () => {
    expect(sealSecret(secret, userId, undefined)).toBe(secret);
    expect(isSealed(secret)).toBe(false);
    expect(openSecret(secret, userId, undefined)).toBe(secret);
    expect(openSecret(secret, userId, key)).toBe(secret);
  });

  it('refuses a sealed value without a key, with another key, or of another user', () => {
    const sealed = sealSecret(secret, userId, key);
    expect(() => openSecret(sealed, userId, undefined)).toThrow(SecretKeyError);
    expect(() => openSecret(sealed, userId, undefined)).toThrow(/STEWARD_SECRET_KEY is not set/);
    expect(() => openSecret(sealed, userId, other)).toThrow(/does not open with this STEWARD_SECRET_KEY/);
    expect(() => openSecret(sealed, '0190a000-0000-7000-8000-000000000002', key)).toThrow(SecretKeyError);
  });

  it('opens with a previous key too, and says what should be sealed again with the key', () => {
    const third = randomBytes(32);
    const byOld = sealSecret(secret, userId, other);
    expect(openStored(byOld, userId, keysOf(key, [third, other]))).toEqual({ secret, stale: true });
    expect(openStored(sealSecret(secret, userId, key), userId, keysOf(key, [other]))).toEqual({
      secret,
      stale: false,
    });
    // Stored as it is: stale once there is a key, not without one.
    expect(openStored(secret, userId, keysOf(key))).toEqual({ secret, stale: true });
    expect(openStored(secret, userId, keysOf(undefined))).toEqual({ secret, stale: false });
    // A previous key opens, never a key that is neither.
    expect(() => openStored(byOld, userId, keysOf(key, [third]))).toThrow(
      /does not open with this STEWARD_SECRET_KEY nor with a key of STEWARD_SECRET_KEY_PREVIOUS/,
    );
    expect(openSecret(byOld, userId, key, [other])).toBe(secret);
  });

  it('refuses an altered or cut value', () => {
    const sealed = sealSecret(secret, userId, key);
    const [prefix, version, iv, ciphertext, tag] = sealed.split(':');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    for (const bad of [
      [prefix, version, iv, flipped.toString('base64url'), tag].join(':'),
      [prefix, version, iv, ciphertext].join(':'),
      [prefix, version, iv, ciphertext, tag!.slice(0, 10)].join(':'),
      'aes256gcm:v1:',
    ]) {
      expect(() => openSecret(bad, userId, key)).toThrow(SecretKeyError);
    }
  });
});

describe('parseSecretKey', () => {
  it('reads 32 bytes as hex, base64 or base64url', () => {
    expect(parseSecretKey('K', key.toString('hex'))).toEqual(key);
    expect(parseSecretKey('K', key.toString('hex').toUpperCase())).toEqual(key);
    expect(parseSecretKey('K', key.toString('base64'))).toEqual(key);
    expect(parseSecretKey('K', ` ${key.toString('base64')}\n`)).toEqual(key);
    expect(parseSecretKey('K', key.toString('base64url'))).toEqual(key);
  });

  it.each([
    ['a passphrase', 'correct horse battery staple'],
    ['16 bytes', randomBytes(16).toString('hex')],
    ['33 bytes in hex', randomBytes(33).toString('hex')],
    ['48 bytes in base64', randomBytes(48).toString('base64')],
  ])('refuses %s, naming the setting', (_what, value) => {
    expect(() => parseSecretKey('STEWARD_SECRET_KEY', value)).toThrow(
      /^STEWARD_SECRET_KEY must be 32 random bytes/,
    );
  });
});
