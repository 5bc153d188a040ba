// Staff users: the admins and agents who sign in to Steward. An admin adds one with an e-mailed
// invitation (they choose their password) or a first password, changes a name or role, sends a
// link to choose a new password, sets a new password or disables a login (both end the user's
// sessions and API tokens at once), and deletes one. Customers' portal logins are not listed:
// they are made when a customer asks for a sign-in link. Nobody can disable or delete themselves,
// or drop their own admin role.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { UserCreate, UserUpdate, type UserCreated, type UserListItem } from '../../shared/schemas/users.js';
import { useMe } from '../auth/auth-context.js';
import { formatDate, formatDateTime, roleLabel } from '../lib/format.js';
import { useStaffUsers } from './use-staff-users.js';
import { RecordGate } from '../layout/record-gate.js';
import { NotificationSettings } from '../notifications/notification-settings.js';
import { AdminList } from './admin-list.js';
import { DataTable } from '../layout/data-table.js';
import { SelectField, TextField } from './form-parts.js';
import { RecordForm } from './record-form.js';
import { useRecordForm } from './use-record-form.js';
import { useEditedRecord } from './use-edited-record.js';
import { UserSessions } from '../auth/session-list.js';
import { PasswordLinkPanel, signInState } from '../auth/password-link.js';
import { api, toApiError } from '../lib/api.js';

const BACK = '/admin/users';
const STAFF_ROLES = ['agent', 'admin'] as const;

