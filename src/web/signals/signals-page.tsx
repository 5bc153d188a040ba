// Every signal, newest first, in every state: what the rules caught, what was done about it, and
// how it ended: resolved by the awaited event, or dismissed with a reason (how managers judge a
// rule: many dismissals mean it cries wolf). The board shows only the live ones. The filters
// live in the address, so a link can carry them. Live signals shown can be selected and closed
// at once (a broken feed's false alarms) and, once all those shown are, every live signal that
// matches the filters (up to the server's limit), however many pages they fill.
import { useState } from 'react';
import type { Rule } from '../../shared/schemas/rules.js';
import type { Severity } from '../../shared/schemas/rules.js';
import {
  MAX_BULK_SIGNALS_BY_FILTER,
  type Signal,
  type SignalBulkFilter,
} from '../../shared/schemas/signals.js';
import { useAddressFilters } from '../lib/address-filters.js';
import type { Items, Page } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { useWorkZone } from '../lib/work-zone.js';
import { FilterSelect } from '../layout/filter-select.js';
import { GrowingList } from '../layout/growing-list.js';
import { anySignal, signalsAndCases, useLive } from '../lib/live.js';
import { SuccessNotice } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { AboutFilter, HistoryPageHeader, LinkedFilter, aboutIn } from './about-filter.js';
import { countOf, formatDate } from '../lib/format.js';
import { SignalBulkBar, type BulkTarget } from './signal-bulk-bar.js';
import { SignalHistoryTable } from './signal-history-table.js';
import { TimesInZone } from '../layout/times-in-zone.js';
import { SEVERITY_ORDER, SIGNAL_STATE_LABELS, severityLabel } from './signal-labels.js';

const LIVE = ['open', 'acted'] as const;
/** The KPI tiles' filters (true only), as the chips name them. */
const KPI_FILTERS = [
  { key: 'caughtBeforeContact', label: 'Caught before contact' },
  { key: 'contactAvoided', label: 'Contact avoided' },
  { key: 'hasDueTime', label: 'With a due time' },
] as const;
const flag = (params: URLSearchParams, key: string) => (params.get(key) === 'true' ? 'true' : '');
const STATES = [['open,acted', 'Live (open or acted on)'], ...Object.entries(SIGNAL_STATE_LABELS)] as const;
/** `caseUnassigned=true`: the case is still to be worked on and nobody is assigned to it. */
const CASE_OWNERS = [['true', 'Nobody on it']] as const;

