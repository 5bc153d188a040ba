// Agents: skills (for skill-based assignment), capacity (open cases before they count as full)
// and availability (away hands their open cases on to their team).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { AgentProfileUpdate } from '../../shared/schemas/teams.js';
import { api, toApiError } from '../lib/api.js';
import { countOf, formatNumber } from '../lib/format.js';
import { agentQueuePath } from '../cases/agent-queue.js';
import type { AgentProfile, Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { roleLabel } from '../lib/format.js';

export function AgentsPage() {
  useDocumentTitle('Agents');
  const agents = useApi<Items<AgentProfile>>('/agents', undefined, { keepPrevious: true });
  const teams = useApi<Items<Team>>('/teams');
  const teamName = (id: string) => teams.data?.items.find((t) => t.id === id)?.name;
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Agents" subtitle="Skills, capacity and availability of the people who serve." />
      <SuccessNotice message={notice} />
      {agents.error && <ErrorNotice error={agents.error} onRetry={agents.reload} />}
      {!agents.data && !agents.error && <Loading label="Loading agents…" />}
      {agents.data && (
        <DataTable
          testId="agent-table"
          className="table--form"
          columns={[
            'Agent',
            'Teams',
            'Skills',
            'Capacity',
            'Availability',
            numberColumn('Unsolved cases'),
            <th scope="col">
              <span className="visually-hidden">Save</span>
            </th>,
          ]}
        >
          {agents.data.items.map((a) => (
            <AgentRow
              key={`${a.userId}:${a.skills.join(',')}:${a.capacity}:${a.availability}`}
              agent={a}
              teams={a.teamIds.map(teamName).filter((n): n is string => !!n)}
              onSaved={(message) => {
                setNotice(message);
                agents.reload();
              }}
            />
          ))}
        </DataTable>
      )}
    </>
  );
}

function AgentRow(props: { agent: AgentProfile; teams: string[]; onSaved(message: string): void }) {
  const { agent, teams, onSaved } = props;
  const [skills, setSkills] = useState(agent.skills.join(', '));
  const [capacity, setCapacity] = useState(String(agent.capacity));
  const [availability, setAvailability] = useState(agent.availability);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const skillList = skills
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const dirty =
    skillList.join(',') !== agent.skills.join(',') ||
    capacity !== String(agent.capacity) ||
    availability !== agent.availability;

  async function save() {
    setError(null);
    const parsed = AgentProfileUpdate.safeParse({
      skills: skillList,
      capacity: capacity.trim() === '' ? NaN : Number(capacity),
      availability,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(
        `${issue?.path[0] === 'skills' ? 'Skills' : issue?.path[0] === 'capacity' ? 'Capacity' : 'Value'}: ${issue?.message}`,
      );
      return;
    }
    setSaving(true);
    try {
      const res = await api.patch<AgentProfile & { reassigned: number }>(
        `/agents/${agent.userId}`,
        parsed.data,
      );
      onSaved(
        res.reassigned > 0
          ? `${agent.name} is away: ${countOf(res.reassigned, 'open case')} handed on.`
          : `${agent.name} saved.`,
      );
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(false);
    }
  }

  const id = `agent-${agent.userId}`;
  return (
    <tr data-testid="agent-row">
      <td>
        <div className="cell-primary">
          <strong>{agent.name}</strong>
        </div>
        <div className="muted cell-sub">
          {agent.email} · {roleLabel(agent.role)}
        </div>
        {error && (
          <p className="field__error" role="alert">
            {error}
          </p>
        )}
      </td>
      <td className="muted">{teams.length ? teams.join(', ') : '—'}</td>
      <td className="cell-skills">
        <label htmlFor={`${id}-skills`} className="visually-hidden">
          Skills of {agent.name}
        </label>
        <input
          id={`${id}-skills`}
          type="text"
          placeholder="e.g. billing, de"
          value={skills}
          onChange={(e) => setSkills(e.target.value)}
        />
      </td>
      <td className="cell-capacity">
        <label htmlFor={`${id}-capacity`} className="visually-hidden">
          Capacity of {agent.name}
        </label>
        <input
          id={`${id}-capacity`}
          type="number"
          min={0}
          max={1000}
          value={capacity}
          onChange={(e) => setCapacity(e.target.value)}
        />
      </td>
      <td className="cell-availability">
        <label htmlFor={`${id}-availability`} className="visually-hidden">
          Availability of {agent.name}
        </label>
        <select
          id={`${id}-availability`}
          value={availability}
          onChange={(e) => setAvailability(e.target.value as AgentProfile['availability'])}
        >
          <option value="available">Available</option>
          <option value="away">Away</option>
        </select>
      </td>
      <td className="cell-number">
        <Link
          to={agentQueuePath(agent.userId)}
          aria-label={`${countOf(agent.openCases, 'unsolved case')} of ${agent.name}`}
          data-testid="agent-load"
        >
          {formatNumber(agent.openCases)}
        </Link>
      </td>
      <td>
        <button
          type="button"
          className="button button--small"
          disabled={!dirty || saving}
          onClick={() => void save()}
        >
          {saving ? 'Saving…' : 'Save'}
        </button>
      </td>
    </tr>
  );
}
