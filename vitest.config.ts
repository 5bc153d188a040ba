import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    // A worker's test files share its process (each still gets its own database and server):
    // modules load once per worker, not once per file. process-defaults.ts puts back, before each
    // file, the process-wide settings a built app changes; a file that changes others puts them
    // back itself (docs/development.md).
    pool: 'forks',
    isolate: false,
    setupFiles: ['test/setup/process-defaults.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
