// The colleagues offered while typing "@name" in an internal note: arrow keys move, Enter or Tab
// picks, Escape closes; a click picks too. The textarea keeps the focus throughout.
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { AgentProfile, Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { insertMention, matchColleagues, mentionAt, mentionHandle, type MentionQuery } from './mentions.js';

export function useMentions(opts: {
  enabled: boolean;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  setBody(text: string): void;
}) {
  const colleagues = useApi<Items<AgentProfile>>(opts.enabled ? '/agents' : null);
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const offered = mention ? matchColleagues(colleagues.data?.items ?? [], mention.query) : [];
  const open = opts.enabled && mention !== null && offered.length > 0;
  // Where the caret goes once the picked name is on screen: set in the same commit, before the
  // next key is handled (a frame later, fast typing would already have gone in before it).
  const caretAfterPick = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = opts.textareaRef.current;
    if (caretAfterPick.current === null || !el) return;
    el.setSelectionRange(caretAfterPick.current, caretAfterPick.current);
    caretAfterPick.current = null;
  });

  /** After each change or caret move: is a mention being typed? */
  function track(el: HTMLTextAreaElement) {
    const next = opts.enabled ? mentionAt(el.value, el.selectionStart) : null;
    if (next?.start !== mention?.start || next?.query !== mention?.query) setActive(0);
    setMention(next);
  }

  function pick(colleague: AgentProfile) {
    const el = opts.textareaRef.current;
    if (!el || !mention) return;
    const handle = mentionHandle(colleague, colleagues.data?.items ?? []);
    const done = insertMention(el.value, mention, el.selectionStart, handle);
    caretAfterPick.current = done.caret;
    opts.setBody(done.text);
    setMention(null);
  }

  /** Keys the list takes while open; returns true when it took the key. */
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + offered.length) % offered.length);
    } else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') {
      pick(offered[active]!);
    } else if (e.key === 'Escape') {
      setMention(null);
    } else return false;
    e.preventDefault();
    return true;
  }

  return { open, offered, active, track, pick, onKeyDown, close: () => setMention(null) };
}

export function MentionList(props: {
  id: string;
  offered: AgentProfile[];
  active: number;
  onPick(colleague: AgentProfile): void;
}) {
  return (
    <ul className="mention-list" role="listbox" id={props.id} aria-label="Colleagues to mention">
      {props.offered.map((c, i) => (
        <li
          key={c.userId}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={
            i === props.active ? 'mention-list__item mention-list__item--active' : 'mention-list__item'
          }
          // mousedown, not click: the textarea must not lose its caret first.
          onMouseDown={(e) => {
            e.preventDefault();
            props.onPick(c);
          }}
        >
          <span className="mention-list__name">{c.name}</span> <span className="muted">{c.email}</span>
        </li>
      ))}
    </ul>
  );
}