export function SignalsPage() {
  useDocumentTitle('Signals');
  const [params, change] = useAddressFilters();
  const filters = {
    state: params.get('state') ?? '',
    severity: params.get('severity') ?? '',
    ruleId: params.get('ruleId') ?? '',
    // A case nobody owns (the board's line links here with state=open,acted: the live ones).
    caseUnassigned: flag(params, 'caseUnassigned'),
  };
  const about = aboutIn(params);
  // From the KPI tiles' and page's links: the period counted, "resolved by itself", and the
  // signals a tile counts (caught before contact, contacts avoided, with a due time).
  const linked = {
    detectedFrom: params.get('detectedFrom') ?? '',
    detectedTo: params.get('detectedTo') ?? '',
    resolvedByEvent: params.get('resolvedByEvent') === 'true' ? 'true' : '',
    caughtBeforeContact: flag(params, 'caughtBeforeContact'),
    contactAvoided: flag(params, 'contactAvoided'),
    hasDueTime: flag(params, 'hasDueTime'),
  };
  const rules = useApi<Items<Rule>>('/rules', { limit: 500 });
  // A period from the KPI page is days in the work zone: its chip names them in that zone.
  const workZone = useWorkZone();
  const set = (key: keyof typeof filters, value: string) => change({ [key]: value }, { replace: true });
  const query = {
    ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
    ...(about ? { [about.key]: about.id } : {}),
    ...Object.fromEntries(Object.entries(linked).filter(([, v]) => v)),
  };
  // How many match, as the other lists say it ("241 signals", "12 signals found").
  const counted = useApi<Page<Signal>>(
    '/signals',
    { ...query, limit: 1, includeTotal: true },
    { keepPrevious: true },
  );
  // With the Case filter, who owns a case decides which signals match: any case taken, left,
  // solved or merged may change the count (and the list, below); else only signals do.
  const byOwner = filters.caseUnassigned ? signalsAndCases(null) : anySignal;
  useLive(byOwner, counted.reload);
  const total = counted.data?.total;
  // The zone the rows' times are in is named with the rows, not only once their count comes.
  const summary = (
    <>
      Everything the signal rules caught, newest first: live, resolved by the awaited event, or dismissed.{' '}
      <TimesInZone testId="signals-zone" className="muted" />
    </>
  );
  // The selection and the last bulk change's message belong to the list they were made in.
  const listKey = JSON.stringify(query);
  const [selected, setSelected] = useState<{ key: string; ids: Set<string> }>({
    key: listKey,
    ids: new Set(),
  });
  const [notice, setNotice] = useState<{ key: string; text: string } | null>(null);
  const selectedIds = selected.key === listKey ? selected.ids : new Set<string>();
  // "Every live signal that matches": the live states the filters allow, and the filter to send.
  const askedStates = filters.state ? filters.state.split(',').map((st) => st.trim()) : [...LIVE];
  const liveStates = LIVE.filter((st) => askedStates.includes(st));
  // The bulk close's filter takes the KPIs' conditions, but not "resolved by itself": a signal
  // that resolved itself is no longer live, so none would match.
  const canTakeAll = liveStates.length > 0 && !linked.resolvedByEvent;
  const bulkFilter: SignalBulkFilter = {
    ...(filters.state ? { state: liveStates } : {}),
    ...(filters.severity ? { severity: filters.severity as Severity } : {}),
    ...(filters.ruleId ? { ruleId: filters.ruleId } : {}),
    ...(filters.caseUnassigned ? { caseUnassigned: true } : {}),
    ...(about ? { [about.key]: about.id } : {}),
    ...(linked.detectedFrom ? { detectedFrom: linked.detectedFrom } : {}),
    ...(linked.detectedTo ? { detectedTo: linked.detectedTo } : {}),
    ...(linked.caughtBeforeContact ? { caughtBeforeContact: true } : {}),
    ...(linked.contactAvoided ? { contactAvoided: true } : {}),
    ...(linked.hasDueTime ? { hasDueTime: true } : {}),
  };
  const liveCount = useApi<Page<Signal>>(
    canTakeAll ? '/signals' : null,
    { ...query, state: liveStates.join(','), limit: 1, includeTotal: true },
    { keepPrevious: true },
  );
  useLive(canTakeAll ? byOwner : null, liveCount.reload);
  const liveTotal = canTakeAll ? liveCount.data?.total : undefined;
  const [allMatching, setAllMatching] = useState<string | null>(null);
  const takingAll = allMatching === listKey && liveTotal !== undefined;
  const select = (ids: Set<string>) => {
    setSelected({ key: listKey, ids });
    setAllMatching(null);
  };
  const valid = (iso: string) => !Number.isNaN(Date.parse(iso));
  const ruleOptions = (rules.data?.items ?? []).map((r) => [r.id, r.name] as const);
  if (filters.ruleId && !ruleOptions.some(([id]) => id === filters.ruleId)) {
    ruleOptions.push([filters.ruleId, 'Chosen rule']);
  }
  return (
    <>
      <HistoryPageHeader
        title="Signals"
        subtitle={
          total === undefined ? (
            summary
          ) : (
            <>
              <span data-testid="signal-total">
                {Object.keys(query).length ? `${countOf(total, 'signal')} found` : countOf(total, 'signal')}
              </span>
              <span className="view-summary">{summary}</span>
            </>
          )
        }
        exportAs={{ path: '/signals/export.csv', query, name: 'signals' }}
      />
      <div className="toolbar toolbar--filters" role="search" aria-label="Filter signals">
        <AboutFilter about={about} onClear={() => change({ customerId: '', organizationId: '' })} />
        {(linked.detectedFrom || linked.detectedTo) && (
          <LinkedFilter
            testId="signals-period-filter"
            label={[
              linked.detectedFrom &&
                valid(linked.detectedFrom) &&
                `Detected since ${formatDate(linked.detectedFrom, workZone.zone)}`,
              linked.detectedTo &&
                valid(linked.detectedTo) &&
                `before ${formatDate(linked.detectedTo, workZone.zone)}`,
            ]
              .filter(Boolean)
              .join(', ')}
            onClear={() => change({ detectedFrom: '', detectedTo: '' }, { replace: true })}
          />
        )}
        {linked.resolvedByEvent && (
          <LinkedFilter
            testId="signals-itself-filter"
            label="Resolved by itself"
            onClear={() => change({ resolvedByEvent: '' }, { replace: true })}
          />
        )}
        {KPI_FILTERS.filter(({ key }) => linked[key]).map(({ key, label }) => (
          <LinkedFilter
            key={key}
            testId={`signals-${key}-filter`}
            label={label}
            onClear={() => change({ [key]: '' }, { replace: true })}
          />
        ))}
        <FilterSelect
          id="signals-state"
          label="State"
          value={filters.state}
          options={STATES}
          all="All states"
          onChange={(v) => set('state', v)}
        />
        <FilterSelect
          id="signals-severity"
          label="Severity"
          value={filters.severity}
          options={SEVERITY_ORDER.map((s) => [s, severityLabel(s)] as const)}
          all="All severities"
          onChange={(v) => set('severity', v)}
        />
        <FilterSelect
          id="signals-rule"
          label="Rule"
          value={filters.ruleId}
          options={ruleOptions}
          all="All rules"
          onChange={(v) => set('ruleId', v)}
        />
        <FilterSelect
          id="signals-case"
          label="Case"
          value={filters.caseUnassigned}
          options={CASE_OWNERS}
          all="Any or none"
          onChange={(v) => set('caseUnassigned', v)}
        />
      </div>
      <SuccessNotice message={notice?.key === listKey ? notice.text : null} />
      <GrowingList<Signal>
        path="/signals"
        query={query}
        what="signals"
        emptyTestId="signals-empty"
        empty={Object.keys(query).length ? 'No signals match.' : 'No signal rule has fired yet.'}
        // The rows say whether nobody owns their case: they follow those cases too (all of them, with the Case filter).
        live={(news, items) =>
          signalsAndCases(filters.caseUnassigned ? null : items.map((s) => s.caseId))(news)
        }
      >
        {(items, loading, reload) => {
          // Only what is shown and still live can be ticked; all that match, once all shown are.
          const chosen = items.filter((s) => selectedIds.has(s.id)).map((s) => s.id);
          const liveShown = items.filter((s) => (LIVE as readonly string[]).includes(s.state)).length;
          const offerAll =
            !takingAll &&
            chosen.length > 0 &&
            chosen.length === liveShown &&
            liveTotal !== undefined &&
            liveTotal > chosen.length;
          const target: BulkTarget = takingAll ? { filter: bulkFilter, count: liveTotal } : { ids: chosen };
          const scope = takingAll ? (
            <p className="bulk-bar__scope" data-testid="signal-scope">
              All {countOf(liveTotal, 'live signal')} that match the filters are selected.{' '}
              <button type="button" className="link-quiet" onClick={() => setAllMatching(null)}>
                Select only the {countOf(chosen.length, 'signal')} shown
              </button>
            </p>
          ) : offerAll ? (
            <p className="bulk-bar__scope" data-testid="signal-scope">
              {chosen.length === 1
                ? 'The live signal shown is'
                : `All ${chosen.length} live signals shown are`}{' '}
              selected.{' '}
              {liveTotal > MAX_BULK_SIGNALS_BY_FILTER ? (
                `${liveTotal.toLocaleString('en-US')} match: narrow the filters to close more than ${MAX_BULK_SIGNALS_BY_FILTER.toLocaleString('en-US')} at once.`
              ) : (
                <button
                  type="button"
                  className="link-quiet"
                  data-testid="signal-select-all"
                  onClick={() => setAllMatching(listKey)}
                >
                  Select all {countOf(liveTotal, 'live signal')} that match
                </button>
              )}
            </p>
          ) : undefined;
          return (
            <>
              {(chosen.length > 0 || takingAll) && (
                <SignalBulkBar
                  target={target}
                  scope={scope}
                  onClear={() => select(new Set())}
                  onDone={(text) => {
                    setNotice({ key: listKey, text });
                    select(new Set());
                    reload();
                    liveCount.reload();
                    counted.reload();
                  }}
                />
              )}
              <SignalHistoryTable
                testId="signals"
                rowTestId="signal-row"
                signals={items}
                busy={loading}
                backLabel="Signals"
                showCustomer
                selection={{ ids: selectedIds, onChange: select }}
              />
            </>
          );
        }}
      </GrowingList>
    </>
  );
}
