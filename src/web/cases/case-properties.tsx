// Editing a case in place: each property saves on its own (PATCH /cases/:id) as soon as it is
// changed, so two agents changing different properties never overwrite each other. A choice of
// one click (status, priority, assignee, team, category, follow-up) applies on top of whatever is
// there; what is edited from the copy on screen (the subject, the whole list of CC) is sent with
// If-Match, so a colleague's change meanwhile is not undone without asking. A tag is added or
// removed alone (addTags, removeTags: the server changes the list as it is then), and custom
// fields send only the fields changed here, like the customer form: neither needs If-Match.
import { useRef, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import { CASE_STATUSES, CaseUpdate, PRIORITIES, Tag } from '../../shared/schemas/cases.js';
import { Email } from '../../shared/schemas/common.js';
import { useMe } from '../auth/auth-context.js';
import { api, toApiError } from '../lib/api.js';
import { isEditConflict } from '../layout/edit-conflict.js';
import { announce } from '../a11y/announcer.js';
import { useSelectCommit } from '../a11y/select-commit.js';
import { fieldText, fieldValue, TypedFieldInput } from '../layout/typed-field.js';
import type { AgentProfile, Case, Category, CustomFieldDefinition, Team } from '../lib/types.js';
import { priorityLabel, statusLabel } from './case-labels.js';
import { isWaiting } from './follow-up.js';
import { FollowUpSelect } from './follow-up-select.js';
import { useFocusLater } from '../lib/use-focus-later.js';
import './case-title.css';

/**
 * Saves a change of the case. With `ifMatch` (the `updatedAt` of the copy the change was made on)
 * a change made on a stale copy is not written: the person is asked first (see useSaveCase).
 */
export type SaveCase = (patch: Record<string, unknown>, opts?: { ifMatch?: string }) => Promise<boolean>;

/** A change refused because the case changed meanwhile, waiting for the person to choose. */
export interface CaseConflict {
  /** Drops the change: the case as it is now is read again. */
  loadTheirs(): void;
  /** Saves the change anyway, over the other one. */
  saveMine(): Promise<void>;
}

/**
 * PATCHes the case, checked first with the API's own schema; errors are shown by the caller.
 * A save sent with `ifMatch` that meets a newer case (412 edit_conflict) stays pending, with
 * `conflict` set, until the person loads their version (the save answers true: the edit is
 * over) or saves theirs over it (it answers whether that save passed).
 */
export function useSaveCase(
  caseId: string,
  /** The case as shown before the change: what the change did is said against it. */
  before: Case | undefined,
  onSaved: (updated: Case, patch: Record<string, unknown>) => void,
  onError: (message: string) => void,
  categoryName: (key: string) => string = (key) => key,
  /** Reads the case again ("Load their version"). */
  onLoadTheirs: () => void = () => undefined,
) {
  const [saving, setSaving] = useState<string | null>(null);
  const [pending, setPending] = useState<{
    patch: Record<string, unknown>;
    data: z.infer<typeof CaseUpdate>;
    settle(done: boolean): void;
  } | null>(null);

  async function send(
    patch: Record<string, unknown>,
    data: z.infer<typeof CaseUpdate>,
    ifMatch?: string,
  ): Promise<boolean | 'conflict'> {
    setSaving(Object.keys(patch)[0] ?? null);
    try {
      const updated = await api.patch<Case>(`/cases/${caseId}`, data, ifMatch);
      onSaved(updated, patch);
      announce(savedWords(patch, updated, before, categoryName));
      return true;
    } catch (err) {
      if (ifMatch && isEditConflict(err)) return 'conflict';
      onError(toApiError(err).message);
      return false;
    } finally {
      setSaving(null);
    }
  }

  const save: SaveCase = async (patch, opts = {}) => {
    const parsed = CaseUpdate.safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'value';
      onError(`${field.charAt(0).toUpperCase()}${field.slice(1)}: ${issue?.message ?? 'not valid'}`);
      return false;
    }
    // A new change replaces a question still open about an earlier one (that one is dropped).
    pending?.settle(false);
    setPending(null);
    const result = await send(patch, parsed.data, opts.ifMatch);
    if (result !== 'conflict') return result;
    return new Promise<boolean>((settle) => setPending({ patch, data: parsed.data, settle }));
  };

  const conflict: CaseConflict | null = pending && {
    loadTheirs() {
      setPending(null);
      onLoadTheirs();
      pending.settle(true);
    },
    async saveMine() {
      const result = await send(pending.patch, pending.data);
      setPending(null);
      pending.settle(result === true);
    },
  };
  return { save, saving, conflict };
}

