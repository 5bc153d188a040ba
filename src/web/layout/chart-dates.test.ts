import { afterAll, describe, expect, it } from 'vitest';
import { chartDateFormats, dateFormat, dateTicks } from './chart-dates.js';

// Fixed locale and zone, so the test reads the same on every machine; the process's zone is put
// back afterwards (the next test file in this worker shares the process).
const zoneBefore = process.env.TZ;
process.env.TZ = 'UTC';
afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});
const gb = chartDateFormats('en-GB');
const us = chartDateFormats('en-US');
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

describe('chart dates', () => {
  it('writes days in the locale’s order, not US-style numbers', () => {
    const ticks = [at('2026-11-02T00:00:00Z'), at('2026-11-09T00:00:00Z')];
    expect(dateTicks(ticks, gb)).toEqual(['2 Nov', '9 Nov']);
    expect(dateTicks(ticks, us)).toEqual(['Nov 2', 'Nov 9']);
  });

  it('writes months with their year once ticks are a month apart', () => {
    expect(dateTicks([at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z')], gb)).toEqual([
      'Nov 2026',
      'Dec 2026',
    ]);
  });

  it('writes hours, with the day under the first tick of each day', () => {
    const ticks = [
      at('2026-12-04T20:00:00Z'),
      at('2026-12-04T22:00:00Z'),
      at('2026-12-05T00:00:00Z'),
      at('2026-12-05T02:00:00Z'),
    ];
    expect(dateTicks(ticks, gb)).toEqual(['20:00\n4 Dec', '22:00', '00:00\n5 Dec', '02:00']);
  });

  it('gives legend points their time only when they are under a day apart', () => {
    const t = at('2026-12-05T14:00:00Z');
    expect(dateFormat(DAY, gb).format(t)).toBe('5 Dec 2026');
    expect(dateFormat(DAY / 24, gb).format(t)).toBe('5 Dec 2026, 14:00');
  });
});
