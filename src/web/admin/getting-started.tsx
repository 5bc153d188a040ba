// "Getting started" for admins: the first steps of setting Steward up, each ticked off once what
// it asks for exists (GET /settings/checklist), on the queue they land on after signing in. Gone
// once every step is done, or when the admin hides it (remembered in this browser).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { SetupChecklist, SetupStep } from '../../shared/schemas/settings.js';
import { useMe } from '../auth/auth-context.js';
import { useApi } from '../lib/use-api.js';

const STEPS: Record<SetupStep, { label: string; to: string; why: string }> = {
  calendar: {
    label: 'Set your business hours',
    to: '/admin/calendars/new',
    why: 'a calendar: promise clocks count business time only',
  },
  agreement: {
    label: 'Make an agreement (PSA)',
    to: '/admin/agreements/new',
    why: 'what you promise: first response, resolution',
  },
  team: { label: 'Make your teams', to: '/admin/teams/new', why: 'queues and who gets which cases' },
  agent: { label: 'Invite your agents', to: '/admin/users/new', why: 'they choose their own password' },
  intake: {
    label: 'Let customers reach you',
    to: '/admin/mailboxes',
    why: 'a mailbox, and the web form on your site',
  },
  outgoing_mail: {
    label: 'Check outgoing mail',
    to: '/admin/settings',
    why: 'replies go out from an address of yours',
  },
  signals: {
    label: 'Watch your operations',
    to: '/admin/event-sources',
    why: 'an event source and a signal rule, to act before customers must ask',
  },
};

const HIDDEN_KEY = 'steward.gettingStarted.hidden';

export function GettingStarted() {
  const me = useMe();
  const admin = me.role === 'admin';
  const [hidden, setHidden] = useState(() => localStorage.getItem(HIDDEN_KEY) === '1');
  const checklist = useApi<SetupChecklist>(admin && !hidden ? '/settings/checklist' : null);
  if (!admin || hidden || !checklist.data || checklist.data.done) return null;
  const { items } = checklist.data;
  const left = items.filter((i) => !i.done).length;
  return (
    <section
      className="card getting-started"
      aria-labelledby="getting-started-title"
      data-testid="getting-started"
    >
      <div className="getting-started__head">
        <h2 id="getting-started-title">Getting started</h2>
        <span className="muted">
          {items.length - left} of {items.length} done
        </span>
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={() => {
            localStorage.setItem(HIDDEN_KEY, '1');
            setHidden(true);
          }}
        >
          Hide
        </button>
      </div>
      <ol className="getting-started__steps">
        {items.map(({ step, done }) => (
          <li key={step} data-testid="setup-step" data-done={done}>
            <span
              className={done ? 'getting-started__mark getting-started__mark--done' : 'getting-started__mark'}
              aria-hidden="true"
            >
              {done ? '✓' : ''}
            </span>
            {done ? (
              <span className="muted">{STEPS[step].label}</span>
            ) : (
              <Link to={STEPS[step].to}>{STEPS[step].label}</Link>
            )}
            <span className="muted"> · {STEPS[step].why}</span>
            <span className="visually-hidden">{done ? ' (done)' : ' (to do)'}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
