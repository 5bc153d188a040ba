// "Export CSV": the list or report as the page shows it (same filters), as a file. Times in the
// file are local to the browser's zone, as on the page.
import { API_BASE, withQuery, type Query } from '../lib/api.js';
import { useDownload } from '../lib/download.js';
import { browserTimeZone } from '../lib/time-zones.js';

/** `cases-2026-12-02.csv`: the date in the browser's zone, as the server names its files. */
export const exportFilename = (name: string, now = new Date()) =>
  `${name}-${now.toLocaleDateString('sv-SE')}.csv`;

export function ExportButton(props: {
  /** The export's API path, e.g. `/cases/export.csv`. */
  path: string;
  query?: Query;
  /** The file's name without date or extension. */
  name: string;
  label?: string;
  /** Without a time zone parameter (the customer export writes no times). */
  noTimeZone?: boolean;
}) {
  const { busy, error, download } = useDownload();
  const run = () => {
    const query = props.noTimeZone ? props.query : { ...props.query, timezone: browserTimeZone() };
    return download(withQuery(`${API_BASE}${props.path}`, query), exportFilename(props.name));
  };
  return (
    <span className="export-button">
      <button
        type="button"
        className="button button--ghost"
        onClick={() => void run()}
        disabled={busy}
        aria-busy={busy}
        data-testid={`export-${props.name}`}
      >
        {busy ? 'Exporting…' : (props.label ?? 'Export CSV')}
      </button>
      {error && (
        <span role="alert" className="field__error">
          {error}
        </span>
      )}
    </span>
  );
}
