// Making and changing a queue view: its name, its order and the cases it shows (the filter form
// of case-filter-form.tsx). Agents keep personal views; admins also make views shared with every
// agent. A view's filters the form does not show (its customer, awaiting our reply, …) are kept
// as they are, and the form names them.
import { useId, useState, type FormEvent } from 'react';
import { CASE_SORTS } from '../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { SelectField } from '../admin/form-parts.js';
import { FormDialog } from '../layout/form-dialog.js';
import { EditConflict, isEditConflict, reloadPage } from '../layout/edit-conflict.js';
import { AudienceField, audienceBody, audienceOf, type Audience } from '../layout/audience-field.js';
import { api, toApiError } from '../lib/api.js';
import type { AgentProfile, CaseView, Team } from '../lib/types.js';
import { SORT_LABELS } from './case-labels.js';
import { useCaseFilterForm } from './case-filter-form.js';

export function ViewEditorDialog(props: {
  /** The view changed; none: a new view. */
  view?: CaseView;
  /** A new view's filters and order to start from (the queue's unsaved filters). */
  start?: { filters: CaseViewFilters; sort?: (typeof CASE_SORTS)[number] };
  canShare: boolean;
  agents: AgentProfile[];
  teams: Team[];
  onClose(): void;
  onSaved(view: CaseView): void;
  onDeleted(): void;
}) {
  const uid = useId();
  const v = props.view;
  const f = v?.filters ?? props.start?.filters ?? {};
  const form = useCaseFilterForm(f, { agents: props.agents, teams: props.teams });
  const [name, setName] = useState(v?.name ?? '');
  const [sort, setSort] = useState<(typeof CASE_SORTS)[number]>(v?.sort ?? props.start?.sort ?? 'nextDueAt');
  const [position, setPosition] = useState(String(v?.position ?? 100));
  const [audience, setAudience] = useState<Audience>(audienceOf(v));
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent | null, overwrite = false) {
    e?.preventDefault();
    setError(null);
    setConflict(false);
    if (!name.trim()) return setError('Give the view a name.');
    const chosen = form.read();
    if ('error' in chosen) return setError(chosen.error);
    const place = Number(position);
    if (!Number.isInteger(place) || place < 0 || place > 1000)
      return setError('The place in the list is a whole number from 0 to 1000.');
    setBusy(true);
    try {
      const body = {
        name: name.trim(),
        filters: chosen.filters,
        sort,
        position: place,
        ...audienceBody(audience, v, props.canShare),
      };
      const result = v
        ? await api.patch<CaseView>(`/views/${v.id}`, body, overwrite ? undefined : v.updatedAt)
        : await api.post<CaseView>('/views', body);
      props.onSaved(result);
    } catch (err) {
      if (isEditConflict(err)) setConflict(true);
      else setError(toApiError(err).message);
      setBusy(false);
    }
  }

  async function remove() {
    if (!v || !window.confirm(`Delete the view “${v.name}”${v.shared ? ' for every agent' : ''}?`)) return;
    setBusy(true);
    try {
      await api.delete(`/views/${v.id}`);
      props.onDeleted();
    } catch (err) {
      setError(toApiError(err).message);
      setBusy(false);
    }
  }

  return (
    <FormDialog
      title={v ? `Edit “${v.name}”` : 'New view'}
      testId="view-editor"
      onClose={props.onClose}
      onSubmit={(e) => void save(e)}
    >
      {error && (
        <p className="notice notice--error" role="alert" data-testid="view-editor-error">
          {error}
        </p>
      )}
      {conflict && (
        <EditConflict
          noun="view"
          saving={busy}
          onLoad={reloadPage}
          onOverwrite={() => void save(null, true)}
        />
      )}
      <div className="form__grid">
        <div className="field">
          <label htmlFor={`${uid}-name`}>Name</label>
          <input
            id={`${uid}-name`}
            type="text"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <SelectField
          id={`${uid}-sort`}
          label="Order"
          value={sort}
          onChange={setSort}
          options={CASE_SORTS.map((s) => ({ value: s, label: SORT_LABELS[s] }))}
        />
        <div className="field">
          <label htmlFor={`${uid}-position`}>Place in the list</label>
          <input
            id={`${uid}-position`}
            type="number"
            min={0}
            max={1000}
            step={1}
            value={position}
            onChange={(e) => setPosition(e.target.value)}
            aria-describedby={`${uid}-position-hint`}
          />
          <p className="field__hint" id={`${uid}-position-hint`}>
            Lowest first; the views Steward comes with are at 10 to 60.
          </p>
        </div>
      </div>
      <AudienceField
        id={`${uid}-audience`}
        record={v}
        canShare={props.canShare}
        teams={props.teams}
        value={audience}
        onChange={setAudience}
        noun="view"
      />
      {form.element}

      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : v ? 'Save the view' : 'Create the view'}
        </button>
        {v && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void remove()}
          >
            Delete the view
          </button>
        )}
      </div>
    </FormDialog>
  );
}
