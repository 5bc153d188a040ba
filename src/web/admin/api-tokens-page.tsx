// API tokens: long-lived tokens for integrations that call the API as a user (telephony logging
// calls, a BI tool reading KPIs with a read-only token: GET requests only). The token is shown once, when made; Steward keeps only its hash.
// Each is revoked on its own; a user's new password or disabled login ends all of theirs.
// (Systems that send operational events have their own tokens: Admin → Event sources.)
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  ApiTokenCreate,
  TokenAccess,
  type ApiToken,
  type ApiTokenCreated,
  type UserListItem,
} from '../../shared/schemas/users.js';
import { api, toApiError } from '../lib/api.js';
import { formatDate, formatDateTime, roleLabel } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { notSignedInNote, useStaffUsers } from './use-staff-users.js';
import { FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { DataTable } from '../layout/data-table.js';
import { ListState } from '../layout/list-state.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { describedBy, FormField, SelectField, TextField } from './form-parts.js';
import { useFormSubmit } from './use-form-submit.js';
import { ShownOnce } from './shown-once.js';

function stateOf(t: ApiToken): 'revoked' | 'expired' | 'active' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}
const STATE_LABELS = { active: 'Active', expired: 'Expired', revoked: 'Revoked' } as const;
const ACCESS_LABELS: Record<TokenAccess, string> = { full: 'Full', read: 'Read only' };

export function ApiTokensPage() {
  useDocumentTitle('API tokens');
  const tokens = useApi<Items<ApiToken>>('/auth/tokens');
  const { users } = useStaffUsers();
  const staff = users.filter((u) => u.active);
  const everyone = new Map(users.map((u) => [u.id, u]));
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);
  // Newest first; revoked and expired ones after the active ones.
  const items = [...(tokens.data?.items ?? [])].sort(
    (a, b) =>
      Number(stateOf(a) !== 'active') - Number(stateOf(b) !== 'active') ||
      b.createdAt.localeCompare(a.createdAt),
  );

  async function revoke(t: ApiToken) {
    if (!window.confirm(`Revoke the token “${t.name ?? 'unnamed'}”? What uses it stops working at once.`))
      return;
    setRevokeError(null);
    setNotice(null);
    try {
      await api.delete(`/auth/tokens/${t.id}`);
      setNotice(`Token “${t.name ?? 'unnamed'}” revoked.`);
      tokens.reload();
    } catch (err) {
      setRevokeError(toApiError(err).message);
    }
  }

  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle="Long-lived tokens for integrations that use the API as a user. Systems that send events have their own, under Event sources."
      />
      <SuccessNotice message={notice} />
      <FormError message={revokeError} />
      {created ? (
        <ShownOnce
          testId="token-created"
          notice={<>Token “{created.name}” made. Copy it now: it is not shown again.</>}
          items={[
            ['Token', <code data-testid="token-value">{created.token}</code>],
            [
              'Use it as',
              <>
                <code>Authorization: Bearer &lt;token&gt;</code> on{' '}
                <code>{window.location.origin}/api/v1/…</code>
              </>,
            ],
          ]}
          doneLabel="I have copied it"
          onDone={() => setCreated(null)}
        />
      ) : (
        <NewTokenForm
          staff={staff}
          onCreated={(t) => {
            // The list shows the new token at once; its secret only on the card above.
            setCreated(t);
            tokens.reload();
          }}
        />
      )}
      <section className="section" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        <ListState
          list={tokens}
          count={items.length}
          loadingLabel="Loading API tokens…"
          empty={<>No API tokens yet.</>}
        >
          <DataTable
            testId="token-table"
            columns={['Token', 'Acts as', 'Access', 'Made', 'Last used', 'Expires', 'State', '']}
          >
            {items.map((t) => {
              const user = everyone.get(t.userId);
              const state = stateOf(t);
              return (
                <tr key={t.id} data-testid="token-row">
                  <td className="cell-primary">{t.name ?? <span className="muted">Unnamed</span>}</td>
                  <td>
                    {user ? (
                      <>
                        <Link to={`/admin/users/${user.id}`}>{user.name}</Link>
                        <div className="muted cell-sub">{roleLabel(user.role)}</div>
                      </>
                    ) : (
                      <span className="muted">Another user</span>
                    )}
                  </td>
                  <td data-testid="token-access">{ACCESS_LABELS[t.access]}</td>
                  <td className="cell-nowrap">{formatDate(t.createdAt)}</td>
                  <td className="cell-nowrap" data-testid="token-last-used">
                    {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : <span className="muted">Never</span>}
                  </td>
                  <td className="cell-nowrap">
                    {t.expiresAt ? formatDate(t.expiresAt) : <span className="muted">Never</span>}
                  </td>
                  <td data-testid="token-state">{STATE_LABELS[state]}</td>
                  <td>
                    {state === 'active' && (
                      <button
                        type="button"
                        className="button button--small button--danger"
                        onClick={() => void revoke(t)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        </ListState>
      </section>
    </>
  );
}

/** Name, the user it acts as (you by default), and an optional last day. */
function NewTokenForm(props: { staff: UserListItem[]; onCreated: (t: ApiTokenCreated) => void }) {
  const [name, setName] = useState('');
  const [userId, setUserId] = useState('');
  const [access, setAccess] = useState<TokenAccess>('full');
  const [expires, setExpires] = useState('');
  const { errors, formError, saving, submit } = useFormSubmit();
  const chosen = props.staff.find((u) => u.id === userId);
  const chosenNote = notSignedInNote(chosen);

  async function create() {
    // A last day means valid through that day (UTC): it expires as the next one begins.
    const expiresAt = expires
      ? new Date(Date.parse(`${expires}T00:00:00Z`) + 86_400_000).toISOString()
      : undefined;
    await submit(
      ApiTokenCreate,
      { name, access, ...(userId ? { userId } : {}), ...(expiresAt ? { expiresAt } : {}) },
      async (data) => props.onCreated(await api.post<ApiTokenCreated>('/auth/tokens', data)),
    );
  }

  return (
    <form
      className="form card"
      aria-label="New API token"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <h2>New token</h2>
      <FormError message={formError} />
      <div className="form__grid">
        <TextField
          id="token-name"
          label="Name"
          maxLength={200}
          value={name}
          onChange={setName}
          error={errors.name}
          hint="What uses it, e.g. Telephony or BI reports."
        />
        <SelectField
          id="token-user"
          label="Acts as"
          value={userId}
          onChange={setUserId}
          empty="You"
          options={props.staff.map((u) => ({
            value: u.id,
            label: `${u.name} (${roleLabel(u.role)})${notSignedInNote(u) ? ` (${notSignedInNote(u)})` : ''}`,
          }))}
          error={errors.userId}
          hint={
            chosenNote
              ? `It can do what this user can. ${chosen!.name} has not signed in yet: check the token is for the right person.`
              : 'It can do what this user can.'
          }
        />
        <SelectField
          id="token-access"
          label="Access"
          value={access}
          onChange={setAccess}
          options={TokenAccess.options.map((a) => ({ value: a, label: ACCESS_LABELS[a] }))}
          error={errors.access}
          hint="Read only: GET requests, for reports and exports."
        />
        <FormField
          id="token-expires"
          label="Last day (optional)"
          error={errors.expiresAt}
          hint="Valid through this day (UTC); empty: until revoked."
        >
          <input
            id="token-expires"
            type="date"
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
            {...describedBy('token-expires', errors.expiresAt, true)}
          />
        </FormField>
      </div>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Making…' : 'Make token'}
        </button>
      </div>
    </form>
  );
}
