// Throughput of the business-time core: npx tsx bench/business-time.ts
// Starts are spread over two years, as when the clocks of many cases are recomputed after a
// calendar change; the first pass over the dates warms the calendar's day cache.
import {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  type BusinessCalendar,
} from '../src/core/business-time.js';

const WEEKDAYS = [1, 2, 3, 4, 5];
const berlin = () =>
  compileCalendar({
    timezone: 'Europe/Berlin',
    hours: WEEKDAYS.map((day) => ({ day, open: '09:00', close: '17:00' })),
    holidays: [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-01',
      '2026-05-14',
      '2026-05-25',
      '2026-10-03',
      '2026-12-25',
      '2026-12-26',
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-01',
      '2027-05-06',
      '2027-05-17',
      '2027-10-03',
      '2027-12-25',
      '2027-12-26',
    ],
  });
const lunch = () =>
  compileCalendar({
    timezone: 'America/New_York',
    hours: WEEKDAYS.flatMap((day) => [
      { day, open: '08:30', close: '12:00' },
      { day, open: '13:00', close: '18:00' },
    ]),
    holidays: ['2026-07-03', '2026-11-26', '2026-12-25'],
  });
const always = () =>
  compileCalendar({
    timezone: 'Europe/Berlin',
    hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
    holidays: [],
  });

const N = 1_000_000;
const FROM = Date.UTC(2026, 0, 1);
const SPAN = 2 * 365 * 86_400_000;
// A fixed pseudo-random sequence of starts (with seconds), identical for every row.
const starts = Array.from({ length: N }, (_, i) => new Date(FROM + ((i * 2_654_435_761) % SPAN)));

function time(calls: number, run: () => void): number {
  const t0 = performance.now();
  run();
  return Math.round(calls / ((performance.now() - t0) / 1000));
}

function rate(calls: number, run: () => void): number {
  run(); // warm-up: JIT and the day cache
  return time(calls, run);
}

function row(name: string, spec: () => BusinessCalendar, targets: (i: number) => number, n = N) {
  const ends = new Array<Date>(n);
  // The first pass on a freshly compiled calendar fills its day cache (as after a calendar change).
  const fresh = spec();
  const cold = time(n, () => {
    for (let i = 0; i < n; i++) ends[i] = addBusinessMinutes(fresh, starts[i]!, targets(i));
  });
  const cal = spec();
  const add = rate(n, () => {
    for (let i = 0; i < n; i++) ends[i] = addBusinessMinutes(cal, starts[i]!, targets(i));
  });
  let check = 0;
  const between = rate(n, () => {
    check = 0;
    for (let i = 0; i < n; i++) check += businessMinutesBetween(cal, starts[i]!, ends[i]!);
  });
  let expected = 0;
  for (let i = 0; i < n; i++) expected += targets(i);
  if (check !== expected) throw new Error(`${name}: between() does not invert add()`);
  return {
    calendar: name,
    calls: n,
    'add/s, cold cache': cold.toLocaleString('en'),
    'add/s': add.toLocaleString('en'),
    'between/s': between.toLocaleString('en'),
  };
}

const typical = (i: number) => 60 + (i % 421); // 60..480 minutes
const threeMonths = (i: number) => 30_000 + (i % 1_000); // ~62 business days of 8 h

const compileRate = rate(10_000, () => {
  for (let i = 0; i < 10_000; i++) {
    compileCalendar({
      timezone: 'Europe/Berlin',
      hours: [{ day: 1, open: '09:00', close: '17:00' }],
      holidays: [],
    });
  }
});

console.table([
  row('Berlin 9-17 Mon-Fri, holidays, 60-480 min', berlin, typical),
  row('New York split day, holidays, 60-480 min', lunch, typical),
  row('24/7, 60-480 min', always, typical),
  row('Berlin 9-17 Mon-Fri, holidays, ~3 months', berlin, threeMonths, 100_000),
  row('24/7, ~3 months', always, threeMonths),
]);
console.log(`compileCalendar: ${compileRate.toLocaleString('en')} calendars/s`);
