// `npm run dev`: the API with hot reload on :3000 (demo data in ./data) and the web UI from Vite
// on :5173, which forwards /api to the API. Ctrl-C stops both; if one exits, the other stops too.
// The children run in their own process groups so each gets exactly one signal from us: the API
// server treats a second signal as "exit now, skip the graceful shutdown".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (path) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));

const processes = [
  {
    name: 'api',
    args: [bin('tsx/dist/cli.mjs'), 'watch', 'src/cli/main.ts', 'start', '--demo', '--port', '3000'],
  },
  { name: 'web', args: [bin('vite/bin/vite.js'), '--port', '5173'] },
];

let stopping = false;
let exitCode = 0;
const children = processes.map(({ name, args }) => {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: 'inherit',
    detached: process.platform !== 'win32',
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${signal ?? `code ${code}`}); stopping the other`);
      exitCode = code || 1;
      stop('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
  return child;
});

function stop(signal) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) process.exit(130); // a second Ctrl-C: do not wait
    console.error('\n[dev] stopping api and web…');
    stop(signal);
  });
}
