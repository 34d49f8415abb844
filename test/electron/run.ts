import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { electronBinary } from './electron-binary';

// `npm run test:electron`: the Electron smoke suite where the Electron binary is installed;
// elsewhere it says it was skipped and why, and succeeds (there is nothing it could test).
const ROOT = resolve(import.meta.dirname, '../..');
const { binary, missingReason } = await electronBinary();
if (binary === null) {
  console.log(`Electron smoke suite skipped: ${missingReason}`);
  process.exit(0);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// The app as `npm start` would load it: the built main, preload and renderer, and the bundled service.
run('npx', ['electron-vite', 'build', '--logLevel', 'warn']);
run(process.execPath, ['scripts/build-service.mjs']);
const playwright = ['playwright', 'test', '--config', 'test/electron/playwright.config.ts'];
// Linux CI has no display: give Electron a virtual one.
if (process.platform === 'linux' && process.env['DISPLAY'] === undefined) run('xvfb-run', ['--auto-servernum', 'npx', ...playwright]);
else run('npx', playwright);
