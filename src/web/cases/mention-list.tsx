// The colleagues offered while typing "@name" in an internal note: arrow keys move, Enter or Tab
// picks, Escape closes; a click picks too. The textarea keeps the focus throughout. For screen
// readers it is the ARIA combobox pattern: the note's textarea is the combobox (expanded while
// colleagues are offered), the list a listbox of options, the one the arrows reached named by
// aria-activedescendant; how many are offered is said in the app's live region.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { announce } from '../a11y/announcer.js';
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
  // Escape closes the list for this "@": typing on in the same name does not open it again.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const offered = mention ? matchColleagues(colleagues.data?.items ?? [], mention.query) : [];
  const open = opts.enabled && mention !== null && offered.length > 0 && mention.start !== dismissedAt;
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
    if (next?.start !== dismissedAt) setDismissedAt(null);
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
      // Only the list closes: not the composer, not a dialog around it.
      e.stopPropagation();
      setDismissedAt(mention?.start ?? null);
    } else return false;
    e.preventDefault();
    return true;
  }

  return { open, offered, active, track, pick, onKeyDown, close: () => setMention(null) };
}

/** The combobox attributes for the textarea the list belongs to (`listId`: the MentionList's id). */
export function mentionComboboxProps(
  enabled: boolean,
  mentions: { open: boolean; active: number },
  listId: string,
) {
  if (!enabled) return {};
  return {
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-haspopup': 'listbox',
    'aria-expanded': mentions.open,
    'aria-controls': mentions.open ? listId : undefined,
    'aria-activedescendant': mentions.open ? `${listId}-${mentions.active}` : undefined,
  } as const;
}

export function MentionList(props: {
  id: string;
  offered: AgentProfile[];
  active: number;
  onPick(colleague: AgentProfile): void;
}) {
  const activeRef = useRef<HTMLLIElement>(null);
  useLayoutEffect(() => {
    activeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [props.active]);
  // Said on opening and as the choice narrows (the app's one live region; see announcer.tsx).
  const count = props.offered.length;
  useEffect(() => {
    announce(
      `${count} ${count === 1 ? 'colleague' : 'colleagues'} to mention: arrow keys choose, Enter picks, Escape closes.`,
    );
  }, [count]);
  return (
    <ul className="mention-list" role="listbox" id={props.id} aria-label="Colleagues to mention">
      {props.offered.map((c, i) => (
        <li
          key={c.userId}
          id={`${props.id}-${i}`}
          ref={i === props.active ? activeRef : undefined}
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
