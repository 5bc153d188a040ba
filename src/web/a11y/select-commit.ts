// A <select> that saves as soon as it changes (a case's status, a bulk change) must not save on
// every arrow key: on a closed select, ↑/↓ (and typing a letter) change the value at once. What
// the keyboard picks waits as `pending`, shown in the select, until Enter (or, with
// commitOnBlur, leaving the field); Escape puts the saved value back. A pick with the mouse, or
// in the opened list, saves at once as before.
import { useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';

const MOVING_KEYS = new Set([
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

export function useSelectCommit(opts: {
  value: string;
  onCommit: (value: string) => void;
  /** Leaving the field saves what the keyboard picked (else it is dropped). */
  commitOnBlur: boolean;
}) {
  const [pending, setPending] = useState<string | null>(null);
  const keyed = useRef(false);
  const finish = (commit: boolean) => {
    if (commit && pending !== null && pending !== opts.value) opts.onCommit(pending);
    setPending(null);
  };
  return {
    pending,
    props: {
      value: pending ?? opts.value,
      onKeyDown: (e: KeyboardEvent<HTMLSelectElement>) => {
        keyed.current = false;
        if (e.key === 'Enter' && pending !== null) {
          e.preventDefault();
          finish(true);
        } else if (e.key === 'Escape' && pending !== null) {
          e.preventDefault();
          finish(false);
        } else if (!e.altKey && (MOVING_KEYS.has(e.key) || (e.key.length === 1 && e.key !== ' '))) {
          keyed.current = true;
        }
      },
      onMouseDown: () => {
        keyed.current = false;
      },
      onChange: (e: { target: { value: string } }) => {
        const value = e.target.value;
        if (keyed.current) setPending(value);
        else {
          setPending(null);
          opts.onCommit(value);
        }
        keyed.current = false;
      },
      onBlur: (_e: FocusEvent<HTMLSelectElement>) => finish(opts.commitOnBlur),
    },
  };
}
