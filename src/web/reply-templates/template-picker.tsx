// The reply box's Templates: find a reply template by a word of its name or text and put it
// into the reply, its placeholders filled from the case by the server (which counts the use).
// Arrow keys move through the list, Enter takes one, Escape closes it (the focus back on the
// Templates button); so does the focus leaving it, as a click elsewhere does. Each option's preview
// reads as it will in the reply: filled from the case's facts by the same renderer.
import { filledPreview } from './preview.js';
import type { ReplyFacts } from '../../core/replies/reply-templates.js';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import type { ReplyTemplate } from '../../shared/schemas/reply-templates.js';
import { api, toApiError } from '../lib/api.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';

export interface RenderedTemplate {
  body: string;
  missing: string[];
}

const matches = (r: ReplyTemplate, words: string[]) => {
  const text = `${r.name} ${r.body}`.toLowerCase();
  return words.every((w) => text.includes(w));
};

export function TemplatePicker(props: {
  caseId: string;
  /** The case's facts (and the agent's name), for the previews: the server fills the reply itself. */
  facts: ReplyFacts;
  disabled?: boolean;
  onInsert(rendered: RenderedTemplate, template: ReplyTemplate): void;
}) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = useApi<Items<ReplyTemplate>>(open ? '/reply-templates' : null);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = (list.data?.items ?? []).filter((r) => matches(r, words));

  // A click elsewhere closes it.
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  async function pick(r: ReplyTemplate) {
    setBusy(true);
    setError(null);
    try {
      const rendered = await api.post<RenderedTemplate>(`/reply-templates/${r.id}/render`, {
        caseId: props.caseId,
      });
      props.onInsert(rendered, r);
      setOpen(false);
      setQ('');
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  function close() {
    setOpen(false);
    button.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (shown.length ? (a + step + shown.length) % shown.length : 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const r = shown[active];
      if (r && !busy) void pick(r);
    }
  }

  return (
    <div
      className="template-picker"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close();
        }
      }}
      onBlur={(e) => {
        // Tabbing out of it closes it; leaving the window does not.
        const to = e.relatedTarget as Node | null;
        if (open && document.hasFocus() && !(to && box.current?.contains(to))) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="button button--small"
        aria-expanded={open}
        aria-controls={open ? `${uid}-panel` : undefined}
        disabled={props.disabled}
        onClick={() => setOpen((o) => !o)}
        data-testid="template-button"
      >
        Templates
      </button>
      {open && (
        <div
          className="template-picker__panel"
          id={`${uid}-panel`}
          role="dialog"
          aria-label="Reply templates"
          // A click on the panel's own text keeps the focus in it (and the panel open).
          tabIndex={-1}
        >
          <input
            type="search"
            className="template-picker__search"
            aria-label="Find a template"
            placeholder="Find a template…"
            value={q}
            autoFocus
            onChange={(e) => {
              setQ(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
            role="combobox"
            aria-expanded="true"
            aria-controls={`${uid}-list`}
            aria-activedescendant={shown[active] ? `${uid}-${shown[active].id}` : undefined}
          />
          {list.error && <p className="muted">{list.error.message}</p>}
          {list.data && shown.length === 0 && (
            <p className="muted template-picker__empty">
              {list.data.items.length === 0 ? 'No templates yet.' : 'No template has these words.'}
            </p>
          )}
          {shown.length > 0 && (
            <ul className="template-picker__list" id={`${uid}-list`} role="listbox" aria-label="Templates">
              {shown.map((r, i) => (
                <li
                  key={r.id}
                  id={`${uid}-${r.id}`}
                  role="option"
                  aria-selected={i === active}
                  className={
                    i === active
                      ? 'template-picker__item template-picker__item--active'
                      : 'template-picker__item'
                  }
                  onMouseEnter={() => setActive(i)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => !busy && void pick(r)}
                  data-testid="template-option"
                >
                  <span className="template-picker__name">{r.name}</span>
                  <span className="muted template-picker__preview">{filledPreview(r.body, props.facts)}</span>
                </li>
              ))}
            </ul>
          )}
          {error && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          <p className="template-picker__footer">
            <Link to="/reply-templates">Manage templates</Link>
          </p>
        </div>
      )}
    </div>
  );
}
