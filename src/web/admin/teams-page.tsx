import { Link } from 'react-router-dom';
import type { ASSIGNMENT_MODES } from '../../shared/schemas/teams.js';
import type { Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { countOf } from '../lib/format.js';
import { agentQueuePath } from '../cases/agent-queue.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';

export const ASSIGNMENT_LABELS: Record<(typeof ASSIGNMENT_MODES)[number], [string, string]> = {
  manual: ['Manual', 'Cases wait in the team queue until someone takes them.'],
  round_robin: ['Round robin', 'New cases go to the available members in turn.'],
  least_loaded: ['Least loaded', 'New cases go to the available member with the fewest unsolved cases.'],
};

export function TeamsPage() {
  const teams = useApi<Items<Team>>('/teams');
  const items = teams.data?.items ?? [];
  return (
    <AdminList
      title="Teams"
      subtitle="Who serves which cases, and how new cases are handed out."
      newRecord={{ to: '/admin/teams/new', label: 'New team' }}
      list={teams}
      count={items.length}
      loadingLabel="Loading teams…"
      empty="No teams yet."
    >
      <DataTable testId="team-table" columns={['Name', 'Assignment', 'Members (unsolved cases / capacity)']}>
        {items.map((t) => (
          <tr key={t.id} data-testid="team-row">
            <td className="cell-primary">
              <Link to={`/admin/teams/${t.id}`}>{t.name}</Link>
              {t.description && <div className="muted cell-sub">{t.description}</div>}
            </td>
            <td className="cell-nowrap">{ASSIGNMENT_LABELS[t.assignmentMode][0]}</td>
            <td>
              {t.members.length === 0 ? (
                <span className="muted">No members</span>
              ) : (
                t.members.map((m) => (
                  <span
                    key={m.userId}
                    className={`member member--${m.availability}`}
                    title={m.availability === 'away' ? `${m.name} is away` : `${m.name} is available`}
                  >
                    {m.name}{' '}
                    <Link
                      className="member__load"
                      to={agentQueuePath(m.userId)}
                      aria-label={`${m.name}: ${countOf(m.openCases, 'unsolved case')} of ${m.capacity}`}
                    >{`${m.openCases}/${m.capacity}`}</Link>
                  </span>
                ))
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}
