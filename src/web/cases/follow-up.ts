// Follow-up times as agents pick them (pure, in the browser's time zone): a few presets at the
// start of a working morning, or a date and time typed into a datetime-local input.
import { FOLLOW_UP_HOUR } from '../../shared/schemas/cases.js';

/** Statuses in which a case waits for someone else and may carry a follow-up. */
export const WAITING_STATUSES = ['pending', 'on_hold'];
export const isWaiting = (status: string) => WAITING_STATUSES.includes(status);

export const FOLLOW_UP_PRESETS = [
  { key: 'tomorrow', label: 'Tomorrow morning', days: 1 },
  { key: 'in3days', label: 'In 3 days', days: 3 },
  { key: 'in1week', label: 'In a week', days: 7 },
  { key: 'in2weeks', label: 'In two weeks', days: 14 },
] as const;
export type FollowUpPreset = (typeof FOLLOW_UP_PRESETS)[number]['key'];

/** `days` calendar days after `now`, at FOLLOW_UP_HOUR o'clock local time. */
export function presetTime(days: number, now = new Date()): Date {
  const at = new Date(now);
  at.setDate(at.getDate() + days);
  at.setHours(FOLLOW_UP_HOUR, 0, 0, 0);
  return at;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as a datetime-local input shows it: "2026-12-08T09:00", local time. */
export function toLocalInput(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A datetime-local input's value as an ISO instant; null when incomplete or not a time. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const at = new Date(value); // no offset: read as local time
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/**
 * The presets to offer beside the follow-up set now: not one at that same minute, which the list
 * shows already as the current one (choosing it would change nothing).
 */
export function presetsBesides<P extends { at: string }>(presets: P[], current: string | null): P[] {
  if (!current) return presets;
  const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
  const now = minute(current);
  return presets.filter((p) => minute(p.at) !== now);
}
