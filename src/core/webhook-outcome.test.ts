import { describe, expect, it } from 'vitest';
import { bodyOf, failureText, outcomeOf, RETRY_DELAYS_S } from './webhook-outcome.js';

describe('outcomeOf', () => {
  it('a 2xx is delivered, whatever the attempt', () => {
    for (const status of [200, 201, 202, 204, 299])
      expect(outcomeOf(1, { status })).toEqual({ state: 'delivered' });
    expect(outcomeOf(8, { status: 200 })).toEqual({ state: 'delivered' });
  });

  it('anything else waits the next pause, then gives up when the pauses run out', () => {
    expect(outcomeOf(1, { status: 500 })).toEqual({ state: 'pending', retryInS: 10 });
    expect(outcomeOf(2, { status: null })).toEqual({ state: 'pending', retryInS: 60 });
    expect(outcomeOf(3, { status: 404 })).toEqual({ state: 'pending', retryInS: 300 });
    expect(outcomeOf(7, { status: 302 })).toEqual({ state: 'pending', retryInS: 43_200 });
    expect(outcomeOf(RETRY_DELAYS_S.length + 1, { status: 500 })).toEqual({
      state: 'failed',
      disableWebhook: false,
    });
    expect(RETRY_DELAYS_S.reduce((a, b) => a + b, 0) / 3600).toBeCloseTo(20.6, 1);
  });

  it('410 Gone gives up at once and turns the webhook off', () => {
    expect(outcomeOf(1, { status: 410 })).toEqual({ state: 'failed', disableWebhook: true });
  });

  it('a 429 or 503 waits as long as its Retry-After asks (seconds, up to a day), never less than the pause', () => {
    expect(outcomeOf(1, { status: 429, retryAfter: '120' })).toEqual({ state: 'pending', retryInS: 120 });
    expect(outcomeOf(1, { status: 503, retryAfter: ' 30 ' })).toEqual({ state: 'pending', retryInS: 30 });
    expect(outcomeOf(3, { status: 429, retryAfter: '5' })).toEqual({ state: 'pending', retryInS: 300 });
    expect(outcomeOf(1, { status: 429, retryAfter: '999999' })).toEqual({ state: 'pending', retryInS: 10 });
    expect(outcomeOf(1, { status: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' })).toEqual({
      state: 'pending',
      retryInS: 10,
    });
    expect(outcomeOf(1, { status: 500, retryAfter: '120' })).toEqual({ state: 'pending', retryInS: 10 });
  });

  it('takes other pauses (tests use short ones)', () => {
    expect(outcomeOf(1, { status: 500 }, [0])).toEqual({ state: 'pending', retryInS: 0 });
    expect(outcomeOf(2, { status: 500 }, [0])).toEqual({ state: 'failed', disableWebhook: false });
  });
});

describe('failureText', () => {
  it('says what went wrong, and nothing for a 2xx', () => {
    expect(failureText({ status: 200 })).toBeNull();
    expect(failureText({ status: 500 })).toBe('the receiver answered 500');
    expect(failureText({ status: 308 })).toBe('the receiver answered 308 (redirects are not followed)');
    expect(failureText({ status: null, error: 'connection refused' })).toBe('connection refused');
    expect(failureText({ status: null })).toBe('no answer');
  });
});

describe('bodyOf', () => {
  it('writes the fields in a fixed order, whatever order they come in', () => {
    const body = bodyOf({
      data: { b: 1 },
      actor: { kind: 'system', id: null },
      entity: { type: 'case', id: 'c1' },
      occurredAt: '2026-12-03T10:00:00.000Z',
      type: 'case.created',
      id: 'e1',
    });
    expect(body).toBe(
      '{"id":"e1","type":"case.created","occurredAt":"2026-12-03T10:00:00.000Z","entity":{"type":"case","id":"c1"},"actor":{"kind":"system","id":null},"data":{"b":1}}',
    );
  });
});
