// Choosing when a waiting case opens again: none, a preset morning, or a date and time of one's
// own. Used by the case's properties (saved at once) and by the reply composer (sent with it).
// The presets are the case's business days when its agreement has a calendar (the server says
// which: GET /cases/:id/follow-up-times, read once by the case page for both places and given
// through `FollowUpTimesProvider`), calendar days in the browser's zone otherwise.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FollowUpTimes } from '../../shared/schemas/cases.js';
import { formatDue } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { useInterval } from '../lib/use-interval.js';
import { FOLLOW_UP_PRESETS, presetTime, presetsBesides, fromLocalInput, toLocalInput } from './follow-up.js';

interface Preset {
  key: string;
  label: string;
  at: string;
}

const FollowUpTimesContext = createContext<FollowUpTimes | undefined>(undefined);

/** How often an open case page asks again (a page left open overnight moves "next business day"). */
const FOLLOW_UP_TIMES_MS = 10 * 60_000;

/**
 * Reads the case's follow-up presets once for every `FollowUpSelect` inside it, again when the
 * case's agreement changes (its calendar decides them) and every ten minutes while it is open.
 */
export function FollowUpTimesProvider(props: {
  caseId: string;
  agreementId: string | null;
  children: ReactNode;
}) {
  const found = useApi<FollowUpTimes>(`/cases/${props.caseId}/follow-up-times`, undefined, {
    keepPrevious: true,
  });
  const { reload } = found;
  const agreement = useRef(props.agreementId);
  useEffect(() => {
    if (agreement.current === props.agreementId) return;
    agreement.current = props.agreementId;
    reload();
  }, [props.agreementId, reload]);
  useInterval(reload, FOLLOW_UP_TIMES_MS);
  return <FollowUpTimesContext.Provider value={found.data}>{props.children}</FollowUpTimesContext.Provider>;
}

/** The presets to offer: the case's calendar's when it has one, else calendar days from now. */
function usePresets(): { presets: Preset[]; calendar: string | null } {
  const data = useContext(FollowUpTimesContext);
  if (data?.calendar && data.times.length > 0) return { presets: data.times, calendar: data.calendar.name };
  return {
    presets: FOLLOW_UP_PRESETS.map((p) => ({
      key: p.key,
      label: p.label,
      at: presetTime(p.days).toISOString(),
    })),
    calendar: null,
  };
}

export function FollowUpSelect(props: {
  id: string;
  testId?: string;
  className?: string;
  /** The follow-up set now (ISO), or null. */
  value: string | null;
  disabled?: boolean;
  /**
   * A new follow-up (ISO) or null for none. With `confirm`, a typed date and time is passed on
   * only when its Set button is pressed (the case's properties save each change).
   */
  onChange(value: string | null): void;
  confirm?: boolean;
}) {
  const [custom, setCustom] = useState<string | null>(null);
  const { presets: all, calendar } = usePresets();
  // The current follow-up has its own option: a preset at the same time would repeat it.
  const presets = presetsBesides(all, props.value);
  const presetOptions = presets.map((p) => (
    <option key={p.key} value={p.key}>
      {p.label} ({formatDue(p.at)})
    </option>
  ));
  const choice = custom !== null ? 'custom' : props.value ? 'current' : '';
  const typed = custom !== null ? fromLocalInput(custom) : null;
  // Said here, before it is sent: the server refuses a follow-up that is not ahead.
  const past = typed !== null && new Date(typed).getTime() <= Date.now();
  return (
    <span className="follow-up">
      <select
        id={props.id}
        className={props.className}
        value={choice}
        disabled={props.disabled}
        data-testid={props.testId ?? props.id}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'custom') {
            const start = toLocalInput(props.value ? new Date(props.value) : presetTime(1));
            setCustom(start);
            if (!props.confirm) props.onChange(fromLocalInput(start));
            return;
          }
          setCustom(null);
          if (v === '') props.onChange(null);
          const preset = presets.find((p) => p.key === v);
          if (preset) props.onChange(preset.at);
        }}
      >
        <option value="">No follow-up</option>
        {props.value && <option value="current">{formatDue(props.value)}</option>}
        {calendar ? (
          <optgroup label={`On the ${calendar} calendar`} data-testid="follow-up-calendar">
            {presetOptions}
          </optgroup>
        ) : (
          presetOptions
        )}
        <option value="custom">Pick a date and time…</option>
      </select>
      {custom !== null && (
        <span className="follow-up__custom">
          <input
            type="datetime-local"
            aria-label="Follow-up date and time"
            aria-invalid={past || undefined}
            value={custom}
            min={toLocalInput(new Date())}
            disabled={props.disabled}
            onChange={(e) => {
              setCustom(e.target.value);
              const at = fromLocalInput(e.target.value);
              if (!props.confirm && at && new Date(at).getTime() > Date.now()) props.onChange(at);
            }}
          />
          {props.confirm && (
            <>
              <button
                type="button"
                className="button button--small button--primary"
                disabled={!typed || past || props.disabled}
                onClick={() => {
                  if (!typed) return;
                  props.onChange(typed);
                  setCustom(null);
                }}
              >
                Set
              </button>
              <button
                type="button"
                className="button button--small button--ghost"
                onClick={() => setCustom(null)}
              >
                Cancel
              </button>
            </>
          )}
          {past && (
            <span className="field__error follow-up__error" role="alert" data-testid="follow-up-past">
              Pick a time ahead of now.
            </span>
          )}
        </span>
      )}
    </span>
  );
}
