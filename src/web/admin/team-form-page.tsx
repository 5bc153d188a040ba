// Creating and editing a team: name, how new cases are assigned, and its members.
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ASSIGNMENT_MODES, TeamInput, type AssignmentMode } from '../../shared/schemas/teams.js';
import { api, toApiError } from '../lib/api.js';
import type { AgentProfile, Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, NotFound, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import {
  ErrorSummary,
  FormField,
  describedBy,
  errorsFromApi,
  errorsFromIssues,
  type PathErrors,
} from './form-parts.js';
import { ASSIGNMENT_LABELS } from './teams-page.js';

export function TeamFormPage() {
  const { id } = useParams();
  const team = useApi<Team>(id ? `/teams/${id}` : null);
  const agents = useApi<Items<AgentProfile>>('/agents');
  useDocumentTitle(id ? (team.data ? `Edit ${team.data.name}` : 'Edit team') : 'New team');
  if (id && team.error) {
    if (team.error.status === 404 || team.error.status === 400)
      return <NotFound what="Team" back={{ to: '/admin/teams', label: 'Back to teams' }} />;
    return <ErrorNotice error={team.error} onRetry={team.reload} />;
  }
  if (agents.error) return <ErrorNotice error={agents.error} onRetry={agents.reload} />;
  if ((id && !team.data) || !agents.data) return <Loading label="Loading team…" />;
  return <TeamForm key={id ?? 'new'} team={team.data} agents={agents.data.items} />;
}

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  assignmentMode: 'Assignment',
  memberIds: 'Members',
};

function TeamForm({ team, agents }: { team: Team | undefined; agents: AgentProfile[] }) {
  const navigate = useNavigate();
  const [name, setName] = useState(team?.name ?? '');
  const [description, setDescription] = useState(team?.description ?? '');
  const [mode, setMode] = useState<AssignmentMode>(team?.assignmentMode ?? 'manual');
  const [members, setMembers] = useState<string[]>(team?.members.map((m) => m.userId) ?? []);
  const [errors, setErrors] = useState<PathErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed = TeamInput.safeParse({
      name,
      description: description.trim() || null,
      assignmentMode: mode,
      memberIds: members,
    });
    if (!parsed.success) {
      setErrors(errorsFromIssues(parsed.error.issues));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      if (team) await api.patch(`/teams/${team.id}`, parsed.data);
      else await api.post('/teams', parsed.data);
      navigate('/admin/teams', { state: { notice: team ? 'Team saved.' : 'Team created.' } });
    } catch (err) {
      const apiError = toApiError(err);
      const found = errorsFromApi(apiError);
      if (Object.keys(found).length) setErrors(found);
      else setFormError(apiError.message);
      setSaving(false);
    }
  }

  async function remove() {
    if (!team) return;
    try {
      await api.delete(`/teams/${team.id}`);
      navigate('/admin/teams', { state: { notice: 'Team deleted.' } });
    } catch (err) {
      setFormError(toApiError(err).message);
    }
  }

  return (
    <>
      <PageHeader
        back={{ to: '/admin/teams', label: 'Teams' }}
        title={team ? `Edit ${team.name}` : 'New team'}
      />
      <form className="form card" onSubmit={submit} noValidate aria-label={team ? 'Edit team' : 'New team'}>
        <ErrorSummary errors={errors} labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'Team'} />
        {formError && (
          <p className="notice notice--error" role="alert" data-testid="form-error">
            {formError}
          </p>
        )}
        <div className="form__grid">
          <FormField id="team-name" label="Name" error={errors.name}>
            <input
              id="team-name"
              type="text"
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
              {...describedBy('team-name', errors.name)}
            />
          </FormField>
          <FormField id="team-description" label="Description" error={errors.description}>
            <input
              id="team-description"
              type="text"
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </FormField>
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
          <ul className="member-picker" data-testid="member-picker">
            {agents.map((a) => (
              <li key={a.userId}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={members.includes(a.userId)}
                    onChange={(e) =>
                      setMembers((m) =>
                        e.target.checked ? [...m, a.userId] : m.filter((x) => x !== a.userId),
                      )
                    }
                  />
                  <span>
                    {a.name}{' '}
                    <span className="muted">
                      · {a.email} ·{' '}
                      {a.availability === 'away' ? 'away' : `${a.openCases}/${a.capacity} open cases`}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button button--primary" disabled={saving}>
            {saving ? 'Saving…' : team ? 'Save team' : 'Create team'}
          </button>
          <Link className="button" to="/admin/teams">
            Cancel
          </Link>
          {team && (
            <button
              type="button"
              className="button button--danger form__actions-end"
              onClick={() => {
                if (window.confirm(`Delete the team “${team.name}”?`)) void remove();
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
