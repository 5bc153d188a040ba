// Creating and editing a business calendar: name, time zone, weekly open hours (any number of
// intervals per weekday; 24:00 closes at midnight) and holidays, each with an optional name. Checked in the browser with the
// API's own CalendarInput schema (overlaps, close before open, unknown zones, duplicate dates);
// what the server still rejects comes back next to the same inputs. A new calendar starts in the
// company's time zone (Settings), else the browser's, and the hint says which.
import { useState, type FormEvent } from 'react';
import { CALENDAR_LIMITS, CalendarInput, type CalendarHours } from '../../shared/schemas/calendars.js';
import { formatDate, formatMinutes } from '../lib/format.js';
import type { Calendar } from '../lib/types.js';
import { browserTimeZone, timeZones } from '../lib/time-zones.js';
import { useWorkZone } from '../lib/work-zone.js';
import { Loading } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { WEEKDAYS, dayName } from './calendar-labels.js';
import { FormField, describedBy, errorAt } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { clocksNotice } from './clocks-notice.js';
import { useEditedRecord } from './use-edited-record.js';

/** A holiday as edited: its date, and its name ('' = none). */
interface HolidayValue {
  date: string;
  name: string;
}

interface Values {
  name: string;
  timezone: string;
  hours: CalendarHours[];
  holidays: HolidayValue[];
}

/** What the API takes: each holiday with its name (null: none, so a name cleared is taken away). */
const toInput = (values: Values) => ({
  ...values,
  holidays: values.holidays.map((h) => ({ date: h.date, name: h.name.trim() || null })),
});

const WORKDAYS = [1, 2, 3, 4, 5];
const toMinutes = (hhmm: string) => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/** Labels for the error summary: "Monday 09:00–8:00 (close)", "Open hours" when the message names the day. */
function pathLabel(values: Values, errors: Record<string, string | undefined>) {
  return (path: string) => {
    const [field, index, part] = path.split('.');
    if (field === 'name') return 'Name';
    if (field === 'timezone') return 'Time zone';
    if (field === 'hours' && index !== undefined) {
      const h = values.hours[Number(index)];
      // Closing before opening and overlaps name the day and the times themselves ("Monday: the
      // closing time must be after the opening time …"); a malformed time is labelled here.
      if (!h || errors[path]?.startsWith(`${dayName(h.day)}: `)) return 'Open hours';
      return `${dayName(h.day)} ${h.open || '?'}–${h.close || '?'}${part ? ` (${part})` : ''}`;
    }
    if (field === 'hours') return 'Open hours';
    if (field === 'holidays' && index !== undefined)
      return `Holiday ${values.holidays[Number(index)]?.date ?? ''}${part === 'name' ? ' (name)' : ''}`.trim();
    if (field === 'holidays') return 'Holidays';
    return 'Calendar';
  };
}

export function CalendarFormPage() {
  const { id, record: existing } = useEditedRecord<Calendar>('/calendars', 'calendar', (c) => c.name);
  // A new calendar's zone: the company's, known before the form starts.
  const work = useWorkZone();
  if (!id && !work.ready) return <Loading label="Loading settings…" />;
  return (
    <RecordGate
      record={existing}
      what="Calendar"
      back={{ to: '/admin/calendars', label: 'Back to calendars' }}
      loadingLabel="Loading calendar…"
    >
      {() => <CalendarForm key={id ?? 'new'} calendar={existing.data} companyZone={work.company} />}
    </RecordGate>
  );
}

