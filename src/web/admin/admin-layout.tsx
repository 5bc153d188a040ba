import { Link, Outlet, useLocation } from 'react-router-dom';
import { useFoldingMenu } from '../layout/use-folding-menu.js';

interface Section {
  to: string;
  label: string;
  /** Other pages this entry stands for (its tabs). */
  also?: string[];
}

/** The administration, grouped by what an admin is setting up. */
const GROUPS: { title: string; sections: Section[] }[] = [
  {
    title: 'Promises',
    sections: [
      { to: '/admin/calendars', label: 'Calendars' },
      { to: '/admin/agreements', label: 'Agreements' },
      { to: '/admin/segments', label: 'Segments' },
    ],
  },
  {
    title: 'Signals',
    sections: [
      { to: '/admin/rules', label: 'Signal rules' },
      { to: '/admin/event-sources', label: 'Event sources' },
    ],
  },
  {
    title: 'Service desk',
    sections: [
      {
        to: '/admin/case-fields',
        label: 'Fields',
        also: ['/admin/customer-fields', '/admin/organization-fields'],
      },
      { to: '/admin/teams', label: 'Teams' },
      { to: '/admin/agents', label: 'Agents' },
      { to: '/admin/mailboxes', label: 'Mailboxes' },
      { to: '/admin/web-form', label: 'Web form' },
      { to: '/admin/blocked-senders', label: 'Blocked senders' },
      { to: '/admin/deleted-cases', label: 'Deleted cases' },
    ],
  },
  {
    title: 'People and access',
    sections: [
      { to: '/admin/users', label: 'Users' },
      { to: '/admin/api-tokens', label: 'API tokens' },
    ],
  },
  {
    title: 'System',
    sections: [
      { to: '/admin/webhooks', label: 'Webhooks' },
      { to: '/admin/settings', label: 'Settings' },
      { to: '/admin/audit-log', label: 'Audit log' },
    ],
  },
];

/**
 * Administration: business calendars, agreements (PSAs), segments, signal rules, event sources,
 * case categories and the fields of cases, customers and organizations, teams, agents, mailboxes,
 * users, API tokens, webhooks, settings and the audit log. A side menu in groups; on a narrow
 * screen it stands above the page, folded behind a button that names the section shown (open, it
 * filled a phone's screen before the page began).
 */
export function AdminLayout() {
  const { pathname } = useLocation();
  const menu = useFoldingMenu<HTMLDivElement>();
  const within = (path: string) => pathname === path || pathname.startsWith(`${path}/`);
  const isActive = (s: Section) => within(s.to) || !!s.also?.some(within);
  const current = GROUPS.flatMap((g) => g.sections).find(isActive);
  return (
    <div className="admin">
      <div className="admin__menu" ref={menu.frameRef}>
        <button
          type="button"
          className="admin-menu-button"
          ref={menu.buttonRef}
          aria-expanded={menu.open}
          aria-controls="admin-nav"
          onClick={menu.toggle}
        >
          <span className="admin-menu-button__title">Administration</span>
          {current && <span className="admin-menu-button__current">{current.label}</span>}
        </button>
        <nav
          id="admin-nav"
          className={menu.open ? 'admin-nav admin-nav--open' : 'admin-nav'}
          aria-label="Administration"
          onClick={menu.foldOnLink}
        >
          {GROUPS.map((group) => (
            <div key={group.title} className="admin-nav__group">
              <div className="admin-nav__title">{group.title}</div>
              {group.sections.map((s) => {
                const active = isActive(s);
                return (
                  <Link
                    key={s.to}
                    to={s.to}
                    aria-current={active ? 'page' : undefined}
                    className={active ? 'admin-nav__link admin-nav__link--active' : 'admin-nav__link'}
                  >
                    {s.label}
                  </Link>
                );
              })}
            </div>
          ))}
        </nav>
      </div>
      <div className="admin__page">
        <Outlet />
      </div>
    </div>
  );
}
