// The team a record sends its cases to (a mailbox, the web form, a new case), or none: a
// SelectField over the teams, which it reads itself.
import type { ReactNode } from 'react';
import type { Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { SelectField } from './form-parts.js';

export function TeamSelectField(props: {
  id: string;
  label: ReactNode;
  /** A team's id, '' for none. */
  value: string;
  onChange(teamId: string): void;
  /** The label of the choice of no team. */
  empty?: string;
  error?: string;
  hint?: ReactNode;
}) {
  const teams = useApi<Items<Team>>('/teams');
  const options = (teams.data?.items ?? []).map((t) => ({ value: t.id, label: t.name }));
  // Until the teams are here, a team already chosen (an edited mailbox's) is not shown as none.
  if (props.value && teams.loading && !teams.data)
    options.push({ value: props.value, label: 'Loading teams…' });
  return (
    <SelectField
      id={props.id}
      label={props.label}
      value={props.value}
      onChange={props.onChange}
      empty={props.empty ?? 'No team'}
      options={options}
      error={props.error ?? (teams.error && `The teams could not be read: ${teams.error.message}`)}
      hint={props.hint}
    />
  );
}
