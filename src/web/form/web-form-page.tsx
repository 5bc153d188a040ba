// The embeddable web form (/form): anyone writes in without an account. Sites put it in an iframe
// with /embed.js; the page tells the embedding page its height (postMessage) so the iframe fits.
// Options come from the address: ?team=<team id>&category=<key>&language=<tag>. Opened as a page of
// its own (the help center's and sign-in page's "Contact us"), it has the help center's top bar,
// the way back to the articles; in an iframe, the site around it is the frame.
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  PORTAL_LIMITS,
  WebFormInput,
  WebFormOptions,
  type WebFormResult,
} from '../../shared/schemas/portal.js';
import { api, toApiError } from '../lib/api.js';
import { fieldErrorsFromApiError, fieldErrorsFromIssues, type FieldErrors } from '../lib/field-errors.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { HelpTopBar } from '../kb/help-layout.js';
import { FilePicker } from '../portal/file-picker.js';
import { toUploads } from '../portal/files.js';
import { usePickedFiles } from '../portal/use-picked-files.js';
import { HelpSuggestions, useDeflection, useHelpSuggestions } from '../portal/help-suggestions.js';
import '../portal/portal.css';
import { focusFirstInvalid } from '../lib/focus-invalid.js';

/** The message the embed script listens for. */
export const HEIGHT_MESSAGE = 'steward:form-height';

/** Keeps the embedding page's iframe as tall as this page. */
function useReportHeight() {
  useEffect(() => {
    if (window.parent === window) return;
    const send = () =>
      window.parent.postMessage(
        { type: HEIGHT_MESSAGE, height: Math.ceil(document.documentElement.getBoundingClientRect().height) },
        '*',
      );
    const observer = new ResizeObserver(send);
    observer.observe(document.documentElement);
    send();
    return () => observer.disconnect();
  }, []);
}

function Field(props: {
  id: string;
  label: string;
  error?: string;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const errorId = `${props.id}-error`;
  return (
    <div className={props.error ? 'field field--invalid' : 'field'}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children(props.error ? errorId : undefined)}
      {props.error && (
        <span className="field__error" id={errorId}>
          {props.error}
        </span>
      )}
    </div>
  );
}

export function WebFormPage() {
  useDocumentTitle('Contact us', true);
  useReportHeight();
  const uid = useId();
  const [params] = useSearchParams();
  const options = WebFormOptions.safeParse({
    team: params.get('team') ?? undefined,
    category: params.get('category') ?? undefined,
    language: params.get('language') ?? undefined,
  });
  const { team, category, language } = options.success ? options.data : {};
  const [values, setValues] = useState({ name: '', email: '', subject: '', message: '', website: '' });
  const picked = usePickedFiles();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<WebFormResult | null>(null);
  const suggestions = useHelpSuggestions(values.subject, 'web', language);
  const deflection = useDeflection('web');

  useEffect(() => {
    document.body.classList.add('webform-page');
    return () => document.body.classList.remove('webform-page');
  }, []);

  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setError(null);
    const parsed = WebFormInput.safeParse({ ...values, team, category, language, files: [] });
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const answer = await api.post<WebFormResult>('/web-form', {
        ...parsed.data,
        website: values.website || undefined,
        files: await toUploads(picked.files),
      });
      deflection.submitted({ query: suggestions.query, shown: suggestions.shownAny });
      setResult(answer);
    } catch (err) {
      const apiError = toApiError(err);
      setErrors(fieldErrorsFromApiError(apiError));
      focusFirstInvalid(form);
      setError(
        apiError.code === 'too_many_requests'
          ? 'You have sent several requests in a short time. Please wait a few minutes and try again.'
          : apiError.message,
      );
    } finally {
      setSending(false);
    }
  }

  if (result) {
    return (
      <>
        <StandaloneTopBar />
        <main className="webform">
          <h1>Thank you</h1>
          <p className="notice notice--success" role="status" data-testid="webform-thanks">
            {result.message}
          </p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setResult(null);
              setValues((v) => ({ ...v, subject: '', message: '' }));
              picked.clear();
              deflection.reset();
            }}
          >
            Send another request
          </button>
        </main>
      </>
    );
  }

  return (
    <>
      <StandaloneTopBar />
      <main className="webform">
        <h1>Contact us</h1>
        <p className="muted">Tell us what happened; we answer by e-mail.</p>
        <form onSubmit={submit} noValidate aria-label="Contact us" data-testid="webform">
          {error && (
            <p className="notice notice--error" role="alert" data-testid="webform-error">
              {error}
            </p>
          )}
          <div className="form__grid">
            <Field id={`${uid}-name`} label="Your name" error={errors.name}>
              {(describedBy) => (
                <input
                  type="text"
                  id={`${uid}-name`}
                  autoComplete="name"
                  value={values.name}
                  onChange={set('name')}
                  aria-describedby={describedBy}
                  aria-invalid={describedBy ? true : undefined}
                />
              )}
            </Field>
            <Field id={`${uid}-email`} label="E-mail address" error={errors.email}>
              {(describedBy) => (
                <input
                  id={`${uid}-email`}
                  type="email"
                  autoComplete="email"
                  value={values.email}
                  onChange={set('email')}
                  aria-describedby={describedBy}
                  aria-invalid={describedBy ? true : undefined}
                />
              )}
            </Field>
          </div>
          <Field id={`${uid}-subject`} label="Subject" error={errors.subject}>
            {(describedBy) => (
              <input
                type="text"
                id={`${uid}-subject`}
                value={values.subject}
                maxLength={300}
                onChange={set('subject')}
                aria-describedby={describedBy}
                aria-invalid={describedBy ? true : undefined}
              />
            )}
          </Field>
          <HelpSuggestions
            items={suggestions.items}
            onOpen={(s) => deflection.opened(s.articleId, suggestions.query)}
          />
          <Field id={`${uid}-message`} label="Message" error={errors.message}>
            {(describedBy) => (
              <textarea
                id={`${uid}-message`}
                rows={6}
                value={values.message}
                onChange={set('message')}
                aria-describedby={describedBy}
                aria-invalid={describedBy ? true : undefined}
              />
            )}
          </Field>
          {/* Not for people: hidden from sight, screen readers and the tab order. */}
          <div className="webform__trap" aria-hidden="true">
            <label htmlFor={`${uid}-website`}>Website</label>
            <input
              type="text"
              id={`${uid}-website`}
              name="website"
              tabIndex={-1}
              autoComplete="off"
              value={values.website}
              onChange={set('website')}
            />
          </div>
          <FilePicker
            files={picked.files}
            problem={picked.problem ?? errors.files ?? null}
            hint={`Up to ${PORTAL_LIMITS.files} files, 10 MB each. Programs (.exe and the like) are not accepted.`}
            onAdd={picked.add}
            onRemove={picked.remove}
          />
          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={sending}>
              {sending ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      </main>
    </>
  );
}

/** The help center's top bar, when the form is a page of its own rather than in another site's iframe. */
function StandaloneTopBar() {
  if (window.parent !== window) return null;
  return (
    <HelpTopBar>
      <Link className="button button--ghost button--small" to="/help" data-testid="webform-help">
        Search the help center
      </Link>
    </HelpTopBar>
  );
}
