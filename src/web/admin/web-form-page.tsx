// Admin → Web form: the contact form any site can carry (/form, embedded by /embed.js). The admin
// picks the team that gets its cases, their category and the page's language, sees the form as
// visitors will, and copies the one line for their site (or an iframe without the script).
import { useState } from 'react';
import { DEFAULT_CATEGORY, DEFAULT_CATEGORY_NAME } from '../../shared/schemas/cases.js';
import type { Category, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { copyText } from '../lib/clipboard.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { SelectField, TextField } from './form-parts.js';
import { TeamSelectField } from './team-select-field.js';

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The form's address and the two ways to put it on a site, for these choices. */
export function webFormSnippets(
  origin: string,
  opts: { team: string; category: string; language: string; title: string },
) {
  const query = new URLSearchParams();
  const attrs: string[] = [];
  for (const key of ['team', 'category', 'language'] as const) {
    const value = opts[key].trim();
    if (!value) continue;
    query.set(key, value);
    attrs.push(`data-${key}="${escapeAttr(value)}"`);
  }
  const title = opts.title.trim();
  if (title) attrs.push(`data-title="${escapeAttr(title)}"`);
  const formUrl = `${origin}/form${query.size ? `?${query.toString()}` : ''}`;
  return {
    formUrl,
    script: `<script src="${origin}/embed.js"${attrs.map((a) => ` ${a}`).join('')}></script>`,
    iframe: `<iframe src="${escapeAttr(formUrl)}" title="${escapeAttr(title || 'Contact us')}" style="width:100%;min-height:640px;border:0"></iframe>`,
  };
}

function CopyBlock(props: { id: string; label: string; hint: string; code: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        readOnly
        rows={3}
        value={props.code}
        className="code-block"
        data-testid={props.id}
      />
      <p className="field__hint">{props.hint}</p>
      <div className="form__actions form__actions--inline">
        <button
          type="button"
          className="button"
          onClick={() => void copyText(props.code).then((ok) => setCopied(ok))}
        >
          Copy
        </button>
        <span className="muted" role="status">
          {copied === true ? 'Copied.' : copied === false ? 'Select the text and copy it yourself.' : ''}
        </span>
      </div>
    </div>
  );
}

export function WebFormAdminPage() {
  useDocumentTitle('Web form');
  const categories = useApi<Items<Category>>('/categories');
  const defaultCategory = categories.data?.items.find((c) => c.key === DEFAULT_CATEGORY);
  const [team, setTeam] = useState('');
  const [category, setCategory] = useState('');
  const [language, setLanguage] = useState('');
  const [title, setTitle] = useState('');
  const snippets = webFormSnippets(window.location.origin, { team, category, language, title });
  return (
    <>
      <PageHeader
        title="Web form"
        subtitle="A contact form for your website: each request becomes a case, and the sender gets an acknowledgement with its number."
      />
      <section className="card form" aria-labelledby="web-form-choices">
        <h2 id="web-form-choices">Where its cases go</h2>
        <div className="form__grid">
          <TeamSelectField
            id="web-form-team"
            label="Team"
            value={team}
            onChange={setTeam}
            empty="No team: the cases wait unassigned"
            hint="The team whose queue gets the cases (its assignment rule then applies)."
          />
          <SelectField
            id="web-form-category"
            label="Category"
            value={category}
            onChange={setCategory}
            // No category in the line: the cases get the default one, so that is its only entry.
            empty={`${defaultCategory?.name ?? DEFAULT_CATEGORY_NAME} (the default)`}
            options={(categories.data?.items ?? [])
              .filter((c) => c.active && c.key !== DEFAULT_CATEGORY)
              .map((c) => ({ value: c.key, label: c.name }))}
            hint="The category the cases get."
          />
          <TextField
            id="web-form-language"
            label="Language of the page (optional)"
            value={language}
            onChange={setLanguage}
            maxLength={35}
            hint="For example de or fr-CH: suggested help articles prefer it, and new customers get it."
          />
          <TextField
            id="web-form-title"
            label="Title for screen readers (optional)"
            value={title}
            onChange={setTitle}
            maxLength={200}
            hint='Default "Contact us".'
          />
        </div>
      </section>
      <section className="card form" aria-labelledby="web-form-code">
        <h2 id="web-form-code">Put it on your site</h2>
        <CopyBlock
          id="web-form-script"
          label="One line where the form should appear"
          hint="The script adds the form there and keeps it as tall as its content."
          code={snippets.script}
        />
        <CopyBlock
          id="web-form-iframe"
          label="Or, where scripts are not allowed, a frame"
          hint="A fixed height: make it taller if the form scrolls inside it."
          code={snippets.iframe}
        />
        <p>
          <a href={snippets.formUrl} target="_blank" rel="noreferrer" data-testid="web-form-open">
            Open the form on its own page
          </a>
        </p>
      </section>
      <section className="card form" aria-labelledby="web-form-preview">
        <h2 id="web-form-preview">As visitors see it</h2>
        <p className="muted">A preview: what is sent here becomes a real case.</p>
        <iframe
          className="web-form-preview"
          src={snippets.formUrl}
          title="Preview of the web form"
          data-testid="web-form-preview"
        />
      </section>
    </>
  );
}
