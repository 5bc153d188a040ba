import { describe, expect, it } from 'vitest';
import { customerSubjectOf } from './case-subject.js';

const signal = (over: Partial<Parameters<typeof customerSubjectOf>[0]>) => ({
  title: 'Carrier delay reported · shipmentId SH-50050',
  refKey: null,
  refValue: null,
  refs: {},
  ...over,
});

describe('the subject of a case opened from a signal', () => {
  it('names the customer’s order, shipment or invoice, not the rule', () => {
    expect(customerSubjectOf(signal({ refKey: 'shipmentId', refValue: 'SH-50050' }))).toBe(
      'About your shipment SH-50050',
    );
    expect(customerSubjectOf(signal({ refs: { orderId: 'SO-1040' } }))).toBe('About your order SO-1040');
    expect(customerSubjectOf(signal({ refs: { invoiceId: 'INV-7' } }))).toBe('About your invoice INV-7');
  });

  it('puts other ref keys in words', () => {
    expect(customerSubjectOf(signal({ refKey: 'trackingNumber', refValue: 'JJD0001' }))).toBe(
      'About your tracking number JJD0001',
    );
    expect(customerSubjectOf(signal({ refKey: 'meter_id', refValue: 'M-9' }))).toBe('About your meter M-9');
    expect(customerSubjectOf(signal({ refKey: 'accountId', refValue: 'A-1' }))).toBe(
      'About your account A-1',
    );
  });

  it('prefers the signal’s own ref over its event’s others', () => {
    expect(
      customerSubjectOf(
        signal({ refKey: 'shipmentId', refValue: 'SH-1', refs: { orderId: 'SO-1', shipmentId: 'SH-1' } }),
      ),
    ).toBe('About your shipment SH-1');
  });

  it('keeps the title when there is no ref', () => {
    expect(customerSubjectOf(signal({}))).toBe('Carrier delay reported · shipmentId SH-50050');
    expect(customerSubjectOf(signal({ refs: { orderId: '' } }))).toBe(
      'Carrier delay reported · shipmentId SH-50050',
    );
  });
});
