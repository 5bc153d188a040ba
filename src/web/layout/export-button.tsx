// "Export CSV": the list or report as the page shows it (same filters), as a file. Times in the
// file are local to the zone the person works in (their own, else the company's, else the
// browser's: useWorkZone), or to the zone the page counts its days in; the button says which, and
// waits until that zone is known.
import { API_BASE, withQuery, type Query } from '../lib/api.js';
import { useDownload } from '../lib/download.js';
import { useWorkZone } from '../lib/work-zone.js';

/** `cases-2026-12-02.csv`: the date in the file's zone, as the server names its files. */
export const exportFilename = (name: string, timeZone?: string, now = new Date()) =>
  `${name}-${now.toLocaleDateString('sv-SE', { timeZone })}.csv`;

export function ExportButton(props: {
  /** The export's API path, e.g. `/cases/export.csv`. */
  path: string;
  query?: Query;
  /** The file's name without date or extension. */
  name: string;
  label?: string;
  /** Without a time zone parameter (the customer export writes no times). */
  noTimeZone?: boolean;
  /** The zone of the file's times: the page's (a KPI page's buckets); the person's by default. */
  timeZone?: string;
}) {
  const work = useWorkZone();
  const zone = props.timeZone ?? work.zone;
  const file = () => {
    const query = props.noTimeZone ? props.query : { ...props.query, timezone: zone };
    return { url: withQuery(`${API_BASE}${props.path}`, query), filename: exportFilename(props.name, zone) };
  };
  return (
    <DownloadButton
      file={file}
      label={props.label ?? 'Export CSV'}
      busyLabel="Exporting…"
      testId={`export-${props.name}`}
      title={props.noTimeZone ? undefined : `Times in ${zone}`}
      zone={props.noTimeZone ? undefined : zone}
      // Not before the zone is known: the file's times, and a page's period, would be in another.
      waiting={!props.noTimeZone && !work.ready}
    />
  );
}

/** A button that downloads a file from the API (with the session), saying so while it does and why it failed. */
export function DownloadButton(props: {
  /** The URL and the file's name, read when clicked. */
  file: () => { url: string; filename: string };
  label: string;
  busyLabel: string;
  testId: string;
  /** Says more of the file (the zone of its times). */
  title?: string;
  /** The zone of the file's times, for tests to read. */
  zone?: string;
  /** Not yet: what the file depends on is still being read. */
  waiting?: boolean;
}) {
  const { busy, error, download } = useDownload();
  return (
    <span className="export-button">
      <button
        type="button"
        className="button button--ghost"
        onClick={() => {
          const { url, filename } = props.file();
          void download(url, filename);
        }}
        disabled={busy || props.waiting}
        aria-busy={busy || props.waiting}
        data-testid={props.testId}
        data-zone={props.zone}
        title={props.title}
      >
        {busy ? props.busyLabel : props.label}
      </button>
      {error && (
        <span role="alert" className="field__error">
          {error}
        </span>
      )}
    </span>
  );
}
