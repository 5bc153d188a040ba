// Single-key shortcuts (Gmail style: j/k, r, ?). They never fire while the user types in a
// field, with a modifier held (Ctrl+R stays the browser's reload), or behind an open dialog.
import { useEffect, useRef } from 'react';

export type ShortcutMap = Partial<Record<string, (event: KeyboardEvent) => void>>;

/** Whether keystrokes at `target` are text input (fields, editable areas, selects). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'range', 'color'].includes(type);
}

/** Binds `keys` (KeyboardEvent.key values: "j", "Enter", "?") while the component is mounted. */
export function useShortcuts(keys: ShortcutMap, enabled = true) {
  const saved = useRef(keys);
  useEffect(() => {
    saved.current = keys;
  }, [keys]);

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      // Enter on a focused link or button already does what it says.
      if (event.key === 'Enter' && event.target instanceof HTMLElement && event.target.closest('a, button'))
        return;
      const handler = saved.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler(event);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
