// The live connection: one stream of server-sent events per tab (GET /api/v1/live, read with
// fetch so that it carries the bearer token), shared by every screen that wants to know when
// what it shows has changed. The news are hints (ids, flags); a screen answers by reading again
// through the API. Connected while some screen listens; reconnects with a growing pause after a
// drop, and then tells every screen to read again (what changed meanwhile is unknown). Screens
// keep a slow poll as well, in case a proxy on the way holds the stream back.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { EVERYTHING, type LiveNews } from '../../shared/schemas/live.js';
import { sseParser } from '../../shared/sse.js';
import { API_BASE, tokenStore } from './api.js';
import { useInterval } from './use-interval.js';

type Listener = (news: LiveNews) => void;

const listeners = new Set<Listener>();
const watchers = new Set<() => void>();
let connected = false;
let stream: AbortController | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;
let failures = 0;
/** Whether a stream was up before: the next `ready` is a reconnection, after which everyone reads again. */
let hadStream = false;

/** How long the connection outlives its last listener (a change of screen should not reconnect). */
const LINGER_MS = 5_000;
const RETRY_MAX_MS = 30_000;

function setConnected(value: boolean) {
  if (connected === value) return;
  connected = value;
  for (const w of watchers) w();
}

function broadcast(news: LiveNews) {
  for (const l of [...listeners]) l(news);
}

async function connect() {
  const token = tokenStore.get();
  if (!token || stream) return;
  const mine = new AbortController();
  stream = mine;
  let refused = false;
  try {
    const res = await fetch(`${API_BASE}/live`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: mine.signal,
    });
    // Signed out or not allowed: the screens' own requests will say so; no point retrying.
    refused = res.status === 401 || res.status === 403;
    if (!res.ok || !res.body) throw new Error(`live stream: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const push = sseParser((e) => {
      if (e.event === 'ready') {
        failures = 0;
        setConnected(true);
        if (hadStream) broadcast(EVERYTHING);
        hadStream = true;
      } else if (e.event === 'news') broadcast(JSON.parse(e.data) as LiveNews);
    });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      push(value);
    }
  } catch {
    // dropped, refused or stopped: see below
  } finally {
    setConnected(false);
  }
  if (stream !== mine) return; // stopped on purpose
  stream = null;
  if (refused || listeners.size === 0) return;
  const pause = Math.min(RETRY_MAX_MS, 1_000 * 2 ** failures++);
  retry = setTimeout(() => void connect(), pause);
}

/** Ends the connection now (signing out; a new sign-in connects again when a screen listens). */
export function disconnectLive() {
  clearTimeout(retry);
  clearTimeout(idle);
  const s = stream;
  stream = null;
  hadStream = false;
  s?.abort();
  setConnected(false);
}

function listen(listener: Listener): () => void {
  listeners.add(listener);
  clearTimeout(idle);
  void connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) idle = setTimeout(disconnectLive, LINGER_MS);
  };
}

/** Whether the live stream is up (screens poll slowly then, and quickly without it). */
export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (w) => {
      watchers.add(w);
      return () => watchers.delete(w);
    },
    () => connected,
  );
}

/** The smallest gap between two reloads of one screen, however fast the news come. */
export const RELOAD_GAP_MS = 500;

/**
 * Calls `reload` when news match (`matches`), at most once per `gapMs` (the last news always get
 * their reload), and not while the tab is hidden (then once when it is shown again). With
 * `matches` null the screen does not listen (and does not keep the stream open).
 */
export function useLive(
  matches: ((news: LiveNews) => boolean) | null,
  reload: () => void,
  gapMs = RELOAD_GAP_MS,
): boolean {
  const saved = useRef({ matches, reload });
  useEffect(() => {
    saved.current = { matches, reload };
  }, [matches, reload]);

  const listening = matches !== null;
  useEffect(() => {
    if (!listening) return;
    let last = 0;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    let hiddenNews = false;
    const fire = () => {
      trailing = undefined;
      last = Date.now();
      saved.current.reload();
    };
    const stop = listen((news) => {
      if (!saved.current.matches?.(news)) return;
      if (document.hidden) {
        hiddenNews = true;
        return;
      }
      if (trailing) return;
      const wait = last + gapMs - Date.now();
      if (wait <= 0) fire();
      else trailing = setTimeout(fire, wait);
    });
    const onVisibility = () => {
      if (!document.hidden && hiddenNews) {
        hiddenNews = false;
        fire();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      clearTimeout(trailing);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [gapMs, listening]);
  return useLiveConnected();
}

/** With the live stream up, a screen's poll only covers what the stream could miss. */
export const LIVE_POLL_MS = 300_000;

/**
 * A screen that reads again on matching news, and polls every `o.pollMs` without the live stream
 * (every `o.livePollMs`, by default LIVE_POLL_MS, with it). Returns whether the stream is up.
 */
export function useLiveReload(
  matches: (news: LiveNews) => boolean,
  reload: () => void,
  o: { pollMs: number; livePollMs?: number; gapMs?: number },
): boolean {
  const live = useLive(matches, reload, o.gapMs);
  useInterval(reload, live ? (o.livePollMs ?? LIVE_POLL_MS) : o.pollMs);
  return live;
}

/** Matchers for the common screens. */
export const anyCase = (n: LiveNews) => n.allCases || n.cases.length > 0;
export const thisCase = (id: string) => (n: LiveNews) => n.allCases || n.cases.includes(id);
export const myNotifications = (n: LiveNews) => n.notifications;
export const anySignal = (n: LiveNews) => n.signals;
export const anyCommitment = (n: LiveNews) => n.commitments;
export const anySource = (n: LiveNews) => n.sources;
/**
 * A list of signals, which says of each whether nobody owns its case (`caseUnassigned`: "Acted on ·
 * nobody on it"): it reads again when signals change, and when one of the cases behind them does
 * (taken, left, solved, merged, deleted). `cases` null: when any case does, for a list that case
 * owners decide the rows of (the Case filter), since a case taken or left elsewhere adds or removes
 * its signals. The news say which cases changed, not how: a new message reads the list again too.
 */
export const signalsAndCases =
  (cases: readonly (string | null)[] | null) =>
  (n: LiveNews): boolean =>
    n.signals ||
    n.allCases ||
    (cases === null ? n.cases.length > 0 : n.cases.some((id) => cases.includes(id)));
export const proactive = (n: LiveNews) =>
  n.allCases || n.signals || n.commitments || n.sources || n.cases.length > 0;
