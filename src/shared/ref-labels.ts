// Business references in words. Events and rules name what they are about by ref keys
// (`shipmentId`, `orderId`, `tracking_number`): fine for the API, noise on a screen or in a mail.
// Every place that shows a ref key says it through here: "Shipment SH-7", "Tracking number JJD1" —
// the UI, and the server when it names a new signal (its title goes into notifications, mails and
// webhooks as stored). Pure; the case subject offered to customers (web case-subject.ts) uses the
// same words. The migration signal-titles-in-words does refNoun in SQL: change both together.

/** Ref kinds whose name is not simply their key in words. */
const KNOWN_KINDS: Record<string, string> = {
  orderId: 'order',
  shipmentId: 'shipment',
  invoiceId: 'invoice',
  subscriptionId: 'subscription',
  contractId: 'contract',
  customerId: 'customer',
  paymentId: 'payment',
  returnId: 'return',
  rmaId: 'RMA',
  sku: 'SKU',
  poNumber: 'PO number',
};

/** Words kept in capitals when a key is split ("deviceIMEI" is "device IMEI"). */
const ACRONYM = /^[A-Z0-9]{2,}$/;

/**
 * The kind of thing a ref key names, in lower-case words: "shipmentId" is "shipment",
 * "trackingNumber" "tracking number", "meter_id" "meter". An empty key stays empty.
 */
export function refNoun(key: string): string {
  const trimmed = key.trim();
  const known = KNOWN_KINDS[trimmed];
  if (known) return known;
  const words = trimmed
    // "orderID", "order_id", "order-id", "orderId": the trailing id says nothing a reader needs.
    .replace(/(?<=[a-zA-Z0-9])(?:Id|ID|[_\s-]id)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean);
  return words.map((w) => (ACRONYM.test(w) ? w : w.toLowerCase())).join(' ');
}

/** The same, as a label: "Shipment", "Tracking number", "RMA". */
export function refKindLabel(key: string): string {
  const noun = refNoun(key);
  return noun.charAt(0).toUpperCase() + noun.slice(1);
}

/** "Shipment SH-7"; the value alone when there is no key. */
export function refLabel(key: string | null | undefined, value: string): string {
  const kind = key ? refKindLabel(key) : '';
  return kind ? `${kind} ${value}` : value;
}

/**
 * The title the server gives a new signal: the rule's name, and for a signal deduplicated on a
 * ref that ref in words: "Carrier delay reported · Shipment SH-50050" (docs/signals.md).
 */
export function signalTitleOf(ruleName: string, refKey: string | null, refValue: string | null): string {
  return refKey && refValue ? `${ruleName} · ${refLabel(refKey, refValue)}` : ruleName;
}

/**
 * A signal's title as shown. Signals are named in words (signalTitleOf); one named before that
 * "<rule> · <refKey> <refValue>" and not rewritten by the migration (a key outside plain ASCII)
 * has the key put in words here: "Carrier delay reported · Shipment SH-50050". Other titles are
 * shown as they are.
 */
export function signalTitle(s: { title: string; refKey: string | null; refValue: string | null }): string {
  if (!s.refKey || !s.refValue) return s.title;
  const raw = ` · ${s.refKey} ${s.refValue}`;
  return s.title.endsWith(raw)
    ? `${s.title.slice(0, -raw.length)} · ${refLabel(s.refKey, s.refValue)}`
    : s.title;
}
