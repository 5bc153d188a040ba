import { NavLink, Outlet } from 'react-router-dom';

const tabClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'subnav__link subnav__link--active' : 'subnav__link';

/** Administration: business calendars, agreements (PSAs), signal rules, teams, agents and mailboxes. */
export function AdminLayout() {
  return (
    <div className="admin">
      <nav className="subnav" aria-label="Administration">
        <NavLink to="/admin/calendars" className={tabClass}>
          Calendars
        </NavLink>
        <NavLink to="/admin/agreements" className={tabClass}>
          Agreements
        </NavLink>
        <NavLink to="/admin/rules" className={tabClass}>
          Signal rules
        </NavLink>
        <NavLink to="/admin/teams" className={tabClass}>
          Teams
        </NavLink>
        <NavLink to="/admin/agents" className={tabClass}>
          Agents
        </NavLink>
        <NavLink to="/admin/mailboxes" className={tabClass}>
          Mailboxes
        </NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
