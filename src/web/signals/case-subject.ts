// The subject a case opened by hand from a signal starts with. The signal's title names the rule
// ("Carrier delay reported · shipmentId SH-50050"), which is for staff; the case's subject is
// what the customer sees once we write to them: "About your shipment SH-50050". Pure.
import { refNoun } from '../../shared/ref-labels.js';

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
  const words = refNoun(key);
  return words ? `About your ${words} ${value}` : signal.title;
}
