// A rule's durations are ISO 8601 in the API and the JSON side ("PT48H", "P30D"); the form asks
// for an amount and a unit instead. Pure, so it is tested without a browser.
import { isoDurationMs } from '../../shared/schemas/rules.js';

export const DURATION_UNITS = [
  { key: 'minutes', label: 'minutes', ms: 60_000 },
  { key: 'hours', label: 'hours', ms: 3_600_000 },
  { key: 'days', label: 'days', ms: 86_400_000 },
] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number]['key'];

/**
 * An ISO duration as an amount of the largest unit that holds it whole ("PT48H" is 2 days,
 * "PT90M" 90 minutes); null when it is not a duration or not whole minutes ("PT30S").
 */
export function splitDuration(value: unknown): { amount: number; unit: DurationUnit } | null {
  if (typeof value !== 'string') return null;
  const ms = isoDurationMs(value);
  if (ms === null || ms <= 0) return null;
  for (const unit of [...DURATION_UNITS].reverse()) {
    if (ms % unit.ms === 0) return { amount: ms / unit.ms, unit: unit.key };
  }
  return null;
}

/** The ISO duration of a whole amount of a unit: 48 hours is "PT48H", 30 days "P30D". */
export function isoDuration(amount: number, unit: DurationUnit): string {
  if (unit === 'days') return `P${amount}D`;
  return unit === 'hours' ? `PT${amount}H` : `PT${amount}M`;
}

/** A typed amount, when it is a whole number above zero. */
export function wholeAmount(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n > 0 && Number.isSafeInteger(n) ? n : null;
}

/**
 * What a typed amount of a unit sends: its ISO duration when it is a whole number, otherwise the
 * text as typed (the schema refuses it, and `amountError` says why in the form's words).
 */
export function durationOfTyped(text: string, unit: DurationUnit): string {
  const amount = wholeAmount(text);
  return amount === null ? text.trim() : isoDuration(amount, unit);
}

/**
 * The message for a typed amount the schema refused (its own message speaks ISO 8601, which the
 * user did not type); undefined when the schema found nothing.
 */
export function amountError(text: string, unit: DurationUnit, schemaError: string | undefined) {
  if (!schemaError) return undefined;
  if (text.trim() === '') return 'required';
  const amount = wholeAmount(text);
  if (amount === null) return 'must be a whole number above zero';
  const unitMs = DURATION_UNITS.find((u) => u.key === unit)!.ms;
  return amount * unitMs > 366 * 86_400_000 ? 'must be at most 366 days' : schemaError;
}