export function UsersPage() {
  const { users: items, list } = useStaffUsers();
  return (
    <AdminList
      title="Users"
      subtitle="The admins and agents who sign in to Steward. Customers sign in to the portal with an e-mail link; their logins are made on the way."
      newRecord={{ to: `${BACK}/new`, label: 'New user' }}
      list={list}
      count={items.length}
      loadingLabel="Loading users…"
      empty={<>No users.</>}
    >
      <DataTable
        testId="user-table"
        stackOnPhone
        columns={['User', 'Role', 'Sign-in', 'Two-step', 'Last active', 'Added']}
      >
        {items.map((u) => (
          <tr key={u.id} data-testid="user-row">
            <td className="cell-primary">
              <Link to={`${BACK}/${u.id}`}>{u.name}</Link>
              <div className="muted cell-sub">{u.email}</div>
            </td>
            <td data-testid="user-role">{roleLabel(u.role)}</td>
            <td data-testid="user-state">
              {u.signInState === 'active' ? signInState(u) : <span className="muted">{signInState(u)}</span>}
            </td>
            <td data-testid="user-two-step">
              {u.twoStepEnabled ? 'On' : <span className="muted">Off</span>}
            </td>
            <td className="cell-nowrap" data-testid="user-last-active">
              {u.lastActiveAt ? formatDateTime(u.lastActiveAt) : <span className="muted">Never</span>}
            </td>
            <td className="cell-nowrap">{formatDate(u.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
    </AdminList>
  );
}

export function UserFormPage() {
  const { id, record: user } = useEditedRecord<UserListItem>('/users', 'user', (u) => u.name);
  return (
    <RecordGate
      record={user}
      what="User"
      back={{ to: BACK, label: 'Back to users' }}
      loadingLabel="Loading user…"
    >
      {() => (
        <>
          <UserForm key={`${id ?? 'new'}-${user.data?.updatedAt ?? ''}`} user={user.data} />
          {user.data && user.data.role !== 'customer' && (
            <PasswordLinkPanel key={`link-${user.data.updatedAt}`} user={user.data} />
          )}
          {user.data && user.data.twoStepEnabled && (
            <TwoStepResetPanel key={`two-step-${user.data.updatedAt}`} user={user.data} />
          )}
          {user.data && (
            <UserSessions key={user.data.updatedAt} userId={user.data.id} name={user.data.name} />
          )}
          {user.data && user.data.role !== 'customer' && (
            <NotificationSettings key={user.data.id} user={{ id: user.data.id, name: user.data.name }} />
          )}
        </>
      )}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  email: 'E-mail address',
  name: 'Name',
  role: 'Role',
  password: 'Password',
  active: 'Sign-in',
};

function UserForm({ user }: { user: UserListItem | undefined }) {
  const me = useMe();
  const self = user?.id === me.id;
  // A customer's portal login keeps its role here (it belongs to their customer).
  const roles = user?.role === 'customer' ? (['customer'] as const) : STAFF_ROLES;
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<UserListItem['role']>(user?.role ?? 'agent');
  const [password, setPassword] = useState('');
  // A new user: e-mailed an invitation to choose their password, or given one now.
  const [invite, setInvite] = useState(true);
  const [active, setActive] = useState(user?.active ?? true);
  const form = useRecordForm({
    record: user,
    path: '/users',
    back: BACK,
    notices: {
      // The server's answer says whether the invitation mail is held (no SMTP), as it was sent.
      created: (answer) => {
        const invitation = (answer as UserCreated).invitation;
        if (!invitation) return 'User added.';
        return invitation.held
          ? 'User added. Their invitation is held on the Mail page (outgoing mail is not set up): open it there and send them its link yourself.'
          : 'User added. The invitation is on its way to them.';
      },
      saved: 'User saved.',
      deleted: 'User deleted.',
    },
    conflictFields: { email_taken: 'email' },
  });
  const { errors } = form;
  return (
    <RecordForm
      form={form}
      noun="user"
      title={user ? user.name : 'New user'}
      subtitle={user?.email}
      back={{ to: BACK, label: 'Users' }}
      labels={(p) => LABELS[p.split('.')[0] ?? ''] ?? 'User'}
      onSubmit={() =>
        void (user
          ? form.save(UserUpdate, { name, role, active, ...(password ? { password } : {}) })
          : form.save(UserCreate, invite ? { email, name, role, invite } : { email, name, role, password }))
      }
      confirmDelete={
        user && !self
          ? `Delete ${user.name}? They can no longer sign in; what they did stays, under their name.`
          : undefined
      }
    >
      <div className="form__grid">
        <TextField
          id="user-email"
          label="E-mail address"
          type="email"
          maxLength={254}
          value={email}
          onChange={setEmail}
          error={errors.email}
          disabled={!!user}
          hint={user ? 'They sign in with it; it cannot change here.' : 'They sign in with it.'}
        />
        <TextField
          id="user-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
        />
        <SelectField
          id="user-role"
          label="Role"
          value={role}
          onChange={setRole}
          options={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
          disabled={self || user?.role === 'customer'}
          error={errors.role}
          hint={
            self
              ? 'You cannot drop your own admin role.'
              : 'Agents serve customers; admins also set Steward up.'
          }
        />
        {!user && (
          <fieldset className="form__group form__group--field">
            <legend>Their password</legend>
            <label className="radio radio--block">
              <input
                type="radio"
                name="user-password-way"
                checked={invite}
                onChange={() => setInvite(true)}
              />
              <span>E-mail them an invitation to choose it (the link works for 7 days)</span>
            </label>
            <label className="radio radio--block">
              <input
                type="radio"
                name="user-password-way"
                checked={!invite}
                onChange={() => setInvite(false)}
              />
              <span>Set it now and tell them yourself</span>
            </label>
          </fieldset>
        )}
        {(user || !invite) && (
          <TextField
            id="user-password"
            label={user ? 'New password (optional)' : 'Password'}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={setPassword}
            error={errors.password}
            hint={
              user
                ? 'Setting one ends their sessions and API tokens. Tell them the new one yourself.'
                : 'At least 8 characters. Tell them yourself; they sign in with it.'
            }
          />
        )}
      </div>
      {user && (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={active}
            disabled={self}
            onChange={(e) => setActive(e.target.checked)}
          />
          <span>Can sign in (disabling ends their sessions and API tokens at once)</span>
        </label>
      )}
    </RecordForm>
  );
}

/** Turning a colleague's two-step sign-in off, when they lost their phone (recorded). */
function TwoStepResetPanel({ user }: { user: UserListItem }) {
  const [asking, setAsking] = useState(false);
  const [state, setState] = useState<{ done?: boolean; error?: string }>({});
  async function reset() {
    try {
      await api.post(`/users/${user.id}/two-step/reset`);
      setState({ done: true });
    } catch (err) {
      setState({ error: toApiError(err).message });
    }
    setAsking(false);
  }
  return (
    <section className="card form" aria-labelledby="two-step-reset-title" data-testid="two-step-reset">
      <h2 id="two-step-reset-title">Two-step sign-in</h2>
      {state.done ? (
        <p className="notice notice--success" role="status">
          Two-step sign-in is off for {user.name}, and their sessions and API tokens have ended. They sign in
          with their password alone, or set it up again at their next sign-in if the company requires it.
        </p>
      ) : (
        <>
          <p>
            On: {user.name} enters a code from an authenticator app after the password. If they lost their
            phone and their recovery codes, turn it off: that also ends their sessions and API tokens (the
            phone may be signed in) and any password link sent to them.
          </p>
          {state.error && (
            <p className="notice notice--error" role="alert">
              {state.error}
            </p>
          )}
          <div className="form__actions">
            {asking ? (
              <>
                <button type="button" className="button button--danger" onClick={() => void reset()}>
                  Yes, turn it off for {user.name}
                </button>
                <button type="button" className="button button--ghost" onClick={() => setAsking(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className="button button--danger" onClick={() => setAsking(true)}>
                Turn off two-step sign-in
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
