// The signal rule editor (/admin/rules/new, /admin/rules/:id). A structured form for what most
// rules need and a JSON view of the whole definition, both editing one draft (rule-draft.ts), so
// they stay in sync. The shared RuleDefinition schema checks the draft as the user types: each
// message shows next to its input once that input was touched (all of them after Save), and the
// server's 422 details land in the same places. Beside the form: dry run and version history.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { Agreement } from '../../shared/schemas/agreements.js';
import { RuleDefinition, SEVERITIES, type Rule } from '../../shared/schemas/rules.js';
import { api, request, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import type { Category, Items, SegmentList, Team } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { Flash } from '../layout/flash.js';
import { FormError, PageHeader, SuccessNotice } from '../layout/page-parts.js';
import { RecordGate } from '../layout/record-gate.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import {
  ErrorSummary,
  FormField,
  SelectField,
  describedBy,
  errorsFromApi,
  type PathErrors,
} from '../admin/form-parts.js';
import { RULE_KIND_LABELS, severityLabel } from '../signals/signal-labels.js';
import { ActionsEditor } from './rule-actions.js';
import {
  errorsOf,
  getAt,
  isRuleKind,
  kindPart,
  newDraft,
  pathKey,
  sameJson,
  setAt,
  switchKind,
  type Draft,
  type Path,
  type RuleKind,
} from './rule-draft.js';
import { DryRunPanel } from './rule-dry-run.js';
import {
  DurationField,
  RuleDatalists,
  SelectorFields,
  TextField,
  fieldId,
  type EditorApi,
} from './rule-fields.js';
import { VersionsPanel } from './rule-versions.js';
import { EditConflict, isEditConflict, reloadPage } from '../layout/edit-conflict.js';
import { CheckList } from '../layout/check-list.js';
import { useUnsavedGuard } from '../lib/use-unsaved-guard.js';
import { focusFirstInvalid, formInUse } from '../lib/focus-invalid.js';

export function RuleEditorPage() {
  const { id } = useParams();
  const rule = useApi<Rule>(id ? `/rules/${id}` : null);
  const categories = useApi<Items<Category>>('/categories');
  const teams = useApi<Items<Team>>('/teams');
  const segments = useApi<SegmentList>('/segments');
  const agreements = useApi<Items<Agreement>>('/agreements');
  useDocumentTitle(id ? (rule.data ? rule.data.name : 'Signal rule') : 'New signal rule');

  return (
    <RecordGate
      record={rule}
      what="Signal rule"
      back={{ to: '/admin/rules', label: 'Back to signal rules' }}
      needs={[categories, teams, segments, agreements]}
      loadingLabel="Loading the rule…"
    >
      {(r) => (
        <RuleEditor
          key={id ?? 'new'}
          rule={r}
          categories={categories.data?.items ?? []}
          teams={teams.data?.items ?? []}
          segments={segments.data?.items ?? []}
          agreements={agreements.data?.items ?? []}
        />
      )}
    </RecordGate>
  );
}

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  severity: 'Severity',
  enabled: 'Enabled',
  kind: 'Kind',
  when: 'Events',
  after: 'Starting event',
  expect: 'Expected event',
  sameRef: 'Shared ref',
  within: 'Within',
  by: 'Deadline field',
  lead: 'Lead',
  count: 'Count',
  window: 'Window',
  per: 'Per',
  scope: 'Scope',
  dedupe: 'Repeats',
  actions: 'Actions',
  _form: 'Rule',
};

function labelOf(path: string): string {
  const parts = path.split('.');
  const head = LABELS[parts[0] ?? ''] ?? parts[0] ?? 'Rule';
  if (parts[0] === 'actions' && parts[1] !== undefined)
    return `Action ${Number(parts[1]) + 1}${parts[2] ? `: ${parts[2]}` : ''}`;
  const where = parts.indexOf('where');
  if (where >= 0 && parts[where + 1] !== undefined)
    return `${head}, condition ${Number(parts[where + 1]) + 1}${parts[where + 2] ? `: ${parts[where + 2]}` : ''}`;
  return parts.length > 1 ? `${head}: ${parts.slice(1).join('.')}` : head;
}

