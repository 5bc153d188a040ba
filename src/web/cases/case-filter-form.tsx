// The "cases shown" part of a queue: status, priority, channel, category, assignee, team,
// promise state, tags and case fields. The view editor saves it as a view; the queue's Filter
// dialog shows it at once, unsaved. A customer or organization filter (set through the API),
// the Workload page's awaiting our reply and solved period are not in the form: kept as they
// are, and named in a note; a promise clock or segment filter (from the KPI page's links) is
// shown as a box to untick, and kept while ticked. Which is which: kept-filters.ts.
import { useId, useState, type ReactNode } from 'react';
import { CASE_STATUSES, CHANNELS, PRIORITIES, Tag } from '../../shared/schemas/cases.js';
import type { CaseViewFilters } from '../../shared/schemas/views.js';
import { splitFieldFilter } from '../../shared/field-values.js';
import { PROMISE_STATE_LABELS } from '../../shared/labels.js';
import { CheckList } from '../layout/check-list.js';
import { SelectField } from '../admin/form-parts.js';
import type { AgentProfile, Category, CustomFieldDefinition, Items, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS } from './case-labels.js';
import {
  promiseClockLabel,
  segmentLabel,
  withoutPromiseClock,
  withoutSegment,
} from './promise-filter-labels.js';
import { usePromiseFilterNames } from './use-promise-filter-names.js';
import { FILTERS_NOT_EDITED, keptFiltersNote } from './kept-filters.js';
import { formatDateTime } from '../lib/format.js';
import { useWorkZone } from '../lib/work-zone.js';

/** The most case field filters one list holds (the API's limit). */
export const MAX_FIELD_FILTERS = 5;

/** `key:value` filters as a map; a value "" stands for "not set". */
const parseFieldFilters = (filters: string[] | undefined) => new Map((filters ?? []).map(splitFieldFilter));

/** What a case field's choice in the form means: no filter, "not set", or a value. */
type FieldChoice = { kind: 'any' } | { kind: 'unset' } | { kind: 'value'; value: string };

const choiceOf = (fields: Map<string, string>, key: string): FieldChoice => {
  const v = fields.get(key);
  return v === undefined ? { kind: 'any' } : v === '' ? { kind: 'unset' } : { kind: 'value', value: v };
};

/**
 * The filters the form describes; the ones it has no field for (kept-filters.ts) as `kept` has
 * them: the promise clock and segment as their boxes left them, the rest as they were.
 */
export function viewFilters(
  kept: CaseViewFilters,
  form: {
    status: string[];
    priority: string[];
    category: string[];
    channel: string[];
    assigneeId: string;
    teamId: string;
    tags: string[];
    promise: string;
    fields: Map<string, FieldChoice>;
  },
): CaseViewFilters {
  const list = <T extends string>(v: string[]) => (v.length ? (v as T[]) : undefined);
  const fields = [...form.fields]
    .filter(([, c]) => c.kind !== 'any')
    .map(([key, c]) => `${key}:${c.kind === 'value' ? c.value.trim() : ''}`);
  const filters: CaseViewFilters = {
    ...Object.fromEntries(FILTERS_NOT_EDITED.map((k) => [k, kept[k]])),
    status: list(form.status),
    priority: list(form.priority),
    category: list(form.category),
    channel: list(form.channel),
    assigneeId: (form.assigneeId || undefined) as CaseViewFilters['assigneeId'],
    teamId: (form.teamId || undefined) as CaseViewFilters['teamId'],
    tags: list(form.tags),
    promise: (form.promise || undefined) as CaseViewFilters['promise'],
    fields: fields.length ? fields : undefined,
  };
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as CaseViewFilters;
}

/**
 * The form's state and its fieldsets. `read()` gives the filters chosen, or what is wrong with
 * them (a tag that is not one, too many case fields).
 */
