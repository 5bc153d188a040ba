// Small helpers shared by the benchmarks: timing, percentiles, a printed table, progress lines.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function printTable(title: string, rows: [string, string][]) {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(24)}`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function progress(label: string, done: number, total: number) {
  process.stderr.write(`\r${label}: ${fmt(done)}/${fmt(total)} (${Math.floor((done / total) * 100)}%)   `);
  if (done >= total) process.stderr.write('\n');
}

/** Runs `task` `count` times with `concurrency` in flight; returns each run's milliseconds. */
export async function timed(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = now();
        await task(i);
        samples.push(now() - t0);
      }
    }),
  );
  return samples;
}
