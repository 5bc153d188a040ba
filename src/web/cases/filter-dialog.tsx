// The queue's Filter dialog: the cases shown, chosen without saving a view (the address keeps
// them, see queue-filters.ts). It starts from what the queue shows now.
import type { FormEvent } from 'react';
import { useState } from 'react';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { FormDialog } from '../layout/form-dialog.js';
import type { AgentProfile, Team } from '../lib/types.js';
import { useCaseFilterForm } from './case-filter-form.js';

export function FilterDialog(props: {
  initial: CaseViewFilters;
  agents: AgentProfile[];
  teams: Team[];
  onClose(): void;
  onApply(filters: CaseViewFilters): void;
}) {
  const form = useCaseFilterForm(props.initial, { agents: props.agents, teams: props.teams });
  const [error, setError] = useState<string | null>(null);
  function apply(e: FormEvent) {
    e.preventDefault();
    const chosen = form.read();
    if ('error' in chosen) return setError(chosen.error);
    props.onApply(chosen.filters);
  }
  return (
    <FormDialog title="Filter cases" testId="filter-dialog" onClose={props.onClose} onSubmit={apply}>
      {error && (
        <p className="notice notice--error" role="alert" data-testid="filter-error">
          {error}
        </p>
      )}
      <p className="field__hint">
        Shown at once and kept in the page’s address; save them as a view to keep them in the list.
      </p>
      {form.element}
      <div className="form__actions">
        <button type="submit" className="button button--primary">
          Show the cases
        </button>
        <button type="button" className="button" onClick={() => props.onApply({})}>
          No filters
        </button>
      </div>
    </FormDialog>
  );
}
