// The save and delete of an admin form: the input is checked with the API's own schema first,
// then created (POST) or saved (PATCH); what the server rejects lands next to the inputs it is
// about, anything else above the form. Success goes back to the list with a one-time notice.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { z } from 'zod';
import { api, toApiError } from '../lib/api.js';
import { errorsFromApi, errorsFromIssues, type PathErrors } from './form-parts.js';

export interface RecordFormOptions<T extends { id: string }> {
  /** The record being edited; undefined for a new one. */
  record: T | undefined;
  /** The API collection: `/teams` (POST there, PATCH and DELETE `/teams/:id`). */
  path: string;
  /** The list the form returns to. */
  back: string;
  notices: { created: string; saved: string; deleted?: string };
  /** Conflicts carry no details: their codes name the field they are about. */
  conflictFields?: Record<string, string>;
  /** A created record whose answer must be shown (a secret shown once): called instead of going back. */
  onCreated?: (answer: unknown) => void;
}

export function useRecordForm<T extends { id: string }>(opts: RecordFormOptions<T>) {
  const { record, path, back, notices } = opts;
  const navigate = useNavigate();
  const [errors, setErrors] = useState<PathErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);

  /** Shows problems found before sending (and clears an earlier message above the form). */
  function reject(found: PathErrors) {
    setFormError(null);
    setErrors(found);
  }

  async function save(schema: z.ZodType, body: unknown) {
    setFormError(null);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      setErrors(errorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (record) await api.patch(`${path}/${record.id}`, parsed.data);
      else {
        const created = await api.post(path, parsed.data);
        if (opts.onCreated) {
          setSaving(false);
          opts.onCreated(created);
          return;
        }
      }
      navigate(back, { state: { notice: record ? notices.saved : notices.created } });
    } catch (err) {
      const apiError = toApiError(err);
      const found = errorsFromApi(apiError);
      const conflictField = opts.conflictFields?.[apiError.code];
      if (conflictField) found[conflictField] = apiError.message;
      if (Object.keys(found).length) setErrors(found);
      else setFormError(apiError.message);
      setSaving(false);
    }
  }

  async function remove() {
    if (!record) return;
    setDeleting(true);
    setFormError(null);
    try {
      await api.delete(`${path}/${record.id}`);
      navigate(back, notices.deleted ? { state: { notice: notices.deleted } } : undefined);
    } catch (err) {
      setFormError(toApiError(err).message);
      setDeleting(false);
    }
  }

  /** Forgets the messages at these paths and below them (their inputs changed). */
  function clearErrors(paths: string[]) {
    if (paths.length === 0) return;
    setErrors((e) =>
      Object.fromEntries(
        Object.entries(e).filter(([k]) => !paths.some((p) => k === p || k.startsWith(`${p}.`))),
      ),
    );
  }

  return {
    isNew: !record,
    errors,
    setErrors,
    formError,
    saving,
    deleting,
    save,
    reject,
    remove,
    clearErrors,
  };
}

export type RecordFormState = ReturnType<typeof useRecordForm>;
