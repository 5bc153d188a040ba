// CSV cells Steward writes (server exports, files the web UI makes) and reads back (imports).

export type CsvCell = string | number | boolean | null | undefined;

/**
 * `+` or `-`, a digit, then only digits, spaces, dashes and parentheses: a phone number
 * (`+49 30 1234-5678`, `+1 (555) 010-0100`) or a signed number. Such a cell cannot be a harmful
 * formula: calling a function, naming a cell or another file (DDE `cmd|…!A1`) or a link all
 * need letters, quotes, `|`, `!` or `=`, and it has none. At worst a spreadsheet does
 * arithmetic with it, which the apostrophe would not make safer but would print into every
 * other program reading the file.
 */
const PLAIN_NUMBER = /^[+-][0-9][0-9 ()-]*$/;

/**
 * A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
 * first: "CSV injection") gets a leading apostrophe, as OWASP advises; but not a phone number or
 * a signed number (PLAIN_NUMBER). Customer-written subjects and names reach these files.
 * Numbers stay numbers.
 */
export function safeCell(value: CsvCell): CsvCell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) && !PLAIN_NUMBER.test(value)
    ? `'${value}`
    : value;
}

/** Undoes `safeCell` on a cell read back by an import: `'+49 30 …` is the phone number `+49 30 …`. */
export const restoreCell = (value: string) => (/^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value);
