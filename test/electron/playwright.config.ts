import { defineConfig } from '@playwright/test';

// The Electron smoke suite (npm run test:electron): the real app through Playwright's _electron.
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-results/electron',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  timeout: 180_000,
  reporter: [['list']],
});
