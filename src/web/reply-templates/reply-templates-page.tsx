// Reply templates: text agents write again and again, put into a reply from the reply box's
// Templates with the case's names filled in. Everyone keeps their own; admins share templates
// with every agent or one team. The placeholders under the text box go in where the cursor is.
import { filledPreview, sampleReplyFacts } from './preview.js';
import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { REPLY_TEMPLATE_VARIABLES, type ReplyTemplate } from '../../shared/schemas/reply-templates.js';
import { useMe } from '../auth/auth-context.js';
import {
  AudienceField,
  audienceBody,
  audienceOf,
  audienceText,
  type Audience,
} from '../layout/audience-field.js';
import { DataTable } from '../layout/data-table.js';
import { EditConflict, isEditConflict } from '../layout/edit-conflict.js';
import { ListState } from '../layout/list-state.js';
import { OutcomeNotice, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { api, toApiError } from '../lib/api.js';
import { formatDateTime } from '../lib/format.js';
import type { Items, Team } from '../lib/types.js';
import { useAction } from '../lib/use-action.js';
import { useApi } from '../lib/use-api.js';
import { useUnsavedGuard } from '../lib/use-unsaved-guard.js';
import { PLACEHOLDER_HINTS } from './placeholders.js';

export function ReplyTemplatesPage() {
  useDocumentTitle('Reply templates');
  const me = useMe();
  const isAdmin = me.role === 'admin';
  const list = useApi<Items<ReplyTemplate>>('/reply-templates');
  const teams = useApi<Items<Team>>(isAdmin ? '/teams' : null);
  const items = list.data?.items ?? [];
  // No case here: previews read with sample values (said so above the list).
  const samples = sampleReplyFacts(me.name);
  /** The template being changed, 'new', or none. */
  const [editing, setEditing] = useState<ReplyTemplate | 'new' | null>(null);
  const { busy, outcome, setOutcome, run } = useAction();
  const mayChange = (r: ReplyTemplate) => !r.shared || isAdmin;

  const remove = (r: ReplyTemplate) => {
    if (!window.confirm(`Delete the template “${r.name}”?`)) return;
    void run(r.id, async () => {
      await api.delete(`/reply-templates/${r.id}`);
      list.reload();
      return `“${r.name}” was deleted.`;
    });
  };

  return (
    <>
      <PageHeader
        title="Reply templates"
        subtitle="Text you write again and again: put it into a reply from the reply box’s Templates, with the case’s names filled in. Yours are yours alone; admins share templates with every agent or a team."
        actions={
          editing === null && (
            <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
              New template
            </button>
          )
        }
      />
      <OutcomeNotice outcome={outcome} testId="notice" />
      {editing !== null && (
        <TemplateForm
          key={editing === 'new' ? 'new' : editing.id}
          template={editing === 'new' ? undefined : editing}
          canShare={isAdmin}
          teams={teams.data?.items ?? []}
          onCancel={() => setEditing(null)}
          onReload={() => {
            setEditing(null);
            list.reload();
          }}
          onSaved={(saved, created) => {
            setEditing(null);
            list.reload();
            setOutcome({ ok: true, text: `“${saved.name}” was ${created ? 'saved' : 'changed'}.` });
          }}
        />
      )}
      <ListState
        list={list}
        count={items.length}
        loadingLabel="Loading templates…"
        empty="No templates yet. Make one for an answer you give often."
      >
        <p className="muted" data-testid="template-sample-note">
          Each template’s preview fills its placeholders with sample values (customer Sam Sample, case #1234),
          not a customer’s: on a case, Templates fills them from that case.
        </p>
        <DataTable testId="template-table" columns={['Template', 'Who sees it', 'Used', '']}>
          {items.map((r) => (
            <tr key={r.id} data-testid="template-row">
              <td className="cell-primary">
                {r.name}
                <span className="cell-sub muted template-preview">
                  <span className="template-preview__sample">Sample: </span>
                  {filledPreview(r.body, samples)}
                </span>
              </td>
              <td>{audienceText(r, 'template')}</td>
              <td className="cell-nowrap">
                {r.uses === 0 ? (
                  <span className="muted">Never</span>
                ) : (
                  <>
                    {r.uses === 1 ? 'Once' : `${r.uses} times`}
                    {r.lastUsedAt && (
                      <span className="cell-sub muted">last {formatDateTime(r.lastUsedAt)}</span>
                    )}
                  </>
                )}
              </td>
              <td className="cell-nowrap">
                {mayChange(r) && (
                  <>
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Change ${r.name}`}
                      onClick={() => setEditing(r)}
                    >
                      Change
                    </button>{' '}
                    <button
                      type="button"
                      className="button button--ghost button--small"
                      aria-label={`Delete ${r.name}`}
                      disabled={busy === r.id}
                      onClick={() => remove(r)}
                    >
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListState>
    </>
  );
}

function TemplateForm(props: {
  template?: ReplyTemplate;
  canShare: boolean;
  teams: Team[];
  onCancel(): void;
  /** Someone else changed it meanwhile: drop these edits and show theirs. */
  onReload(): void;
  onSaved(template: ReplyTemplate, created: boolean): void;
}) {
  const uid = useId();
  const r = props.template;
  const [name, setName] = useState(r?.name ?? '');
  const [body, setBody] = useState(r?.body ?? '');
  const [audience, setAudience] = useState<Audience>(audienceOf(r));
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  useUnsavedGuard(name !== (r?.name ?? '') || body !== (r?.body ?? ''));

  /** Where the cursor goes once the text with a new placeholder is on screen. */
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = text.current;
    if (caret.current === null || !el) return;
    el.focus();
    el.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [body]);

  /** A placeholder goes in where the cursor is (or at the end), and the cursor after it. */
  function place(variable: string) {
    const el = text.current;
    const token = `{{${variable}}}`;
    const at = el ? el.selectionStart : body.length;
    const end = el ? el.selectionEnd : body.length;
    caret.current = at + token.length;
    setBody(body.slice(0, at) + token + body.slice(end));
  }

  async function save(e: FormEvent | null, overwrite = false) {
    e?.preventDefault();
    setError(null);
    setConflict(false);
    setBusy(true);
    try {
      const fields = { name, body, ...audienceBody(audience, r, props.canShare) };
      const saved = r
        ? await api.patch<ReplyTemplate>(
            `/reply-templates/${r.id}`,
            fields,
            overwrite ? undefined : r.updatedAt,
          )
        : await api.post<ReplyTemplate>('/reply-templates', fields);
      props.onSaved(saved, !r);
    } catch (err) {
      if (isEditConflict(err)) setConflict(true);
      else setError(toApiError(err).message);
      setBusy(false);
    }
  }

  return (
    <form
      className="card panel form template-form"
      aria-label={r ? `Change ${r.name}` : 'New template'}
      onSubmit={(e) => void save(e)}
      data-testid="template-form"
    >
      <div className="field">
        <label htmlFor={`${uid}-name`}>Name</label>
        <input
          id={`${uid}-name`}
          type="text"
          value={name}
          maxLength={100}
          placeholder="Parcel delayed"
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-body`}>Text</label>
        <textarea
          id={`${uid}-body`}
          ref={text}
          rows={8}
          value={body}
          placeholder={'Hi {{customer.firstName}},\n\n…'}
          onChange={(e) => setBody(e.target.value)}
        />
        <div className="placeholder-list" aria-label="Placeholders">
          <span className="muted">Put in:</span>
          {REPLY_TEMPLATE_VARIABLES.map((v) => (
            <button
              key={v}
              type="button"
              className="button button--small"
              title={`{{${v}}}`}
              onClick={() => place(v)}
            >
              {PLACEHOLDER_HINTS[v]}
            </button>
          ))}
        </div>
      </div>
      <AudienceField
        id={`${uid}-audience`}
        record={r}
        canShare={props.canShare}
        teams={props.teams}
        value={audience}
        onChange={setAudience}
        noun="template"
      />
      {conflict && (
        <EditConflict
          noun="template"
          saving={busy}
          onLoad={props.onReload}
          onOverwrite={() => void save(null, true)}
        />
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="form__actions">
        <button
          type="submit"
          className="button button--primary"
          disabled={busy || !name.trim() || !body.trim()}
        >
          {busy ? 'Saving…' : r ? 'Save the template' : 'Create the template'}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
