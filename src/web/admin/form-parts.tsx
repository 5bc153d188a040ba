// Building blocks of the admin forms. Problems are keyed by their full path ("hours.3.close",
// "targets.1.minutes"), from the shared zod schema in the browser or from the server's error
// details (`body.hours.3.close`), so a message lands next to the very input it is about.
import type { ReactNode } from 'react';
import { issueMessage } from '../../shared/issue-message.js';
import type { z } from 'zod';
import type { ApiError } from '../lib/api.js';

export type PathErrors = Partial<Record<string, string>>;

export function errorsFromIssues(issues: readonly z.core.$ZodIssue[]): PathErrors {
  const errors: PathErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_form';
    errors[key] ??= issueMessage(issue);
  }
  return errors;
}

export function errorsFromApi(err: ApiError): PathErrors {
  const errors: PathErrors = {};
  for (const d of err.details) {
    const key = d.path.startsWith('body.') ? d.path.slice(5) : d.path === 'body' ? '_form' : d.path;
    errors[key] ??= d.message;
  }
  return errors;
}

/** The first message at `path` or below it (e.g. "hours.3" also covers "hours.3.close"). */
export function errorAt(errors: PathErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const prefix = `${path}.`;
  for (const [key, message] of Object.entries(errors)) if (key.startsWith(prefix)) return message;
  return undefined;
}

export function FormField(props: {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const { id, error, hint } = props;
  return (
    <div className={['field', error ? 'field--invalid' : '', props.className ?? ''].join(' ')}>
      <label htmlFor={id}>{props.label}</label>
      {props.children}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`} data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A labelled one-line input with its hint and error, the input pointing to both (aria-invalid,
 * aria-describedby): the field, its id and its wiring written once.
 */
export function TextField(props: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'number' | 'password';
  maxLength?: number;
  /** Number fields: whole numbers in these bounds. */
  min?: number;
  max?: number;
  placeholder?: string;
  autoComplete?: string;
  disabled?: boolean;
  /** The id of a <datalist> of suggestions. */
  list?: string;
}) {
  const { id, error, hint } = props;
  return (
    <FormField id={id} label={props.label} error={error} hint={hint}>
      <input
        id={id}
        type={props.type ?? 'text'}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        step={props.type === 'number' ? 1 : undefined}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete}
        disabled={props.disabled}
        list={props.list}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        {...describedBy(id, error, !!hint)}
      />
    </FormField>
  );
}

/** One choice of a SelectField: what it stands for and what the list shows. */
export interface SelectOption<V extends string = string> {
  value: V;
  label: string;
}

/**
 * A labelled select with its hint and error, wired as TextField's input is (aria-invalid,
 * aria-describedby). The choices are shown in the order given, after the "none" choice (value '')
 * when `empty` names it ("No team", "Any"); `empty` is only for a value that may be ''.
 */
export function SelectField<V extends string>(props: {
  id: string;
  label: ReactNode;
  value: V;
  onChange: (value: V) => void;
  options: readonly SelectOption<V>[];
  /** The label of the choice of '', shown first. */
  empty?: '' extends V ? string : never;
  error?: string;
  hint?: ReactNode;
  disabled?: boolean;
  /** The field's (FormField's), e.g. for its place in a grid. */
  className?: string;
}) {
  const { id, error, hint } = props;
  return (
    <FormField id={id} label={props.label} error={error} hint={hint} className={props.className}>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        // A select takes only the values of its options ('' only with `empty`, so V has it).
        onChange={(e) => props.onChange(e.target.value as V)}
        {...describedBy(id, error, !!hint)}
      >
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FormField>
  );
}

/** aria attributes tying an input to its hint and error. */
export function describedBy(id: string, error: string | undefined, hint = false) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return {
    'aria-invalid': error ? true : undefined,
    'aria-describedby': ids.length ? ids.join(' ') : undefined,
  };
}

/** What is wrong, at the top of the form, when there is anything. */
export function ErrorSummary({ errors, labels }: { errors: PathErrors; labels: (path: string) => string }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => !!e[1]);
  if (entries.length === 0) return null;
  return (
    <div className="notice notice--error error-summary" role="alert" data-testid="form-errors">
      <p>Please correct the following before saving:</p>
      <ul>
        {entries.map(([path, message]) => (
          <li key={path}>
            {labels(path)}: {message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A number field's text as the API takes it: a whole number, null when empty (the settings that
 * may be "none"), NaN for anything else ("1.5", "2e1"), which the schema then refuses by name
 * rather than the form rounding it.
 */
export function wholeNumberOrNone(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  return /^\d+$/.test(t) ? Number(t) : NaN;
}
