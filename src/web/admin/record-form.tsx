// The frame every admin form shares: header with the way back, the problems found (per field and
// above the form), the caller's inputs, then Create/Save, Cancel and (for a saved record) Delete.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { FormError, PageHeader } from '../layout/page-parts.js';
import { EditConflict, reloadPage } from '../layout/edit-conflict.js';
import { ErrorSummary } from './form-parts.js';
import type { RecordFormState } from './use-record-form.js';

export function RecordForm(props: {
  form: RecordFormState;
  /** Lower-case noun: "team" gives "New team", "Edit team", "Create team" and "Save team". */
  noun: string;
  title: string;
  subtitle?: ReactNode;
  /** The list the form belongs to: the header's way back and Cancel. */
  back: { to: string; label: string };
  /** Names a problem's path in the summary at the top. */
  labels(path: string): string;
  onSubmit(): void;
  /** The question asked before deleting; without it there is no Delete button. */
  confirmDelete?: string;
  children: ReactNode;
}) {
  const { form, noun } = props;
  return (
    <>
      <PageHeader back={props.back} title={props.title} subtitle={props.subtitle} />
      <form
        className="form card"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
        noValidate
        aria-label={form.isNew ? `New ${noun}` : `Edit ${noun}`}
      >
        <ErrorSummary errors={form.errors} labels={props.labels} />
        <FormError message={form.formError} />
        {form.changedMeanwhile && !form.conflict && (
          <p className="notice notice--info" role="status" data-testid="changed-meanwhile">
            Someone else saved this {noun} since you opened it. Saving will ask before it undoes their change.{' '}
            <button type="button" className="button button--ghost" onClick={reloadPage}>
              Load their version
            </button>
          </p>
        )}
        {form.conflict && (
          <EditConflict
            noun={noun}
            onLoad={reloadPage}
            onOverwrite={() => void form.overwrite()}
            saving={form.saving}
          />
        )}
        {props.children}
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={form.saving}>
            {form.saving ? 'Saving…' : form.isNew ? `Create ${noun}` : `Save ${noun}`}
          </button>
          <Link className="button" to={props.back.to}>
            Cancel
          </Link>
          {props.confirmDelete && (
            <button
              type="button"
              className="button button--danger form__actions-end"
              disabled={form.deleting}
              onClick={() => {
                if (window.confirm(props.confirmDelete)) void form.remove();
              }}
            >
              Delete
            </button>
          )}
        </div>
      </form>
    </>
  );
}
