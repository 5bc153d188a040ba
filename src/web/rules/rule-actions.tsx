// The actions of a rule, in the order they run when it fires: open a proactive case, tell the
// customer, tell a team, escalate. Texts are templates ({{customer.name}}, {{refs.orderId}}, …).
import type { ReactNode } from 'react';
import { PRIORITIES } from '../../shared/schemas/cases.js';
import { RULE_LIMITS } from '../../shared/schemas/rules.js';
import type { Category, Team } from '../lib/types.js';
import { SelectField } from '../admin/form-parts.js';
import { priorityLabel } from '../cases/case-labels.js';
import { actionKindLabel } from '../signals/signal-labels.js';
import { getAt, type Path } from './rule-draft.js';
import { TemplateHint, TextField, fieldId, type EditorApi } from './rule-fields.js';

type ActionDraft = Record<string, unknown> & { kind?: unknown };

const OFFERED = ['open_case', 'notify_customer', 'notify_team', 'escalate'] as const;

function defaultAction(kind: string, teams: Team[]): ActionDraft {
  switch (kind) {
    case 'open_case':
      return {
        kind,
        category: 'other',
        priority: 'normal',
        subject: '{{rule.name}}: {{customer.name}}',
      };
    case 'notify_customer':
      return { kind, message: '' };
    case 'notify_team':
      return { kind, teamId: teams[0]?.id ?? '', message: '' };
    case 'escalate':
      return { kind, priority: 'urgent' };
    default:
      return { kind };
  }
}

/** A SelectField on the draft at `path`; the empty choice ('') leaves the value out. */
function DraftSelectField(props: {
  ed: EditorApi;
  path: Path;
  label: string;
  options: { value: string; label: string }[];
  empty?: string;
  hint?: ReactNode;
}) {
  const { ed, path } = props;
  const id = fieldId(path);
  const error = ed.errorBelow(path);
  const value = getAt(ed.draft, path);
  const current = typeof value === 'string' ? value : '';
  const options = [...props.options];
  if (current && !options.some((o) => o.value === current)) options.push({ value: current, label: current });
  return (
    <SelectField
      id={id}
      label={props.label}
      value={current}
      onChange={(v) => ed.set(path, v === '' ? undefined : v)}
      empty={props.empty}
      options={options}
      error={error}
      hint={props.hint}
    />
  );
}

