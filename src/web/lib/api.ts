// The one way the UI talks to the API: adds the bearer token kept in localStorage, turns
// {"error": {code, message, details}} bodies into a thrown ApiError, and reports a rejected
// session (401 on a request that carried a token) so the app can send the user to sign in.
import type { ErrorBody } from '../../shared/schemas/common.js';

export const API_BASE = '/api/v1';
const TOKEN_KEY = 'steward.token';

export type ErrorDetail = NonNullable<ErrorBody['error']['details']>[number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** localStorage can be unavailable (private modes, blocked storage): then the session lives in memory. */
let memoryToken: string | null = null;
export const tokenStore = {
  key: TOKEN_KEY,
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return memoryToken;
    }
  },
  set(token: string) {
    memoryToken = token;
    try {
      localStorage.setItem(TOKEN_KEY, token);
    } catch {
      // memory only
    }
  },
  clear() {
    memoryToken = null;
    try {
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      // memory only
    }
  },
};

let unauthorizedHandler: ((error: ApiError) => void) | undefined;
/** Called when the server rejects the stored token (expired, revoked, user disabled). */
export function onUnauthorized(handler: ((error: ApiError) => void) | undefined) {
  unauthorizedHandler = handler;
}

type QueryValue = string | number | boolean | null | undefined;
/** Query parameters; an array repeats its key (`ref=a&ref=b`). */
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** `path?query`, leaving out empty values. */
export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, given] of Object.entries(query ?? {})) {
    for (const value of Array.isArray(given) ? given : [given]) {
      if (value === undefined || value === null || value === '') continue;
      params.append(key, String(value));
    }
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A raw body (a file upload) sent as is, with its own Content-Type. */
  raw?: { data: Blob; contentType: string };
  signal?: AbortSignal;
  /**
   * The `updatedAt` of the copy being saved: the server refuses the save with 412 `edit_conflict`
   * when the record changed since (someone else saved it meanwhile).
   */
  ifMatch?: string;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const token = tokenStore.get();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.raw) headers['Content-Type'] = opts.raw.contentType;
  if (opts.ifMatch) headers['If-Match'] = `"${opts.ifMatch}"`;

  let res: Response;
  try {
    res = await fetch(API_BASE + withQuery(path, opts.query), {
      method,
      headers,
      body: opts.raw ? opts.raw.data : opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new ApiError(
      0,
      'network_error',
      'Cannot reach the Steward server. Check your connection and try again.',
    );
  }

  if (!res.ok) throw await errorOf(res, token);
  const text = res.status === 204 ? '' : await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return body as T;
}

/** The ApiError for a failed response; a rejected token also ends the session. */
async function errorOf(res: Response, token: string | null): Promise<ApiError> {
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  const error = isErrorBody(body)
    ? new ApiError(res.status, body.error.code, body.error.message, body.error.details ?? [])
    : new ApiError(
        res.status,
        `http_${res.status}`,
        `The server answered ${res.status} ${res.statusText}`.trim(),
      );
  if (res.status === 401 && token) {
    tokenStore.clear();
    unauthorizedHandler?.(error);
  }
  return error;
}

/**
 * A file the API serves behind the bearer token (attachments): a plain link cannot carry the
 * header, so it is fetched here and handed out as a Blob.
 */
export async function fetchBlob(url: string): Promise<Blob> {
  return (await fetchFile(url)).blob;
}

/**
 * A file the API serves, with the name its answer gives it (`Content-Disposition`), if any: a
 * report over a period is named by it, which the page does not know.
 */
export async function fetchFile(url: string): Promise<{ blob: Blob; filename: string | undefined }> {
  const token = tokenStore.get();
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'Cannot reach the Steward server. Check your connection and try again.',
    );
  }
  if (!res.ok) throw await errorOf(res, token);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  return { blob: await res.blob(), filename: named };
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  /** With `ifMatch`, saved only if the record is still that version (see RequestOptions). */
  patch: <T>(path: string, body: unknown, ifMatch?: string) => request<T>('PATCH', path, { body, ifMatch }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, query: Query, data: Blob, contentType: string) =>
    request<T>('POST', path, { query, raw: { data, contentType } }),
};

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'client_error', err instanceof Error ? err.message : String(err));
}
