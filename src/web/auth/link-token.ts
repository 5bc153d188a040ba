// The token of an e-mailed link (sign-in, password): after '#' (`/login/magic#token=…`), which
// browsers never send, so no server or proxy log holds it; `?token=` of links mailed before that
// still works. Read once, then taken out of the address bar, so it is not left in the history or
// a bookmark.
import { useEffect, useState } from 'react';

export function useLinkToken(): string {
  const [token] = useState(
    () =>
      new URLSearchParams(window.location.hash.slice(1)).get('token') ??
      new URLSearchParams(window.location.search).get('token') ??
      '',
  );
  useEffect(() => {
    if (window.location.hash || window.location.search)
      window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  return token;
}
