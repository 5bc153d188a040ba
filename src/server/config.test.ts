import { describe, expect, it } from 'vitest';
import { isUnreachablePublicUrl, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      sessionTtlSeconds: 43200,
      pgliteThread: true,
      webhookLocalNetwork: false,
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });
  it('reads the environment', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      STEWARD_DATA_DIR: '/var/lib/steward',
      DATABASE_URL: 'postgres://x@y/z',
      STEWARD_WEBHOOK_LOCAL_NETWORK: 'on',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/steward',
      databaseUrl: 'postgres://x@y/z',
      webhookLocalNetwork: true,
    });
  });
  it.each(['abc', '-1', '70000', '3.5'])('refuses PORT=%s with a clear message', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(/PORT must be a whole number/);
  });
  it.each([
    ['0', false],
    ['off', false],
    ['false', false],
    ['1', true],
    ['on', true],
    ['', true],
  ])('reads STEWARD_PGLITE_THREAD=%s as %s', (value, on) => {
    expect(loadConfig({ STEWARD_PGLITE_THREAD: value }).pgliteThread).toBe(on);
  });
  it('reads STEWARD_SECRET_KEY_PREVIOUS as keys separated by commas, only beside a key', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64));
    const both = loadConfig({ STEWARD_SECRET_KEY: a, STEWARD_SECRET_KEY_PREVIOUS: ` ${b}, ${c} ` });
    expect(both.previousSecretKeys).toEqual([Buffer.from(b!, 'hex'), Buffer.from(c!, 'hex')]);
    expect(loadConfig({ STEWARD_SECRET_KEY: a }).previousSecretKeys).toEqual([]);
    expect(() => loadConfig({ STEWARD_SECRET_KEY_PREVIOUS: b })).toThrow(
      /^STEWARD_SECRET_KEY_PREVIOUS is set without STEWARD_SECRET_KEY/,
    );
    expect(() => loadConfig({ STEWARD_SECRET_KEY: a, STEWARD_SECRET_KEY_PREVIOUS: `${b},short` })).toThrow(
      /^STEWARD_SECRET_KEY_PREVIOUS must be 32 random bytes/,
    );
  });

  it('reads STEWARD_SECRET_KEY as 32 bytes, unset as none, and stops at anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ STEWARD_SECRET_KEY: hex }).secretKey).toEqual(Buffer.from(hex, 'hex'));
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(loadConfig({ STEWARD_SECRET_KEY: '' }).secretKey).toBeUndefined();
    expect(() => loadConfig({ STEWARD_SECRET_KEY: 'hunter2' })).toThrow(
      /^STEWARD_SECRET_KEY must be 32 random bytes/,
    );
  });
  it('refuses STEWARD_PGLITE_THREAD=maybe with a clear message', () => {
    expect(() => loadConfig({ STEWARD_PGLITE_THREAD: 'maybe' })).toThrow(
      'STEWARD_PGLITE_THREAD must be on or off (1/0, true/false), got "maybe"',
    );
  });
});

describe('isUnreachablePublicUrl', () => {
  it.each([
    ['http://0.0.0.0:3000', true],
    ['http://[::]:3000', true],
    ['http://[0:0:0:0:0:0:0:0]:3000', true],
    ['http://0:3000', true],
    ['not a url', true],
    ['http://127.0.0.1:3000', false],
    ['http://[::1]:3000', false],
    ['https://support.example.com', false],
  ])('%s → %s', (url, unreachable) => {
    expect(isUnreachablePublicUrl(url)).toBe(unreachable);
  });

  it('is what HOST=0.0.0.0 without STEWARD_PUBLIC_URL gives, and not what it gives with one', () => {
    expect(isUnreachablePublicUrl(loadConfig({ HOST: '0.0.0.0' }).publicUrl)).toBe(true);
    expect(
      isUnreachablePublicUrl(
        loadConfig({ HOST: '0.0.0.0', STEWARD_PUBLIC_URL: 'https://support.example.com' }).publicUrl,
      ),
    ).toBe(false);
  });
});
