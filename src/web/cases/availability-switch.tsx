// An agent's own availability. Going away hands their open cases back to their teams, so the
// switch says so before, and how many cases moved after.
import { useState } from 'react';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import { countOf } from '../lib/format.js';
import type { AgentProfile } from '../lib/types.js';

export function AvailabilitySwitch(props: { agents: AgentProfile[] | undefined; onChanged(): void }) {
  const me = useMe();
  const profile = props.agents?.find((a) => a.userId === me.id);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  if (!profile) return null;

  async function change(availability: AgentProfile['availability']) {
    if (
      availability === 'away' &&
      profile!.openCases > 0 &&
      !window.confirm(
        `Going away hands your ${countOf(profile!.openCases, 'open case')} to your teams. Continue?`,
      )
    )
      return;
    setBusy(true);
    setMessage(null);
    try {
      const res = await api.patch<AgentProfile & { reassigned: number }>(`/agents/${me.id}`, {
        availability,
      });
      setMessage(
        availability === 'away'
          ? `You are away${res.reassigned ? `: ${countOf(res.reassigned, 'case')} handed on` : ''}.`
          : 'You are available for new cases.',
      );
      props.onChanged();
    } catch (err) {
      setMessage(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="availability">
      <label htmlFor="my-availability" className="availability__label">
        Your availability
      </label>
      <select
        id="my-availability"
        className={`availability__select availability__select--${profile.availability}`}
        value={profile.availability}
        disabled={busy}
        onChange={(e) => void change(e.target.value as AgentProfile['availability'])}
      >
        <option value="available">Available</option>
        <option value="away">Away</option>
      </select>
      {message && (
        <p className="availability__message muted" role="status">
          {message}
        </p>
      )}
    </div>
  );
}
