// What a recorded change holds, one line a field: an update's changed fields as "Field: from →
// to", then the rest of its data as "Field: value", ids written by the names the API sent with
// the entry. The audit log's Change column and the records' histories show changes so.
import type { ReactNode } from 'react';
import { auditLines } from '../lib/audit-values.js';

export function ChangeList(props: {
  data: Record<string, unknown>;
  names: Record<string, string>;
  /** The record's own words for some of its fields ("domains" → "E-mail domains"). */
  labels?: Record<string, string>;
  /** Shown when the change holds nothing; none by default. */
  empty?: ReactNode;
}) {
  const lines = auditLines(props.data, props.names, props.labels);
  if (lines.length === 0) return props.empty ?? null;
  return (
    <ul className="audit-changes" data-testid="change-list">
      {lines.map((l) => (
        <li key={l.key}>
          <span className="muted">{l.label}:</span> {l.text}
        </li>
      ))}
    </ul>
  );
}
