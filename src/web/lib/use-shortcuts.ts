// Single-key shortcuts (Gmail style: j/k, r, ?). They never fire while the user types in a
// field, with a modifier held (Ctrl+R stays the browser's reload), or behind an open dialog.
// Those of a character key (letters, "/", "?") can be turned off in the shortcuts dialog, for
// speech input and for whoever presses keys by accident (WCAG 2.1.4); the choice is kept in
// this browser.
import { useEffect, useRef, useSyncExternalStore } from 'react';

/** A handler returning false did not use the key: it keeps its usual effect (scrolling). */
export type ShortcutMap = Partial<Record<string, (event: KeyboardEvent) => void | false>>;

const STORAGE_KEY = 'steward:single-key-shortcuts';
const watchers = new Set<() => void>();
let characterKeysOn = (() => {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
})();

/** Whether shortcuts of a character key are on (the default). */
export const characterShortcutsOn = () => characterKeysOn;

export function setCharacterShortcuts(on: boolean): void {
  characterKeysOn = on;
  try {
    if (on) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, 'off');
  } catch {
    // Private mode without storage: on for this page only.
  }
  for (const watcher of watchers) watcher();
}

export function useCharacterShortcuts(): boolean {
  return useSyncExternalStore((watcher) => {
    watchers.add(watcher);
    return () => watchers.delete(watcher);
  }, characterShortcutsOn);
}

/** A key that types a character ("j", "/", "?"), as opposed to Enter or an arrow. */
export const isCharacterKey = (key: string) => key.length === 1;

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
      if (isCharacterKey(event.key) && !characterKeysOn) return;
      const handler = saved.current[event.key];
      if (!handler) return;
      if (handler(event) !== false) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