function CalendarForm({
  calendar,
  companyZone,
}: {
  calendar: Calendar | undefined;
  companyZone: string | null;
}) {
  // Where a new calendar's zone came from, for the hint (while it is still that one).
  const [startZone] = useState(() => companyZone ?? browserTimeZone());
  const [values, setValues] = useState<Values>(() =>
    calendar
      ? {
          name: calendar.name,
          timezone: calendar.timezone,
          hours: calendar.hours,
          holidays: calendar.namedHolidays.map((h) => ({ date: h.date, name: h.name ?? '' })),
        }
      : { name: '', timezone: startZone, hours: [], holidays: [] },
  );
  const form = useRecordForm({
    record: calendar,
    path: '/calendars',
    back: '/admin/calendars',
    notices: {
      created: 'Calendar created.',
      saved: (answer) => clocksNotice('Calendar saved', answer),
      deleted: 'Calendar deleted.',
    },
  });
  const { errors, setErrors } = form;
  const [holiday, setHoliday] = useState('');

  const update = (changes: Partial<Values>, clear: string[] = []) => {
    setValues((v) => ({ ...v, ...changes }));
    form.clearErrors(clear);
  };
  // Changing the list shifts indices: its old messages no longer point at the right inputs.
  const setHours = (hours: CalendarHours[]) => update({ hours }, ['hours']);
  const setIntervalPart = (index: number, part: 'open' | 'close', value: string) =>
    setHours(values.hours.map((h, i) => (i === index ? { ...h, [part]: value } : h)));

  function addInterval(day: number) {
    const same = values.hours.filter((h) => h.day === day);
    const last = same.at(-1);
    // A second interval starts an hour after the first ends (a lunch break), when there is room.
    const lastClose = last ? toMinutes(last.close) : null;
    const next: CalendarHours =
      last && lastClose !== null && lastClose <= 22 * 60
        ? { day, open: hhmm(lastClose + 60), close: hhmm(Math.min(lastClose + 240, 24 * 60)) }
        : { day, open: '09:00', close: '17:00' };
    setHours([...values.hours, next]);
  }
  function copyDay(from: number, to: number[]) {
    const source = values.hours.filter((h) => h.day === from);
    setHours([
      ...values.hours.filter((h) => !to.includes(h.day)),
      ...to.flatMap((day) => source.map((h) => ({ ...h, day }))),
    ]);
  }
  function addHoliday(e?: FormEvent) {
    e?.preventDefault();
    if (!holiday) return;
    if (values.holidays.some((h) => h.date === holiday)) {
      setErrors((er) => ({ ...er, holidayInput: `${holiday} is already in the list` }));
      return;
    }
    update(
      {
        holidays: [...values.holidays, { date: holiday, name: '' }].sort((a, b) =>
          a.date.localeCompare(b.date),
        ),
      },
      ['holidays', 'holidayInput'],
    );
    setHoliday('');
  }

  const weekly = values.hours.reduce((n, h) => {
    const o = toMinutes(h.open);
    const c = h.close === '24:00' ? 1440 : toMinutes(h.close);
    return o !== null && c !== null && c > o ? n + c - o : n;
  }, 0);

  return (
    <RecordForm
      form={form}
      noun="calendar"
      title={calendar ? `Edit ${calendar.name}` : 'New calendar'}
      subtitle="Promise clocks count only the open hours of their calendar, in its time zone."
      back={{ to: '/admin/calendars', label: 'Calendars' }}
      labels={pathLabel(values, errors)}
      onSubmit={() => void form.save(CalendarInput, toInput(values))}
      confirmDelete={calendar && `Delete the calendar “${calendar.name}”?`}
    >
      <div className="form__grid">
        <FormField id="calendar-name" label="Name" error={errors.name}>
          <input
            id="calendar-name"
            type="text"
            maxLength={200}
            value={values.name}
            onChange={(e) => update({ name: e.target.value }, ['name'])}
            {...describedBy('calendar-name', errors.name)}
          />
        </FormField>
        <FormField
          id="calendar-timezone"
          label="Time zone"
          error={errors.timezone}
          hint={
            <>
              The zone the open hours and holidays are meant in, e.g. Europe/Berlin.
              {!calendar && values.timezone === startZone && (
                <span data-testid="calendar-zone-default">
                  {companyZone
                    ? ' Set to the company’s time zone (Admin → Settings).'
                    : ' Set to this browser’s: no company time zone is set in Admin → Settings.'}
                </span>
              )}
            </>
          }
        >
          <input
            id="calendar-timezone"
            type="text"
            list="calendar-zones"
            autoComplete="off"
            spellCheck={false}
            value={values.timezone}
            onChange={(e) => update({ timezone: e.target.value }, ['timezone'])}
            {...describedBy('calendar-timezone', errors.timezone, true)}
          />
          <datalist id="calendar-zones">
            {timeZones().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </FormField>
      </div>

      <fieldset className="form__group">
        <legend>Open hours</legend>
        <div className="hours-presets">
          <span className="muted">Start from:</span>
          <button
            type="button"
            className="button button--small"
            onClick={() => setHours(WORKDAYS.map((day) => ({ day, open: '09:00', close: '17:00' })))}
          >
            Weekdays 09:00–17:00
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => setHours(WEEKDAYS.map(([day]) => ({ day, open: '00:00', close: '24:00' })))}
          >
            Always open (24/7)
          </button>
          <button type="button" className="button button--ghost button--small" onClick={() => setHours([])}>
            Clear all
          </button>
          <span className="hours-presets__total muted" data-testid="weekly-total">
            {formatMinutes(weekly)} a week
          </span>
        </div>
        {values.hours.length === 0 && (
          // Allowed on purpose (a calendar being set up; the list says "Never open"), but of no
          // use to a promise yet: the API refuses it to agreements (calendar_never_open).
          <p className="field__hint" data-testid="never-open-note">
            No open hours yet: the calendar is never open, and no agreement can use it until it has some.
          </p>
        )}
        {errors.hours && (
          <p className="field__error" data-testid="error-hours">
            {errors.hours}
          </p>
        )}
        <div className="hours-editor" data-testid="hours-editor">
          {WEEKDAYS.map(([day, name]) => {
            const intervals = values.hours.map((h, index) => ({ h, index })).filter(({ h }) => h.day === day);
            return (
              <div className="hours-day" key={day} data-testid={`hours-${name.toLowerCase()}`}>
                <div className="hours-day__name">{name}</div>
                <div className="hours-day__intervals">
                  {intervals.length === 0 && <span className="muted hours-day__closed">Closed</span>}
                  {intervals.map(({ h, index }) => {
                    const openError = errors[`hours.${index}.open`];
                    const closeError = errors[`hours.${index}.close`];
                    const rowError = errors[`hours.${index}.day`] ?? errors[`hours.${index}`];
                    const message = openError ?? closeError ?? rowError;
                    return (
                      <div className="hours-interval" key={index} data-testid="hours-interval">
                        <div className="hours-interval__inputs">
                          <input
                            type="text"
                            inputMode="numeric"
                            className={openError || rowError ? 'input--invalid' : undefined}
                            aria-label={`${name} opens`}
                            placeholder="09:00"
                            maxLength={5}
                            value={h.open}
                            onChange={(e) => setIntervalPart(index, 'open', e.target.value)}
                            aria-invalid={openError || rowError ? true : undefined}
                          />
                          <span aria-hidden="true">–</span>
                          <input
                            type="text"
                            inputMode="numeric"
                            className={closeError || rowError ? 'input--invalid' : undefined}
                            aria-label={`${name} closes`}
                            placeholder="17:00"
                            maxLength={5}
                            value={h.close}
                            onChange={(e) => setIntervalPart(index, 'close', e.target.value)}
                            aria-invalid={closeError || rowError ? true : undefined}
                          />
                          <button
                            type="button"
                            className="button button--ghost button--small"
                            aria-label={`Remove ${name} ${h.open}–${h.close}`}
                            onClick={() => setHours(values.hours.filter((_, i) => i !== index))}
                          >
                            ×
                          </button>
                        </div>
                        {message && (
                          <p className="field__error" data-testid="error-interval">
                            {message}
                          </p>
                        )}
                      </div>
                    );
                  })}
                </div>
                <div className="hours-day__actions">
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => addInterval(day)}
                    aria-label={`Add hours on ${name}`}
                  >
                    + Hours
                  </button>
                  {day === 1 && intervals.length > 0 && (
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      onClick={() => copyDay(1, [2, 3, 4, 5])}
                    >
                      Copy to Tue–Fri
                    </button>
                  )}
                </div>
              </div>
            );
          })}
        </div>
        <p className="field__hint">
          Times are HH:MM in the calendar’s time zone; 24:00 is midnight at the end of the day.
        </p>
      </fieldset>

      <fieldset className="form__group">
        <legend>Holidays</legend>
        <p className="field__hint holidays__hint">
          Closed all day; dates in the calendar’s time zone. A name (“Christmas Day”) is optional.
        </p>
        <div className={errors.holidayInput ? 'field field--invalid holidays__add' : 'field holidays__add'}>
          <label htmlFor="calendar-holiday">Add a holiday</label>
          <div className="inline-form">
            <input
              id="calendar-holiday"
              type="date"
              value={holiday}
              onChange={(e) => {
                setHoliday(e.target.value);
                setErrors(({ holidayInput: _, ...rest }) => rest);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') addHoliday(e);
              }}
            />
            <button
              type="button"
              className="button button--small"
              onClick={() => addHoliday()}
              disabled={!holiday}
            >
              Add
            </button>
          </div>
          {errors.holidayInput && <p className="field__error">{errors.holidayInput}</p>}
        </div>
        {errorAt(errors, 'holidays') && !values.holidays.some((_, i) => errorAt(errors, `holidays.${i}`)) && (
          <p className="field__error">{errorAt(errors, 'holidays')}</p>
        )}
        {values.holidays.length === 0 ? (
          <p className="muted">No holidays.</p>
        ) : (
          <ul className="holiday-list" data-testid="holiday-list">
            {values.holidays.map((h, i) => {
              const error = errors[`holidays.${i}`] ?? errorAt(errors, `holidays.${i}`);
              const label = /^\d{4}-\d{2}-\d{2}$/.test(h.date) ? formatDate(`${h.date}T12:00:00Z`) : h.date;
              return (
                <li
                  key={`${h.date}-${i}`}
                  className={error ? 'holiday holiday--invalid' : 'holiday'}
                  data-testid="holiday"
                >
                  <span>{label}</span>
                  <input
                    type="text"
                    className="holiday__name"
                    aria-label={`Name of the holiday ${label}`}
                    placeholder="Name (optional)"
                    maxLength={CALENDAR_LIMITS.holidayName}
                    value={h.name}
                    onChange={(e) =>
                      update(
                        {
                          holidays: values.holidays.map((x, j) =>
                            j === i ? { ...x, name: e.target.value } : x,
                          ),
                        },
                        [`holidays.${i}`, `holidays.${i}.name`],
                      )
                    }
                    aria-invalid={errors[`holidays.${i}.name`] ? true : undefined}
                  />
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Remove holiday ${h.date}`}
                    onClick={() =>
                      update({ holidays: values.holidays.filter((_, j) => j !== i) }, ['holidays'])
                    }
                  >
                    ×
                  </button>
                  {error && <p className="field__error">{error}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </fieldset>
    </RecordForm>
  );
}

function hhmm(minutes: number): string {
  if (minutes >= 24 * 60) return '24:00';
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
