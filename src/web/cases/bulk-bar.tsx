// Changes the selected cases at once (POST /cases/bulk: all or none): those ticked on the page,
// or every case of the view (up to the bulk limit, 500).
import { useSelectCommit } from '../a11y/select-commit.js';
import { useState, type FormEvent, type ReactNode } from 'react';
import { CASE_STATUSES, PRIORITIES, Tag } from '../../shared/schemas/cases.js';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import { BulkBarFrame } from '../layout/bulk-bar-frame.js';
import { countOf } from '../lib/format.js';
import type { AgentProfile, Team } from '../lib/types.js';
import { priorityLabel, statusLabel } from './case-labels.js';
import { MAX_SPAM_CASES, type SpamManyResult } from '../../shared/schemas/mail.js';

/** More cases than this are changed only once the agent says yes. */
const CONFIRM_OVER = 20;

export interface BulkChange {
  status?: string;
  priority?: string;
  assigneeId?: string | null;
  teamId?: string | null;
  addTags?: string[];
}

/** "Ava Agent (23 of 25 unsolved)": whom to give cases to, with their load (unsolved cases of their capacity). */
function withLoad(name: string, a: AgentProfile) {
  return `${name} (${a.availability === 'away' ? 'away, ' : ''}${a.openCases} of ${a.capacity} unsolved)`;
}

/** Said before cases go to an agent they would take past their capacity (none is refused). */
function overCapacity(set: BulkChange, count: number, agents: AgentProfile[]): string | null {
  const to = set.assigneeId ? agents.find((a) => a.userId === set.assigneeId) : undefined;
  if (!to || to.openCases + count <= to.capacity) return null;
  return `${to.name} already has ${countOf(to.openCases, 'unsolved case')}; their capacity is ${to.capacity}.`;
}

function describeChange(set: BulkChange, agents: AgentProfile[], teams: Team[]): string {
  if (set.status) return `Status set to ${statusLabel(set.status)}`;
  if (set.priority) return `Priority set to ${priorityLabel(set.priority)}`;
  if (set.assigneeId === null) return 'Unassigned';
  if (set.assigneeId)
    return `Assigned to ${agents.find((a) => a.userId === set.assigneeId)?.name ?? 'the agent'}`;
  if (set.teamId === null) return 'Team removed';
  if (set.teamId) return `Moved to ${teams.find((t) => t.id === set.teamId)?.name ?? 'the team'}`;
  if (set.addTags) return `Tagged “${set.addTags.join(', ')}”`;
  return 'Updated';
}

