// All benchmarks, one after another, each at a quick size: npm run bench [-- --postgres URL]
// Each prints its own table; for the full sizes run a benchmark on its own (docs/performance.md).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { postgres: { type: 'string' } } });
const db = args.postgres ? ['--postgres', args.postgres] : [];
const runs: [string, string[]][] = [
  ['bench/business-time.ts', []],
  ['bench/cases.ts', ['--cases', '50000', '--api-cases', '500', '--import-cases', '5000', ...db]],
  ['bench/events.ts', ['--events', '30000', '--timer-lead', '3', ...db]],
  ['bench/customers.ts', ['--customers', '20000', ...db]],
  ['bench/commitments.ts', ['--commitments', '20000', '--customers', '1000', '--cases', '10000', ...db]],
  ['bench/notifications.ts', ['--cases', '5000', ...db]],
  ['bench/webhooks.ts', ['--events', '5000', ...db]],
  ['bench/live.ts', ['--staff', '50', '--customers', '50', '--updates', '500', ...db]],
];
for (const [script, flags] of runs) {
  console.log(`\n== npx tsx ${script} ${flags.join(' ')}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...flags], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
