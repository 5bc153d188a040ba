// The subject a case opened by hand from a signal starts with. The signal's title names the rule
// ("Carrier delay reported · shipmentId SH-50050"), which is for staff; the case's subject is
// what the customer sees once we write to them: "About your shipment SH-50050". Pure.

const REF_WORDS: Record<string, string> = {
  orderId: 'order',
  shipmentId: 'shipment',
  invoiceId: 'invoice',
  subscriptionId: 'subscription',
  contractId: 'contract',
};

/** "trackingNumber" is "tracking number"; "orderId" is "order". */
function refWords(key: string): string {
  const known = REF_WORDS[key];
  if (known) return known;
  return key
    .replace(/(Id|_id)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** The first ref of the signal, by its own key, else the first of its event's refs. */
export function customerSubjectOf(signal: {
  title: string;
  refKey: string | null;
  refValue: string | null;
  refs: Record<string, string>;
}): string {
  const [key, value] =
    signal.refKey && signal.refValue
      ? [signal.refKey, signal.refValue]
      : (Object.entries(signal.refs).find(([, v]) => v) ?? [null, null]);
  if (!key || !value) return signal.title;
  const words = refWords(key);
  return words ? `About your ${words} ${value}` : signal.title;
}
