// Customers from a CSV file, for admins (POST /imports/customers, as `steward import customers`).
// The file is checked first (a dry run: nothing written) and the report shown: how many rows,
// which are invalid and why. Then the admin imports: all rows, or with invalid ones present
// only by choosing to leave those out. The columns are the customer export's.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { CUSTOMER_CSV_COLUMNS, type ImportReport } from '../../shared/schemas/imports.js';
import { api, toApiError } from '../lib/api.js';
import { countOf } from '../lib/format.js';
import { saveBlob } from '../lib/download.js';
import { safeCell } from '../../shared/csv-cell.js';
import { DataTable } from '../layout/data-table.js';
import { FormError, PageHeader } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';

const PATH = '/imports/customers';
/** The invalid rows listed on the page; the rest are counted. */
const SHOWN_ERRORS = 100;

/** The report's problems as a CSV file, like the CLI's `--errors`: line, column, problem. */
async function downloadProblems(report: ImportReport, checkedFile: string) {
  // Loaded when asked for: the writer is not needed anywhere else in the page's bundle.
  const { stringify } = await import('csv-stringify/browser/esm/sync');
  const rows = report.errors.map((e) => [e.row, e.field, safeCell(e.message)]);
  const text = stringify([['line', 'column', 'problem'], ...rows]);
  // With a byte-order mark, as Steward's exports: spreadsheets then read it as UTF-8.
  const name = `${checkedFile.replace(/\.csv$/i, '')}-problems.csv`;
  saveBlob(new Blob([`\uFEFF${text}`], { type: 'text/csv;charset=utf-8' }), name);
}

export function CustomerImportPage() {
  useDocumentTitle('Import customers');
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<ImportReport | null>(null);
  const [done, setDone] = useState<ImportReport | null>(null);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = (chosen: File, query: Record<string, string>) =>
    api.upload<ImportReport>(PATH, query, chosen, 'text/csv');

  async function check(chosen: File) {
    setFile(chosen);
    setChecked(null);
    setDone(null);
    setSkipInvalid(false);
    setError(null);
    setBusy('check');
    try {
      setChecked(await send(chosen, { dryRun: 'true' }));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  }

  async function run() {
    if (!file || !checked) return;
    setError(null);
    setBusy('import');
    try {
      setDone(await send(file, skipInvalid ? { skipInvalid: 'true' } : {}));
    } catch (err) {
      // The file changed in between (a row became invalid): nothing was written; check it again.
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  }

  const importable = checked ? checked.valid : 0;
  const canImport = !!checked && importable > 0 && (checked.invalid === 0 || skipInvalid) && !done;

  return (
    <>
      <PageHeader
        back={{ to: '/customers', label: 'Back to customers' }}
        title="Import customers"
        subtitle="From a CSV file: it is checked first, and nothing is written until you import."
      />
      <section className="card form" aria-labelledby="import-file-title">
        <h2 id="import-file-title">File</h2>
        <p className="muted">
          UTF-8 CSV with a header line. Columns, in any order (all but <code>name</code> optional):{' '}
          {CUSTOMER_CSV_COLUMNS.map((c, i) => (
            <span key={c}>
              {i > 0 && ', '}
              <code>{c}</code>
            </span>
          ))}
          , and <code>cf.&lt;key&gt;</code> for a custom field (one defined under Admin → Fields is read as
          its type: a number, yes/no, a date, one of its options). A new organization name creates the
          organization; an e-mail or external id already in use is an invalid row. The customer export
          (Customers → Export CSV) writes this format.
        </p>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            disabled={busy !== null}
            onChange={(e) => {
              const chosen = e.target.files?.[0];
              if (chosen) void check(chosen);
            }}
          />
        </div>
        {busy === 'check' && <p className="muted">Checking the file…</p>}
        <FormError message={error} />
      </section>

      {checked && (
        <section className="section" aria-labelledby="import-check-title" data-testid="import-check">
          <h2 id="import-check-title">Checked: {file?.name}</h2>
          <p data-testid="import-summary">
            {countOf(checked.total, 'row')}: {countOf(checked.valid, 'valid row')}
            {checked.invalid > 0 ? `, ${countOf(checked.invalid, 'invalid row')}` : ''}.
          </p>
          {checked.errors.length > 0 && (
            <>
              <DataTable testId="import-errors" columns={['Line', 'Column', 'Problem']}>
                {checked.errors.slice(0, SHOWN_ERRORS).map((e) => (
                  <tr key={`${e.row}-${e.field}`} data-testid="import-error">
                    <td className="cell-number">{e.row}</td>
                    <td>
                      <code>{e.field}</code>
                    </td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </DataTable>
              <p>
                <button
                  type="button"
                  className="button button--small"
                  onClick={() => void downloadProblems(checked, file?.name ?? 'customers.csv')}
                >
                  Download the problems (CSV)
                </button>{' '}
                <span className="muted">every invalid row, to fix in a spreadsheet</span>
              </p>
              {checked.errors.length > SHOWN_ERRORS && (
                <p className="muted">
                  And {countOf(checked.errors.length - SHOWN_ERRORS, 'more problem')}: fix these and check the
                  file again.
                </p>
              )}
              {checked.valid > 0 && !done && (
                <label className="checkbox form--after-list">
                  <input
                    type="checkbox"
                    checked={skipInvalid}
                    onChange={(e) => setSkipInvalid(e.target.checked)}
                  />
                  <span>Import the {countOf(checked.valid, 'valid row')} and leave out the invalid ones</span>
                </label>
              )}
            </>
          )}
          {!done && (
            <div className="form__actions">
              <button
                type="button"
                className="button button--primary"
                disabled={!canImport || busy !== null}
                onClick={() => void run()}
              >
                {busy === 'import' ? 'Importing…' : `Import ${countOf(importable, 'customer')}`}
              </button>
            </div>
          )}
        </section>
      )}

      {done && (
        <p className="notice notice--success" role="status" data-testid="import-done">
          Imported {countOf(done.imported, 'customer')}
          {done.organizationsCreated > 0
            ? ` and created ${countOf(done.organizationsCreated, 'organization')}`
            : ''}
          {done.invalid > 0 ? `; ${countOf(done.invalid, 'invalid row')} left out` : ''}.{' '}
          <Link to="/customers">See the customers</Link>
        </p>
      )}
    </>
  );
}
