// The frame of an admin list screen: its title and what it holds, the button for a new record,
// the one-time notice of the last save or delete, then the list in its states (error, loading,
// empty) around the caller's table.
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ApiState } from '../lib/use-api.js';
import { Flash } from '../layout/flash.js';
import { ListState } from '../layout/list-state.js';
import { PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

export function AdminList(props: {
  title: string;
  subtitle: ReactNode;
  /** The form for a new record: `{to: '/admin/teams/new', label: 'New team'}`. */
  newRecord: { to: string; label: string };
  list: ApiState<unknown>;
  /** How many rows there are to show. */
  count: number;
  loadingLabel: string;
  empty: ReactNode;
  /** Filters between the header and the list. */
  toolbar?: ReactNode;
  children: ReactNode;
}) {
  useDocumentTitle(props.title);
  return (
    <>
      <PageHeader
        title={props.title}
        subtitle={props.subtitle}
        actions={
          <Link className="button button--primary" to={props.newRecord.to}>
            {props.newRecord.label}
          </Link>
        }
      />
      <Flash />
      {props.toolbar}
      <ListState list={props.list} count={props.count} loadingLabel={props.loadingLabel} empty={props.empty}>
        {props.children}
      </ListState>
    </>
  );
}
