import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from './auth-context.js';
import type { LoginLocationState } from './login-page.js';

/** Screens behind it need a signed-in user; others are sent to sign in and brought back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, endReason } = useAuth();
  const location = useLocation();
  if (status === 'checking') {
    return (
      <div className="splash" role="status">
        Loading Steward…
      </div>
    );
  }
  if (status === 'signed-out') {
    // After a deliberate sign-out the next person starts fresh, not on the last user's screen.
    const state: LoginLocationState =
      endReason === 'signed-out' ? {} : { from: location.pathname + location.search };
    return <Navigate to="/login" replace state={state} />;
  }
  return <>{children}</>;
}
