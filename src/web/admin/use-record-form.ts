// The save and delete of an admin form: the input is checked with the API's own schema first,
// then created (POST) or saved (PATCH); what the server rejects lands next to the inputs it is
// about, anything else above the form. Success goes back to the list with a one-time notice.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { z } from 'zod';
import { api, toApiError } from '../lib/api.js';
import type { PathErrors } from './form-parts.js';
import { useFormSubmit } from './use-form-submit.js';

export interface RecordFormOptions<T extends { id: string }> {
  /** The record being edited; undefined for a new one. */
  record: T | undefined;
  /** The API collection: `/teams` (POST there, PATCH and DELETE `/teams/:id`). */
  path: string;
  /** Where the form returns to. */
  back: string;
  /** Where a deleted record's form goes, when not `back` (a record's own page is gone with it). */
  backAfterDelete?: string;
  notices: { created: string; saved: string; deleted?: string };
  /** Conflicts carry no details: their codes name the field they are about. */
  conflictFields?: Record<string, string>;
  /** A created record whose answer must be shown (a secret shown once): called instead of going back. */
  onCreated?: (answer: unknown) => void;
}

export function useRecordForm<T extends { id: string }>(opts: RecordFormOptions<T>) {
  const { record, path, back, notices } = opts;
  const navigate = useNavigate();
  const { errors, setErrors, formError, setFormError, saving, submit } = useFormSubmit(opts);
  const [deleting, setDeleting] = useState(false);

  /** Shows problems found before sending (and clears an earlier message above the form). */
  function reject(found: PathErrors) {
    setFormError(null);
    setErrors(found);
  }

  async function save(schema: z.ZodType, body: unknown) {
    // A created record whose answer is shown stays on this screen; otherwise back to the list.
    const stays = !record && !!opts.onCreated;
    let created: unknown;
    const sent = await submit(
      schema,
      body,
      async (data) => {
        if (record) await api.patch(`${path}/${record.id}`, data);
        else created = await api.post(path, data);
      },
      { settle: stays },
    );
    if (!sent) return;
    if (stays) opts.onCreated!(created);
    else navigate(back, { state: { notice: record ? notices.saved : notices.created } });
  }

  async function remove() {
    if (!record) return;
    setDeleting(true);
    setFormError(null);
    try {
      await api.delete(`${path}/${record.id}`);
      navigate(
        opts.backAfterDelete ?? back,
        notices.deleted ? { state: { notice: notices.deleted } } : undefined,
      );
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
