// The staff (admins and agents) by name: the users list and the API tokens' "acts as". The API
// lists one role per request, so two requests; `list` stands for both in a ListState (the first
// error, and loading until both are here).
import type { UserListItem } from '../../shared/schemas/users.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';

export function useStaffUsers() {
  const admins = useApi<Items<UserListItem>>('/users?role=admin');
  const agents = useApi<Items<UserListItem>>('/users?role=agent');
  const users = [...(admins.data?.items ?? []), ...(agents.data?.items ?? [])].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const list = admins.error || !agents.data ? admins : agents;
  return { users, list };
}

/**
 * A note for pickers (a team's members, an API token's user) on staff who have never signed in:
 * invited and not yet taken up, without a password, or given a password by an admin and not used
 * it. Shown, not refused: choosing them ahead of their first day is fine, but a team of only them
 * has nobody to work its cases.
 */
export function notSignedInNote(
  u: Pick<UserListItem, 'signInState' | 'lastActiveAt'> | undefined,
): string | null {
  if (!u || u.lastActiveAt !== null) return null;
  switch (u.signInState) {
    case 'invited':
      return 'invited, not signed in yet';
    case 'no_password':
      return 'no password yet, not signed in';
    case 'not_signed_in':
      return 'not signed in yet';
    default:
      return null;
  }
}
