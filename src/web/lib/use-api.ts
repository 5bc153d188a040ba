// Reads one API resource for a screen. A newer request supersedes an older one (the older is
// aborted), so fast typing in a search box never shows the results of an earlier query.
import { useCallback, useEffect, useState } from 'react';
import { api, toApiError, withQuery, type ApiError, type Query } from './api.js';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True while a request is in flight (also while `data` still shows the previous result). */
  loading: boolean;
  /** True while a `reload` of what is shown is in flight (`data` is the result before it). */
  refreshing: boolean;
  reload(): void;
}

interface Loaded<T> {
  url: string | null;
  /** The reload it answers. */
  nonce: number;
  data?: T;
  error?: ApiError;
  done: boolean;
}

/**
 * GET `path` with `query`; `path = null` skips the request (e.g. a screen the role may not use).
 * With `keepPrevious`, the last result stays visible while the next one loads (lists, paging).
 */
export function useApi<T>(
  path: string | null,
  query?: Query,
  opts: { keepPrevious?: boolean } = {},
): ApiState<T> {
  const url = path === null ? null : withQuery(path, query);
  const [nonce, setNonce] = useState(0);
  const [state, setState] = useState<Loaded<T>>({ url: null, nonce: 0, done: false });

  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    api.get<T>(url, undefined, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ url, nonce, data, done: true });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setState({ url, nonce, error: toApiError(err), done: true });
      },
    );
    return () => controller.abort();
  }, [url, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const current = state.url === url && state.done;
  const showData = current || opts.keepPrevious;
  return {
    data: showData ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: url !== null && !current,
    refreshing: current && state.nonce !== nonce,
    reload,
  };
}
