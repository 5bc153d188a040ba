// Every saved version of a rule, newest first: when, by whom, the definition, and a way to load
// an old one back into the editor (saving it then makes it the newest version).
import type { z } from 'zod';
import type { RuleDefinition, RuleVersion } from '../../shared/schemas/rules.js';
import { formatDateTime } from '../lib/format.js';
import type { Items } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';

type Version = z.infer<typeof RuleVersion>;

export function VersionsPanel(props: {
  ruleId: string;
  current: number;
  onLoad(definition: RuleDefinition, version: number): void;
}) {
  const versions = useApi<Items<Version>>(`/rules/${props.ruleId}/versions`);
  const who = (v: Version) => (v.createdBy === null ? 'System' : (v.createdByName ?? 'A former user'));

  return (
    <section className="card rule-panel" aria-labelledby="versions-title" data-testid="rule-versions">
      <h2 id="versions-title">Version history</h2>
      {versions.error && <ErrorNotice error={versions.error} onRetry={versions.reload} />}
      {!versions.data && !versions.error && <Loading label="Loading versions…" />}
      {versions.data && (
        <ol className="versions">
          {[...versions.data.items]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <li key={v.version} className="version" data-testid="version-item">
                <div className="version__head">
                  <strong>Version {v.version}</strong>
                  {v.version === props.current && <span className="tag">current</span>}
                  <span className="muted">
                    {formatDateTime(v.createdAt)} · {who(v)}
                  </span>
                </div>
                <details className="version__details">
                  <summary>Definition</summary>
                  <pre className="json-block">{JSON.stringify(v.definition, null, 2)}</pre>
                </details>
                {v.version !== props.current && (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => props.onLoad(v.definition, v.version)}
                  >
                    Load into the editor
                  </button>
                )}
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
