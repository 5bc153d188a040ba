// The CSV helpers' pure parts: local times (checked against luxon, across offsets that are not
// whole hours and the days clocks change) and formula cells.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  csvFilename,
  csvPeriodFilename,
  csvTime,
  customFieldHeaders,
  headerOf,
  restoreCell,
  safeCell,
} from './csv.js';

describe('csvTime', () => {
  const zones = [
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata', // +05:30
    'Asia/Kathmandu', // +05:45
    'Australia/Lord_Howe', // a half-hour daylight saving shift
    'America/St_Johns', // -03:30 / -02:30
    'Pacific/Chatham', // +12:45 / +13:45
  ];

  it('writes the wall-clock time luxon gives, for any instant, in every zone', () => {
    // Seeded, so a failure repeats: instants over 2025-2027, each to the millisecond.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(2025, 0, 1);
    const span = Date.UTC(2028, 0, 1) - from;
    for (const zone of zones) {
      const time = csvTime(zone);
      for (let i = 0; i < 3000; i++) {
        const ms = Math.floor(from + next() * span);
        const expected = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
        expect(time(new Date(ms)), `${zone} ${new Date(ms).toISOString()}`).toBe(expected);
      }
    }
  });

  it('agrees with luxon every 13 minutes of a year, through each clock change', () => {
    for (const zone of ['Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Chatham']) {
      const time = csvTime(zone);
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 13 * 60_000 + 1_001) {
        const expected = DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
        if (time(new Date(ms)) !== expected) expect(time(new Date(ms)), `${zone} ${ms}`).toBe(expected);
      }
    }
  });

  it('is right on both sides of a clock change, to the second', () => {
    const berlin = csvTime('Europe/Berlin');
    // 2026-03-29 01:00 UTC: 02:00 in Berlin becomes 03:00.
    expect(berlin('2026-03-29T00:59:59.000Z')).toBe('2026-03-29 01:59:59');
    expect(berlin('2026-03-29T01:00:00.000Z')).toBe('2026-03-29 03:00:00');
    // 2026-10-25 01:00 UTC: 03:00 becomes 02:00 again (02:xx happens twice).
    expect(berlin('2026-10-25T00:59:59.000Z')).toBe('2026-10-25 02:59:59');
    expect(berlin('2026-10-25T01:00:00.000Z')).toBe('2026-10-25 02:00:00');
    const lordHowe = csvTime('Australia/Lord_Howe');
    // 2026-04-05 02:00 local (+11:00) becomes 01:30 (+10:30): 2026-04-04 15:00 UTC.
    expect(lordHowe('2026-04-04T14:59:59.000Z')).toBe('2026-04-05 01:59:59');
    expect(lordHowe('2026-04-04T15:00:00.000Z')).toBe('2026-04-05 01:30:00');
  });

  it('writes the years 1 to 99 as they are (a historic import may hold them), not as 1901 to 1999', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/New_York']) {
      const time = csvTime(zone);
      for (const iso of [
        '0001-01-01T00:00:00.000Z',
        '0050-06-01T12:34:56.000Z',
        '0099-12-31T23:59:59.000Z',
      ]) {
        const expected = DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
        expect(time(iso), `${zone} ${iso}`).toBe(expected);
      }
    }
    expect(csvTime('UTC')('0050-06-01T12:34:56.000Z')).toBe('0050-06-01 12:34:56');
  });

  it('leaves a missing time empty, and reads dates as well as ISO strings', () => {
    const time = csvTime('Asia/Tokyo');
    expect(time(null)).toBe('');
    expect(time(undefined)).toBe('');
    expect(time(new Date('2026-12-31T15:00:00.000Z'))).toBe('2027-01-01 00:00:00');
  });

  it('names a report over a period by its first and last day in the zone (`to` exclusive)', () => {
    expect(csvPeriodFilename('rates', '2026-11-06T00:00:00.000Z', '2026-12-06T00:00:00.000Z')).toBe(
      'rates-2026-11-06-to-2026-12-05.csv',
    );
    // Not at midnight: `to`'s own day is the last.
    expect(csvPeriodFilename('rates', '2026-11-06T08:00:00.000Z', '2026-12-06T08:00:00.000Z')).toBe(
      'rates-2026-11-06-to-2026-12-06.csv',
    );
    // Midnight in Berlin is 23:00 UTC the day before.
    expect(
      csvPeriodFilename('rates', '2026-11-05T23:00:00.000Z', '2026-12-05T23:00:00.000Z', 'Europe/Berlin'),
    ).toBe('rates-2026-11-06-to-2026-12-05.csv');
    // An empty period is its first day.
    expect(csvPeriodFilename('rates', '2026-11-06T00:00:00.000Z', '2026-11-06T00:00:00.000Z')).toBe(
      'rates-2026-11-06-to-2026-11-06.csv',
    );
  });

  it('names files by the date in the zone', () => {
    const now = new Date('2026-12-31T23:30:00.000Z');
    expect(csvFilename('cases', 'UTC', now)).toBe('cases-2026-12-31.csv');
    expect(csvFilename('cases', 'Europe/Berlin', now)).toBe('cases-2027-01-01.csv');
  });
});

describe('formula cells', () => {
  it('get an apostrophe when a spreadsheet would run them, and the import takes it off again', () => {
    for (const text of [
      '=SUM(A1)',
      '-5 %',
      '@cmd',
      '\tx',
      '\rx',
      "+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      '+1 555 HYPERLINK',
      '+1+1',
      '-1.5',
      '+',
      '- 1',
      '+(1)',
      '+1 555\n=1',
    ]) {
      expect(safeCell(text), text).toBe(`'${text}`);
      expect(restoreCell(safeCell(text) as string)).toBe(text);
    }
    // A phone number or a signed whole number: no function, reference, link or DDE can hide in
    // digits, spaces, dashes and parentheses, so it is written as it is.
    for (const text of ['+49 30 1234', '+49 30 1234-5678', '+1 (555) 010-0100', '-5', '+44(0)20 7946 0958'])
      expect(safeCell(text), text).toBe(text);
    for (const value of ['Parcel late', "'quoted", 'a=b', -5, 0, true, null, undefined])
      expect(safeCell(value)).toBe(value);
    // Only an apostrophe the export added is taken off.
    expect(restoreCell("'quoted")).toBe("'quoted");
    expect(restoreCell('plain')).toBe('plain');
  });
});

describe('headers', () => {
  it('a column of times names the zone they are written in', () => {
    const column = { header: 'Created', value: () => '', zoned: true };
    expect(headerOf(column, 'Europe/Berlin')).toBe('Created (Europe/Berlin)');
    expect(headerOf({ header: 'Name', value: () => '' }, 'Europe/Berlin')).toBe('Name');
  });

  it('a custom field by its label where it names one column only, else cf.<key>', () => {
    const labels = new Map([
      ['tier', 'Tier'],
      ['zone', 'Time-Zone'], // a built-in column's name, spelt otherwise
      ['a', 'Region'],
      ['b', ' region '], // the same label, whatever the case and spaces
      ['odd', 'cf.other'], // would read as another field's key
      ['blank', ''],
    ]);
    const headers = customFieldHeaders(['tier', 'zone', 'a', 'b', 'odd', 'blank', 'undefined_key'], labels, [
      'Name',
      'Time zone',
    ]);
    expect(Object.fromEntries(headers)).toEqual({
      tier: 'Tier',
      zone: 'cf.zone',
      a: 'cf.a',
      b: 'cf.b',
      odd: 'cf.odd',
      blank: 'cf.blank',
      undefined_key: 'cf.undefined_key',
    });
  });
});