function RuleEditor(props: {
  rule: Rule | undefined;
  categories: Category[];
  teams: Team[];
  segments: SegmentList['items'];
  agreements: Agreement[];
}) {
  const navigate = useNavigate();
  const [saved, setSaved] = useState<Rule | undefined>(props.rule);
  const [draft, setDraft] = useState<Draft>(() =>
    props.rule ? (structuredClone(props.rule.definition) as Draft) : newDraft('absence'),
  );
  const [stash, setStash] = useState<Partial<Record<RuleKind, Draft>>>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<PathErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // The save was refused: someone else changed the rule since this copy was read.
  const [conflict, setConflict] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const parsed = useMemo(() => RuleDefinition.safeParse(draft), [draft]);
  const clientErrors = useMemo(() => (parsed.success ? {} : errorsOf(parsed.error.issues)), [parsed]);
  const visible = (key: string) =>
    showAll || [...touched].some((t) => key === t || key.startsWith(`${t}.`) || t.startsWith(`${key}.`));
  const errorFor = (key: string) => serverErrors[key] ?? (visible(key) ? clientErrors[key] : undefined);
  const errorBelow = (key: string) => {
    const exact = errorFor(key);
    if (exact) return exact;
    for (const k of [...Object.keys(serverErrors), ...Object.keys(clientErrors)])
      if (k.startsWith(`${key}.`)) {
        const m = errorFor(k);
        if (m) return m;
      }
    return undefined;
  };
  const dirty = !saved || !sameJson(draft, saved.definition);
  // Leaving with changes not saved is asked first (a new rule: once anything was filled in).
  const leaving = useRef(false);
  useUnsavedGuard(saved ? dirty : touched.size > 0, leaving);

  const change = (path: Path, value: unknown) => {
    const key = pathKey(path);
    setDraft((d) => setAt(d, path, value));
    setTouched((t) => (t.has(key) ? t : new Set([...t, key])));
    setServerErrors((e) =>
      Object.fromEntries(
        Object.entries(e).filter(
          ([k]) => !(k === key || k.startsWith(`${key}.`) || key.startsWith(`${k}.`) || k === '_form'),
        ),
      ),
    );
    setNotice(null);
  };
  const ed: EditorApi = {
    draft,
    set: change,
    error: (path) => errorFor(pathKey(path) || '_form'),
    errorBelow: (path) => errorBelow(pathKey(path)),
  };

  const kind: RuleKind | undefined = isRuleKind(draft.kind) ? draft.kind : undefined;
  const setKind = (to: RuleKind) => {
    if (to === kind) return;
    if (kind) setStash((s) => ({ ...s, [kind]: kindPart(draft, kind) }));
    setDraft(switchKind(draft, to, stash[to]));
    setServerErrors({});
  };

  /** Every field's message shown, and the summary of them scrolled to. */
  function showErrors() {
    setShowAll(true);
    requestAnimationFrame(() =>
      document.querySelector('[data-testid="form-errors"]')?.scrollIntoView({ block: 'center' }),
    );
  }

  /** Saves the draft; a new version only onto the version read here, unless `overwrite`. */
  async function save(e?: FormEvent<HTMLFormElement>, overwrite = false) {
    e?.preventDefault();
    // Read now: while it saves, its disabled button loses the focus.
    const form = e?.currentTarget ?? formInUse();
    setShowAll(true);
    setFormError(null);
    setConflict(false);
    setNotice(null);
    if (!parsed.success) {
      // Every message shown, and the focus on the first field to fix (the summary is an alert).
      setShowAll(true);
      focusFirstInvalid(form);
      return;
    }
    setSaving(true);
    try {
      if (saved) {
        const result = await request<Rule>('PUT', `/rules/${saved.id}`, {
          body: parsed.data,
          ifMatch: overwrite ? undefined : saved.updatedAt,
        });
        setSaved(result);
        setDraft(structuredClone(result.definition) as Draft);
        setShowAll(false);
        setTouched(new Set());
        setNotice(
          result.version === saved.version ? 'Nothing changed.' : `Saved as version ${result.version}.`,
        );
      } else {
        const result = await api.post<Rule>('/rules', parsed.data);
        leaving.current = true;
        navigate(`/admin/rules/${result.id}`, {
          replace: true,
          state: {
            notice: result.enabled
              ? 'Rule created: it watches new events from now on.'
              : 'Rule created (disabled).',
          },
        });
      }
    } catch (err) {
      const apiError = toApiError(err);
      const found = errorsFromApi(apiError);
      if (isEditConflict(err)) setConflict(true);
      else if (Object.keys(found).length) {
        setServerErrors(found);
        focusFirstInvalid(form);
      } else setFormError(apiError.message);
    } finally {
      setSaving(false);
    }
  }

  async function remove() {
    if (!saved) return;
    setDeleting(true);
    try {
      await api.delete(`/rules/${saved.id}`);
      leaving.current = true;
      navigate('/admin/rules', { state: { notice: `Rule “${saved.name}” deleted.` } });
    } catch (err) {
      setFormError(toApiError(err).message);
      setDeleting(false);
    }
  }

  const shownErrors: PathErrors = {};
  for (const key of new Set([...Object.keys(clientErrors), ...Object.keys(serverErrors)])) {
    const m = errorFor(key);
    if (m) shownErrors[key] = m;
  }
  const summaryErrors = showAll || Object.keys(serverErrors).length ? shownErrors : {};

  const nameError = ed.errorBelow(['name']);
  const severity = typeof draft.severity === 'string' ? draft.severity : 'medium';
  const segmentKeys = (getAt(draft, ['scope', 'segments']) as string[] | undefined) ?? [];
  const agreementIds = (getAt(draft, ['scope', 'agreements']) as string[] | undefined) ?? [];
  const setScope = (key: 'segments' | 'agreements', list: string[]) => {
    const scope = { ...((draft.scope as Record<string, unknown> | undefined) ?? {}) };
    if (list.length) scope[key] = list;
    else delete scope[key];
    change(['scope'], Object.keys(scope).length ? scope : undefined);
  };
  const dedupe = (draft.dedupe as Record<string, unknown> | undefined) ?? {};
  const deadline = draft.by !== undefined ? 'by' : 'within';

  return (
    <>
      <PageHeader
        back={{ to: '/admin/rules', label: 'Signal rules' }}
        title={<span data-testid="rule-heading">{saved ? saved.name : 'New signal rule'}</span>}
        subtitle={
          saved ? (
            <span data-testid="rule-version">
              Version {saved.version} · saved {formatDateTime(saved.updatedAt)} ·{' '}
              {saved.openSignals === 1 ? '1 live signal' : `${saved.openSignals} live signals`}
            </span>
          ) : (
            'A condition over operational events, and what to do when it holds.'
          )
        }
      />
      <Flash />
      <SuccessNotice message={notice} />
      <RuleDatalists />
      <div className="rule-editor">
        <form
          className="form card rule-form"
          onSubmit={save}
          noValidate
          aria-label={saved ? 'Edit signal rule' : 'New signal rule'}
        >
          <ErrorSummary errors={summaryErrors} labels={labelOf} />
          <FormError message={formError} />
          {conflict && (
            <EditConflict
              noun="rule"
              onLoad={reloadPage}
              onOverwrite={() => void save(undefined, true)}
              saving={saving}
            />
          )}
          <fieldset className="form__group">
            <legend>Rule</legend>
            <FormField id="rule-name" label="Name" error={nameError}>
              <input
                id="rule-name"
                type="text"
                maxLength={200}
                value={typeof draft.name === 'string' ? draft.name : ''}
                onChange={(e) => change(['name'], e.target.value)}
                {...describedBy('rule-name', nameError)}
              />
            </FormField>
            <TextField ed={ed} path={['description']} label="Description (optional)" optional multiline />
            <div className="form__grid">
              <SelectField
                id="rule-severity"
                label="Severity"
                value={severity}
                onChange={(v) => change(['severity'], v)}
                options={SEVERITIES.map((s) => ({ value: s, label: severityLabel(s) }))}
                error={ed.errorBelow(['severity'])}
              />
              <div className="field rule-form__enabled">
                <span className="field__label">State</span>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={draft.enabled !== false}
                    onChange={(e) => change(['enabled'], e.target.checked)}
                  />
                  <span>
                    Enabled <span className="muted">(a disabled rule opens no signals)</span>
                  </span>
                </label>
              </div>
            </div>
            <div className={ed.error(['kind']) ? 'field field--invalid' : 'field'}>
              <span className="field__label">Kind</span>
              <div role="radiogroup" aria-label="Kind">
                {(Object.entries(RULE_KIND_LABELS) as [RuleKind, [string, string]][]).map(
                  ([k, [label, text]]) => (
                    <label key={k} className="radio radio--block">
                      <input
                        type="radio"
                        name="rule-kind"
                        value={k}
                        checked={kind === k}
                        disabled={!!saved && saved.kind !== k}
                        onChange={() => setKind(k)}
                      />
                      <span>
                        <strong>{label}</strong> <span className="muted">{text}</span>
                      </span>
                    </label>
                  ),
                )}
              </div>
              {saved && (
                <p className="field__hint">
                  A saved rule keeps its kind (its signals were opened by it); for another kind, create a new
                  rule.
                </p>
              )}
              {ed.error(['kind']) && <p className="field__error">{ed.error(['kind'])}</p>}
            </div>
          </fieldset>

          <fieldset className="form__group" data-testid="rule-condition">
            <legend>Condition</legend>
            {kind === 'match' && (
              <SelectorFields
                ed={ed}
                path={['when']}
                legend="Fires on each event"
                hint="One signal per customer (and ref, when repeats are held back by ref)."
              />
            )}
            {kind === 'threshold' && (
              <>
                <SelectorFields ed={ed} path={['when']} legend="Counts events" />
                <div className="form__grid form__grid--3">
                  <NumberField ed={ed} path={['count']} label="At least this many" />
                  <DurationField
                    ed={ed}
                    path={['window']}
                    label="Within"
                    hint="A sliding window, e.g. 30 days."
                  />
                  <SelectField
                    id={fieldId(['per'])}
                    label="Counted per"
                    value={typeof draft.per === 'string' ? draft.per : 'customer'}
                    onChange={(v) => change(['per'], v)}
                    options={[
                      { value: 'customer', label: 'Customer' },
                      { value: 'organization', label: 'Organization' },
                    ]}
                    error={ed.errorBelow(['per'])}
                  />
                </div>
              </>
            )}
            {kind === 'absence' && (
              <>
                <SelectorFields
                  ed={ed}
                  path={['after']}
                  legend="After this event…"
                  typeLabel="Starting event type"
                  hint="Starts the wait, e.g. shipment.dispatched."
                  example="shipment.dispatched"
                />
                <SelectorFields
                  ed={ed}
                  path={['expect']}
                  legend="…expect this one"
                  typeLabel="Expected event type"
                  hint="Ends the wait, e.g. shipment.scanned."
                  example="shipment.scanned"
                />
                <TextField
                  ed={ed}
                  path={['sameRef']}
                  label="Both events share the ref"
                  placeholder="shipmentId"
                  hint="The ref that ties the two events together, e.g. orderId or shipmentId."
                />
                <div
                  className={
                    ed.errorBelow(['within']) && deadline === 'by' ? 'field field--invalid' : 'field'
                  }
                >
                  <span className="field__label">Deadline</span>
                  <div className="radio-row" role="radiogroup" aria-label="Deadline">
                    <label className="radio">
                      <input
                        type="radio"
                        name="rule-deadline"
                        checked={deadline === 'within'}
                        onChange={() => {
                          change(['by'], undefined);
                          change(['lead'], undefined);
                          change(['within'], 'PT48H');
                        }}
                      />
                      A fixed time after the starting event
                    </label>
                    <label className="radio">
                      <input
                        type="radio"
                        name="rule-deadline"
                        checked={deadline === 'by'}
                        onChange={() => {
                          change(['within'], undefined);
                          change(['by'], 'data.promisedAt');
                        }}
                      />
                      A time the starting event names
                    </label>
                  </div>
                </div>
                {deadline === 'within' ? (
                  <DurationField ed={ed} path={['within']} label="Fire when it has not come within" />
                ) : (
                  <div className="form__grid">
                    <TextField
                      ed={ed}
                      path={['by']}
                      label="Deadline field"
                      placeholder="data.promisedAt"
                      list="rule-field-paths"
                      hint="A time in the starting event, e.g. data.promisedAt."
                    />
                    <DurationField
                      ed={ed}
                      path={['lead']}
                      optional
                      label="Fire this long before it (optional)"
                      hint="Empty: at the deadline. 4 hours: that long before it."
                    />
                    {ed.errorBelow(['within']) && <p className="field__error">{ed.errorBelow(['within'])}</p>}
                  </div>
                )}
              </>
            )}
          </fieldset>

          <fieldset className="form__group">
            <legend>Scope and repeats</legend>
            <div className="form__grid">
              <CheckList
                label="Only customers of these segments"
                empty="All segments"
                error={ed.errorBelow(['scope', 'segments'])}
                options={props.segments.map((s) => ({ value: s.key, label: s.name }))}
                chosen={segmentKeys}
                onChange={(list) => setScope('segments', list)}
              />
              <CheckList
                label="Only customers under these agreements"
                empty="Any agreement, or none"
                error={ed.errorBelow(['scope', 'agreements'])}
                options={props.agreements.map((a) => ({ value: a.id, label: a.name }))}
                chosen={agreementIds}
                onChange={(list) => setScope('agreements', list)}
              />
            </div>
            {ed.error(['scope']) && <p className="field__error">{ed.error(['scope'])}</p>}
            <div className="form__grid">
              <div className="field">
                <span className="field__label">Repeats</span>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={dedupe.enabled !== false}
                    onChange={(e) =>
                      change(
                        ['dedupe'],
                        e.target.checked
                          ? dedupe.ref
                            ? { enabled: true, ref: dedupe.ref }
                            : undefined
                          : { ...dedupe, enabled: false },
                      )
                    }
                  />
                  <span>
                    One live signal at a time per customer{kind === 'absence' ? ' and shared ref' : ''}
                  </span>
                </label>
              </div>
              {dedupe.enabled !== false && kind !== 'absence' && (
                <TextField
                  ed={ed}
                  path={['dedupe', 'ref']}
                  label="…and per ref (optional)"
                  optional
                  placeholder="orderId"
                  hint="e.g. orderId: one signal per order rather than per customer."
                />
              )}
            </div>
          </fieldset>

          <fieldset className="form__group">
            <legend>Actions</legend>
            <ActionsEditor ed={ed} categories={props.categories} teams={props.teams} />
          </fieldset>

          <div className="form__actions">
            <button type="submit" className="button button--primary" disabled={saving}>
              {saving ? 'Saving…' : saved ? 'Save rule' : 'Create rule'}
            </button>
            <Link className="button" to="/admin/rules">
              {saved && !dirty ? 'Back' : 'Cancel'}
            </Link>
            {saved && dirty && (
              <span className="rule-form__dirty muted" data-testid="rule-dirty">
                Unsaved changes
              </span>
            )}
            {saved && (
              <button
                type="button"
                className="button button--danger form__actions-end"
                disabled={deleting}
                onClick={() => {
                  if (window.confirm(`Delete the rule “${saved.name}”? Its signals stay.`)) void remove();
                }}
              >
                Delete
              </button>
            )}
          </div>
        </form>

        <aside className="rule-side" aria-label="Definition, dry run and history">
          <JsonView
            draft={draft}
            onDraft={(d) => {
              setDraft(d);
              setShowAll(true);
              setServerErrors({});
              setNotice(null);
            }}
          />
          <DryRunPanel draft={draft} onDefinitionErrors={setServerErrors} onInvalid={showErrors} />
          {saved && (
            <VersionsPanel
              key={saved.version}
              ruleId={saved.id}
              current={saved.version}
              onLoad={(definition, version) => {
                setDraft(structuredClone(definition) as Draft);
                setShowAll(true);
                setServerErrors({});
                setNotice(`Version ${version} is in the editor: save to make it the current version.`);
              }}
            />
          )}
        </aside>
      </div>
    </>
  );
}

