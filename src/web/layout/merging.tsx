// What merging a duplicate looks like, for customers and organizations alike: the dialog that
// picks the record to merge into, the one-click "merge this one in" of a duplicates list, the
// sentence saying what moved, and the page an old link to a merged record shows.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { toApiError } from '../lib/api.js';
import { countsInWords } from '../lib/format.js';
import { FormDialog } from './form-dialog.js';
import { PageHeader, type Outcome } from './page-parts.js';
import { useDocumentTitle } from './use-document-title.js';

/** "3 cases, 1 portal login and 12 events moved.": the counts, in the order of `nouns`. */
export function movedSentence(moved: Record<string, number>, nouns: readonly (readonly [string, string])[]) {
  const list = countsInWords(moved, nouns);
  return list ? `${list} moved.` : 'Nothing else to move.';
}

export function MergeDialog<T extends { id: string; name: string }>(props: {
  /** The record merged away. */
  from: { id: string; name: string };
  title: string;
  testId: string;
  intro: ReactNode;
  /** The search box to pick the record to merge into. */
  search(id: string, onPick: (record: T) => void): ReactNode;
  /** The grey text beside the chosen record's name. */
  detail(record: T): string;
  /** Merges (throws the API's error) and goes on. */
  merge(into: T): Promise<void>;
  onClose(): void;
}) {
  const uid = useId();
  const [into, setInto] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!into) {
      setError('Choose the record to merge into.');
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await props.merge(into);
      props.onClose();
    } catch (err) {
      setError(toApiError(err).message);
      setSaving(false);
    }
  }

  return (
    <FormDialog title={props.title} testId={props.testId} onClose={props.onClose} onSubmit={submit}>
      <p className="dialog__intro muted">{props.intro}</p>
      {error && (
        <p className="notice notice--error" role="alert" data-testid="merge-error">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${uid}-into`}>Merge into</label>
        {into ? (
          <p className="chosen">
            <span className="chosen__value" data-testid="merge-into">
              {into.name}
              {props.detail(into) ? ` · ${props.detail(into)}` : ''}
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => setInto(null)}
              >
                Change
              </button>
            </span>
          </p>
        ) : (
          props.search(`${uid}-into`, setInto)
        )}
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--danger" disabled={saving || !into}>
          {saving ? 'Merging…' : into ? `Merge into ${into.name}` : 'Merge'}
        </button>
        <button type="button" className="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </FormDialog>
  );
}

/** A button that opens the merge dialog its `dialog` renders. */
export function MergeButton(props: { testId: string; dialog(onClose: () => void): ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid={props.testId}>
        Merge into…
      </button>
      {open && props.dialog(() => setOpen(false))}
    </>
  );
}

/**
 * "Merge into this one" on a duplicates list: asks first, then merges and says what moved (or
 * why not). `merge` returns the sentence to show.
 */
export function useMergeIn(opts: {
  question(d: { name: string }): string;
  merge(d: { id: string; name: string }): Promise<string>;
  onMerged(): void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function mergeIn(d: { id: string; name: string }) {
    if (!window.confirm(opts.question(d))) return;
    setBusy(d.id);
    setOutcome(null);
    try {
      setOutcome({ ok: true, text: await opts.merge(d) });
      opts.onMerged();
    } catch (err) {
      setOutcome({ ok: false, text: toApiError(err).message });
    } finally {
      setBusy(null);
    }
  }
  return { busy, outcome, mergeIn };
}

/** An old link to a merged record: says so, and leads to the one it went into. */
export function MergedAway(props: {
  /** "customer", "organization". */
  noun: string;
  list: { to: string; label: string };
  message: string;
  to: string;
}) {
  const title = `Merged ${props.noun}`;
  useDocumentTitle(title);
  return (
    <>
      <PageHeader back={props.list} title={title} />
      <div className="empty-state" data-testid={`${props.noun}-merged`}>
        <p>{props.message.charAt(0).toUpperCase() + props.message.slice(1)}.</p>
        <Link className="button button--primary" to={props.to}>
          Open that {props.noun}
        </Link>
      </div>
    </>
  );
}
