// CSV exports of lists and reports, for spreadsheets and BI tools. A list is streamed page by page
// through the same service (and so the same access rules and filters) that serves its JSON pages,
// so an export of a million rows holds one page in memory. The first page is read before the
// answer starts: a bad filter or an unknown view is still a 4xx with the error shape, not a cut
// file. Cells are written by csv-stringify (the csv-parse project's writer, already used for imports).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { safeCell, type CsvCell } from '../../shared/csv-cell.js';
import { foldCsvHeader } from '../../shared/schemas/imports.js';
import { zoneOffsetAt } from '../../shared/zoned-dates.js';

export { restoreCell, safeCell, type CsvCell } from '../../shared/csv-cell.js';

/** Times in an export: local wall-clock time in the export's zone, as spreadsheets read it. */
export type CsvTime = (value: string | Date | null | undefined) => string;

export interface CsvColumn<T> {
  header: string;
  value: (row: T, time: CsvTime) => CsvCell;
  /**
   * The column holds times written by `time`: its header names the zone they are in
   * ("Created (Europe/Berlin)"), so the file says it without the answer's headers.
   */
  zoned?: boolean;
}

/** A column's header as the file writes it: a column of times says their zone. */
export const headerOf = <T>(column: CsvColumn<T>, timeZone: string) =>
  column.zoned ? `${column.header} (${timeZone})` : column.header;

/** Zone offsets change only on a quarter hour (UTC): one is looked up per quarter hour seen. */
const SLOT_MS = 15 * 60_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `YYYY-MM-DD HH:MM:SS` in `timeZone` (an IANA zone the request schema checked). The zone's
 * offset comes from Intl (the platform's time zone data), asked once per quarter hour of UTC
 * time met and remembered: an export writes hundreds of thousands of times, and asking Intl for
 * each costs about 8 µs, most of an export's time.
 */
export function csvTime(timeZone: string): CsvTime {
  const offsets = new Map<number, number>();
  return (value) => {
    if (value === null || value === undefined) return '';
    const ms = typeof value === 'string' ? Date.parse(value) : value.getTime();
    const slot = Math.floor(ms / SLOT_MS);
    let offset = offsets.get(slot);
    if (offset === undefined) {
      offset = zoneOffsetAt(slot * SLOT_MS, timeZone);
      offsets.set(slot, offset);
    }
    const local = new Date(ms + offset);
    return (
      `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
      `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`
    );
  };
}

function lines<T>(rows: T[], columns: CsvColumn<T>[], time: CsvTime): string {
  return stringify(
    rows.map((row) => columns.map((c) => safeCell(c.value(row, time)))),
    { cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

export interface CsvAnswer<T> {
  filename: string;
  columns: CsvColumn<T>[];
  batches: AsyncIterable<T[]> | Iterable<T[]>;
  /**
   * The zone of the file's times (an IANA zone the request schema checked, or the caller's: see
   * timeZoneOf); UTC by default. Named in the answer's header `x-steward-time-zone`.
   */
  timeZone?: string;
  /**
   * Writes the export to the audit log. Called once the first batch is read (so a refused query
   * records nothing) and before the first byte is sent (so a download cut short, or a server
   * stopped halfway, is still on record). Required: no export leaves unrecorded. Its answer's
   * `finished` is told the number of rows once the last one is sent.
   */
  audit: () => Promise<{ finished(rows: number): Promise<unknown> }>;
}

/**
 * Answers with a CSV file (UTF-8 with a byte-order mark, so Excel reads accents right; a header
 * row; CRLF-free `\n` lines) named `filename`. The first batch is awaited here, before any byte
 * is sent, so its errors take the usual error path.
 */
export async function sendCsv<T>(reply: FastifyReply, answer: CsvAnswer<T>) {
  const { filename, columns, batches, timeZone = 'UTC' } = answer;
  const time = csvTime(timeZone);
  const it =
    Symbol.asyncIterator in batches
      ? batches[Symbol.asyncIterator]()
      : (batches as Iterable<T[]>)[Symbol.iterator]();
  const first = await it.next();
  const recorded = await answer.audit();
  async function* chunks() {
    // Headers too: a custom field's label is an admin's text, and may start with "=".
    yield `\uFEFF${stringify([columns.map((c) => safeCell(headerOf(c, timeZone)))])}`;
    let rows = 0;
    for (let r = first; !r.done; r = await it.next()) {
      rows += r.value.length;
      if (r.value.length) yield lines(r.value, columns, time);
    }
    // The file is whole by now: a failure to record its size is logged, not sent as a cut file.
    await recorded
      .finished(rows)
      .catch((err: unknown) => reply.log.error({ err }, 'export.finished not recorded'));
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('x-steward-time-zone', timeZone)
    .send(Readable.from(chunks(), { objectMode: false }));
}

/** A dated file name: `cases-2026-12-02.csv`, the date local to the export's zone. */
export const csvFilename = (what: string, timeZone = 'UTC', now = new Date()) =>
  `${what}-${csvTime(timeZone)(now).slice(0, 10)}.csv`;

/**
 * A report over a period, named by it: `commitment-rates-by-agreement-2026-11-06-to-2026-12-06.csv`.
 * `to` is the period's end, exclusive: the name gives its last day (a period that ends at
 * midnight ends the day before), in the export's zone as its rows are.
 */
export function csvPeriodFilename(what: string, from: string, to: string, timeZone = 'UTC') {
  const time = csvTime(timeZone);
  const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
  const lastDay = time(new Date(Math.max(fromMs, toMs - 1))).slice(0, 10);
  return `${what}-${time(from).slice(0, 10)}-to-${lastDay}.csv`;
}

/**
 * The header of each custom field's column: the field's label where the admins defined one and
 * it names one column only (not one of `taken`, the file's other headers, nor another field's
 * label, whatever the case, spaces, `-` and `_`), else `cf.<key>`, which the customer import
 * reads too. The import works out the same map from the same definitions to read labels back.
 */
export function customFieldHeaders(
  keys: string[],
  labels: ReadonlyMap<string, string>,
  taken: readonly string[] = [],
): Map<string, string> {
  // As the customer import compares headers: `Time-zone` is taken by `Time zone`.
  const fold = foldCsvHeader;
  const count = new Map<string, number>();
  for (const key of keys) {
    const label = labels.get(key);
    if (label) count.set(fold(label), (count.get(fold(label)) ?? 0) + 1);
  }
  const reserved = new Set(taken.map(fold));
  return new Map(
    keys.map((key) => {
      const label = labels.get(key)?.trim();
      const unique =
        label && !label.startsWith('cf.') && count.get(fold(label)) === 1 && !reserved.has(fold(label));
      return [key, unique ? label : `cf.${key}`];
    }),
  );
}

/**
 * One column per custom field key, headed by `headers` (see customFieldHeaders; `cf.<key>`
 * without one); a value that is not a scalar is left empty.
 */
export function customFieldColumns<T>(
  keys: string[],
  fieldsOf: (row: T) => Record<string, unknown>,
  headers: ReadonlyMap<string, string> = new Map(),
): CsvColumn<T>[] {
  return keys.map((key) => ({
    header: headers.get(key) ?? `cf.${key}`,
    value: (row: T) => {
      // Own keys only: a field named `constructor` is not the record's Object.prototype.constructor.
      const fields = fieldsOf(row);
      const v = Object.hasOwn(fields, key) ? fields[key] : undefined;
      return v === null || v === undefined || typeof v === 'object' ? '' : (v as CsvCell);
    },
  }));
}
