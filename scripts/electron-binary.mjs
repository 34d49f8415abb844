// Finds the Electron binary without triggering electron's lazy download (which fails offline).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PLATFORM_PATHS = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

export function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  // electron writes path.txt once its download succeeds; before that, use the platform's layout.
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : (PLATFORM_PATHS[process.platform] ?? 'electron');
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

export const MISSING_ELECTRON =
  'The Electron binary is not installed (its download is blocked on this machine): run `npx install-electron` on a machine that can reach the Electron release mirror, or use `npm run start:browser` to run Seatdesk in a browser instead.';
