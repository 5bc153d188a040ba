// Runs periodic jobs in every server process. The jobs themselves claim their rows through
// PostgreSQL (SKIP LOCKED + once-only conditions), so running them on many nodes is safe;
// this loop only decides when to look. A job that finds a full batch runs again at once.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client.js';
import { JOB_BATCH, closeSolvedCases, recordBreaches, recordWarnings } from '../domains/cases/case-jobs.js';

export interface Job {
  name: string;
  everyMs: number;
  run(db: Database): Promise<number>;
}

export const DEFAULT_JOBS: Job[] = [
  { name: 'promise-breaches', everyMs: 1_000, run: (db) => recordBreaches(db) },
  { name: 'promise-warnings', everyMs: 1_000, run: (db) => recordWarnings(db) },
  { name: 'case-auto-close', everyMs: 60_000, run: (db) => closeSolvedCases(db) },
];

export function startScheduler(db: Database, log: FastifyBaseLogger, jobs: Job[] = DEFAULT_JOBS) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    const tick = async () => {
      if (stopped) return;
      try {
        let n: number;
        do {
          n = await job.run(db);
          if (n > 0) log.info({ job: job.name, count: n }, 'job done');
        } while (n >= JOB_BATCH && !stopped);
      } catch (err) {
        if (!stopped) log.error({ err, job: job.name }, 'job failed');
      }
    };
    const timer = setInterval(() => {
      const p = tick();
      running.add(p);
      void p.finally(() => running.delete(p));
    }, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