/**
 * Who has the case after a move to another team, when the move changed it: the new team's
 * assignment mode hands the case on (round robin, least loaded), or leaves it to nobody in the
 * team's queue. Null when the assignee stayed.
 */
export function teamMoveWords(before: Case | undefined, after: Case): string | null {
  if (!before || (before.assignee?.id ?? null) === (after.assignee?.id ?? null)) return null;
  const team = after.team ? `Moved to ${after.team.name}` : 'Moved out of the team';
  return after.assignee
    ? `${team}: the team's assignment gave it to ${after.assignee.name}.`
    : `${team}: nobody is assigned now; it waits in the team's queue.`;
}

/** What a saved change says to a screen reader ("Status: Pending"). */
function savedWords(
  patch: Record<string, unknown>,
  c: Case,
  before: Case | undefined,
  categoryName: (key: string) => string,
): string {
  const [key] = Object.keys(patch);
  switch (key) {
    case 'status':
      return `Status: ${statusLabel(c.status)}`;
    case 'priority':
      return `Priority: ${priorityLabel(c.priority)}`;
    case 'assigneeId':
      return c.assignee ? `Assigned to ${c.assignee.name}` : 'Nobody assigned';
    case 'teamId':
      return teamMoveWords(before, c) ?? (c.team ? `Team: ${c.team.name}` : 'No team');
    case 'category':
      return `Category: ${categoryName(c.category)}`;
    case 'followUpAt':
      return c.followUpAt ? 'Follow-up set' : 'No follow-up';
    case 'tags':
    case 'addTags':
    case 'removeTags':
      return c.tags.length ? `Tags: ${c.tags.join(', ')}` : 'No tags';
    default:
      return 'Saved';
  }
}

function Property(props: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  disabled?: boolean;
  busy?: boolean;
  onChange(value: string): void;
}) {
  const select = useSelectCommit({ value: props.value, onCommit: props.onChange, commitOnBlur: true });
  const hintId = `${props.id}-pending`;
  return (
    <div className={props.busy ? 'property property--busy' : 'property'}>
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        {...select.props}
        disabled={props.disabled || props.busy}
        aria-describedby={select.pending !== null ? hintId : undefined}
        data-testid={props.id}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {select.pending !== null && (
        <span className="field__hint" id={hintId}>
          Enter saves, Escape undoes
        </span>
      )}
    </div>
  );
}

export function CaseProperties(props: {
  c: Case;
  agents: AgentProfile[];
  teams: Team[];
  categories: Category[];
  save: SaveCase;
  saving: string | null;
  locked: boolean;
}) {
  const { c, save, saving, locked } = props;
  const me = useMe();
  const statuses = CASE_STATUSES.filter((s) => s !== 'new' || c.status === 'new');
  const categories = props.categories.filter((cat) => cat.active || cat.key === c.category);
  if (!categories.some((cat) => cat.key === c.category))
    categories.push({
      key: c.category,
      name: c.category,
      active: false,
      builtin: false,
      offeredToCustomers: false,
    });
  const agents =
    props.agents.some((a) => a.userId === c.assigneeId) || !c.assignee
      ? props.agents
      : [...props.agents, { userId: c.assignee.id, name: c.assignee.name } as AgentProfile];
  const teams =
    props.teams.some((t) => t.id === c.teamId) || !c.team
      ? props.teams
      : [...props.teams, { id: c.team.id, name: c.team.name } as Team];

  return (
    <div className="properties" data-testid="case-properties">
      <Property
        id="case-status"
        label="Status"
        value={c.status}
        options={statuses.map((s) => ({ value: s, label: statusLabel(s) }))}
        disabled={locked}
        busy={saving === 'status'}
        onChange={(status) => void save({ status })}
      />
      {isWaiting(c.status) && (
        <div className={saving === 'followUpAt' ? 'property property--busy' : 'property'}>
          <label htmlFor="case-follow-up">Follow up</label>
          <FollowUpSelect
            id="case-follow-up"
            value={c.followUpAt}
            disabled={locked || saving === 'followUpAt'}
            confirm
            onChange={(followUpAt) => void save({ followUpAt })}
          />
        </div>
      )}
      <Property
        id="case-priority"
        label="Priority"
        value={c.priority}
        options={PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }))}
        disabled={locked}
        busy={saving === 'priority'}
        onChange={(priority) => void save({ priority })}
      />
      <Property
        id="case-assignee"
        label="Assignee"
        value={c.assigneeId ?? ''}
        options={[
          { value: '', label: 'Unassigned' },
          ...agents.map((a) => ({ value: a.userId, label: a.userId === me.id ? `${a.name} (me)` : a.name })),
        ]}
        disabled={locked}
        busy={saving === 'assigneeId'}
        onChange={(v) => void save({ assigneeId: v || null })}
      />
      <Property
        id="case-team"
        label="Team"
        value={c.teamId ?? ''}
        options={[{ value: '', label: 'No team' }, ...teams.map((t) => ({ value: t.id, label: t.name }))]}
        disabled={locked}
        busy={saving === 'teamId'}
        onChange={(v) => void save({ teamId: v || null })}
      />
      <Property
        id="case-category"
        label="Category"
        value={c.category}
        options={categories.map((cat) => ({ value: cat.key, label: cat.name }))}
        disabled={locked}
        busy={saving === 'category'}
        onChange={(category) => void save({ category })}
      />
    </div>
  );
}

