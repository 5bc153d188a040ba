import { describe, expect, it } from 'vitest';
import { withQuery } from './api.js';

describe('withQuery', () => {
  it('leaves out empty values and repeats the key of an array', () => {
    expect(withQuery('/events')).toBe('/events');
    expect(withQuery('/events', { q: '', limit: 5, x: null, y: undefined, on: false })).toBe(
      '/events?limit=5&on=false',
    );
    expect(withQuery('/events', { ref: ['orderId:SO-1', '', 'shipmentId:SH 2'], sort: 'occurredAt' })).toBe(
      '/events?ref=orderId%3ASO-1&ref=shipmentId%3ASH+2&sort=occurredAt',
    );
    expect(withQuery('/events', { ref: [] })).toBe('/events');
  });
});
