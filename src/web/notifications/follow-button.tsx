// "Follow" on a case page: a following agent or admin is told of the case's customer messages,
// notes and promises as its assignee is. The title names who follows it. The button says its
// state in its text ("Follow", "Following"), so it is no toggle button (aria-pressed) as well:
// that was read twice, "Following, toggle button, pressed".
import { useState } from 'react';
import type { CaseFollowers } from '../../shared/schemas/notifications.js';
import { api, toApiError } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';

export function FollowButton({ caseId }: { caseId: string }) {
  const loaded = useApi<CaseFollowers>(`/cases/${caseId}/followers`);
  const [changed, setChanged] = useState<CaseFollowers | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const followers = changed ?? loaded.data;
  if (!followers) return null;
  const names = followers.items.map((f) => f.name).join(', ');

  async function toggle() {
    setBusy(true);
    setFailure(null);
    try {
      const path = `/cases/${caseId}/follow`;
      setChanged(
        followers!.following
          ? await api.delete<CaseFollowers>(path)
          : await api.post<CaseFollowers>(path, {}),
      );
    } catch (err) {
      setFailure(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className={followers.following ? 'button button--small button--following' : 'button button--small'}
        disabled={busy}
        title={
          names
            ? `Followed by ${names}: told of the customer's messages, notes and promises`
            : 'Follow: be told of the customer’s messages, notes and promises'
        }
        onClick={() => void toggle()}
        data-testid="follow-case"
      >
        {/* One span: the button lays out its children as flex items; the check mark is not read. */}
        <span>
          {followers.following && <span aria-hidden="true">✓ </span>}
          {followers.following ? 'Following' : 'Follow'}
          {followers.items.length > 0 && ` · ${followers.items.length}`}
        </span>
      </button>
      {failure && (
        <span className="field__error" role="alert">
          {failure}
        </span>
      )}
    </>
  );
}
