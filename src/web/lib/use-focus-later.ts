// Focus for what replaces the focused element: an inline editor closing unmounts the input that
// had the focus, and the browser drops it to <body>; a keyboard or screen reader user must then
// start again from the top of the page. `focusLater(() => element)` moves the focus once the
// render that closes the editor is on the page (the opener is mounted again by then).
import { useEffect, useRef, useState } from 'react';

export function useFocusLater(): (target: () => HTMLElement | null | undefined) => void {
  // Each request is numbered and rendered as state: the effect acts only after the commit that
  // holds that number, i.e. the one with the editor closed. (Effects of an earlier render still
  // pending when the request is made are flushed first; they must not take it.)
  const requested = useRef(0);
  const pending = useRef<{ at: number; target: () => HTMLElement | null | undefined } | null>(null);
  const [rendered, setRendered] = useState(0);
  useEffect(() => {
    const request = pending.current;
    if (!request || rendered < request.at) return;
    pending.current = null;
    request.target()?.focus();
  }, [rendered]);
  return (target) => {
    requested.current += 1;
    pending.current = { at: requested.current, target };
    setRendered(requested.current);
  };
}
