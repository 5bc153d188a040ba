// Which open proactive case a customer's new contact belongs to, without I/O. Contract:
// - candidates are the customer's unsolved proactive cases, newest first, with their refs
//   (orderId, shipmentId, ...);
// - refs given with the contact (a form's order-number field, an API caller) decide: the newest
//   candidate sharing one of them (same key and value), else none;
// - so does a reference the customer typed without saying what it is (the portal's "order or
//   shipment number"): the newest candidate holding it under any key (ignoring case and the
//   spaces around it), else none;
// - otherwise a candidate whose ref value the subject or message mentions (case-insensitive, as
//   a whole token) wins, the newest first;
// - a contact that mentions something shaped like another reference (letters, a dash or not,
//   three or more digits: SO-1042, INV20931) that no candidate has is about something else: none;
// - a contact that mentions no reference at all joins the newest candidate (we already wrote to
//   the customer about it; their answer belongs there).

export interface ProactiveCandidate {
  id: string;
  refs: Record<string, string>;
}

export interface Contact {
  refs?: Record<string, string>;
  /** A reference of unknown kind (an order or a shipment number): matches a ref of any key. */
  reference?: string;
  text: string;
}

export type JoinReason = 'ref' | 'mentioned' | 'latest';

const REFERENCE_SHAPE = /\b[A-Za-z]{2,6}-?\d{3,}\b/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function mentions(text: string, value: string): boolean {
  if (!value.trim()) return false;
  return new RegExp(`(^|[^A-Za-z0-9])${escape(value)}($|[^A-Za-z0-9])`, 'i').test(text);
}

export function chooseProactiveCase(
  candidates: ProactiveCandidate[],
  contact: Contact,
): { id: string; reason: JoinReason } | null {
  if (candidates.length === 0) return null;
  const given = Object.entries(contact.refs ?? {});
  const reference = contact.reference?.trim().toLowerCase() ?? '';
  if (given.length > 0 || reference) {
    const hit = candidates.find(
      (c) =>
        given.some(([k, v]) => c.refs[k] === v) ||
        (reference !== '' && Object.values(c.refs).some((v) => v.trim().toLowerCase() === reference)),
    );
    return hit ? { id: hit.id, reason: 'ref' } : null;
  }
  const mentioned = candidates.find((c) => Object.values(c.refs).some((v) => mentions(contact.text, v)));
  if (mentioned) return { id: mentioned.id, reason: 'mentioned' };
  const known = new Set(candidates.flatMap((c) => Object.values(c.refs).map((v) => v.toLowerCase())));
  const others = (contact.text.match(REFERENCE_SHAPE) ?? []).filter((r) => !known.has(r.toLowerCase()));
  if (others.length > 0) return null;
  return { id: candidates[0]!.id, reason: 'latest' };
}
