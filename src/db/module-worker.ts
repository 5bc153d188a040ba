// A worker thread running a module of this code base, compiled or not: the `.js` file as built,
// or in development, tests and benchmarks (TypeScript run through tsx or vitest) the `.ts` source
// loaded through tsx's ES module API. A worker does not inherit the loader its parent runs under.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts a worker on `entry` (a module URL, `.js` or `.ts`). */
export function moduleWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  // tsx's ES module API (its `require` entry would resolve to the CommonJS build).
  const tsx = new URL(
    'dist/esm/api/index.mjs',
    pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')),
  ).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