function NumberField({ ed, path, label }: { ed: EditorApi; path: Path; label: string }) {
  const id = fieldId(path);
  const error = ed.errorBelow(path);
  const value = getAt(ed.draft, path);
  return (
    <FormField id={id} label={label} error={error}>
      <input
        id={id}
        type="number"
        min={2}
        step={1}
        value={typeof value === 'number' && Number.isFinite(value) ? value : ''}
        onChange={(e) => ed.set(path, e.target.value === '' ? undefined : Number(e.target.value))}
        {...describedBy(id, error)}
      />
    </FormField>
  );
}

const stringify = (d: unknown) => JSON.stringify(d, null, 2);

/** Whether the JSON text already says `draft` (then the user's own formatting stays). */
function textMeans(text: string, draft: Draft): boolean {
  try {
    return sameJson(JSON.parse(text), draft);
  } catch {
    return false;
  }
}

/** The whole definition as JSON, editable: valid JSON replaces the draft, the form follows. */
function JsonView({ draft, onDraft }: { draft: Draft; onDraft(d: Draft): void }) {
  const [text, setText] = useState(() => stringify(draft));
  const [seen, setSeen] = useState<Draft>(draft);
  const [syntax, setSyntax] = useState<string | null>(null);
  if (draft !== seen) {
    setSeen(draft);
    if (!textMeans(text, draft)) {
      setText(stringify(draft));
      setSyntax(null);
    }
  }
  const onChange = (t: string) => {
    setText(t);
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      setSyntax(`Not valid JSON: ${(err as Error).message}. The form keeps the last valid definition.`);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      setSyntax('The definition is one JSON object: { "name": …, "kind": … }.');
      return;
    }
    setSyntax(null);
    setSeen(value as Draft);
    onDraft(value as Draft);
  };
  return (
    <section className="card rule-panel" aria-labelledby="rule-json-title">
      <h2 id="rule-json-title">Definition (JSON)</h2>
      <p className="field__hint">The same rule as the form, as the API takes it. Edit either side.</p>
      <div className={syntax ? 'field field--invalid' : 'field'}>
        <label htmlFor="rule-json" className="visually-hidden">
          Definition as JSON
        </label>
        <textarea
          id="rule-json"
          className="json-editor"
          data-testid="rule-json"
          spellCheck={false}
          rows={Math.min(30, Math.max(12, text.split('\n').length + 1))}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={syntax ? true : undefined}
          aria-describedby={syntax ? 'rule-json-error' : undefined}
        />
        {syntax && (
          <p className="field__error" id="rule-json-error" data-testid="error-rule-json">
            {syntax}
          </p>
        )}
      </div>
    </section>
  );
}
