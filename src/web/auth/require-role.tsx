import type { ReactNode } from 'react';
import { Navigate } from 'react-router-dom';
import { isStaff, useMe } from './auth-context.js';
import { NotFound } from '../layout/page-parts.js';

/** The agent workspace: customers are sent to their start page (the portal). */
export function RequireStaff({ children }: { children: ReactNode }) {
  const me = useMe();
  if (!isStaff(me)) return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** A staff page with a customer's counterpart elsewhere (Your account: /portal/account). */
export function StaffOr({ customer, children }: { customer: string; children: ReactNode }) {
  const me = useMe();
  if (!isStaff(me)) return <Navigate to={customer} replace />;
  return <>{children}</>;
}

/** Administration: to anyone else it does not exist. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.role !== 'admin') return <NotFound what="Page" back={{ to: '/', label: 'Go to the start page' }} />;
  return <>{children}</>;
}

/** The customer portal: staff are sent to their start page. */
export function RequireCustomer({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.role !== 'customer') return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** Staff land on their cases; customers on their requests (the portal). */
export function HomeRedirect() {
  const me = useMe();
  return <Navigate to={isStaff(me) ? '/cases' : '/portal'} replace />;
}
