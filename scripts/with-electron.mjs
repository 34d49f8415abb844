// Runs a command only where the Electron binary exists; elsewhere says why and exits 1.
import { spawnSync } from 'node:child_process';
import { findElectronBinary, MISSING_ELECTRON } from './electron-binary.mjs';

const [command, ...args] = process.argv.slice(2);
if (findElectronBinary() === null) {
  console.error(MISSING_ELECTRON);
  process.exit(1);
}
const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