/**
 * The subject as a heading, editable in place. The Edit subject button sits beside the heading,
 * not in it (the heading reads as the subject alone); closing the editor gives it the focus back.
 */
export function SubjectEditor(props: { c: Case; save: SaveCase; locked: boolean }) {
  const { c } = props;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(c.subject);
  // The case as it was when the edit began: a subject saved meanwhile is not overwritten unasked.
  const [base, setBase] = useState(c.updatedAt);
  const editButton = useRef<HTMLButtonElement>(null);
  const focusLater = useFocusLater();
  function close() {
    setText(c.subject);
    setEditing(false);
    focusLater(() => editButton.current);
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (text.trim() === c.subject || (await props.save({ subject: text }, { ifMatch: base }))) close();
  }
  if (editing) {
    return (
      <form className="subject-form" onSubmit={submit}>
        <label htmlFor="case-subject" className="visually-hidden">
          Subject
        </label>
        <input
          id="case-subject"
          type="text"
          autoFocus
          maxLength={300}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        />
        <button type="submit" className="button button--primary button--small">
          Save
        </button>
        <button type="button" className="button button--ghost button--small" onClick={close}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <div className="case-title-row">
      <h1 className="case-title">
        <span className="case-title__number" data-testid="case-number">
          #{c.number}
        </span>{' '}
        <span data-testid="case-subject">{c.subject}</span>
      </h1>
      {!props.locked && (
        <button
          ref={editButton}
          type="button"
          className="icon-button"
          aria-label="Edit subject"
          title="Edit subject"
          onClick={() => {
            setText(c.subject);
            setBase(c.updatedAt);
            setEditing(true);
          }}
        >
          <svg viewBox="0 0 20 20" aria-hidden="true">
            <path d="M13.6 2.9a2 2 0 0 1 2.83 0l.67.67a2 2 0 0 1 0 2.83l-9.2 9.2a1 1 0 0 1-.46.26l-3.5.9a.75.75 0 0 1-.91-.91l.9-3.5a1 1 0 0 1 .26-.46l9.4-9Zm1.77 1.06a.5.5 0 0 0-.7 0L5.6 13l-.5 1.9 1.9-.5 9.04-9.07a.5.5 0 0 0 0-.7l-.67-.67Z" />
          </svg>
        </button>
      )}
    </div>
  );
}

/**
 * A case's list of short values as removable chips with an Add box (its tags, its CC list):
 * each value added or removed is saved at once (how is the caller's); the server's refusal
 * shows under it.
 */
function ChipListEditor(props: {
  id: string;
  listTestId: string;
  title: string;
  empty: string;
  hint?: string;
  values: string[];
  locked: boolean;
  inputType?: 'text' | 'email';
  placeholder: string;
  maxLength: number;
  /** The value as stored, or what is wrong with it. */
  read(text: string): { value: string } | { error: string };
  add(value: string): Promise<boolean>;
  remove(value: string): Promise<boolean>;
}) {
  const { values } = props;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const removeButtons = useRef(new Map<string, HTMLButtonElement>());
  const input = useRef<HTMLInputElement>(null);
  const focusLater = useFocusLater();
  async function add(e: FormEvent) {
    e.preventDefault();
    const read = props.read(text);
    if ('error' in read) return setError(read.error);
    setError(null);
    if (values.includes(read.value)) return setText('');
    if (await props.add(read.value)) setText('');
  }
  /** Once it is gone, the focus goes to the next chip's Remove, or to the Add box after the last. */
  async function remove(value: string) {
    const next = values[values.indexOf(value) + 1];
    if (await props.remove(value))
      focusLater(() => (next !== undefined && removeButtons.current.get(next)) || input.current);
  }
  return (
    <section className="card panel" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.hint && <p className="field__hint">{props.hint}</p>}
      {values.length === 0 && <p className="muted">{props.empty}</p>}
      {values.length > 0 && (
        <ul className="tag-list" data-testid={props.listTestId}>
          {values.map((v) => (
            <li key={v} className="tag tag--removable">
              {v}
              {!props.locked && (
                <button
                  ref={(el) => {
                    if (el) removeButtons.current.set(v, el);
                    else removeButtons.current.delete(v);
                  }}
                  type="button"
                  aria-label={`Remove ${v}`}
                  onClick={() => void remove(v)}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!props.locked && (
        <form className="inline-form" onSubmit={add}>
          <label htmlFor={`${props.id}-input`} className="visually-hidden">
            {props.placeholder}
          </label>
          <input
            ref={input}
            id={`${props.id}-input`}
            type={props.inputType ?? 'text'}
            placeholder={props.placeholder}
            maxLength={props.maxLength}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
          />
          <button type="submit" className="button button--small" disabled={!text.trim()}>
            Add
          </button>
        </form>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** A typed value read with a schema (a tag, an address), or its first problem. */
const readWith =
  (schema: z.ZodType<string>, fallback: string) =>
  (text: string): { value: string } | { error: string } => {
    const parsed = schema.safeParse(text);
    return parsed.success ? { value: parsed.data } : { error: parsed.error.issues[0]?.message ?? fallback };
  };

export function TagEditor(props: { c: Case; save: SaveCase; locked: boolean }) {
  return (
    <ChipListEditor
      id="case-tag"
      listTestId="case-tags"
      title="Tags"
      empty="No tags."
      values={props.c.tags}
      locked={props.locked}
      placeholder="Add a tag"
      maxLength={50}
      read={readWith(Tag, 'not a valid tag')}
      // One tag at a time, onto the list as it is when saved: a tag a colleague added meanwhile
      // stays, so there is nothing to ask (a message that just came in moved the case's version).
      add={(tag) => props.save({ addTags: [tag] })}
      remove={(tag) => props.save({ removeTags: [tag] })}
    />
  );
}

/** Who else gets the case's replies by e-mail (and may write into it). */
export function CcEditor(props: { c: Case; save: SaveCase; locked: boolean }) {
  return (
    <ChipListEditor
      id="case-cc"
      listTestId="case-cc"
      title="CC"
      empty="Replies go to the customer alone."
      hint="Copied on every public reply by e-mail; they may write into the case."
      values={props.c.cc}
      locked={props.locked}
      inputType="email"
      placeholder="Add an e-mail address"
      maxLength={254}
      read={readWith(Email, 'not an e-mail address')}
      // The whole list is saved: onto the case as shown, so an address added meanwhile is not dropped unasked.
      add={(address) => props.save({ cc: [...props.c.cc, address] }, { ifMatch: props.c.updatedAt })}
      remove={(address) =>
        props.save({ cc: props.c.cc.filter((x) => x !== address) }, { ifMatch: props.c.updatedAt })
      }
    />
  );
}

/** Custom fields defined by the admins (GET /case-fields); required ones block solving. */
export function CustomFieldsPanel(props: {
  c: Case;
  definitions: CustomFieldDefinition[];
  save: SaveCase;
  locked: boolean;
}) {
  const { c } = props;
  const active = props.definitions.filter((d) => d.active || c.customFields[d.key] !== undefined);
  const initial = () => Object.fromEntries(active.map((d) => [d.key, fieldText(c.customFields[d.key])]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [saved, setSaved] = useState(false);
  if (active.length === 0) return null;
  const changed = active.filter((d) => (values[d.key] ?? '') !== (initial()[d.key] ?? ''));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const patch: Record<string, unknown> = {};
    for (const d of changed) patch[d.key] = fieldValue(d, values[d.key] ?? '');
    if (await props.save({ customFields: patch })) setSaved(true);
  }

  return (
    <section className="card panel" aria-labelledby="fields-title">
      <h2 id="fields-title">Fields</h2>
      <form onSubmit={submit} className="fields-form">
        {active.map((d) => {
          const id = `cf-${d.key}`;
          const value = values[d.key] ?? '';
          const set = (v: string) => {
            setValues((all) => ({ ...all, [d.key]: v }));
            setSaved(false);
          };
          return (
            <div className="field field--compact" key={d.key}>
              <label htmlFor={id}>
                {d.label}
                {d.required && (
                  <span className="required" title="Required to solve">
                    {' '}
                    *
                  </span>
                )}
              </label>
              <TypedFieldInput def={d} id={id} value={value} disabled={props.locked} onChange={set} />
            </div>
          );
        })}
        {!props.locked && (
          <div className="panel__actions">
            <button type="submit" className="button button--small" disabled={changed.length === 0}>
              Save fields
            </button>
            {saved && changed.length === 0 && <span className="muted">Saved.</span>}
          </div>
        )}
      </form>
    </section>
  );
}