export function useCaseFilterForm(
  initial: CaseViewFilters,
  people: { agents: AgentProfile[]; teams: Team[] },
): { element: ReactNode; read(): { filters: CaseViewFilters } | { error: string } } {
  const uid = useId();
  const f = initial;
  const categories = useApi<Items<Category>>('/categories');
  const caseFields = useApi<Items<CustomFieldDefinition>>('/case-fields');
  const [status, setStatus] = useState<string[]>(f.status ?? []);
  const [priority, setPriority] = useState<string[]>(f.priority ?? []);
  const [category, setCategory] = useState<string[]>(f.category ?? []);
  const [channel, setChannel] = useState<string[]>(f.channel ?? []);
  const [assigneeId, setAssigneeId] = useState<string>(f.assigneeId ?? '');
  const [teamId, setTeamId] = useState<string>(f.teamId ?? '');
  const [tags, setTags] = useState((f.tags ?? []).join(', '));
  const [promise, setPromise] = useState<string>(f.promise ?? '');
  const [saved] = useState(() => parseFieldFilters(f.fields));
  const names = usePromiseFilterNames(f);
  const clockLabel = promiseClockLabel(f, names);
  const segment = segmentLabel(f, names);
  // The filters kept without being shown (customer, awaiting our reply, …), named in words; the
  // solved period's ends in the person's work zone, once known.
  const workZone = useWorkZone();
  const keptNote = keptFiltersNote(f, (iso) => (workZone.ready ? formatDateTime(iso, workZone.zone) : '…'));
  const [keepClock, setKeepClock] = useState(true);
  const [keepSegment, setKeepSegment] = useState(true);
  const [fields, setFields] = useState<Map<string, FieldChoice>>(
    () => new Map([...saved.keys()].map((key) => [key, choiceOf(saved, key)])),
  );

  const defs = (caseFields.data?.items ?? []).filter((d) => d.active || fields.has(d.key));
  const undefinedKeys = [...fields.keys()].filter(
    (key) => caseFields.data && !caseFields.data.items.some((d) => d.key === key),
  );
  const setField = (key: string, choice: FieldChoice) => setFields((all) => new Map(all).set(key, choice));

  function read(): { filters: CaseViewFilters } | { error: string } {
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const badTag = tagList.find((t) => !Tag.safeParse(t).success);
    if (badTag) return { error: `“${badTag}” is not a tag: lowercase letters, digits, - and _ only.` };
    let kept = keepClock ? f : withoutPromiseClock(f);
    if (!keepSegment) kept = withoutSegment(kept);
    const filters = viewFilters(kept, {
      status,
      priority,
      category,
      channel,
      assigneeId,
      teamId,
      tags: tagList,
      promise,
      fields,
    });
    if ((filters.fields?.length ?? 0) > MAX_FIELD_FILTERS)
      return { error: `Filter by at most ${MAX_FIELD_FILTERS} case fields.` };
    return { filters };
  }

  const agentOptions = people.agents.map((a) => ({ value: a.userId, label: a.name }));
  const element = (
    <>
      {keptNote && (
        <p className="field__hint" data-testid="filter-form-kept">
          {keptNote}
        </p>
      )}
      <fieldset className="form__group">
        <legend>Cases shown</legend>
        <p className="field__hint form__group-hint">
          Nothing ticked in a list means any. Every filter set must hold.
        </p>
        <CheckList
          label="Status"
          empty="Any status"
          error={undefined}
          options={CASE_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
          chosen={status}
          onChange={setStatus}
        />
        <CheckList
          label="Priority"
          empty="Any priority"
          error={undefined}
          options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
          chosen={priority}
          onChange={setPriority}
        />
        <CheckList
          label="Channel"
          empty="Any channel"
          error={undefined}
          options={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))}
          chosen={channel}
          onChange={setChannel}
        />
        <CheckList
          label="Category"
          empty="Any category"
          error={undefined}
          options={(categories.data?.items ?? [])
            .filter((c) => c.active)
            .map((c) => ({ value: c.key, label: c.name }))}
          chosen={category}
          onChange={setCategory}
        />
        <div className="form__grid form__grid--3">
          <SelectField
            id={`${uid}-assignee`}
            label="Assignee"
            value={assigneeId}
            onChange={setAssigneeId}
            empty="Anyone"
            options={[
              { value: 'me', label: 'Me (whoever looks)' },
              { value: 'none', label: 'Nobody' },
              ...agentOptions,
            ]}
          />
          <SelectField
            id={`${uid}-team`}
            label="Team"
            value={teamId}
            onChange={setTeamId}
            empty="Any team"
            options={[
              { value: 'none', label: 'No team' },
              ...people.teams.map((t) => ({ value: t.id, label: t.name })),
            ]}
          />
          <SelectField
            id={`${uid}-promise`}
            label="Promises"
            value={promise}
            onChange={setPromise}
            empty="Any"
            options={[
              { value: 'at_risk', label: PROMISE_STATE_LABELS.at_risk },
              { value: 'breached', label: PROMISE_STATE_LABELS.breached },
            ]}
          />
        </div>
        <div className="field">
          <label htmlFor={`${uid}-tags`}>Tags</label>
          <input
            id={`${uid}-tags`}
            type="text"
            value={tags}
            placeholder="vip, refund"
            onChange={(e) => setTags(e.target.value)}
            aria-describedby={`${uid}-tags-hint`}
          />
          <p className="field__hint" id={`${uid}-tags-hint`}>
            Comma-separated: cases with all of these tags.
          </p>
        </div>
        {clockLabel && (
          <label className="checkbox" data-testid="filter-form-promise-clock">
            <input type="checkbox" checked={keepClock} onChange={(e) => setKeepClock(e.target.checked)} />
            {clockLabel}
          </label>
        )}
        {segment && (
          <label className="checkbox" data-testid="filter-form-segment">
            <input type="checkbox" checked={keepSegment} onChange={(e) => setKeepSegment(e.target.checked)} />
            {segment}
          </label>
        )}
      </fieldset>

      {(defs.length > 0 || undefinedKeys.length > 0) && (
        <fieldset className="form__group" data-testid="view-editor-fields">
          <legend>Case fields</legend>
          <p className="field__hint form__group-hint">
            Up to {MAX_FIELD_FILTERS}. A value is read as the field’s type.
          </p>
          <div className="form__grid">
            {defs.map((d) => (
              <FieldChoiceInput
                key={d.key}
                id={`${uid}-f-${d.key}`}
                def={d}
                choice={fields.get(d.key) ?? { kind: 'any' }}
                onChange={(c) => setField(d.key, c)}
              />
            ))}
          </div>
          {undefinedKeys.map((key) => (
            <label key={key} className="checkbox">
              <input
                type="checkbox"
                checked={fields.get(key)?.kind !== 'any'}
                onChange={(e) => setField(key, e.target.checked ? choiceOf(saved, key) : { kind: 'any' })}
              />
              {key} = {saved.get(key) || '(not set)'} (no such field now)
            </label>
          ))}
        </fieldset>
      )}
    </>
  );
  return { element, read };
}

