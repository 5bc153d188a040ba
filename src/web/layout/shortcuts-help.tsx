// The keyboard shortcuts, listed in a dialog that `?` opens from anywhere in the workspace.
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import {
  characterShortcutsOn,
  isTypingTarget,
  setCharacterShortcuts,
  useCharacterShortcuts,
} from '../lib/use-shortcuts.js';

const GROUPS: { title: string; keys: [string[], string][] }[] = [
  {
    title: 'Queue',
    keys: [
      [['j', '↓'], 'Next case'],
      [['k', '↑'], 'Previous case'],
      [['x'], 'Select or deselect the case'],
      [['Enter', 'o'], 'Open the case'],
      [['/'], 'Search cases'],
      [['f'], 'Filter the cases'],
    ],
  },
  {
    title: 'Case',
    keys: [
      [['r'], 'Write a public reply'],
      [['n'], 'Write an internal note'],
      [['Ctrl', 'Enter'], 'Send (while writing)'],
      [['Esc'], 'Leave the text field'],
      [['t'], 'Switch between conversation and timeline'],
      [['u'], 'Back to the queue'],
    ],
  },
  { title: 'Anywhere', keys: [[['?'], 'Show these shortcuts']] },
];

export function ShortcutsHelp() {
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const characterKeys = useCharacterShortcuts();

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (!characterShortcutsOn()) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      setOpen(true);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <>
      <button
        type="button"
        className="button button--ghost button--small topbar__help"
        onClick={() => setOpen(true)}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
      >
        ?
      </button>
      {createPortal(
        <dialog
          ref={ref}
          className="dialog"
          aria-labelledby="shortcuts-title"
          data-testid="shortcuts-help"
          onClose={() => setOpen(false)}
          onClick={(e) => {
            // A click on the backdrop (the dialog element itself, outside its content) closes it.
            if (e.target === e.currentTarget) setOpen(false);
          }}
        >
          <div className="dialog__content">
            <div className="dialog__header">
              <h2 id="shortcuts-title">Keyboard shortcuts</h2>
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => setOpen(false)}
              >
                Close
              </button>
            </div>
            <p className="muted dialog__intro">Shortcuts work when you are not typing in a field.</p>
            <label className="checkbox dialog__intro">
              <input
                type="checkbox"
                checked={characterKeys}
                onChange={(e) => setCharacterShortcuts(e.target.checked)}
                aria-describedby="shortcuts-keys-hint"
              />{' '}
              Single-key shortcuts
            </label>
            <p className="field__hint" id="shortcuts-keys-hint">
              Off: letters, <kbd>/</kbd> and <kbd>?</kbd> type nothing and do nothing outside a field (useful
              with speech input); Enter, the arrows and Ctrl+Enter keep working. Kept in this browser.
            </p>
            <div className="shortcut-groups">
              {GROUPS.map((g) => (
                <section key={g.title}>
                  <h3>{g.title}</h3>
                  <dl className="shortcuts">
                    {g.keys.map(([keys, what]) => (
                      <div key={what} className="shortcuts__row">
                        <dt>
                          {keys.map((k, i) => (
                            <span key={k}>
                              {i > 0 && <span className="muted">{keys[0] === 'Ctrl' ? ' + ' : ' or '}</span>}
                              <kbd>{k}</kbd>
                            </span>
                          ))}
                        </dt>
                        <dd>{what}</dd>
                      </div>
                    ))}
                  </dl>
                </section>
              ))}
            </div>
          </div>
        </dialog>,
        // Outside the top bar, so none of its dark-theme styles leak into the dialog.
        document.body,
      )}
    </>
  );
}
