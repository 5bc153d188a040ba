import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useMatch } from 'react-router-dom';
import { isStaff, useAuth, useMe } from '../auth/auth-context.js';
import { roleLabel } from '../lib/format.js';
import { ShortcutsHelp } from './shortcuts-help.js';
import { Brand, useBrandName } from './brand.js';
import { NotificationsBell } from '../notifications/notifications-bell.js';
import { useFoldingMenu } from './use-folding-menu.js';

const navClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'nav__link nav__link--active' : 'nav__link';

/**
 * Whether the element's content goes on beyond its right edge (scrolled sideways or too narrow a
 * window): the navigation fades out there, a cue that there is more.
 */
function useMoreToTheRight<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [more, setMore] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setMore(el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    for (const child of el.children) observer.observe(child);
    el.addEventListener('scroll', check, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', check);
    };
  }, []);
  return [ref, more] as const;
}

/**
 * The frame of every signed-in screen: product name, main navigation, who is signed in. Narrower
 * than a laptop (an admin's links would not fit) the navigation folds behind a Menu button.
 */
export function AppLayout() {
  const me = useMe();
  const [navRef, moreLinks] = useMoreToTheRight<HTMLElement>();
  const menu = useFoldingMenu<HTMLDivElement>();
  const { signOut } = useAuth();
  const staff = isStaff(me);
  const onAccount = useMatch('/portal/account') !== null;
  // Staff see their role (on a wide screen; narrower, their name alone, the role in its title); a
  // customer, for whom "Customer" says nothing, the way to their account (on a phone it stands in
  // for the name, the link to My account).
  const badge = (
    <span className={`role-badge role-badge--${me.role}`} data-testid="user-role">
      {staff ? roleLabel(me.role) : 'My account'}
    </span>
  );
  // Customers see the company's name (Admin → Settings); staff, Steward.
  const brandName = useBrandName(!staff);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar__inner" ref={menu.frameRef}>
          <Brand name={brandName} home={{ to: '/', label: `${brandName} home` }} />
          <button
            type="button"
            className="menu-button"
            ref={menu.buttonRef}
            aria-expanded={menu.open}
            aria-controls="main-nav"
            onClick={menu.toggle}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                d={
                  menu.open
                    ? 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4Z'
                    : 'M3 6h18v2H3Zm0 5h18v2H3Zm0 5h18v2H3Z'
                }
              />
            </svg>
            <span className="menu-button__label">Menu</span>
          </button>
          <nav
            ref={navRef}
            id="main-nav"
            className={['nav', moreLinks && 'nav--more', menu.open && 'nav--open'].filter(Boolean).join(' ')}
            aria-label="Main"
            onClick={menu.foldOnLink}
          >
            {staff && (
              <NavLink to="/cases" className={navClass}>
                Cases
              </NavLink>
            )}
            {staff && (
              // "Proactive" leads to the Proactive board: the full name does not fit an admin's
              // bar at 1024 px (a browser test measures).
              <NavLink to="/board" className={navClass}>
                Proactive
              </NavLink>
            )}
            {staff && (
              <NavLink to="/kpis" className={navClass}>
                KPIs
              </NavLink>
            )}
            {staff && (
              <NavLink to="/events" className={navClass}>
                Events
              </NavLink>
            )}
            {staff && (
              <NavLink to="/mail" className={navClass}>
                Mail
              </NavLink>
            )}
            {!staff && (
              // Her requests, a request and a new one; My account (/portal/account) has its own link.
              <NavLink
                to="/portal"
                className={({ isActive }) => navClass({ isActive: isActive && !onAccount })}
                aria-current={onAccount ? false : undefined}
              >
                My requests
              </NavLink>
            )}
            {staff && (
              <NavLink to="/customers" end className={navClass}>
                Customers
              </NavLink>
            )}
            {staff && (
              <NavLink to="/organizations" className={navClass}>
                Organizations
              </NavLink>
            )}
            {!staff && me.organizationAccess && me.organizationId && (
              <NavLink to={`/organizations/${me.organizationId}`} className={navClass}>
                My organization
              </NavLink>
            )}
            {!staff && (
              // One name for one page: the nav, the page's title and the badge that stands in for
              // her name on a phone all say My account. Her contact details (her customer record)
              // are linked from there.
              <NavLink to="/portal/account" className={navClass}>
                My account
              </NavLink>
            )}
            {staff && (
              <NavLink to="/kb" className={navClass}>
                Knowledge base
              </NavLink>
            )}
            {!staff && (
              <NavLink to="/help" className={navClass}>
                Help
              </NavLink>
            )}
            {me.role === 'admin' && (
              <NavLink to="/admin" className={navClass}>
                Admin
              </NavLink>
            )}
          </nav>
          <div className="session">
            {staff && <ShortcutsHelp />}
            {staff && <NotificationsBell />}
            {/* Name and role lead to Your account (customers: My account in the portal). On narrow
                screens staff keep their name (the role is in the title), customers the badge. */}
            <Link
              to={staff ? '/account' : '/portal/account'}
              aria-current={onAccount ? 'page' : undefined}
              className={`session__who session__who--${staff ? 'staff' : 'customer'}`}
              title={
                staff
                  ? `${me.name} (${roleLabel(me.role)}). Your account: password and sessions`
                  : 'My account: name, time zone, password and sessions'
              }
            >
              <span className="session__name" data-testid="user-name">
                {me.name}
              </span>
              {badge}
            </Link>
            <button
              type="button"
              className="button button--ghost button--small"
              onClick={() => void signOut()}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
