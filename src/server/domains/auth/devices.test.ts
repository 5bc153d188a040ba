import { describe, expect, it } from 'vitest';
import { describeDevice, storedUserAgent } from './devices.js';

describe('describeDevice', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36',
      'Chrome 120 on Linux',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'Safari 17 on iOS 17.1',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      'Microsoft Edge 120 on Windows 10',
    ],
    [
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      'Firefox 121 on Linux',
    ],
  ])('names the browser and system of %s', (ua, label) => {
    expect(describeDevice(ua)).toBe(label);
  });

  it('shows what is not a browser as sent, shortened', () => {
    expect(describeDevice('curl/8.4.0')).toBe('curl/8.4.0');
    const long = `integration-client/${'x'.repeat(100)}`;
    expect(describeDevice(long)).toBe(`${long.slice(0, 59)}…`);
    expect(describeDevice(long)).toHaveLength(60);
  });

  it('says so when the session has no User-Agent (signed in before Steward kept them)', () => {
    expect(describeDevice(null)).toBe('Unknown device');
  });
});

describe('storedUserAgent', () => {
  it('keeps at most 512 characters, the first of repeated headers, and nothing for an empty one', () => {
    expect(storedUserAgent('a'.repeat(600))).toHaveLength(512);
    expect(storedUserAgent(['first', 'second'])).toBe('first');
    expect(storedUserAgent('   ')).toBeNull();
    expect(storedUserAgent(undefined)).toBeNull();
  });
});
