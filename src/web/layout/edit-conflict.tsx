// A save refused because the record changed while it was being edited (412 edit_conflict: someone
// else saved it meanwhile). Nothing was written; the person chooses: load the saved version (their
// own edits are dropped) or save theirs over it (the colleague's change is undone).
import { ApiError } from '../lib/api.js';

export const isEditConflict = (err: unknown) => err instanceof ApiError && err.code === 'edit_conflict';

export function EditConflict(props: {
  /** "team": "Someone else saved this team…". */
  noun: string;
  /** The whole phrase, where "this <noun>" does not fit: "these settings". */
  what?: string;
  /** Shows the record as it is now (the edits made here are dropped). */
  onLoad(): void;
  /** Saves these edits anyway, over the other change. */
  onOverwrite(): void;
  saving?: boolean;
}) {
  return (
    <div className="notice notice--error edit-conflict" role="alert" data-testid="edit-conflict">
      <p>
        <strong>Someone else saved {props.what ?? `this ${props.noun}`} while you were editing it.</strong>{' '}
        Your changes are not saved yet: saving them now would undo theirs.
      </p>
      <div className="edit-conflict__actions">
        <button type="button" className="button" onClick={props.onLoad}>
          Load their version
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={props.saving}
          onClick={props.onOverwrite}
        >
          Save mine over theirs
        </button>
      </div>
    </div>
  );
}

/** The usual way to load the saved version: the page again, read afresh. */
export const reloadPage = () => window.location.reload();
