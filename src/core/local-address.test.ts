import { describe, expect, it } from 'vitest';
import { isLocalAddress, isLocalHost } from './local-address.js';

describe('local addresses', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::1',
    '[::1]',
    '::',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '[::ffff:a9fe:a9fe]',
  ])('%s is local', (address) => {
    expect(isLocalAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is not', (address) => {
    expect(isLocalAddress(address)).toBe(false);
  });

  it('a name is not an address; localhost names are local hosts', () => {
    expect(isLocalAddress('example.com')).toBe(false);
    expect(isLocalAddress('localhost')).toBe(false);
    expect(isLocalHost('localhost')).toBe(true);
    expect(isLocalHost('LOCALHOST.')).toBe(true);
    expect(isLocalHost('api.localhost')).toBe(true);
    expect(isLocalHost('[::1]')).toBe(true);
    expect(isLocalHost('10.0.0.7')).toBe(true);
    expect(isLocalHost('crm.example')).toBe(false);
    expect(isLocalHost('localhost.example.com')).toBe(false);
  });
});
