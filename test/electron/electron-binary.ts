import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');

/** scripts/electron-binary.mjs, loaded by path (scripts/ is a build helper, not a layer). */
export async function electronBinary(): Promise<{ binary: string | null; missingReason: string }> {
  const module = (await import(pathToFileURL(resolve(ROOT, 'scripts/electron-binary.mjs')).href)) as {
    findElectronBinary(): string | null;
    MISSING_ELECTRON: string;
  };
  return { binary: module.findElectronBinary(), missingReason: module.MISSING_ELECTRON };
}
