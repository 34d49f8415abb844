import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One initialised PGlite cluster for the run, which each test database loads (service/testing/pglite.ts).
    globalSetup: ['test/support/pglite-template.setup.ts'],
    // `vitest run` runs both; `--project unit` or `--project reliability` one of them.
    projects: [
      { extends: true, test: { name: 'unit', include: ['{shared,electron,service,renderer,test/unit}/**/*.test.{ts,tsx}'] } },
      // Sized by SEATDESK_RELIABILITY_RUNS / _SEED (test/reliability/settings.ts): CI-sized when unset.
      // Two concurrent tests at most: the chaos seeds run two at a time.
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], maxConcurrency: 2 } },
    ],
  },
});
