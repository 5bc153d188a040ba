// The knowledge-base report: how often suggestions answered a request before it was sent
// (deflection, per channel), and how helpful readers found each article (votes).
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { KbReport } from '../../shared/schemas/kb.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { DataTable, numberColumn } from '../layout/data-table.js';
import { FilterSelect } from '../layout/filter-select.js';
import { formatShare } from './kb-labels.js';

const PERIODS = [7, 30, 90] as const;
const CHANNEL_LABELS: Record<string, string> = { web: 'Web form', portal: 'Customer portal' };
const DAY_MS = 24 * 3600 * 1000;

/** A share as a plain bar, with the number beside it. */
function ShareBar({ share, label }: { share: number | null; label: string }) {
  return (
    <span className="kb-bar" role="img" aria-label={`${label}: ${formatShare(share)}`}>
      <span className="kb-bar__track" aria-hidden="true">
        <span className="kb-bar__fill" style={{ width: `${Math.round((share ?? 0) * 100)}%` }} />
      </span>
      <span className="kb-bar__value" aria-hidden="true">
        {formatShare(share)}
      </span>
    </span>
  );
}

export function KbReportView() {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  // The period ends now; rounded to the minute so the query stays the same while the page is open.
  const [to] = useState(() => new Date(Math.ceil(Date.now() / 60_000) * 60_000));
  const from = new Date(to.getTime() - days * DAY_MS);
  const report = useApi<KbReport>(
    '/kb/report',
    { from: from.toISOString(), to: to.toISOString() },
    { keepPrevious: true },
  );
  const r = report.data;

  return (
    <div className="kb-report" data-testid="kb-report">
      <div className="toolbar">
        <FilterSelect
          id="kb-report-period"
          label="Period"
          value={String(days)}
          options={PERIODS.map((p) => [String(p), `Last ${p} days`] as const)}
          onChange={(v) => setDays(Number(v) as 7 | 30 | 90)}
        />
        {r && (
          <span className="muted">
            {formatDate(r.from)} – {formatDate(r.to)}
          </span>
        )}
      </div>
      {report.error && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {!r && !report.error && <Loading label="Loading report…" />}
      {r && (
        <>
          <section className="section" aria-labelledby="kb-deflection-title">
            <h2 id="kb-deflection-title">Deflection</h2>
            <p className="muted">
              Requests answered by a suggested article before they were sent, of all requests that saw
              suggestions and ended either way.
            </p>
            <DataTable
              testId="kb-channel-report"
              busy={report.loading}
              columns={[
                'Channel',
                numberColumn('Suggestions shown'),
                numberColumn('Deflected'),
                numberColumn('Sent anyway'),
                'Deflection rate',
              ]}
            >
              {r.channels.map((c) => (
                <tr key={c.channel} data-testid={`kb-channel-${c.channel}`}>
                  <td className="cell-primary">{CHANNEL_LABELS[c.channel] ?? c.channel}</td>
                  <td className="cell-number">{formatNumber(c.suggested)}</td>
                  <td className="cell-number">{formatNumber(c.deflected)}</td>
                  <td className="cell-number">{formatNumber(c.submitted)}</td>
                  <td>
                    <ShareBar share={c.deflectionRate} label="Deflection rate" />
                  </td>
                </tr>
              ))}
            </DataTable>
          </section>
          <section className="section" aria-labelledby="kb-helpful-title">
            <h2 id="kb-helpful-title">Helpfulness</h2>
            <p className="muted">
              “Did this help?” answers to each article, and how often it answered a request.
            </p>
            <DataTable
              testId="kb-article-report"
              busy={report.loading}
              columns={[
                'Article',
                numberColumn('Yes'),
                numberColumn('No'),
                'Helpful',
                numberColumn('Deflected'),
              ]}
            >
              {r.articles.map((a) => (
                <tr key={a.articleId}>
                  <td className="cell-primary">
                    <Link to={`/kb/${a.articleId}`}>{a.title}</Link>
                  </td>
                  <td className="cell-number">{formatNumber(a.helpful)}</td>
                  <td className="cell-number">{formatNumber(a.unhelpful)}</td>
                  <td>
                    <ShareBar share={a.helpfulShare} label="Helpful" />
                  </td>
                  <td className="cell-number">{formatNumber(a.deflected)}</td>
                </tr>
              ))}
            </DataTable>
          </section>
        </>
      )}
    </div>
  );
}
