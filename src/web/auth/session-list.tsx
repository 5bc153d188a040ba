// Where someone is signed in: their sign-in sessions that still work, with the browser and address
// each was last used from, most recently used first. On Your account each other session can be ended
// and the one in use is marked; an admin sees another user's and signs them out everywhere.
import type { Session } from '../../shared/schemas/users.js';
import { api } from '../lib/api.js';
import { countOf, formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { browserTimeZone } from '../lib/time-zones.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { OutcomeNotice } from '../layout/page-parts.js';
import { useAction } from '../lib/use-action.js';
import { isStaff, useMe } from './auth-context.js';

function SessionTable(props: {
  sessions: Session[];
  /** Offered on each session but the one in use. */
  onEnd?: (s: Session) => void;
  busy: string | null;
  /** The zone to write the times in (the portal's, for a customer); the browser's by default. */
  timeZone?: string;
}) {
  return (
    <DataTable
      testId="session-table"
      stackOnPhone
      columns={['Browser', 'Address', 'Signed in', 'Last active', ...(props.onEnd ? [''] : [])]}
    >
      {props.sessions.map((s) => (
        <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
          <td className="cell-primary">
            <span data-testid="session-device" title={s.userAgent ?? undefined}>
              {s.device}
            </span>
            {s.current && (
              <>
                {' '}
                <span className="badge badge--muted" data-testid="session-current">
                  This browser
                </span>
              </>
            )}
          </td>
          <td data-testid="session-ip">{s.ip ?? <span className="muted">Not known</span>}</td>
          <td className="cell-nowrap" data-testid="session-created">
            {formatDateTime(s.createdAt, props.timeZone)}
          </td>
          <td className="cell-nowrap">
            {s.current ? (
              'Now'
            ) : s.lastUsedAt ? (
              formatDateTime(s.lastUsedAt, props.timeZone)
            ) : (
              <span className="muted">At sign-in</span>
            )}
          </td>
          {props.onEnd && (
            <td>
              {!s.current && (
                <button
                  type="button"
                  className="button button--small"
                  disabled={props.busy !== null}
                  onClick={() => props.onEnd!(s)}
                  aria-label={`Sign out ${s.device}, signed in ${formatDateTime(s.createdAt, props.timeZone)}`}
                >
                  {props.busy === s.id ? 'Signing out…' : 'Sign out'}
                </button>
              )}
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

/**
 * Your account: your sessions, each other one to end, or all of them at once. `timeZone`: the zone
 * to write their times in, named when it is not the browser's (a customer's, as on their requests).
 */
export function YourSessions({ timeZone }: { timeZone?: string } = {}) {
  const list = useApi<Items<Session>>('/auth/sessions');
  const staff = isStaff(useMe());
  const { busy, outcome, run } = useAction();
  const sessions = list.data?.items ?? [];

  const endOne = (s: Session) =>
    run(s.id, async () => {
      await api.delete(`/auth/sessions/${s.id}`);
      list.reload();
      return `Signed out ${s.device}.`;
    });
  const endOthers = () =>
    run('others', async () => {
      const { endedSessions } = await api.post<{ endedSessions: number }>('/auth/logout-others');
      list.reload();
      return endedSessions === 0
        ? 'You were signed in nowhere else.'
        : `Signed out of ${countOf(endedSessions, 'other session')}.`;
    });

  return (
    <section className="card form" aria-labelledby="your-sessions">
      <h2 id="your-sessions">Where you are signed in</h2>
      <p className="muted">
        Each browser signed in as you. One you do not know, or a computer you no longer use? Sign it out; this
        one stays signed in{staff ? ', and API tokens keep working' : ''}.
        {timeZone && timeZone !== browserTimeZone() && (
          <span data-testid="sessions-zone"> Times in {timeZone.replace(/_/g, ' ')}.</span>
        )}
      </p>
      <OutcomeNotice outcome={outcome} testId="sessions-ended" />
      <ListState list={list} count={sessions.length} loadingLabel="Loading sessions…" empty="No sessions.">
        <SessionTable sessions={sessions} onEnd={(s) => void endOne(s)} busy={busy} timeZone={timeZone} />
      </ListState>
      <div className="form__actions">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void endOthers()}>
          {busy === 'others' ? 'Signing out…' : 'Sign out everywhere else'}
        </button>
      </div>
    </section>
  );
}

/** An admin on a user's page: where they are signed in, and signing them out everywhere. */
export function UserSessions({ userId, name }: { userId: string; name: string }) {
  const list = useApi<Items<Session>>(`/users/${userId}/sessions`);
  const { busy, outcome, run } = useAction();
  const sessions = list.data?.items ?? [];
  const endAll = () =>
    run('all', async () => {
      const { endedSessions } = await api.post<{ endedSessions: number }>(`/users/${userId}/sessions/end`);
      list.reload();
      return endedSessions === 0
        ? `${name} was signed in nowhere.`
        : `Signed ${name} out of ${countOf(endedSessions, 'session')}.`;
    });
  return (
    <section className="card form" aria-labelledby="user-sessions">
      <h2 id="user-sessions">Where {name} is signed in</h2>
      <p className="muted">
        A lost laptop or a shared computer: sign them out everywhere. They can sign in again with their
        password; to stop that too, set a new one or disable the login. API tokens keep working.
      </p>
      <OutcomeNotice outcome={outcome} testId="sessions-ended" />
      <ListState
        list={list}
        count={sessions.length}
        loadingLabel="Loading sessions…"
        empty="Not signed in anywhere."
        emptyTestId="sessions-empty"
      >
        <SessionTable sessions={sessions} busy={busy} />
      </ListState>
      <div className="form__actions">
        <button type="button" className="button" disabled={busy !== null} onClick={() => void endAll()}>
          {busy === 'all' ? 'Signing out…' : 'Sign out everywhere'}
        </button>
      </div>
    </section>
  );
}
