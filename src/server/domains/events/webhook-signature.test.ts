import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

const secret = 'whsec_test';
const body = '{"id":"e-1","type":"order.created","occurredAt":"2026-11-23T09:00:00.000Z"}';
const now = Date.parse('2026-11-23T10:00:00Z');
const ts = String(now / 1000);

const check = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
  verifyWebhookSignature({
    secret,
    rawBody: body,
    timestamp: ts,
    signature: signWebhook(secret, ts, body),
    toleranceSeconds: 300,
    nowMs: now,
    ...over,
  });

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, hex, sha256= prefix', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
  });

  it('accepts a valid signature, also in upper-case hex and at the edge of the window', () => {
    expect(check({})).toEqual({ ok: true });
    const upper = `sha256=${signWebhook(secret, ts, body).slice('sha256='.length).toUpperCase()}`;
    expect(check({ signature: upper })).toEqual({ ok: true });
    const edge = String(now / 1000 - 300);
    expect(check({ timestamp: edge, signature: signWebhook(secret, edge, body) })).toEqual({ ok: true });
  });

  it.each([
    ['no timestamp', { timestamp: undefined }, 'signature_required'],
    ['a timestamp in milliseconds-with-fraction', { timestamp: '1795.5' }, 'signature_required'],
    ['no signature', { signature: undefined }, 'signature_required'],
    ['a signature without prefix', { signature: 'abc' }, 'signature_required'],
    ['a short hex', { signature: 'sha256=abcd' }, 'signature_required'],
    ['a tampered body', { rawBody: body.replace('e-1', 'e-2') }, 'signature_invalid'],
    ['another secret', { secret: 'whsec_other' }, 'signature_invalid'],
    ['a different timestamp than signed', { timestamp: String(now / 1000 - 1) }, 'signature_invalid'],
  ])('refuses %s', (_what, over, code) => {
    expect(check(over)).toMatchObject({ ok: false, code });
  });

  it('refuses timestamps more than the tolerance away, in either direction, even when signed', () => {
    for (const offset of [-301, 301, -86_400]) {
      const t = String(now / 1000 + offset);
      expect(check({ timestamp: t, signature: signWebhook(secret, t, body) })).toMatchObject({
        ok: false,
        code: 'timestamp_out_of_range',
      });
    }
  });
});
