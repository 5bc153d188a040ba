// CSV exports of lists and reports, for spreadsheets and BI tools. A list is streamed page by page
// through the same service (and so the same access rules and filters) that serves its JSON pages,
// so an export of a million rows holds one page in memory. The first page is read before the
// answer starts: a bad filter or an unknown view is still a 4xx with the error shape, not a cut
// file. Cells are written by csv-stringify (the csv-parse project's writer, already used for imports).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

export type CsvCell = string | number | boolean | null | undefined;

/** Times in an export: local wall-clock time in the export's zone, as spreadsheets read it. */
export type CsvTime = (value: string | Date | null | undefined) => string;

export interface CsvColumn<T> {
  header: string;
  value: (row: T, time: CsvTime) => CsvCell;
}

/** `YYYY-MM-DD HH:MM:SS` in `timeZone` (an IANA zone the request schema checked). */
export function csvTime(timeZone: string): CsvTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (value) => {
    if (value === null || value === undefined) return '';
    const p: Record<string, string> = {};
    for (const part of format.formatToParts(typeof value === 'string' ? new Date(value) : value))
      p[part.type] = part.value;
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  };
}

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * first: "CSV injection") gets a leading apostrophe, as OWASP advises. Customer-written subjects
 * and names reach these files. Numbers stay numbers.
 */
export function safeCell(value: CsvCell): CsvCell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Undoes `safeCell` on a cell read back by an import: `'+49 30 …` is the phone number `+49 30 …`. */
export const restoreCell = (value: string) => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);

function lines<T>(rows: T[], columns: CsvColumn<T>[], time: CsvTime): string {
  return stringify(
    rows.map((row) => columns.map((c) => safeCell(c.value(row, time)))),
    { cast: { boolean: (b) => (b ? 'true' : 'false') } },
  );
}

/**
 * Answers with a CSV file (UTF-8 with a byte-order mark, so Excel reads accents right; a header
 * row; CRLF-free `\n` lines) named `filename`. The first batch is awaited here, before any byte
 * is sent, so its errors take the usual error path.
 */
export async function sendCsv<T>(
  reply: FastifyReply,
  filename: string,
  columns: CsvColumn<T>[],
  batches: AsyncIterable<T[]> | Iterable<T[]>,
  timeZone = 'UTC',
) {
  const time = csvTime(timeZone);
  const it =
    Symbol.asyncIterator in batches
      ? batches[Symbol.asyncIterator]()
      : (batches as Iterable<T[]>)[Symbol.iterator]();
  const first = await it.next();
  async function* chunks() {
    yield `\uFEFF${stringify([columns.map((c) => c.header)])}`;
    for (let r = first; !r.done; r = await it.next()) if (r.value.length) yield lines(r.value, columns, time);
  }
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(Readable.from(chunks(), { objectMode: false }));
}

/** A dated file name: `cases-2026-12-02.csv`, the date local to the export's zone. */
export const csvFilename = (what: string, timeZone = 'UTC', now = new Date()) =>
  `${what}-${csvTime(timeZone)(now).slice(0, 10)}.csv`;
