// Secrets Steward shows once (an API token when made, an event source's token and webhook
// secret): what they are, how to use them, and the way on once they are copied. Steward keeps
// only their hashes, so leaving this card loses them for good.
import type { ReactNode } from 'react';

export function ShownOnce(props: {
  testId: string;
  /** What was made, and that it is not shown again. */
  notice: ReactNode;
  /** Label and value: the secrets (with their test ids) and how to use them. */
  items: [label: string, value: ReactNode][];
  doneLabel: string;
  onDone: () => void;
}) {
  return (
    <div className="card credentials" data-testid={props.testId}>
      <p className="notice notice--warning" role="status">
        {props.notice}
      </p>
      <dl className="credentials__list">
        {props.items.map(([label, value]) => (
          <div key={label} className="credentials__item">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <button type="button" className="button button--primary" onClick={props.onDone}>
        {props.doneLabel}
      </button>
    </div>
  );
}
