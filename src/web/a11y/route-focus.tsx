// After a move to another page, the focus goes to the page's main content (the <main id="main">
// of the layouts), so a keyboard user starts there and a screen reader reads the new page; the
// link that led there is often gone (a queue row) and would leave the focus on <body>. A page
// that focuses something of its own inside main (a form's first field) keeps it.
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';

export function RouteFocus() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const main = document.getElementById('main');
      if (!main || main.contains(document.activeElement)) return;
      if (document.activeElement?.closest('dialog[open]')) return;
      main.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
  return null;
}
