// The save and delete of an admin form: the input is checked with the API's own schema first,
// then created (POST) or saved (PATCH); what the server rejects lands next to the inputs it is
// about, anything else above the form. Success goes back to the list with a one-time notice.
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { z } from 'zod';
import { api, toApiError } from '../lib/api.js';
import type { PathErrors } from './form-parts.js';
import { useFormSubmit } from './use-form-submit.js';

export interface RecordFormOptions<T extends { id: string; updatedAt?: string }> {
  /** The record being edited; undefined for a new one. Its `updatedAt` guards the save (If-Match). */
  record: T | undefined;
  /** The API collection: `/teams` (POST there, PATCH and DELETE `/teams/:id`). */
  path: string;
  /** Where the form returns to. */
  back: string;
  /** Where a deleted record's form goes, when not `back` (a record's own page is gone with it). */
  backAfterDelete?: string;
  /**
   * `saved` may read the server's answer to the save (how many clocks it recomputed), `created`
   * the answer to the create (whether the invitation mail is held).
   */
  notices: {
    created: string | ((answer: unknown) => string);
    saved: string | ((answer: unknown) => string);
    deleted?: string;
  };
  /** Conflicts carry no details: their codes name the field they are about. */
  conflictFields?: Record<string, string>;
  /** A created record whose answer must be shown (a secret shown once): called instead of going back. */
  onCreated?: (answer: unknown) => void;
}

export function useRecordForm<T extends { id: string; updatedAt?: string }>(opts: RecordFormOptions<T>) {
  const { record, path, back, notices } = opts;
  const navigate = useNavigate();
  const { errors, setErrors, formError, setFormError, saving, submit, conflict } = useFormSubmit(opts);
  // The version the form's values came from: a save is made on it (If-Match), even if a newer
  // copy of the record reaches the page meanwhile.
  const [version] = useState(record?.updatedAt);
  // What the last save sent, for saving it again over a colleague's change (`overwrite`).
  const lastSave = useRef<{ schema: z.ZodType; body: unknown } | null>(null);
  const [deleting, setDeleting] = useState(false);

  /** Shows problems found before sending (and clears an earlier message above the form). */
  function reject(found: PathErrors) {
    setFormError(null);
    setErrors(found);
  }

  /**
   * Creates the record, or saves the edits made to the copy on screen: refused (`conflict`) if
   * someone else saved the record meanwhile, unless `overwrite`.
   */
  async function save(schema: z.ZodType, body: unknown, { overwrite = false } = {}) {
    lastSave.current = { schema, body };
    // A created record whose answer is shown stays on this screen; otherwise back to the list.
    const stays = !record && !!opts.onCreated;
    let created: unknown;
    let saved: unknown;
    const sent = await submit(
      schema,
      body,
      async (data) => {
        if (record) saved = await api.patch(`${path}/${record.id}`, data, overwrite ? undefined : version);
        else created = await api.post(path, data);
      },
      { settle: stays },
    );
    if (!sent) return;
    if (stays) opts.onCreated!(created);
    else {
      const notice = !record
        ? typeof notices.created === 'function'
          ? notices.created(created)
          : notices.created
        : typeof notices.saved === 'function'
          ? notices.saved(saved)
          : notices.saved;
      navigate(back, { state: { notice } });
    }
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
    /** After a conflict: saves the same edits again, over the other change. */
    overwrite: () =>
      lastSave.current && save(lastSave.current.schema, lastSave.current.body, { overwrite: true }),
    conflict,
    /** A newer copy of the record reached the page while the form holds the older one's values. */
    changedMeanwhile: !!record && !!version && record.updatedAt !== version,
    reject,
    remove,
    clearErrors,
  };
}

export type RecordFormState = ReturnType<typeof useRecordForm>;
