// A record's Duplicates section (customers, organizations): others that may be the same, each one
// click from being merged in, and those merged in already. Nothing shows when there are none.
import { Link } from 'react-router-dom';
import { formatDate } from '../lib/format.js';
import { OutcomeNotice, type Outcome } from './page-parts.js';

interface Named {
  id: string;
  name: string;
}

export function DuplicatesSection<P extends Named, M extends Named & { mergedAt: string }>(props: {
  /** "customer", "organization": ids, test ids and the button's words. */
  noun: string;
  possible: P[];
  possibleTitle: string;
  /** The grey text beside a possible duplicate. */
  possibleDetail(p: P): string;
  /** Where a possible duplicate's name leads. */
  link(p: P): string;
  merged: M[];
  mergedHint: string;
  mergedDetail(m: M): string;
  /** Offer the merge (else the list only). */
  canMerge: boolean;
  busy: string | null;
  outcome: Outcome;
  onMerge(p: P): void;
}) {
  const { noun } = props;
  if (props.merged.length === 0 && props.possible.length === 0 && !props.outcome) return null;
  return (
    <section
      className="section"
      aria-labelledby={`${noun}-duplicates-title`}
      data-testid={`${noun}-duplicates`}
    >
      <h2 id={`${noun}-duplicates-title`}>Duplicates</h2>
      <OutcomeNotice outcome={props.outcome} testId="merge-outcome" />
      <div className="card">
        {props.possible.length > 0 && (
          <>
            <h3 className="duplicates__title">{props.possibleTitle}</h3>
            <ul className="duplicates__list" data-testid="possible-duplicates">
              {props.possible.map((d) => (
                <li key={d.id} className="duplicates__row" data-testid="possible-duplicate">
                  <span>
                    <Link to={props.link(d)}>{d.name}</Link>{' '}
                    <span className="muted">{props.possibleDetail(d)}</span>
                  </span>
                  {props.canMerge && (
                    <button
                      type="button"
                      className="button button--small"
                      disabled={props.busy !== null}
                      onClick={() => props.onMerge(d)}
                    >
                      {props.busy === d.id ? 'Merging…' : `Merge into this ${noun}`}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {props.merged.length > 0 && (
          <>
            <h3 className="duplicates__title">Merged into this {noun}</h3>
            <p className="muted">{props.mergedHint}</p>
            <ul className="duplicates__list" data-testid={`merged-${noun}s`}>
              {props.merged.map((d) => (
                <li key={d.id} className="duplicates__row">
                  <span>
                    {d.name} <span className="muted">{props.mergedDetail(d)}</span>
                  </span>
                  <span className="muted">merged {formatDate(d.mergedAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