/**
 * One case field's filter: a list or yes/no field offers its values; text, number and date
 * fields take a value typed (empty: any). Each also offers "Not set".
 */
function FieldChoiceInput(props: {
  id: string;
  def: CustomFieldDefinition;
  choice: FieldChoice;
  onChange(choice: FieldChoice): void;
}) {
  const { def, choice } = props;
  const label = def.active ? def.label : `${def.label} (switched off)`;
  if (def.type === 'select' || def.type === 'boolean') {
    const values: [string, string][] =
      def.type === 'boolean'
        ? [
            ['true', 'Yes'],
            ['false', 'No'],
          ]
        : (def.options ?? []).map((o) => [o, o]);
    const current = choice.kind === 'value' ? `=${choice.value}` : choice.kind;
    if (choice.kind === 'value' && !values.some(([v]) => v === choice.value))
      values.push([choice.value, `${choice.value} (no longer an option)`]);
    return (
      <SelectField
        id={props.id}
        label={label}
        value={current}
        onChange={(v) =>
          props.onChange(v === 'any' || v === 'unset' ? { kind: v } : { kind: 'value', value: v.slice(1) })
        }
        options={[
          { value: 'any', label: 'Any' },
          { value: 'unset', label: 'Not set' },
          ...values.map(([v, l]) => ({ value: `=${v}`, label: l })),
        ]}
      />
    );
  }
  return (
    <div className="field">
      <label htmlFor={props.id}>{label}</label>
      <div className="field__row">
        <input
          id={props.id}
          type={def.type === 'date' ? 'date' : 'text'}
          inputMode={def.type === 'number' ? 'decimal' : undefined}
          value={choice.kind === 'value' ? choice.value : ''}
          disabled={choice.kind === 'unset'}
          onChange={(e) =>
            props.onChange(e.target.value === '' ? { kind: 'any' } : { kind: 'value', value: e.target.value })
          }
        />
        <label className="checkbox checkbox--inline">
          <input
            type="checkbox"
            checked={choice.kind === 'unset'}
            aria-label={`${def.label}: not set`}
            onChange={(e) => props.onChange(e.target.checked ? { kind: 'unset' } : { kind: 'any' })}
          />
          Not set
        </label>
      </div>
    </div>
  );
}
