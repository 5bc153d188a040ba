// CSV cells Steward writes (server exports, files the web UI makes) and reads back (imports).

export type CsvCell = string | number | boolean | null | undefined;

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