export function BulkBar(props: {
  ids: string[];
  agents: AgentProfile[];
  teams: Team[];
  onDone(message: string): void;
  onClear(): void;
  /** Under the bar: the offer to take every case of the view, or to go back to the page's. */
  scope?: ReactNode;
}) {
  const { ids, agents, teams } = props;
  const me = useMe();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const mine = agents.find((a) => a.userId === me.id);

  async function apply(set: BulkChange) {
    // Many cases at once, or closing them (a closed case takes no more messages): asked first.
    const what = `${describeChange(set, agents, teams)} on ${countOf(ids.length, 'case')}?`;
    const over = overCapacity(set, ids.length, agents);
    if (over) {
      if (!window.confirm(`${what} ${over}`)) return;
    } else if (set.status === 'closed' && ids.length > 1) {
      if (!window.confirm(`${what} Closed cases take no more messages; the customer must open a new case.`))
        return;
    } else if (ids.length > CONFIRM_OVER && !window.confirm(what)) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ updated: number }>('/cases/bulk', { ids, set });
      props.onDone(`${describeChange(set, agents, teams)} on ${countOf(res.updated, 'case')}.`);
      setTag('');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  async function spam() {
    if (
      !window.confirm(
        `Mark ${countOf(ids.length, 'case')} as spam? They are deleted, their senders’ mail is ignored from now on, and customers with no other case are deleted too.`,
      )
    )
      return;
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<SpamManyResult>('/cases/spam', { ids });
      props.onDone(
        `${countOf(res.cases, 'case')} marked as spam; ${countOf(res.blocked.length, 'sender')} blocked.`,
      );
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  function addTag(e: FormEvent) {
    e.preventDefault();
    const parsed = Tag.safeParse(tag);
    if (!parsed.success) {
      setError(`Tag: ${parsed.error.issues[0]?.message ?? 'not valid'}`);
      return;
    }
    void apply({ addTags: [parsed.data] });
  }

  const picker = (
    label: string,
    id: string,
    options: { value: string; label: string }[],
    toChange: (value: string) => BulkChange,
  ) => (
    <BulkPicker
      label={label}
      id={id}
      options={options}
      disabled={busy}
      onPick={(value) => void apply(toChange(value))}
    />
  );

  return (
    <BulkBarFrame
      label="Bulk actions"
      testId="bulk-bar"
      count={ids.length}
      noun="case"
      busy={busy}
      busyLabel="Applying"
      error={error}
      onClear={props.onClear}
    >
      {picker(
        'Set status',
        'bulk-status',
        CASE_STATUSES.filter((s) => s !== 'new').map((s) => ({ value: s, label: statusLabel(s) })),
        (status) => ({ status }),
      )}
      {picker(
        'Set priority',
        'bulk-priority',
        PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) })),
        (priority) => ({ priority }),
      )}
      {picker(
        'Assign',
        'bulk-assign',
        [
          { value: me.id, label: mine ? withLoad('Me', mine) : 'Me' },
          ...agents
            .filter((a) => a.userId !== me.id)
            .map((a) => ({ value: a.userId, label: withLoad(a.name, a) })),
          { value: 'none', label: 'Nobody' },
        ],
        (v) => ({ assigneeId: v === 'none' ? null : v }),
      )}
      {teams.length > 0 &&
        picker(
          'Set team',
          'bulk-team',
          [...teams.map((t) => ({ value: t.id, label: t.name })), { value: 'none', label: 'No team' }],
          (v) => ({ teamId: v === 'none' ? null : v }),
        )}
      <form className="bulk-bar__tag" onSubmit={addTag}>
        <label htmlFor="bulk-tag" className="visually-hidden">
          Tag to add
        </label>
        <input
          id="bulk-tag"
          type="text"
          placeholder="Add tag"
          value={tag}
          maxLength={50}
          disabled={busy}
          onChange={(e) => setTag(e.target.value)}
        />
        <button type="submit" className="button button--small" disabled={busy || !tag.trim()}>
          Add
        </button>
      </form>
      <button
        type="button"
        className="button button--small"
        disabled={busy || ids.length > MAX_SPAM_CASES}
        title={ids.length > MAX_SPAM_CASES ? `At most ${MAX_SPAM_CASES} at once` : undefined}
        onClick={() => void spam()}
        data-testid="bulk-spam"
      >
        Spam
      </button>
      {props.scope}
    </BulkBarFrame>
  );
}

/**
 * A bulk change: a pick with the mouse (or in the opened list) applies at once, and the picker shows
 * its placeholder again; one picked with the arrow keys applies on Enter only (leaving drops it).
 */
function BulkPicker(props: {
  label: string;
  id: string;
  options: { value: string; label: string }[];
  disabled: boolean;
  onPick: (value: string) => void;
}) {
  const select = useSelectCommit({
    value: '',
    onCommit: (value) => {
      if (value) props.onPick(value);
    },
    commitOnBlur: false,
  });
  return (
    <div className="bulk-bar__control">
      <label htmlFor={props.id} className="visually-hidden">
        {props.label}
      </label>
      <select
        id={props.id}
        {...select.props}
        disabled={props.disabled}
        aria-describedby={select.pending ? `${props.id}-pending` : undefined}
      >
        <option value="">{props.label}…</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {select.pending ? (
        <span className="visually-hidden" id={`${props.id}-pending`}>
          Enter applies it to the selected cases
        </span>
      ) : null}
    </div>
  );
}
