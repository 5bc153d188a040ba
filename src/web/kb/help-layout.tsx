// The frame of the public help center: reachable without signing in. Signed-in customers get
// their requests and a new one, staff their way back into Steward; everyone else the web form
// (Contact us) and a sign-in link that returns here afterwards.
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/auth-context.js';
import type { LoginLocationState } from '../auth/login-page.js';
import { Brand } from '../layout/brand.js';
import { useCompanyName } from '../lib/branding.js';
import './kb.css';

/**
 * The help center's top bar: its name (the company's Help center) leading home, and the links
 * beside it (`children`). The web form opened as a page of its own has it too.
 */
export function HelpTopBar(props: { children: ReactNode }) {
  const company = useCompanyName();
  const helpName = company ? `${company} Help center` : 'Help center';
  return (
    <header className="topbar">
      <div className="topbar__inner">
        <Brand name={helpName} home={{ to: '/help', label: `${helpName} home` }} />
        <div className="session">{props.children}</div>
      </div>
    </header>
  );
}

export function HelpLayout() {
  const { status, me } = useAuth();
  const location = useLocation();
  const back: LoginLocationState = { from: location.pathname + location.search };
  return (
    <div className="app help">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <HelpTopBar>
        {status === 'signed-in' && me?.role === 'customer' ? (
          // A customer who read and still needs help: their requests, or a new one.
          <>
            <Link className="button button--ghost button--small" to="/portal" data-testid="help-back">
              My requests
            </Link>
            <Link className="button button--small" to="/portal/new" data-testid="help-new-request">
              New request
            </Link>
          </>
        ) : status === 'signed-in' && me ? (
          <Link className="button button--ghost button--small" to="/" data-testid="help-back">
            Back to Steward
          </Link>
        ) : status === 'signed-out' ? (
          // A visitor without an account writes in through the web form.
          <>
            <Link className="button button--ghost button--small" to="/form" data-testid="help-contact">
              Contact us
            </Link>
            <Link className="button button--ghost button--small" to="/login" state={back}>
              Sign in
            </Link>
          </>
        ) : null}
      </HelpTopBar>
      <main id="main" className="page help-page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
