/**
 * The signed-in session as the app knows it. When the server says the session ended (idle time-out, sign-out
 * elsewhere), the app asks for the password again over the current page and then retries the request, so a
 * half-filled form is never lost (issue: session expiry handled gracefully).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo } from '../api/types.ts';

interface SessionState {
  session: SessionInfo | null;
  /** Set while a request waits for the person to sign in again. */
  resuming: boolean;
  refresh(): Promise<SessionInfo>;
  adopt(session: SessionInfo): void;
  signOut(): Promise<void>;
  resumed(session: SessionInfo): void;
  abandonResume(): void;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [resuming, setResuming] = useState(false);
  const waiting = useRef<{ resolve(): void; reject(error: unknown): void }[]>([]);

  const adopt = useCallback((next: SessionInfo) => {
    api.setCsrfToken(next.csrfToken);
    setSession(next);
  }, []);

  const refresh = useCallback(async () => {
    const next = await api.get<SessionInfo>('/api/auth/session');
    adopt(next);
    return next;
  }, [adopt]);

  useEffect(() => {
    refresh().catch(() => setSession({ signedIn: false }));
    api.handleSessionEnded(
      () =>
        new Promise<void>((resolve, reject) => {
          waiting.current.push({ resolve, reject });
          setResuming(true);
        }),
    );
    return () => api.handleSessionEnded(null);
  }, [refresh]);

  const resumed = useCallback(
    (next: SessionInfo) => {
      adopt(next);
      setResuming(false);
      for (const w of waiting.current.splice(0)) w.resolve();
    },
    [adopt],
  );

  const abandonResume = useCallback(() => {
    setResuming(false);
    setSession({ signedIn: false });
    for (const w of waiting.current.splice(0)) w.reject(new Error('signed out'));
  }, []);

  const signOut = useCallback(async () => {
    await api.post('/api/auth/sign-out').catch(() => {});
    api.setCsrfToken(undefined);
    setSession({ signedIn: false });
  }, []);

  return (
    <SessionContext.Provider value={{ session, resuming, refresh, adopt, signOut, resumed, abandonResume }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in account; pages below the sign-in gate may rely on it. */
export function useAccount() {
  const { session } = useSession();
  const account = session?.account;
  if (!account) throw new Error('no signed-in account');
  return account;
}
