// Sending a form: the input is checked with the API's own schema first, then sent; problems the
// server names land next to the inputs they are about, anything else above the form.
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { toApiError } from '../lib/api.js';
import { isEditConflict } from '../layout/edit-conflict.js';
import { focusFirstInvalid, formInUse } from '../lib/focus-invalid.js';
import { errorsFromApi, errorsFromIssues, type PathErrors } from './form-parts.js';

export function useFormSubmit(opts: { conflictFields?: Record<string, string> } = {}) {
  const [errors, setErrors] = useState<PathErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  /** The last save was refused: the record changed while it was edited (see EditConflict). */
  const [conflict, setConflict] = useState(false);
  /**
   * The form whose refusal was just set: its first field to fix takes the focus once the
   * complaints rendered (an effect of `errors`), not in a frame that may come before React
   * rendered an update set after an awaited request (the focus then stayed on the button).
   */
  const focusAfterRender = useRef<HTMLFormElement | null | undefined>(undefined);
  useEffect(() => {
    if (focusAfterRender.current === undefined) return;
    focusFirstInvalid(focusAfterRender.current);
    focusAfterRender.current = undefined;
  }, [errors]);

  /**
   * Checks `body` with `schema` and, when it passes, sends it with `send`. Answers whether it was
   * sent; `saving` stays on after a success unless `settle` (the caller leaves the screen).
   */
  async function submit<T>(
    schema: z.ZodType<T>,
    body: unknown,
    send: (data: T) => Promise<void>,
    { settle = true } = {},
  ): Promise<boolean> {
    setFormError(null);
    setConflict(false);
    // Read now: while it saves, its disabled button loses the focus.
    const form = formInUse();
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      setErrors(errorsFromIssues(parsed.error.issues));
      focusAfterRender.current = form;
      return false;
    }
    setErrors({});
    setSaving(true);
    try {
      await send(parsed.data);
      if (settle) setSaving(false);
      return true;
    } catch (err) {
      setSaving(false);
      if (isEditConflict(err)) {
        setConflict(true);
        return false;
      }
      const apiError = toApiError(err);
      const found = errorsFromApi(apiError);
      const conflictField = opts.conflictFields?.[apiError.code];
      if (conflictField) found[conflictField] = apiError.message;
      if (Object.keys(found).length) {
        setErrors(found);
        focusAfterRender.current = form;
      } else setFormError(apiError.message);
      return false;
    }
  }

  return { errors, setErrors, formError, setFormError, saving, submit, conflict };
}
