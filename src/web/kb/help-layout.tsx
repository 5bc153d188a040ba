// The frame of the public help center: reachable without signing in. Signed-in people get their
// way back into Steward; everyone else a sign-in link that returns here afterwards.
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/auth-context.js';
import type { LoginLocationState } from '../auth/login-page.js';
import { Brand } from '../layout/brand.js';
import { useCompanyName } from '../lib/branding.js';
import './kb.css';

export function HelpLayout() {
  const { status, me } = useAuth();
  const location = useLocation();
  const company = useCompanyName();
  const helpName = company ? `${company} Help center` : 'Help center';
  const back: LoginLocationState = { from: location.pathname + location.search };
  return (
    <div className="app help">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <Brand name={helpName} home={{ to: '/help', label: `${helpName} home` }} />
          <div className="session">
            {status === 'signed-in' && me ? (
              <Link className="button button--ghost button--small" to="/" data-testid="help-back">
                {me.role === 'customer' ? 'My account' : 'Back to Steward'}
              </Link>
            ) : status === 'signed-out' ? (
              <Link className="button button--ghost button--small" to="/login" state={back}>
                Sign in
              </Link>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="page help-page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
