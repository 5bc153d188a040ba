// Small building blocks shared by the screens: page header, loading and error states, pager.
import { useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { ApiError } from '../lib/api.js';
import { formatNumber } from '../lib/format.js';
import type { Page } from '../lib/types.js';
import type { ApiState } from '../lib/use-api.js';
import type { CursorPager } from '../lib/use-cursor-pager.js';

export function PageHeader(props: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  back?: { to: string; label: string };
}) {
  return (
    <div className="page-header">
      {props.back && (
        <Link className="back-link" to={props.back.to} data-testid="page-back">
          ← {props.back.label}
        </Link>
      )}
      <div className="page-header__row">
        <div>
          <h1>{props.title}</h1>
          {props.subtitle && <p className="page-header__subtitle">{props.subtitle}</p>}
        </div>
        {props.actions && <div className="page-header__actions">{props.actions}</div>}
      </div>
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** An error from the API, with a retry where trying again can help. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="notice notice--error" role="alert">
      <span>{error.message}</span>
      {onRetry && error.status !== 404 && error.status !== 403 && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A polite live region that is on the page before anything is said in it: a region added
 * together with its text is not read by every screen reader. Empty, it takes no room.
 */
function StatusSlot(props: { children: ReactNode }) {
  return (
    <div role="status" className="status-slot">
      {props.children}
    </div>
  );
}

/** The outcome of what the user just did ("Saved."); nothing to see when there is none. */
export function SuccessNotice({ message }: { message: string | null | undefined }) {
  return (
    <StatusSlot>
      {message && (
        <p className="notice notice--success" data-testid="notice">
          {message}
        </p>
      )}
    </StatusSlot>
  );
}

/** What came of an action taken on the page: a success (status) or a failure (alert); nothing before. */
export type Outcome = { ok: boolean; text: string } | null;

export function OutcomeNotice({ outcome, testId }: { outcome: Outcome; testId?: string }) {
  return (
    <StatusSlot>
      {outcome && (
        <p
          className={`notice ${outcome.ok ? 'notice--success' : 'notice--error'}`}
          role={outcome.ok ? undefined : 'alert'}
          data-testid={testId}
        >
          {outcome.text}
        </p>
      )}
    </StatusSlot>
  );
}

/** Why what the user just did failed, above the form or list it was about; nothing when it did not. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="notice notice--error" role="alert" data-testid="form-error">
      {message}
    </p>
  );
}

export function NotFound({ what, back }: { what: string; back: { to: string; label: string } }) {
  return (
    <div className="empty-state" data-testid="not-found">
      <h1>{what} not found</h1>
      <p className="muted">It does not exist, was deleted, or you do not have access to it.</p>
      <Link className="button" to={back.to}>
        {back.label}
      </Link>
    </div>
  );
}

/** One entry of a facts list (<dl className="facts">): what it is, and its value. */
export function Fact(props: { label: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <div className="facts__item">
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </div>
  );
}

export function Pager(props: {
  offset: number | undefined;
  shown: number;
  total: number | undefined;
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  busy: boolean;
  onPrevious(): void;
  onNext(cursor: string): void;
}) {
  const { offset, shown, total, nextCursor } = props;
  const ref = useRef<HTMLElement>(null);
  // A new page starts at its first row: bring the list's top into view if it scrolled away.
  const revealList = () => {
    const list = ref.current?.previousElementSibling;
    if (list && list.getBoundingClientRect().top < 0) list.scrollIntoView({ block: 'start' });
  };
  let summary: string;
  if (shown === 0) summary = '';
  else if (offset === undefined)
    summary = total === undefined ? '' : `${formatNumber(shown)} of ${formatNumber(total)}`;
  else {
    const range = `${formatNumber(offset + 1)}–${formatNumber(offset + shown)}`;
    summary = total === undefined ? range : `${range} of ${formatNumber(total)}`;
  }
  // While the next page loads, the rows on screen are still the old ones: so is the summary.
  const [settled, setSettled] = useState(summary);
  if (!props.busy && summary !== settled) setSettled(summary);
  if (props.busy) summary = settled;
  if (!props.hasPrevious && !nextCursor && !summary) return null;
  return (
    <nav className="pager" aria-label="Pages" ref={ref}>
      <span className="pager__summary" data-testid="pager-summary" aria-live="polite">
        {summary}
      </span>
      {(props.hasPrevious || nextCursor) && (
        <div className="pager__buttons">
          <button
            type="button"
            className="button button--small"
            disabled={!props.hasPrevious || props.busy}
            onClick={() => {
              props.onPrevious();
              revealList();
            }}
          >
            Previous
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={!nextCursor || props.busy}
            onClick={() => {
              if (!nextCursor) return;
              props.onNext(nextCursor);
              revealList();
            }}
          >
            Next
          </button>
        </div>
      )}
    </nav>
  );
}

/** The Pager of a list paged by cursor in the address (useCursorPager). */
export function ListPager(props: { pager: CursorPager; list: ApiState<Page<unknown>>; total?: number }) {
  const { pager, list } = props;
  return (
    <Pager
      offset={pager.offset}
      shown={list.data?.items.length ?? 0}
      total={props.total}
      hasPrevious={pager.hasPrevious}
      nextCursor={list.data?.nextCursor}
      busy={list.loading}
      onPrevious={pager.previous}
      onNext={pager.next}
    />
  );
}

/** "N shown" and a button that adds more rows below (growing lists, a record's older history). */
export function ShowMore(props: { summary: string; label: string; busy: boolean; onMore(): void }) {
  return (
    <div className="pager">
      <span className="pager__summary">{props.summary}</span>
      <button type="button" className="button button--small" disabled={props.busy} onClick={props.onMore}>
        {props.busy ? 'Loading…' : props.label}
      </button>
    </div>
  );
}
