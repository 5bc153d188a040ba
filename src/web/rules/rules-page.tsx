// Signal rules (admin): what each watches, how severe its signals are, whether it is on, how many
// of its signals are live, how it did in the last 30 days (signals, resolved, dismissed), and its
// version; the KPI page has the same per rule over any period. The switch turns a rule on or off at once.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { RULE_KINDS, type Rule } from '../../shared/schemas/rules.js';
import { api, toApiError } from '../lib/api.js';
import { isEditConflict } from '../layout/edit-conflict.js';
import { countOf, formatDateTime, formatNumber } from '../lib/format.js';
import type { Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { PAGE_SIZE, useCursorPager } from '../lib/use-cursor-pager.js';
import { Flash } from '../layout/flash.js';
import { FormError, ListPager, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { ListState } from '../layout/list-state.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { SeverityBadge } from '../signals/signal-badges.js';
import { ruleKindLabel } from '../signals/signal-labels.js';

export function RulesPage() {
  useDocumentTitle('Signal rules');
  const [params] = useSearchParams();
  const pager = useCursorPager();
  const kind = params.get('kind') ?? '';
  const enabled = params.get('enabled') ?? '';
  const rules = useApi<Page<Rule>>(
    '/rules',
    { kind, enabled, limit: PAGE_SIZE, cursor: pager.cursor },
    { keepPrevious: true },
  );
  const [overrides, setOverrides] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const items = rules.data?.items ?? [];

  async function toggle(rule: Rule, on: boolean) {
    setError(null);
    setOverrides((o) => ({ ...o, [rule.id]: on }));
    setBusy((b) => ({ ...b, [rule.id]: true }));
    try {
      // Onto the version listed here: a rule changed meanwhile is shown again before it is switched.
      await api.patch(`/rules/${rule.id}`, { enabled: on }, rule.updatedAt);
      rules.reload();
    } catch (err) {
      if (isEditConflict(err)) {
        setOverrides(({ [rule.id]: _, ...o }) => o);
        rules.reload();
        setError(
          `Someone else changed “${rule.name}” since this list was loaded, so it was not ${on ? 'enabled' : 'disabled'}. ` +
            'It is shown as it is now: switch it again if you still want to.',
        );
        return;
      }
      setOverrides((o) => ({ ...o, [rule.id]: !on }));
      setError(`Could not ${on ? 'enable' : 'disable'} “${rule.name}”: ${toApiError(err).message}`);
    } finally {
      setBusy((b) => ({ ...b, [rule.id]: false }));
    }
  }

  const filtered = !!(kind || enabled);
  return (
    <>
      <PageHeader
        title="Signal rules"
        subtitle="Conditions over operational events that say a promise is at risk, and what to do then."
        actions={
          <>
            <Link className="button" to="/kpis" data-testid="rules-kpis-link">
              How the rules did (KPIs)
            </Link>
            <Link className="button button--primary" to="/admin/rules/new">
              New rule
            </Link>
          </>
        }
      />
      <Flash />
      <div className="toolbar">
        <FilterSelect
          id="rules-kind"
          label="Kind"
          value={kind}
          options={RULE_KINDS.map((k) => [k, ruleKindLabel(k)] as const)}
          all="All kinds"
          onChange={(v) => pager.setFilters({ kind: v }, { replace: true })}
        />
        <FilterSelect
          id="rules-enabled"
          label="State"
          value={enabled}
          options={[
            ['true', 'Enabled'],
            ['false', 'Disabled'],
          ]}
          all="Enabled and disabled"
          onChange={(v) => pager.setFilters({ enabled: v }, { replace: true })}
        />
      </div>
      <FormError message={error} />
      <ListState
        list={rules}
        count={items.length}
        loadingLabel="Loading rules…"
        empty={
          filtered ? (
            'No rule matches these filters.'
          ) : (
            <>
              No signal rules yet. <Link to="/admin/rules/new">Write the first one</Link>: for example, “no
              scan 48 hours after dispatch”, and try it on past events with a dry run before it goes live.
            </>
          )
        }
        emptyTestId="rules-empty"
      >
        <DataTable
          testId="rule-table"
          busy={rules.loading}
          stackOnTablet
          columns={[
            'Name',
            'Kind',
            'Severity',
            'Enabled',
            numberColumn('Live signals'),
            'Last 30 days',
            numberColumn('Version'),
            'Changed',
          ]}
        >
          {items.map((r) => {
            const on = overrides[r.id] ?? r.enabled;
            return (
              <tr
                key={r.id}
                data-testid="rule-row"
                data-rule-id={r.id}
                className={on ? undefined : 'row--inactive'}
              >
                <td className="cell-primary">
                  <Link to={`/admin/rules/${r.id}`}>{r.name}</Link>
                  {r.definition.description && (
                    <div className="muted cell-sub">{r.definition.description}</div>
                  )}
                </td>
                <td className="cell-nowrap" data-testid="rule-kind">
                  {ruleKindLabel(r.kind)}
                </td>
                <td>
                  <SeverityBadge severity={r.severity} />
                </td>
                <td>
                  <label className="switch">
                    <input
                      type="checkbox"
                      role="switch"
                      checked={on}
                      disabled={busy[r.id]}
                      aria-label={`Enabled: ${r.name}`}
                      onChange={(e) => void toggle(r, e.target.checked)}
                    />
                    <span className="switch__track" aria-hidden="true" />
                    <span className="switch__text">{on ? 'On' : 'Off'}</span>
                  </label>
                </td>
                <td className="cell-number" data-testid="rule-open-signals">
                  {r.openSignals > 0 ? (
                    <Link to={`/board?rule=${r.id}`}>{formatNumber(r.openSignals)}</Link>
                  ) : (
                    <span className="muted">0</span>
                  )}
                </td>
                {/* Its second line may wrap: kept on one, it pushed the Changed column out of the frame. */}
                <td data-testid="rule-last-30-days">
                  <LastThirtyDays rule={r} />
                </td>
                <td className="cell-number" data-testid="rule-version">
                  {r.version}
                </td>
                <td className="cell-nowrap muted">{formatDateTime(r.updatedAt)}</td>
              </tr>
            );
          })}
        </DataTable>
        <ListPager pager={pager} list={rules} total={rules.data?.total} />
      </ListState>
    </>
  );
}

/** How the rule did lately: its signals, and how many were dismissed (a rule to tune) or resolved themselves. */
function LastThirtyDays({ rule }: { rule: Rule }) {
  const { signals, resolved, resolvedByEvent, dismissed } = rule.last30Days;
  if (signals === 0) return <span className="muted">No signals</span>;
  return (
    <>
      <Link to={`/signals?ruleId=${rule.id}`}>{countOf(signals, 'signal', 'signals')}</Link>
      <span className="cell-sub muted">
        {formatNumber(resolved)} resolved
        {resolvedByEvent > 0 && ` (${formatNumber(resolvedByEvent)} by themselves)`} ·{' '}
        {formatNumber(dismissed)} dismissed
      </span>
    </>
  );
}
