// A new request from a signed-in customer: subject, what it is about (a category, when an admin
// offers some to customers), an order or shipment number (a request naming the order of an open
// proactive case joins that case), message, files. Articles that may answer it are suggested
// while they type; opening one and leaving without sending counts as deflected.
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  PORTAL_LIMITS,
  PortalCaseCreate,
  type PortalCase,
  type PortalCategory,
} from '../../shared/schemas/portal.js';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { fieldErrorsFromApiError, fieldErrorsFromIssues, type FieldErrors } from '../lib/field-errors.js';
import { focusFirstInvalid } from '../lib/focus-invalid.js';
import { SelectField } from '../admin/form-parts.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { FilePicker } from './file-picker.js';
import { toUploads } from './files.js';
import { usePickedFiles } from './use-picked-files.js';
import { HelpSuggestions, useDeflection, useHelpSuggestions } from './help-suggestions.js';
import './portal.css';

/** Where the new request's page learns it was just sent. */
export interface CreatedState {
  created?: number;
}

export function NewRequestPage() {
  useDocumentTitle('New request');
  const uid = useId();
  const me = useMe();
  const navigate = useNavigate();
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [category, setCategory] = useState('');
  const [reference, setReference] = useState('');
  const offered = useApi<{ items: PortalCategory[] }>('/portal/categories');
  const categories = offered.data?.items ?? [];
  const picked = usePickedFiles();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const suggestions = useHelpSuggestions(subject.length >= 3 ? `${subject}\n${message}` : '', 'portal');
  const deflection = useDeflection('portal');

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setError(null);
    const parsed = PortalCaseCreate.safeParse({
      subject,
      message,
      ...(category ? { category } : {}),
      ...(reference.trim() ? { reference } : {}),
      files: [],
    });
    if (!parsed.success) {
      setErrors(fieldErrorsFromIssues(parsed.error.issues));
      focusFirstInvalid(form);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      const created = await api.post<PortalCase>('/portal/cases', {
        subject: parsed.data.subject,
        message: parsed.data.message,
        ...(parsed.data.category ? { category: parsed.data.category } : {}),
        ...(parsed.data.reference ? { reference: parsed.data.reference } : {}),
        files: await toUploads(picked.files),
      });
      deflection.submitted({ query: suggestions.query, shown: suggestions.shownAny });
      navigate(`/portal/cases/${created.id}`, { state: { created: created.number } satisfies CreatedState });
    } catch (err) {
      const apiError = toApiError(err);
      const found = fieldErrorsFromApiError(apiError);
      setErrors(found);
      if (Object.keys(found).length) focusFirstInvalid(form);
      setError(apiError.message);
      setSending(false);
    }
  }

  return (
    <div className="portal portal--narrow">
      <PageHeader
        title="New request"
        subtitle={`We answer here and by e-mail to ${me.email}.`}
        back={{ to: '/portal', label: 'My requests' }}
      />
      <form className="form card" onSubmit={submit} noValidate aria-label="New request">
        {error && (
          <p className="notice notice--error" role="alert" data-testid="request-error">
            {error}
          </p>
        )}
        <div className={errors.subject ? 'field field--invalid' : 'field'}>
          <label htmlFor={`${uid}-subject`}>Subject</label>
          <input
            type="text"
            id={`${uid}-subject`}
            value={subject}
            maxLength={300}
            onChange={(e) => {
              setSubject(e.target.value);
              // The problem said is about what was there; typing is the fix under way.
              setErrors(({ subject: _fixed, ...rest }) => rest);
            }}
            aria-invalid={errors.subject ? true : undefined}
            aria-describedby={errors.subject ? `${uid}-subject-error` : undefined}
            autoFocus
          />
          {errors.subject && (
            <span className="field__error" id={`${uid}-subject-error`}>
              {errors.subject}
            </span>
          )}
        </div>
        {categories.length > 0 && (
          <SelectField
            id={`${uid}-category`}
            label="What is it about?"
            value={category}
            onChange={(v) => {
              setCategory(v);
              setErrors(({ category: _fixed, ...rest }) => rest);
            }}
            empty="Something else"
            options={categories.map((c) => ({ value: c.key, label: c.name }))}
            error={errors.category}
          />
        )}
        <div className={errors.reference ? 'field field--invalid' : 'field'}>
          <label htmlFor={`${uid}-reference`}>Order or shipment number (optional)</label>
          <input
            type="text"
            id={`${uid}-reference`}
            value={reference}
            maxLength={PORTAL_LIMITS.reference}
            autoComplete="off"
            onChange={(e) => {
              setReference(e.target.value);
              setErrors(({ reference: _fixed, ...rest }) => rest);
            }}
            aria-invalid={errors.reference ? true : undefined}
            aria-describedby={`${uid}-reference-hint${errors.reference ? ` ${uid}-reference-error` : ''}`}
          />
          <span className="field__hint" id={`${uid}-reference-hint`}>
            If we already wrote to you about this order, your request joins that conversation while it is
            open; once it is solved, your request starts a new one.
          </span>
          {errors.reference && (
            <span className="field__error" id={`${uid}-reference-error`}>
              {errors.reference}
            </span>
          )}
        </div>
        <HelpSuggestions
          items={suggestions.items}
          onOpen={(s) => deflection.opened(s.articleId, suggestions.query)}
        />
        <div className={errors.message ? 'field field--invalid' : 'field'}>
          <label htmlFor={`${uid}-message`}>Message</label>
          <textarea
            id={`${uid}-message`}
            rows={8}
            value={message}
            onChange={(e) => {
              setMessage(e.target.value);
              setErrors(({ message: _fixed, ...rest }) => rest);
            }}
            aria-invalid={errors.message ? true : undefined}
            aria-describedby={errors.message ? `${uid}-message-error` : undefined}
          />
          {errors.message && (
            <span className="field__error" id={`${uid}-message-error`}>
              {errors.message}
            </span>
          )}
        </div>
        <FilePicker
          files={picked.files}
          problem={picked.problem ?? errors.files ?? null}
          hint={`Up to ${PORTAL_LIMITS.files} files, 10 MB each.`}
          onAdd={picked.add}
          onRemove={picked.remove}
        />
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={sending}>
            {sending ? 'Sending…' : 'Send request'}
          </button>
        </div>
      </form>
    </div>
  );
}
