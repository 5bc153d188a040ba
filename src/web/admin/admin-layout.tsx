import { NavLink, Outlet } from 'react-router-dom';

const tabClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'subnav__link subnav__link--active' : 'subnav__link';

const SECTIONS = [
  ['/admin/calendars', 'Calendars'],
  ['/admin/agreements', 'Agreements'],
  ['/admin/segments', 'Segments'],
  ['/admin/rules', 'Signal rules'],
  ['/admin/case-fields', 'Case fields'],
  ['/admin/teams', 'Teams'],
  ['/admin/users', 'Users'],
  ['/admin/agents', 'Agents'],
  ['/admin/api-tokens', 'API tokens'],
  ['/admin/mailboxes', 'Mailboxes'],
  ['/admin/event-sources', 'Event sources'],
  ['/admin/webhooks', 'Webhooks'],
  ['/admin/settings', 'Settings'],
  ['/admin/audit-log', 'Audit log'],
] as const;

/**
 * Administration: business calendars, agreements (PSAs), segments, signal rules, case categories and
 * fields, teams, users, agents, API tokens, mailboxes,
 * event sources, webhooks, settings and the audit log.
 */
export function AdminLayout() {
  return (
    <div className="admin">
      <nav className="subnav" aria-label="Administration">
        {SECTIONS.map(([to, label]) => (
          <NavLink key={to} to={to} className={tabClass}>
            {label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
