// Browser tests: a real server with the built UI, driven through headless Chromium.
// `npm run test:browser` builds first; CHROMIUM_PATH overrides /usr/bin/chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 60_000,
    // A file that makes a new data-folder template (harness.ts) starts Steward twice in its beforeAll.
    hookTimeout: 180_000,
    fileParallelism: false,
    // On CI a failed test is tried once more, and the flaky reporter names those that needed it
    // (docs/development.md): one race must not refuse a whole change; it must still be seen.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default', './test/setup/flaky-reporter.ts'],
    pool: 'forks',
  },
});
