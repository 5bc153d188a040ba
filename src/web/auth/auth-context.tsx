// Who is signed in. The token lives in localStorage (see lib/api.ts); on start the app asks
// /auth/me whether it is still good. A 401 anywhere ends the session and shows the sign-in page.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Me, SignInAnswer } from '../../shared/schemas/users.js';
import { api, onUnauthorized, tokenStore } from '../lib/api.js';
import { disconnectLive } from '../lib/live.js';

/** What the sign-in page shows after a right password, when a session is not yet given. */
export type PendingSignIn = { kind: 'two_step' | 'two_step_setup'; challenge: string };

export function pendingOf(answer: SignInAnswer): PendingSignIn | null {
  if ('twoStepRequired' in answer) return { kind: 'two_step', challenge: answer.challenge };
  if ('twoStepSetupRequired' in answer) return { kind: 'two_step_setup', challenge: answer.challenge };
  return null;
}

type Status = 'checking' | 'signed-in' | 'signed-out';
type EndReason = 'expired' | 'signed-out';

export interface Auth {
  status: Status;
  me: Me | null;
  /**
   * Why nobody is signed in: `expired` when the server ended the session (the sign-in page says
   * so and returns the user to where they were), `signed-out` after signing out deliberately.
   */
  endReason: EndReason | null;
  /** Signs in, or answers the second step the password leads to (two-step sign-in). */
  signIn(email: string, password: string): Promise<PendingSignIn | null>;
  /** Signs in with a session token obtained another way (an e-mailed sign-in link). */
  adoptToken(token: string): Promise<void>;
  signOut(): Promise<void>;
  /** Takes the signed-in user as the server answered a change of theirs (PATCH /auth/me). */
  changedMe(me: Me): void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>(() => (tokenStore.get() ? 'checking' : 'signed-out'));
  const [me, setMe] = useState<Me | null>(null);
  const [endReason, setEndReason] = useState<EndReason | null>(null);

  const endSession = useCallback((reason: EndReason | null) => {
    // The live stream speaks for the session that ended: never for the next one.
    disconnectLive();
    setMe(null);
    setStatus('signed-out');
    setEndReason(reason);
  }, []);

  useEffect(() => {
    onUnauthorized(() => endSession('expired'));
    return () => onUnauthorized(undefined);
  }, [endSession]);

  // Signing out in another tab signs out here too.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === tokenStore.key && !e.newValue) endSession('signed-out');
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [endSession]);

  useEffect(() => {
    if (status !== 'checking') return;
    let cancelled = false;
    api.get<Me>('/auth/me').then(
      (found) => {
        if (cancelled) return;
        setMe(found);
        setStatus('signed-in');
      },
      () => {
        // 401 is handled by onUnauthorized; anything else (server down) also means "sign in".
        if (!cancelled) endSession(null);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [status, endSession]);

  const adoptToken = useCallback(async (token: string) => {
    disconnectLive();
    tokenStore.set(token);
    const found = await api.get<Me>('/auth/me');
    setMe(found);
    setEndReason(null);
    setStatus('signed-in');
  }, []);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api.post<SignInAnswer>('/auth/login', { email, password });
      const pending = pendingOf(answer);
      if (pending) return pending;
      // /auth/me also says which organization a customer may see.
      await adoptToken((answer as { token: string }).token);
      return null;
    },
    [adoptToken],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      // The session ends here regardless; a failed call only leaves a token that expires.
    }
    tokenStore.clear();
    endSession('signed-out');
  }, [endSession]);

  const value = useMemo(
    () => ({ status, me, endReason, signIn, adoptToken, signOut, changedMe: setMe }),
    [status, me, endReason, signIn, adoptToken, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthProvider>');
  return auth;
}

/** The signed-in user; only for screens behind <RequireAuth>. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe on a screen without a signed-in user');
  return me;
}

export const isStaff = (me: Me) => me.role === 'admin' || me.role === 'agent';