export function ActionsEditor(props: { ed: EditorApi; categories: Category[]; teams: Team[] }) {
  const { ed, categories, teams } = props;
  const raw = getAt(ed.draft, ['actions']);
  const actions: ActionDraft[] = Array.isArray(raw) ? (raw as ActionDraft[]) : [];
  const setActions = (list: ActionDraft[]) => ed.set(['actions'], list);
  const listError = ed.error(['actions']);
  const categoryOptions = categories.filter((c) => c.active).map((c) => ({ value: c.key, label: c.name }));
  const priorityOptions = PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p) }));
  const teamOptions = teams.map((t) => ({ value: t.id, label: t.name }));

  const move = (i: number, by: number) => {
    const list = [...actions];
    const [item] = list.splice(i, 1);
    list.splice(i + by, 0, item!);
    setActions(list);
  };

  return (
    <div className="rule-actions">
      {listError && <p className="field__error">{listError}</p>}
      {actions.length === 0 && (
        <p className="muted rule-actions__empty" data-testid="no-actions">
          No actions: the signal only shows on the board and the customer’s page. Add one to act on it at
          once.
        </p>
      )}
      <ol className="rule-actions__list">
        {actions.map((a, i) => {
          const path = ['actions', i];
          const kind = typeof a.kind === 'string' ? a.kind : '';
          const rowError = ed.error(path) ?? ed.error([...path, 'kind']);
          const needsCase =
            (kind === 'notify_customer' || kind === 'escalate') &&
            !actions.slice(0, i).some((b) => b.kind === 'open_case');
          return (
            <li key={i} className="rule-action" data-testid="rule-action" data-kind={kind}>
              <div className="rule-action__head">
                <span className="rule-action__title">
                  {i + 1}. {actionKindLabel(kind)}
                </span>
                <span className="rule-action__buttons">
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Move action ${i + 1} up`}
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Move action ${i + 1} down`}
                    disabled={i === actions.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    aria-label={`Remove action ${i + 1}`}
                    onClick={() => setActions(actions.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </span>
              </div>
              {rowError && <p className="field__error">{rowError}</p>}
              {needsCase && (
                <p className="notice notice--warning" data-testid="action-needs-case">
                  {kind === 'escalate' ? 'Escalating' : 'Telling the customer'} works on the proactive case:
                  put “Open a proactive case” before it.
                </p>
              )}
              {kind === 'open_case' && (
                <>
                  <div className="form__grid form__grid--3">
                    <DraftSelectField
                      ed={ed}
                      path={[...path, 'category']}
                      label="Category"
                      options={categoryOptions}
                    />
                    <DraftSelectField
                      ed={ed}
                      path={[...path, 'priority']}
                      label="Priority"
                      options={priorityOptions}
                    />
                    <DraftSelectField
                      ed={ed}
                      path={[...path, 'teamId']}
                      label="Team"
                      empty="No team: the case waits unassigned"
                      options={teamOptions}
                    />
                  </div>
                  <TextField
                    ed={ed}
                    path={[...path, 'subject']}
                    label="Subject"
                    placeholder="Shipment {{refs.shipmentId}} has not moved"
                    after={<TemplateHint template={getAt(a, ['subject'])} />}
                  />
                  <TextField
                    ed={ed}
                    path={[...path, 'note']}
                    label="First internal note (optional)"
                    optional
                    multiline
                    after={<TemplateHint template={getAt(a, ['note'])} />}
                  />
                </>
              )}
              {kind === 'notify_customer' && (
                <TextField
                  ed={ed}
                  path={[...path, 'message']}
                  label="Message to the customer"
                  multiline
                  hint="Sent as a reply on the proactive case. A time reads best for people as {{data.promisedAt | date}} or {{event.occurredAt | datetime}} (in the customer’s time zone)."
                  placeholder="Dear {{customer.name}}, your order {{refs.orderId}} is delayed…"
                  after={<TemplateHint template={getAt(a, ['message'])} />}
                />
              )}
              {kind === 'notify_team' && (
                <>
                  <DraftSelectField
                    ed={ed}
                    path={[...path, 'teamId']}
                    label="Team"
                    empty="Choose a team…"
                    options={teamOptions}
                  />
                  <TextField
                    ed={ed}
                    path={[...path, 'message']}
                    label="Message to the team"
                    multiline
                    after={<TemplateHint template={getAt(a, ['message'])} />}
                  />
                </>
              )}
              {kind === 'escalate' && (
                <>
                  <div className="form__grid">
                    <DraftSelectField
                      ed={ed}
                      path={[...path, 'priority']}
                      label="Raise priority to"
                      options={priorityOptions}
                    />
                    <DraftSelectField
                      ed={ed}
                      path={[...path, 'teamId']}
                      label="Move to team"
                      empty="Keep the team"
                      options={teamOptions}
                    />
                  </div>
                  <TextField
                    ed={ed}
                    path={[...path, 'note']}
                    label="Internal note (optional)"
                    optional
                    multiline
                    after={<TemplateHint template={getAt(a, ['note'])} />}
                  />
                </>
              )}
              {(kind === 'start_playbook' || kind === 'attach_to_incident') && (
                <>
                  <p className="notice notice--warning">
                    {actionKindLabel(kind)} is not available yet: the server refuses rules with it.
                  </p>
                  <TextField
                    ed={ed}
                    path={[...path, kind === 'start_playbook' ? 'playbookId' : 'incidentId']}
                    label={kind === 'start_playbook' ? 'Playbook id' : 'Incident id'}
                  />
                </>
              )}
            </li>
          );
        })}
      </ol>
      {actions.length < RULE_LIMITS.actions && (
        <div className="rule-actions__add" role="group" aria-label="Add an action">
          {OFFERED.map((kind) => (
            <button
              key={kind}
              type="button"
              className="button button--small"
              onClick={() => setActions([...actions, defaultAction(kind, teams)])}
            >
              + {actionKindLabel(kind)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
