import { describe, expect, it } from 'vitest';
import { refKindLabel, refLabel, refNoun, signalTitle, signalTitleOf } from './ref-labels.js';

describe('ref keys in words', () => {
  it.each([
    ['shipmentId', 'shipment'],
    ['orderId', 'order'],
    ['invoiceId', 'invoice'],
    ['subscriptionId', 'subscription'],
    ['trackingNumber', 'tracking number'],
    ['meter_id', 'meter'],
    ['accountId', 'account'],
    ['accountID', 'account'],
    ['parcel-id', 'parcel'],
    ['deviceIMEI', 'device IMEI'],
    ['IMEINumber', 'IMEI number'],
    ['warehouse_code', 'warehouse code'],
    ['sku', 'SKU'],
    ['rmaId', 'RMA'],
    ['id', 'id'],
    ['Id', 'id'],
    ['carrier', 'carrier'],
    ['', ''],
  ])('%s is “%s”', (key, words) => {
    expect(refNoun(key)).toBe(words);
  });

  it('labels start with a capital, acronyms stay as they are', () => {
    expect(refKindLabel('shipmentId')).toBe('Shipment');
    expect(refKindLabel('trackingNumber')).toBe('Tracking number');
    expect(refKindLabel('rmaId')).toBe('RMA');
    expect(refKindLabel('')).toBe('');
  });

  it('a ref is its kind and value; without a key, the value alone', () => {
    expect(refLabel('shipmentId', 'SH-50050')).toBe('Shipment SH-50050');
    expect(refLabel('orderId', 'SO-1040')).toBe('Order SO-1040');
    expect(refLabel('tracking_number', 'JJD0001')).toBe('Tracking number JJD0001');
    expect(refLabel(null, 'SO-1')).toBe('SO-1');
    expect(refLabel('', 'SO-1')).toBe('SO-1');
  });
});

describe('a new signal’s title', () => {
  it('is the rule’s name, with the ref it is deduplicated on in words', () => {
    expect(signalTitleOf('Carrier delay reported', 'shipmentId', 'SH-50050')).toBe(
      'Carrier delay reported · Shipment SH-50050',
    );
    expect(signalTitleOf('Meter silent', 'meter_id', 'M-1')).toBe('Meter silent · Meter M-1');
    expect(signalTitleOf('Three complaints in 30 days', null, null)).toBe('Three complaints in 30 days');
    expect(signalTitleOf('Late', 'orderId', null)).toBe('Late');
  });

  it('is shown as it is', () => {
    const title = signalTitleOf('Will miss promise', 'orderId', 'SO-1045');
    expect(signalTitle({ title, refKey: 'orderId', refValue: 'SO-1045' })).toBe(title);
  });
});

describe('a signal’s title as shown', () => {
  it('puts the ref key the server appended in words', () => {
    expect(
      signalTitle({
        title: 'Carrier delay reported · shipmentId SH-50050',
        refKey: 'shipmentId',
        refValue: 'SH-50050',
      }),
    ).toBe('Carrier delay reported · Shipment SH-50050');
    expect(
      signalTitle({ title: 'Will miss promise · orderId SO-1045', refKey: 'orderId', refValue: 'SO-1045' }),
    ).toBe('Will miss promise · Order SO-1045');
  });

  it('leaves other titles alone: no ref, another ref, the key elsewhere in the title', () => {
    expect(signalTitle({ title: 'Three complaints in 30 days', refKey: null, refValue: null })).toBe(
      'Three complaints in 30 days',
    );
    expect(signalTitle({ title: 'Late · orderId SO-1', refKey: 'shipmentId', refValue: 'SH-1' })).toBe(
      'Late · orderId SO-1',
    );
    expect(signalTitle({ title: 'orderId SO-1 was late', refKey: 'orderId', refValue: 'SO-1' })).toBe(
      'orderId SO-1 was late',
    );
  });
});
