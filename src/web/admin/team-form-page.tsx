// Creating and editing a team: name, how new cases are assigned, and its members.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ASSIGNMENT_MODES, TeamInput, type AssignmentMode } from '../../shared/schemas/teams.js';
import type { AgentProfile, Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { RecordGate } from '../layout/record-gate.js';
import { TextField } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { useEditedRecord } from './use-edited-record.js';
import { ASSIGNMENT_LABELS } from './teams-page.js';
import { notSignedInNote, useStaffUsers } from './use-staff-users.js';

export function TeamFormPage() {
  const { id, record: team } = useEditedRecord<Team>('/teams', 'team', (t) => t.name);
  const agents = useApi<Items<AgentProfile>>('/agents');
  return (
    <RecordGate
      record={team}
      what="Team"
      back={{ to: '/admin/teams', label: 'Back to teams' }}
      needs={[agents]}
      loadingLabel="Loading team…"
    >
      {() => <TeamForm key={id ?? 'new'} team={team.data} agents={agents.data?.items ?? []} />}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  assignmentMode: 'Assignment',
  memberIds: 'Members',
};

function TeamForm({ team, agents }: { team: Team | undefined; agents: AgentProfile[] }) {
  const [name, setName] = useState(team?.name ?? '');
  const [description, setDescription] = useState(team?.description ?? '');
  const [mode, setMode] = useState<AssignmentMode>(team?.assignmentMode ?? 'manual');
  const [members, setMembers] = useState<string[]>(team?.members.map((m) => m.userId) ?? []);
  // Who has never signed in (an invitation not taken up): shown, not refused.
  const { users } = useStaffUsers();
  const noteOf = (userId: string) => notSignedInNote(users.find((u) => u.id === userId));
  const nobodySignedIn = members.length > 0 && members.every((m) => noteOf(m) !== null);
  const form = useRecordForm({
    record: team,
    path: '/teams',
    back: '/admin/teams',
    notices: { created: 'Team created.', saved: 'Team saved.', deleted: 'Team deleted.' },
    conflictFields: { team_exists: 'name' },
  });
  const { errors } = form;

  return (
    <RecordForm
      form={form}
      noun="team"
      title={team ? `Edit ${team.name}` : 'New team'}
      back={{ to: '/admin/teams', label: 'Teams' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Team'}
      onSubmit={() =>
        void form.save(TeamInput, {
          name,
          description: description.trim() || null,
          assignmentMode: mode,
          memberIds: members,
        })
      }
      confirmDelete={team && `Delete the team “${team.name}”?`}
    >
      <div className="form__grid">
        <TextField
          id="team-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <TextField
          id="team-description"
          label="Description"
          maxLength={2000}
          value={description}
          onChange={setDescription}
          error={errors.description}
        />
      </div>
      <fieldset className="form__group">
        <legend>Assignment of new cases</legend>
        {ASSIGNMENT_MODES.map((m) => (
          <label key={m} className="radio radio--block">
            <input
              type="radio"
              name="assignment"
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            <span>
              <strong>{ASSIGNMENT_LABELS[m][0]}</strong>
              <span className="muted"> · {ASSIGNMENT_LABELS[m][1]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="form__group">
        <legend>Members</legend>
        {errors.memberIds && <p className="field__error">{errors.memberIds}</p>}
        {!agents.some((a) => a.role === 'agent') && (
          <p className="field__hint" data-testid="no-agents-hint">
            No agents yet: <Link to="/admin/users/new">invite them</Link> under Users, then add them here.
          </p>
        )}
        <ul className="member-picker" data-testid="member-picker">
          {agents.map((a) => (
            <li key={a.userId}>
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={members.includes(a.userId)}
                  onChange={(e) =>
                    setMembers((m) => (e.target.checked ? [...m, a.userId] : m.filter((x) => x !== a.userId)))
                  }
                />
                <span>
                  {a.name}{' '}
                  <span className="muted">
                    · {a.email} ·{' '}
                    {a.availability === 'away' ? 'away' : `${a.openCases}/${a.capacity} unsolved cases`}
                  </span>
                  {noteOf(a.userId) && (
                    <span className="muted" data-testid="member-not-signed-in">
                      {' '}
                      ({noteOf(a.userId)})
                    </span>
                  )}
                </span>
              </label>
            </li>
          ))}
        </ul>
        {nobodySignedIn && (
          <p className="notice notice--warning" data-testid="members-not-signed-in">
            {members.length === 1 ? 'Its only member has not' : 'None of its members has'} signed in yet: the
            team’s cases wait until someone does.
          </p>
        )}
      </fieldset>
    </RecordForm>
  );
}
