// Turns validation problems, from the shared zod schema in the browser or from the server's
// error details, into one message per form field.
import { issueMessage } from '../../shared/issue-message.js';
import type { z } from 'zod';
import type { ApiError } from './api.js';

export type FieldErrors = Partial<Record<string, string>>;

/** The first issue per field wins: it is the one the user should fix first. */
export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    errors[field] ??= issueMessage(issue);
  }
  return errors;
}

/**
 * Server details name fields as `body.email`; conflicts carry no details, so their codes are
 * mapped to the field they are about.
 */
export function fieldErrorsFromApiError(
  err: ApiError,
  conflictFields: Record<string, string> = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const d of err.details) {
    const parts = d.path.split('.');
    const field = parts[0] === 'body' ? parts[1] : undefined;
    if (field) errors[field] ??= d.message;
  }
  const conflictField = conflictFields[err.code];
  if (conflictField) errors[conflictField] ??= err.message;
  return errors;
}
