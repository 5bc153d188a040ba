// Browser tests: a real server with the built UI, driven through headless Chromium.
// `npm run test:browser` builds first; CHROMIUM_PATH overrides /usr/bin/chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
