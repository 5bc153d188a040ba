// Webhook signatures: `X-Steward-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
// with `X-Steward-Timestamp: <unix seconds>`. The timestamp is signed too, and must be within the
// tolerance of the server's clock, so a captured request cannot be replayed later. Pure: no I/O.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-steward-signature';
export const TIMESTAMP_HEADER = 'x-steward-timestamp';

export function signWebhook(secret: string, timestamp: number | string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'signature_required' | 'signature_invalid' | 'timestamp_out_of_range';
      message: string;
    };

export function verifyWebhookSignature(opts: {
  secret: string;
  rawBody: string;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds: number;
  nowMs?: number;
}): SignatureCheck {
  const { timestamp, signature } = opts;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
    return {
      ok: false,
      code: 'signature_required',
      message: 'send X-Steward-Timestamp: <unix time in seconds>',
    };
  }
  const match = signature ? /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim()) : null;
  if (!match) {
    return {
      ok: false,
      code: 'signature_required',
      message: 'send X-Steward-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">',
    };
  }
  const skew = Math.abs((opts.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (skew > opts.toleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_out_of_range',
      message: `X-Steward-Timestamp is more than ${opts.toleranceSeconds} s away from the server's clock (a replay, or a wrong clock)`,
    };
  }
  const expected = createHmac('sha256', opts.secret).update(`${timestamp}.${opts.rawBody}`).digest();
  const given = Buffer.from(match[1]!, 'hex');
  if (!timingSafeEqual(expected, given)) {
    return { ok: false, code: 'signature_invalid', message: 'the signature does not match the body' };
  }
  return { ok: true };
}
