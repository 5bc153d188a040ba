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

/** A typed number as a person writes it: "2", "1.5", "1,5" or ".5"; null for anything else. */
function typedNumber(text: string): number | null {
  const t = text.trim();
  if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(t)) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

const unitMinutes = (unit: DurationUnit) => DURATION_UNITS.find((u) => u.key === unit)!.ms / 60_000;

/**
 * The whole minutes a typed amount of a unit comes to: "1.5" days is 2160 (36 hours), "0.25"
 * hours 15; null when it is not a number above zero or not whole minutes ("1.5" minutes).
 */
export function typedMinutes(text: string, unit: DurationUnit): number | null {
  const n = typedNumber(text);
  if (n === null || n <= 0) return null;
  const minutes = n * unitMinutes(unit);
  const whole = Math.round(minutes);
  // 1.1 hours is 66.00000000000001 minutes in binary floating point: that is 66.
  return whole >= 1 && Math.abs(minutes - whole) < 1e-6 && Number.isSafeInteger(whole) ? whole : null;
}

/** The ISO duration of whole minutes, in the largest unit that holds them: 2160 is "PT36H". */
export function isoOfMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `P${minutes / 1440}D`;
  return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}

/**
 * What a typed amount of a unit sends: its ISO duration when it comes to whole minutes (a whole
 * amount in its own unit, "48" hours is "PT48H"; "1.5" days is "PT36H"), otherwise the text as
 * typed (the schema refuses it, and `amountError` says why in the form's words).
 */
export function durationOfTyped(text: string, unit: DurationUnit): string {
  const amount = wholeAmount(text);
  if (amount !== null) return isoDuration(amount, unit);
  const minutes = typedMinutes(text, unit);
  return minutes === null ? text.trim() : isoOfMinutes(minutes);
}

/**
 * The message for a typed amount the schema refused, in the form's terms (the schema's own
 * message speaks ISO 8601, which the user did not type); undefined when the schema found nothing.
 */
export function amountError(text: string, unit: DurationUnit, schemaError: string | undefined) {
  if (!schemaError) return undefined;
  if (text.trim() === '') return 'is required';
  const n = typedNumber(text);
  if (n === null) return `must be a number of ${unit}, e.g. 2 or 1.5`;
  if (n <= 0) return 'must be more than 0';
  const minutes = typedMinutes(text, unit);
  if (minutes === null)
    return unit === 'minutes'
      ? 'must be a whole number of minutes (there are no seconds here)'
      : `must come to whole minutes, e.g. ${unit === 'days' ? '1.5 days (36 hours)' : '1.5 hours (90 minutes)'}`;
  return minutes * 60_000 > 366 * 86_400_000 ? 'must be at most 366 days' : schemaError;
}
